#include "connectors/file/file_sink.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>

#include "api/session_state.h"
#include "connectors/file/file_listing.h"
#include "formats/csv/csv_options.h"
#include "formats/csv/csv_writer.h"
#include "formats/json/json_options.h"
#include "formats/json/json_writer.h"
#include "formats/parquet/parquet_writer.h"
#include "platform/file_system.h"
#include "platform/thread_pool.h"
#include "platform/uuid.h"
#include "sluice/exception.h"
#include "streaming/checkpoint/file_sink_log.h"
#include "types/ascii.h"
#include "types/value_format.h"

namespace sluice {

namespace fs = std::filesystem;

namespace {

// Turns batches of one schema into part files: splits rows by partition directory, renders the
// data columns in the format and writes each file atomically.
class PartFileWriter {
 public:
  PartFileWriter(FileFormat format, OptionMap options, const TypePtr& schema,
                 const std::vector<std::string>& partition_by, std::string time_zone)
      : format_(format), options_(std::move(options)), time_zone_(std::move(time_zone)) {
    if (!options_.contains("timeZone")) options_["timeZone"] = time_zone_;
    CheckUtf8Encoding(options_);
    std::string codec =
        AsciiLower(GetString(options_, "compression", GetString(options_, "codec", "none")));
    if (format_ == FileFormat::kParquet) {
      parquet_options_ = ParquetWriteOptions::FromMap(options_);  // validates the codec
    } else if (codec != "none" && codec != "uncompressed") {
      throw AnalysisError(
          fmt::format("Codec [{}] is not available. Known codecs are none, uncompressed.", codec));
    }
    max_records_per_file_ = GetInt(options_, "maxRecordsPerFile", 0);
    const auto& fields = schema->fields();
    for (const std::string& col : partition_by) {
      int idx = schema->FieldIndex(col);
      if (idx < 0) {
        throw AnalysisError(fmt::format("Partition column `{}` not found in schema {}", col,
                                        schema->SimpleString()));
      }
      partition_cols_.push_back(idx);
    }
    std::vector<StructField> data_fields;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (std::find(partition_cols_.begin(), partition_cols_.end(), static_cast<int>(i)) ==
          partition_cols_.end()) {
        data_cols_.push_back(static_cast<int>(i));
        data_fields.push_back(fields[i]);
      }
    }
    if (data_fields.empty()) {
      throw AnalysisError(
          "[ALL_PARTITION_COLUMNS_NOT_ALLOWED] Cannot use all columns for "
          "partition columns. SQLSTATE: KD005");
    }
    data_schema_ = StructType(std::move(data_fields));
    switch (format_) {
      case FileFormat::kJson:
        ext_ = "json";
        json_options_ = JsonOptions::FromMap(options_, time_zone_);
        break;
      case FileFormat::kCsv:
        ext_ = "csv";
        csv_options_ = CsvOptions::FromMap(options_, time_zone_);
        CsvWriter(data_schema_, csv_options_);  // rejects nested columns now
        break;
      case FileFormat::kText:
        ext_ = "txt";
        if (data_schema_->fields().size() != 1) {
          throw AnalysisError(fmt::format(
              "Text data source supports only a single column, and you have {} columns.",
              data_schema_->fields().size()));
        }
        if (data_schema_->fields()[0].type->id() != TypeId::kString) {
          throw AnalysisError(fmt::format(
              "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The Text datasource doesn't support the "
              "column `{}` of the type \"{}\". SQLSTATE: 0A000",
              data_schema_->fields()[0].name, data_schema_->fields()[0].type->Sql()));
        }
        text_line_sep_ = GetString(options_, "lineSep", "\n");
        break;
      case FileFormat::kParquet: {
        ext_ = parquet_options_.codec == parquet::Codec::kUncompressed
                   ? "parquet"
                   : AsciiLower(parquet::CodecName(parquet_options_.codec)) + ".parquet";
        ParquetWriter check(data_schema_, parquet_options_);  // rejects unsupported types now
        break;
      }
    }
  }

