#include "delta/delta_file_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "connectors/file/file_listing.h"
#include "delta/delta_stats.h"
#include "platform/file_system.h"
#include "platform/uuid.h"
#include "sluice/exception.h"
#include "types/ascii.h"
#include "types/datetime.h"
#include "types/value_format.h"

namespace sluice {

namespace fs = std::filesystem;

std::optional<std::string> DeltaPartitionValueString(const Vector& v, size_t row) {
  if (v.IsNull(row)) return std::nullopt;
  Value value = v.GetValue(row);
  std::string text;
  switch (value.type()->id()) {
    case TypeId::kTimestamp:
      text =
          FormatTimestampWithPattern(value.GetInt64(), "yyyy-MM-dd'T'HH:mm:ss.SSSSSS", "UTC") + "Z";
      break;
    case TypeId::kTimestampNtz:
      text = FormatTimestampWithPattern(value.GetInt64(), "yyyy-MM-dd HH:mm:ss.SSSSSS", "UTC");
      break;
    default:
      text = FormatCastString(value, "UTC");
      break;
  }
  if (text.empty()) return std::nullopt;
  return text;
}

std::string EncodeDeltaPath(std::string_view p) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char ch : p) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/' || c == '=') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}


DeltaFileWriter::DeltaFileWriter(std::string table_path, TypePtr schema,
                                 std::vector<std::string> partition_columns,
                                 DeltaFileWriterOptions options)
    : table_path_(std::move(table_path)),
      schema_(std::move(schema)),
      partition_columns_(std::move(partition_columns)),
      options_(std::move(options)) {
  const auto& fields = schema_->fields();
  for (const std::string& col : partition_columns_) {
    int idx = schema_->FieldIndex(col);
    if (idx < 0) {
      throw AnalysisError(
          fmt::format("[DELTA_PARTITION_COLUMN_NOT_FOUND] Partition column `{}` not found in "
                      "schema [{}] of the "
                      "Delta table {}",
                      col, schema_->ToDdl(), table_path_));
    }
    const TypePtr& t = fields[static_cast<size_t>(idx)].type;
    if (t->IsNested() || t->id() == TypeId::kBinary) {
      throw AnalysisError(
          fmt::format("[DELTA_INVALID_PARTITION_COLUMN_TYPE] Using column `{}` of type {} as a "
                      "partition column "
                      "is not supported.",
                      col, t->Sql()));
    }
    partition_idx_.push_back(idx);
  }
  std::vector<StructField> data_fields;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (std::find(partition_idx_.begin(), partition_idx_.end(), static_cast<int>(i)) ==
        partition_idx_.end()) {
      data_idx_.push_back(static_cast<int>(i));
      data_fields.push_back(fields[i]);
    }
  }
  if (data_fields.empty()) {
    throw AnalysisError(
        "[DELTA_CANNOT_USE_ALL_COLUMNS_FOR_PARTITION] Cannot use all columns for partition "
        "columns.");
  }
  data_schema_ = StructType(std::move(data_fields));
  extension_ = options_.parquet.codec == parquet::Codec::kUncompressed
                   ? "parquet"
                   : AsciiLower(parquet::CodecName(options_.parquet.codec)) + ".parquet";
  ParquetWriter check(data_schema_, options_.parquet);  // rejects unsupported types now
}

std::vector<DeltaAddFile> DeltaFileWriter::WriteTask(const std::vector<RecordBatchPtr>& batches,
                                                     size_t task, bool data_change) const {
  struct Group {
    DeltaPartitionValues values;
    std::vector<RecordBatchPtr> parts;
  };
  std::map<std::string, Group> groups;  // by directory
  auto data_columns = [&](const RecordBatchPtr& b) {
    std::vector<VectorPtr> cols;
    for (int i : data_idx_) cols.push_back(b->column(static_cast<size_t>(i)));
    return RecordBatch::Make(data_schema_, std::move(cols), b->num_rows());
  };
  for (const RecordBatchPtr& b : batches) {
    if (!b || b->num_rows() == 0) continue;
    if (partition_idx_.empty()) {
      groups[""].parts.push_back(data_columns(b));
      continue;
    }
    std::map<std::string, std::pair<DeltaPartitionValues, SelectionVector>> rows;
    for (size_t r = 0; r < b->num_rows(); ++r) {
      std::string dir;
      DeltaPartitionValues values;
      for (size_t k = 0; k < partition_idx_.size(); ++k) {
        std::optional<std::string> v =
            DeltaPartitionValueString(*b->column(static_cast<size_t>(partition_idx_[k])), r);
        if (!dir.empty()) dir += '/';
        dir += EscapePartitionPathName(partition_columns_[k]) + "=" +
               (v ? EscapePartitionPathName(*v) : std::string(kHiveDefaultPartition));
        values.emplace_back(schema_->fields()[static_cast<size_t>(partition_idx_[k])].name, v);
      }
      auto& entry = rows[dir];
      if (entry.second.empty()) entry.first = std::move(values);
      entry.second.push_back(static_cast<uint32_t>(r));
    }
    for (auto& [dir, entry] : rows) {
      Group& g = groups[dir];
      if (g.parts.empty()) g.values = entry.first;
      g.parts.push_back(data_columns(b->Take(entry.second)));
    }
  }

  std::vector<DeltaAddFile> out;
  try {
    for (const auto& [dir, group] : groups) {
      auto files = WritePartitionFiles(group.parts, dir, group.values, task, data_change);
      out.insert(out.end(), files.begin(), files.end());
    }
  } catch (...) {
    for (const DeltaAddFile& a : out) RemoveFile(a.local_path);
    throw;
  }
  return out;
}

