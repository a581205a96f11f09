#include "connectors/file/file_scan.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <optional>

#include "columnar/vector.h"
#include "formats/csv/csv_options.h"
#include "formats/csv/csv_reader.h"
#include "formats/input_buffer.h"
#include "formats/json/json_options.h"
#include "formats/json/json_reader.h"
#include "formats/json/json_schema_inference.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/text_reader.h"
#include "platform/thread_pool.h"
#include "sluice/exception.h"
#include "sluice/value.h"
#include "types/ascii.h"
#include "types/datetime.h"

namespace sluice {

namespace {

bool SameName(std::string_view a, std::string_view b) { return AsciiLower(a) == AsciiLower(b); }

// The value of partition column `name` in `file`, if the file has that column.
const std::pair<std::string, std::optional<std::string>>* FindPartitionValue(
    const InputFile& file, std::string_view name) {
  for (const auto& pv : file.partition_values) {
    if (SameName(pv.first, name)) return &pv;
  }
  return nullptr;
}

// Converts a partition directory's text to `type` the way CSV reads a field (Spark casts the text).
Value PartitionValue(const std::optional<std::string>& text, const TypePtr& type) {
  if (!text) return Value::Null(type);
  if (type->id() == TypeId::kString) return Value::String(*text);
  CsvOptions options;
  options.sep = "\x1f";
  options.quote = '\0';
  options.line_sep = "\x1e";
  options.batch_rows = 1;
  try {
    CsvReader reader(StructType({StructField("v", type)}), options);
    reader.OpenString(*text);
    RecordBatchPtr batch = reader.Next();
    if (batch && batch->num_rows() == 1) return batch->column(0)->GetValue(0);
  } catch (const SluiceError&) {
    // Not representable: NULL, as Spark's cast of a bad partition value.
  }
  return Value::Null(type);
}

OptionMap WithDefaults(OptionMap options, size_t batch_rows) {
  if (!options.contains("batchRows")) options["batchRows"] = std::to_string(batch_rows);
  return options;
}

}  // namespace

FileFormat ParseFileFormat(std::string_view name) {
  std::string lower = AsciiLower(name);
  if (lower == "json") return FileFormat::kJson;
  if (lower == "csv") return FileFormat::kCsv;
  if (lower == "text") return FileFormat::kText;
  if (lower == "parquet") return FileFormat::kParquet;
  if (lower == "delta" || lower == "orc" || lower == "avro") {
    throw AnalysisError(fmt::format(
        "[UNSUPPORTED_DATA_SOURCE] The data source '{}' is not supported yet by Sluice's file "
        "connectors (supported: json, csv, text, parquet).",
        name));
  }
  throw AnalysisError(fmt::format(
      "[UNSUPPORTED_DATA_SOURCE] Failed to find the data source: {}. Supported file formats: "
      "json, csv, text, parquet.",
      name));
}

std::string FileFormatName(FileFormat format) {
  switch (format) {
    case FileFormat::kJson:
      return "json";
    case FileFormat::kCsv:
      return "csv";
    case FileFormat::kText:
      return "text";
    case FileFormat::kParquet:
      return "parquet";
  }
  return "?";
}

void AddReadCounts(ReadCounts* a, const ReadCounts& b) {
  a->records += b.records;
  a->rows_emitted += b.rows_emitted;
  a->malformed += b.malformed;
  a->dropped += b.dropped;
}

FileScanner::FileScanner(FileFormat format, OptionMap options, TypePtr schema,
                         std::string time_zone, size_t batch_rows)
    : format_(format),
      options_(WithDefaults(std::move(options), batch_rows)),
      schema_(std::move(schema)) {
  if (!options_.contains("timeZone")) options_["timeZone"] = time_zone;
  CheckUtf8Encoding(options_);
}

FileBatchReader::FileBatchReader(const FileScanner& scanner, const InputFile& file,
                                 std::vector<bool> required)
    : scanner_(&scanner), file_(file) {
  const auto& fields = scanner.schema()->fields();
  const bool parquet = scanner.format() == FileFormat::kParquet;
  // Output column i comes from the path (partition_slot_[i] set), from read column read_index_[i],
  // or, for a Parquet column the consumer does not read, from a NULL placeholder.
  partition_slot_.resize(fields.size());
  read_index_.assign(fields.size(), -1);
  placeholders_.resize(fields.size());
  std::vector<StructField> read_fields;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (const auto* pv = FindPartitionValue(file, fields[i].name)) {
      partition_slot_[i] = PartitionValue(pv->second, fields[i].type);
    } else if (!parquet || required.empty() || required[i]) {
      read_index_[i] = static_cast<int>(read_fields.size());
      read_fields.push_back(fields[i]);
    }
  }
  all_read_ = read_fields.size() == fields.size();
  read_schema_ = StructType(std::move(read_fields));
  if (parquet) {
    int64_t rows = GetInt(scanner.options(), "batchRows", static_cast<int64_t>(ParquetReader::kDefaultBatchRows));
    if (rows <= 0) throw AnalysisError("option 'batchRows' must be positive");
    batch_rows_ = static_cast<size_t>(rows);
  }
}