  /// Writes the rows of `batches` (task `task` of job `job_id`) under `root`; returns the files.
  std::vector<fs::path> WriteTask(const fs::path& root, size_t task, const std::string& job_id,
                                  const std::vector<RecordBatchPtr>& batches) const {
    // Rows per partition directory ("" without partitionBy), directories in sorted order.
    std::map<std::string, std::vector<RecordBatchPtr>> by_dir;
    for (const RecordBatchPtr& b : batches) {
      if (!b || b->num_rows() == 0) continue;
      if (partition_cols_.empty()) {
        by_dir[""].push_back(DataColumns(b));
        continue;
      }
      std::map<std::string, SelectionVector> rows;
      for (size_t r = 0; r < b->num_rows(); ++r) rows[PartitionDir(*b, r)].push_back(r);
      for (auto& [dir, sel] : rows) by_dir[dir].push_back(DataColumns(b->Take(sel)));
    }
    std::vector<fs::path> written;
    for (const auto& [dir, parts] : by_dir) {
      fs::path target = dir.empty() ? root : root / dir;
      MakeDirs(target);
      int counter = 0;
      std::string content;
      int64_t rows_in_file = 0;
      // Parquet streams each row group to its file as it is encoded; the text formats build the
      // file's content first.
      std::unique_ptr<ParquetWriter> parquet;
      std::unique_ptr<AtomicFileWriter> parquet_file;
      fs::path parquet_path;
      auto next_path = [&] {
        return target / fmt::format("part-{:05d}-{}.c{:03d}.{}", task, job_id, counter++, ext_);
      };
      auto flush = [&] {
        if (rows_in_file == 0) return;
        if (parquet) {
          parquet->Finish();
          parquet.reset();
          parquet_file->Commit();
          parquet_file.reset();
          written.push_back(parquet_path);
        } else {
          fs::path file = next_path();
          WriteFileAtomic(file, content);
          written.push_back(file);
          content.clear();
        }
        rows_in_file = 0;
      };
      for (const RecordBatchPtr& part : parts) {
        size_t offset = 0;
        while (offset < part->num_rows()) {
          size_t n = part->num_rows() - offset;
          if (max_records_per_file_ > 0) {
            n = std::min<size_t>(n, static_cast<size_t>(max_records_per_file_ - rows_in_file));
          }
          RecordBatchPtr chunk =
              (offset == 0 && n == part->num_rows()) ? part : part->Slice(offset, n);
          if (rows_in_file == 0) AppendHeader(&content);
          if (format_ == FileFormat::kParquet) {
            if (!parquet) {
              parquet_path = next_path();
              parquet_file = std::make_unique<AtomicFileWriter>(parquet_path);
              parquet = std::make_unique<ParquetWriter>(
                  data_schema_, parquet_options_,
                  [out = parquet_file.get()](std::string_view bytes) { out->Append(bytes); });
            }
            parquet->Write(chunk);
          } else {
            Render(*chunk, &content);
          }
          rows_in_file += static_cast<int64_t>(n);
          offset += n;
          if (max_records_per_file_ > 0 && rows_in_file >= max_records_per_file_) flush();
        }
      }
      flush();
    }
    return written;
  }

 private:
  RecordBatchPtr DataColumns(const RecordBatchPtr& b) const {
    if (partition_cols_.empty())
      return RecordBatch::Make(data_schema_, b->columns(), b->num_rows());
    std::vector<VectorPtr> cols;
    for (int i : data_cols_) cols.push_back(b->column(static_cast<size_t>(i)));
    return RecordBatch::Make(data_schema_, std::move(cols), b->num_rows());
  }

  std::string PartitionDir(const RecordBatch& b, size_t row) const {
    std::string dir;
    for (int idx : partition_cols_) {
      const Vector& v = *b.column(static_cast<size_t>(idx));
      std::string value;
      if (v.IsNull(row)) {
        value = kHiveDefaultPartition;
      } else {
        value = FormatCastString(v.GetValue(row), time_zone_);
        value = value.empty() ? kHiveDefaultPartition : EscapePartitionPathName(value);
      }
      if (!dir.empty()) dir += '/';
      dir += EscapePartitionPathName(b.schema()->fields()[static_cast<size_t>(idx)].name) + "=" +
             value;
    }
    return dir;
  }

  void AppendHeader(std::string* out) const {
    if (format_ == FileFormat::kCsv && csv_options_.header) {
      CsvWriter(data_schema_, csv_options_).WriteHeader(out);
    }
  }

  void Render(const RecordBatch& batch, std::string* out) const {
    switch (format_) {
      case FileFormat::kJson:
        JsonWriter(json_options_).WriteBatch(batch, out);
        break;
      case FileFormat::kCsv:
        CsvWriter(data_schema_, csv_options_).WriteBatch(batch, out);
        break;
      case FileFormat::kText: {
        const Vector& v = *batch.column(0);
        for (size_t r = 0; r < batch.num_rows(); ++r) {
          if (!v.IsNull(r)) out->append(v.GetString(r));
          out->append(text_line_sep_);
        }
        break;
      }
      case FileFormat::kParquet:
        break;  // written through ParquetWriter in WriteTask
    }
  }

  FileFormat format_;
  OptionMap options_;
  std::string time_zone_;
  int64_t max_records_per_file_ = 0;
  std::vector<int> partition_cols_;
  std::vector<int> data_cols_;
  TypePtr data_schema_;
  std::string ext_;
  JsonOptions json_options_;
  CsvOptions csv_options_;
  std::string text_line_sep_;
  ParquetWriteOptions parquet_options_;
};

void RemoveWritten(const std::vector<fs::path>& files) {
  for (const fs::path& f : files) {
    std::error_code ec;
    fs::remove(f, ec);
  }
}

}  // namespace