std::string DeltaFileWriter::PartitionDirectory(const DeltaPartitionValues& values) const {
  std::string dir;
  for (const auto& [col, v] : values) {
    if (!dir.empty()) dir += '/';
    dir += EscapePartitionPathName(col) + "=" +
           (v ? EscapePartitionPathName(*v) : std::string(kHiveDefaultPartition));
  }
  return dir;
}

std::vector<DeltaAddFile> DeltaFileWriter::WritePartitionFiles(
    const std::vector<RecordBatchPtr>& batches, const std::string& dir,
    const DeltaPartitionValues& values, size_t task, bool data_change) const {
  std::vector<DeltaAddFile> out;
  try {
    fs::path target = dir.empty() ? fs::path(table_path_) : fs::path(table_path_) / dir;
    MakeDirs(target);
    std::vector<RecordBatchPtr> file_batches;
    int64_t file_rows = 0;
    int64_t file_bytes = 0;
    auto flush = [&] {
      if (file_rows == 0) return;
      std::string name = fmt::format("part-{:05d}-{}.c000.{}", task, GenerateUuid(), extension_);
      fs::path file = target / name;
      // Row groups go to the file as they are encoded: memory holds one, not the file.
      AtomicFileWriter file_out(file);
      ParquetWriter writer(data_schema_, options_.parquet,
                           [&file_out](std::string_view bytes) { file_out.Append(bytes); });
      for (const RecordBatchPtr& fb : file_batches) writer.Write(fb);
      writer.Finish();
      file_out.Commit();
      DeltaAddFile add;
      add.log_path = EncodeDeltaPath(dir.empty() ? name : dir + "/" + name);
      add.local_path = file.string();
      add.partition_values = values;
      add.size = file_out.bytes();
      add.modification_time = options_.modification_time_ms;
      add.data_change = data_change;
      add.stats = ComputeDeltaFileStats(data_schema_, file_batches, options_.num_indexed_cols);
      add.num_records = file_rows;
      out.push_back(std::move(add));
      file_batches.clear();
      file_rows = 0;
      file_bytes = 0;
    };
    for (const RecordBatchPtr& part : batches) {
      size_t offset = 0;
      while (offset < part->num_rows()) {
        size_t n = part->num_rows() - offset;
        if (options_.max_records_per_file > 0) {
          n = std::min<size_t>(n, static_cast<size_t>(options_.max_records_per_file - file_rows));
        }
        if (options_.target_file_bytes > 0 && n > 1) {
          // Cut so the file ends near the target: rows are sized by the part's average.
          int64_t part_bytes = EstimateBatchBytes(*part);
          int64_t per_row =
              std::max<int64_t>(1, part_bytes / static_cast<int64_t>(part->num_rows()));
          int64_t room = std::max<int64_t>(1, (options_.target_file_bytes - file_bytes) / per_row);
          n = std::min<size_t>(n, static_cast<size_t>(room));
        }
        RecordBatchPtr chunk =
            (offset == 0 && n == part->num_rows()) ? part : part->Slice(offset, n);
        file_batches.push_back(chunk);
        file_rows += static_cast<int64_t>(n);
        file_bytes += EstimateBatchBytes(*chunk);
        offset += n;
        bool full =
            (options_.max_records_per_file > 0 && file_rows >= options_.max_records_per_file) ||
            (options_.target_file_bytes > 0 && file_bytes >= options_.target_file_bytes);
        if (full) flush();
      }
    }
    flush();
  } catch (...) {
    for (const DeltaAddFile& a : out) RemoveFile(a.local_path);
    throw;
  }
  return out;
}

}  // namespace sluice