FileBatchReader::~FileBatchReader() = default;

RecordBatchPtr FileBatchReader::Next(ReadCounts* counts) {
  while (true) {
    RecordBatchPtr b = scanner_->format() == FileFormat::kParquet ? NextParquet(counts) : NextLines(counts);
    if (b == nullptr) return nullptr;
    if (b->num_rows() == 0) continue;
    return ToOutput(b);
  }
}

RecordBatchPtr FileBatchReader::NextParquet(ReadCounts* counts) {
  if (parquet_ == nullptr) {
    if (parquet_done_) return nullptr;
    parquet_ = std::make_unique<ParquetReader>(InputBuffer::FromFile(file_.path.string()));
    parquet_->SetReadSchema(read_schema_);
    row_group_ = -1;
  }
  while (true) {
    if (row_group_ >= 0) {
      if (RecordBatchPtr b = parquet_->NextBatch()) {
        counts->records += static_cast<int64_t>(b->num_rows());
        counts->rows_emitted += static_cast<int64_t>(b->num_rows());
        return b;
      }
    }
    if (++row_group_ >= parquet_->num_row_groups()) {
      parquet_.reset();  // closes the file
      parquet_done_ = true;
      return nullptr;
    }
    if (!parquet_->RowGroupMayMatch(row_group_)) continue;
    if (!file_.IsWholeFile()) {
      // A byte range of the file reads the row groups whose middle lies in it, so the splits of a
      // file read each row group exactly once.
      int64_t mid = parquet_->RowGroupMidpoint(row_group_);
      if (mid < file_.start || mid >= file_.start + file_.length) continue;
    }
    parquet_->StartRowGroup(row_group_, batch_rows_);
  }
}

RecordBatchPtr FileBatchReader::NextLines(ReadCounts* counts) {
  if (lines_done_) return nullptr;
  if (!json_ && !csv_ && !text_) OpenLines();
  RecordBatchPtr b = json_ ? json_->Next() : csv_ ? csv_->Next() : text_->Next();
  if (b != nullptr) {
    return text_ ? RecordBatch::Make(read_schema_, b->columns(), b->num_rows()) : b;
  }
  // The file's record accounting, once it is read to the end.
  AddReadCounts(counts, json_ ? json_->counts() : csv_ ? csv_->counts() : text_->counts());
  json_.reset();
  csv_.reset();
  text_.reset();
  lines_done_ = true;
  return nullptr;
}

void FileBatchReader::OpenLines() {
  const InputFile& file = file_;
  const OptionMap& all_options = scanner_->options();
  InputBufferPtr input;
  OptionMap split_options;
  const OptionMap* options = &all_options;
  const FileFormat format = scanner_->format();
  if (file.IsWholeFile()) {
    input = InputBuffer::FromFile(file.path.string());
  } else {
    input = InputBuffer::FromString(ReadLineRange(file.path.string(), file.start, file.length),
                                    file.path.string());
    if (file.start > 0 && format == FileFormat::kCsv) {
      split_options = all_options;  // only the first split holds the header line
      split_options["header"] = "false";
      options = &split_options;
    }
  }
  switch (format) {
    case FileFormat::kJson:
      json_ = std::make_unique<JsonReader>(read_schema_, JsonOptions::FromMap(*options));
      json_->Open(input);
      return;
    case FileFormat::kCsv:
      csv_ = std::make_unique<CsvReader>(read_schema_, CsvOptions::FromMap(*options));
      csv_->Open(input);
      return;
    case FileFormat::kText: {
      const auto& data_fields = read_schema_->fields();
      if (data_fields.size() != 1 || data_fields[0].type->id() != TypeId::kString) {
        throw AnalysisError(
            fmt::format("Text data source supports only a single column, and you have {} columns.",
                        data_fields.size()));
      }
      text_ = std::make_unique<TextReader>(TextOptions::FromMap(all_options));
      text_->Open(input);
      return;
    }
    case FileFormat::kParquet:
      break;
  }
  throw InternalError("FileBatchReader: Parquet is not a line format");
}