void CheckFileSinkOutputMode(const std::string& format, OutputMode mode) {
  if (mode != OutputMode::kAppend) {
    throw AnalysisError(fmt::format("Data source {} does not support {} output mode", format,
                                    OutputModeName(mode)));
  }
}

FileSink::FileSink(const SessionState& session, const std::string& format, const std::string& path,
                   const std::map<std::string, std::string>& options,
                   const std::vector<std::string>& partition_by)
    : format_(ParseFileFormat(format)),
      format_name_(format),
      partition_by_(partition_by),
      time_zone_(session.MakeEvalContext().time_zone),
      session_(&session) {
  if (path.empty()) throw AnalysisError("'path' is not specified");
  path_ = AbsolutePath(path).string();
  options_.insert(options.begin(), options.end());
  compact_interval_ =
      static_cast<int>(session.GetConfInt("spark.sql.streaming.fileSink.log.compactInterval", 10));
  if (compact_interval_ <= 0) {
    throw AnalysisError("Please set spark.sql.streaming.fileSink.log.compactInterval (was " +
                        std::to_string(compact_interval_) + ") to a positive value.");
  }
}

std::string FileSink::Description() const { return "FileSink[" + path_ + "]"; }

void FileSink::AddBatch(int64_t batch_id, const TypePtr& schema,
                        const std::vector<RecordBatchPtr>& partitions, OutputMode mode) {
  CheckFileSinkOutputMode(format_name_, mode);
  MakeDirs(path_);
  FileSinkLog log(path_, compact_interval_);
  if (batch_id <= log.GetLatestBatchId().value_or(-1)) return;  // already committed: skip

  PartFileWriter writer(format_, options_, schema, partition_by_, time_zone_);
  std::string job_id = GenerateUuid();
  std::vector<std::vector<fs::path>> per_task(partitions.size());
  std::vector<std::function<void()>> tasks;
  tasks.reserve(partitions.size());
  for (size_t task = 0; task < partitions.size(); ++task) {
    tasks.push_back([&, task] { per_task[task] = writer.WriteTask(path_, task, job_id, {partitions[task]}); });
  }
  std::vector<fs::path> written;
  try {
    session_->pool().RunAll(std::move(tasks));
  } catch (...) {
    for (const auto& files : per_task) RemoveWritten(files);  // never listed in the manifest
    throw;
  }
  for (const auto& files : per_task) written.insert(written.end(), files.begin(), files.end());
  std::vector<SinkFileStatus> statuses;
  statuses.reserve(written.size());
  for (const fs::path& f : written) statuses.push_back(SinkFileStatus::FromLocalFile(f));
  if (!log.Add(batch_id, statuses)) {
    // Another writer committed this batch first: our files are not part of the output.
    RemoveWritten(written);
  }
}

void WriteFiles(const SessionState& session, const std::string& format, const std::string& path,
                const std::string& save_mode, const std::map<std::string, std::string>& options,
                const std::vector<std::string>& partition_by, const TypePtr& schema,
                const std::vector<Partition>& data) {
  FileFormat fmt_id = ParseFileFormat(format);
  if (path.empty()) throw AnalysisError("'path' is not specified");
  fs::path root = AbsolutePath(path);
  std::string mode = AsciiLower(save_mode.empty() ? "errorifexists" : save_mode);
  bool exists = Exists(root);
  if (mode == "errorifexists" || mode == "error" || mode == "default") {
    if (exists) {
      throw AnalysisError(fmt::format(
          "[PATH_ALREADY_EXISTS] Path {} already exists. Set mode as \"overwrite\" to overwrite "
          "the existing path. SQLSTATE: 42K04",
          QualifiedPath(root)));
    }
  } else if (mode == "ignore") {
    if (exists) return;
  } else if (mode == "overwrite") {
    if (exists) RemoveAll(root);
  } else if (mode != "append") {
    throw AnalysisError(fmt::format(
        "Unknown save mode: {}. Accepted save modes are 'overwrite', 'append', 'ignore', "
        "'error', 'errorifexists', 'default'.",
        save_mode));
  }
  OptionMap option_map(options.begin(), options.end());
  PartFileWriter writer(fmt_id, option_map, schema, partition_by,
                        session.MakeEvalContext().time_zone);
  MakeDirs(root);
  std::string job_id = GenerateUuid();
  // One task per input partition, in parallel on the session's pool; file names carry the task
  // number, so the output does not depend on scheduling.
  std::vector<std::vector<fs::path>> written(data.size());
  std::vector<std::function<void()>> tasks;
  tasks.reserve(data.size());
  for (size_t task = 0; task < data.size(); ++task) {
    tasks.push_back([&, task] { written[task] = writer.WriteTask(root, task, job_id, data[task]); });
  }
  try {
    session.pool().RunAll(std::move(tasks));
  } catch (...) {
    for (const auto& files : written) RemoveWritten(files);
    throw;
  }
  WriteFileAtomic(root / "_SUCCESS", "");
}

}  // namespace sluice