RecordBatchPtr FileBatchReader::ToOutput(const RecordBatchPtr& b) {
  const TypePtr& schema = scanner_->schema();
  const size_t n = b->num_rows();
  if (all_read_) return RecordBatch::Make(schema, b->columns(), n);
  const auto& fields = schema->fields();
  std::vector<VectorPtr> columns(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    if (partition_slot_[i]) {
      columns[i] = Vector::MakeConstant(*partition_slot_[i], n);
    } else if (read_index_[i] >= 0) {
      columns[i] = b->column(static_cast<size_t>(read_index_[i]));
    } else {
      // Not read: a NULL placeholder the consumer never looks at, shared while the size holds.
      if (placeholders_[i] == nullptr || placeholders_[i]->size() != n) {
        placeholders_[i] = Vector::MakeNull(fields[i].type, n);
      }
      columns[i] = placeholders_[i];
    }
  }
  return RecordBatch::Make(schema, std::move(columns), n);
}

std::vector<ChunkStream> FileScanner::OpenStreams(
    std::vector<std::vector<InputFile>> groups,
    std::function<void(const ReadCounts&)> on_group_done, std::vector<bool> required) const {
  auto self = std::make_shared<const FileScanner>(*this);
  auto done = std::make_shared<std::function<void(const ReadCounts&)>>(std::move(on_group_done));
  std::vector<ChunkStream> out;
  out.reserve(groups.size());
  for (auto& g : groups) {
    struct State {
      std::vector<InputFile> files;
      size_t next_file = 0;
      std::unique_ptr<FileBatchReader> reader;
      ReadCounts counts;
      bool finished = false;
    };
    auto st = std::make_shared<State>();
    st->files = std::move(g);
    out.push_back([self, done, st, required]() -> RecordBatchPtr {
      while (!st->finished) {
        if (st->reader == nullptr) {
          if (st->next_file == st->files.size()) {
            st->finished = true;
            if (*done) (*done)(st->counts);
            break;
          }
          st->reader = std::make_unique<FileBatchReader>(*self, st->files[st->next_file++], required);
        }
        if (RecordBatchPtr b = st->reader->Next(&st->counts)) return b;
        st->reader.reset();
      }
      return nullptr;
    });
  }
  return out;
}

bool FileScanner::IsSplittable() const {
  if (format_ == FileFormat::kParquet) return true;  // by row group (see FileBatchReader)
  if (options_.contains("lineSep")) return false;
  switch (format_) {
    case FileFormat::kJson:
    case FileFormat::kCsv:
      return !GetBool(options_, "multiLine", false);
    case FileFormat::kText:
      return !GetBool(options_, "wholetext", false);
    case FileFormat::kParquet:
      return true;
  }
  return false;
}

std::vector<Partition> FileScanner::ReadPartitions(
    const std::vector<std::vector<InputFile>>& groups, ThreadPool* pool, ReadCounts* counts) const {
  std::mutex mu;
  std::vector<ChunkStream> streams = OpenStreams(groups, [&](const ReadCounts& c) {
    std::lock_guard<std::mutex> lock(mu);
    if (counts) AddReadCounts(counts, c);
  });
  std::vector<Partition> partitions(streams.size());
  std::vector<std::function<void()>> tasks;
  tasks.reserve(streams.size());
  for (size_t g = 0; g < streams.size(); ++g) {
    tasks.push_back([&streams, &partitions, g] {
      while (RecordBatchPtr b = streams[g]()) partitions[g].push_back(std::move(b));
    });
  }
  if (pool != nullptr && tasks.size() > 1) {
    pool->RunAll(std::move(tasks));
  } else {
    for (auto& t : tasks) t();
  }
  return partitions;
}

namespace {

// Spark's partition value type inference (simplified: INT, BIGINT, DOUBLE, DATE, else STRING).
TypePtr InferPartitionType(const std::vector<std::optional<std::string>>& values) {
  enum Rank { kNone = 0, kInt, kLong, kDouble, kDate, kString };
  int rank = kNone;
  for (const auto& v : values) {
    if (!v) continue;
    int r = kString;
    const std::string& s = *v;
    if (!s.empty()) {
      size_t pos = 0;
      try {
        long long n = std::stoll(s, &pos);
        if (pos == s.size()) {
          r = (n >= INT32_MIN && n <= INT32_MAX) ? kInt : kLong;
        }
      } catch (...) {
      }
      if (r == kString) {
        try {
          pos = 0;
          std::stod(s, &pos);
          if (pos == s.size() && s.find_first_of("xXpP") == std::string::npos) r = kDouble;
        } catch (...) {
        }
      }
      if (r == kString && s.size() == 10 && s[4] == '-' && s[7] == '-' && ParseDate(s)) r = kDate;
    }
    if (rank == kNone) {
      rank = r;
    } else if (rank != r) {
      bool numeric = rank <= kDouble && r <= kDouble;
      rank = numeric ? std::max(rank, r) : kString;
    }
  }
  switch (rank) {
    case kInt:
      return IntegerType();
    case kLong:
      return LongType();
    case kDouble:
      return DoubleType();
    case kDate:
      return DateType();
    default:
      return StringType();
  }
}

std::vector<InputBufferPtr> LoadAll(const std::vector<InputFile>& files) {
  std::vector<InputBufferPtr> inputs;
  inputs.reserve(files.size());
  for (const InputFile& f : files) inputs.push_back(InputBuffer::FromFile(f.path.string()));
  return inputs;
}

[[noreturn]] void ThrowCannotInfer(FileFormat format) {
  std::string name = format == FileFormat::kJson ? "JSON" : "CSV";
  throw AnalysisError(fmt::format(
      "[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for {}. It must be specified manually. "
      "SQLSTATE: 42KD9",
      name));
}

}  // namespace

TypePtr InferFileSchema(FileFormat format, const OptionMap& options,
                        const std::vector<InputFile>& files, std::string_view time_zone,
                        bool infer_partition_types) {
  TypePtr data_schema;
  switch (format) {
    case FileFormat::kJson:
      if (files.empty()) ThrowCannotInfer(format);
      data_schema = InferJsonSchema(LoadAll(files), JsonOptions::FromMap(options, time_zone));
      break;
    case FileFormat::kCsv:
      if (files.empty()) ThrowCannotInfer(format);
      data_schema = InferCsvSchema(LoadAll(files), CsvOptions::FromMap(options, time_zone));
      break;
    case FileFormat::kText:
      data_schema = TextReader::Schema();
      break;
    case FileFormat::kParquet: {
      // Spark reads the schema from one file's footer unless mergeSchema is set (not supported).
      if (files.empty()) {
        throw AnalysisError(
            "[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for Parquet. It must be specified "
            "manually. SQLSTATE: 42KD9");
      }
      ParquetReader reader(InputBuffer::FromFile(files.front().path.string()));
      std::vector<StructField> fields = reader.file_schema()->fields();
      for (StructField& f : fields) f.nullable = true;
      data_schema = StructType(std::move(fields));
      break;
    }
  }
  // Partition columns, in order of first appearance.
  std::vector<std::string> names;
  std::map<std::string, std::vector<std::optional<std::string>>> values;  // by lower-case name
  for (const InputFile& f : files) {
    for (const auto& [name, value] : f.partition_values) {
      std::string key = AsciiLower(name);
      if (!values.contains(key)) names.push_back(name);
      values[key].push_back(value);
    }
  }
  if (names.empty()) return data_schema;
  std::vector<StructField> fields;
  for (const StructField& f : data_schema->fields()) {
    bool is_partition = std::any_of(names.begin(), names.end(),
                                    [&](const std::string& n) { return SameName(n, f.name); });
    if (!is_partition) fields.push_back(f);
  }
  for (const std::string& n : names) {
    TypePtr type = infer_partition_types ? InferPartitionType(values[AsciiLower(n)]) : StringType();
    fields.emplace_back(n, type, true);
  }
  return StructType(std::move(fields));
}

std::vector<std::vector<InputFile>> PackFilePartitions(std::vector<InputFile> files,
                                                       int64_t max_partition_bytes,
                                                       int64_t open_cost_bytes, int parallelism,
                                                       bool splittable) {
  std::vector<std::vector<InputFile>> out;
  if (files.empty()) return out;
  int64_t total = 0;
  for (const InputFile& f : files) total += f.size + open_cost_bytes;
  int64_t per_core = total / std::max(parallelism, 1);
  int64_t max_split =
      std::max<int64_t>(1, std::min(max_partition_bytes, std::max(open_cost_bytes, per_core)));
  std::vector<InputFile> pieces;
  auto length_of = [](const InputFile& f) { return f.length < 0 ? f.size : f.length; };
  for (InputFile& f : files) {
    if (!splittable || f.size <= max_split) {
      pieces.push_back(std::move(f));
      continue;
    }
    for (int64_t offset = 0; offset < f.size; offset += max_split) {
      InputFile piece = f;
      piece.start = offset;
      piece.length = std::min(max_split, f.size - offset);
      pieces.push_back(std::move(piece));
    }
  }
  std::stable_sort(pieces.begin(), pieces.end(), [&](const InputFile& a, const InputFile& b) {
    return length_of(a) > length_of(b);
  });
  std::vector<InputFile> current;
  int64_t current_size = 0;
  for (InputFile& f : pieces) {
    if (!current.empty() && current_size + length_of(f) > max_split) {
      out.push_back(std::move(current));
      current.clear();
      current_size = 0;
    }
    current_size += length_of(f) + open_cost_bytes;
    current.push_back(std::move(f));
  }
  if (!current.empty()) out.push_back(std::move(current));
  for (auto& group : out) {
    std::sort(group.begin(), group.end(), [](const InputFile& a, const InputFile& b) {
      return a.path != b.path ? a.path < b.path : a.start < b.start;
    });
  }
  return out;
}

std::string ReadLineRange(const std::string& path, int64_t start, int64_t length) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  // Reads up to n bytes at `offset`; returns fewer only at the end of the file.
  auto read_at = [&](int64_t offset, size_t n) {
    std::string buf(n, '\0');
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::pread(fd, buf.data() + got, n - got, static_cast<off_t>(offset) + got);
      if (r < 0) {
        if (errno == EINTR) continue;
        throw IoError(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
      }
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
    buf.resize(got);
    return buf;
  };
  constexpr size_t kChunk = 64 * 1024;
  // First line start at or after `start`.
  int64_t begin = start;
  if (start > 0) {
    int64_t pos = start - 1;
    while (true) {
      std::string chunk = read_at(pos, kChunk);
      size_t nl = chunk.find('\n');
      if (nl != std::string::npos) {
        begin = pos + static_cast<int64_t>(nl) + 1;
        break;
      }
      if (chunk.size() < kChunk) return "";  // no line starts in the range
      pos += static_cast<int64_t>(chunk.size());
    }
  }
  int64_t end = start + length;
  if (begin >= end) return "";
  std::string out = read_at(begin, static_cast<size_t>(end - begin));
  if (out.size() < static_cast<size_t>(end - begin)) return out;  // file ended
  if (!out.empty() && out.back() == '\n') return out;
  // Complete the last line.
  int64_t pos = end;
  while (true) {
    std::string chunk = read_at(pos, kChunk);
    size_t nl = chunk.find('\n');
    if (nl != std::string::npos) {
      out.append(chunk, 0, nl + 1);
      return out;
    }
    out += chunk;
    if (chunk.size() < kChunk) return out;
    pos += static_cast<int64_t>(chunk.size());
  }
}

int64_t ParseByteSize(std::string_view text, std::string_view what) {
  std::string s = AsciiLower(text);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t digits = 0;
  while (digits < s.size() && std::isdigit(static_cast<unsigned char>(s[digits]))) ++digits;
  if (digits == 0) {
    throw AnalysisError(fmt::format("Invalid byte size '{}' for {}", text, what));
  }
  int64_t n = std::stoll(s.substr(0, digits));
  std::string unit = s.substr(digits);
  if (unit.empty() || unit == "b") return n;
  if (unit == "k" || unit == "kb") return n << 10;
  if (unit == "m" || unit == "mb") return n << 20;
  if (unit == "g" || unit == "gb") return n << 30;
  if (unit == "t" || unit == "tb") return n << 40;
  throw AnalysisError(fmt::format("Invalid byte size '{}' for {}", text, what));
}

}  // namespace sluice
