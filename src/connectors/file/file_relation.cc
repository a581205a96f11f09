#include "connectors/file/file_relation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <thread>

#include "api/session_state.h"
#include "connectors/file/file_stream_source.h"
#include "delta/delta_relation.h"
#include "platform/thread_pool.h"
#include "sluice/exception.h"

namespace sluice {

FileRelation::FileRelation(FileSourceSpec spec, std::weak_ptr<const SessionState> session)
    : spec_(std::move(spec)), session_(std::move(session)) {}

std::string FileRelation::Description() const {
  if (spec_.streaming) return "FileStreamSource[" + QualifiedPath(spec_.path) + "]";
  return "FileScan " + FileFormatName(spec_.format) + " [" + QualifiedPath(spec_.path) + "]";
}

FileScanner FileRelation::Scanner(const EvalContext& ctx) const {
  return FileScanner(spec_.format, spec_.options, spec_.schema, ctx.time_zone, spec_.batch_rows);
}

std::vector<std::vector<InputFile>> FileRelation::FileGroups(const FileScanner& scanner) const {
  ListingOptions listing = ListingOptions::FromMap(spec_.options);
  std::vector<InputFile> files = ListInputFiles(spec_.path, listing, /*must_exist=*/true);
  return PackFilePartitions(std::move(files), spec_.max_partition_bytes, spec_.open_cost_bytes,
                            spec_.parallelism, scanner.IsSplittable());
}

std::vector<Partition> FileRelation::ReadAll(const EvalContext& ctx) const {
  FileScanner scanner = Scanner(ctx);
  auto groups = FileGroups(scanner);
  // The session's pool reads the groups in parallel; SessionState is thread-safe and pool() only
  // creates the pool lazily, so calling it through a const reference is sound.
  ThreadPool* pool = nullptr;
  std::shared_ptr<const SessionState> session = session_.lock();
  if (session) pool = &session->pool();
  ReadCounts counts;
  std::vector<Partition> out = scanner.ReadPartitions(groups, pool, &counts);
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_counts_ = counts;
  }
  return out;
}

std::vector<ChunkStream> FileRelation::ReadStreams(const EvalContext& ctx,
                                                   const std::vector<bool>& required) const {
  FileScanner scanner = Scanner(ctx);
  auto groups = FileGroups(scanner);
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_counts_ = ReadCounts{};
  }
  // The relation outlives the plan's execution (the plan holds it), so the callback may use it.
  return scanner.OpenStreams(std::move(groups), [this](const ReadCounts& c) {
    std::lock_guard<std::mutex> lock(mu_);
    AddReadCounts(&last_counts_, c);
  }, required);
}

std::unique_ptr<StreamSource> FileRelation::CreateStream(const StreamSourceContext& ctx) const {
  if (!spec_.streaming) return RelationSource::CreateStream(ctx);
  return std::make_unique<FileStreamSource>(spec_, ctx);
}

ReadCounts FileRelation::LastReadCounts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_counts_;
}

namespace {

constexpr const char* kStreamingSchemaRequired =
    "Schema must be specified when creating a streaming source DataFrame. If some files already "
    "exist in the directory, then depending on the file format you may be able to create a static "
    "DataFrame on that directory with 'spark.read.load(directory)' and infer schema from it.";

int Parallelism(const SessionState& session) {
  int64_t threads = session.GetConfInt("spark.sluice.threads", 0);
  if (threads <= 0) threads = std::max(1u, std::thread::hardware_concurrency());
  return static_cast<int>(session.GetConfInt("spark.default.parallelism", threads));
}

}  // namespace

PlanPtr MakeFileRelationPlan(const SessionState& session, const std::string& format,
                             const std::string& path,
                             const std::map<std::string, std::string>& options, TypePtr user_schema,
                             bool streaming) {
  if (format.size() == 5 && std::equal(format.begin(), format.end(), "delta", [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) == b;
      })) {
    return MakeDeltaRelationPlan(session, path, options, user_schema, streaming);
  }
  FileSourceSpec spec;
  spec.format = ParseFileFormat(format);
  if (path.empty()) {
    throw AnalysisError("[UNABLE_TO_INFER_SCHEMA] 'path' is not specified");
  }
  spec.path = AbsolutePath(path).string();
  spec.options.insert(options.begin(), options.end());
  spec.streaming = streaming;
  spec.max_partition_bytes =
      ParseByteSize(session.GetConf("spark.sql.files.maxPartitionBytes", "134217728"),
                    "spark.sql.files.maxPartitionBytes");
  spec.open_cost_bytes =
      ParseByteSize(session.GetConf("spark.sql.files.openCostInBytes", "4194304"),
                    "spark.sql.files.openCostInBytes");
  spec.parallelism = Parallelism(session);
  spec.batch_rows = static_cast<size_t>(
      std::max<int64_t>(1, session.GetConfInt("spark.sluice.maxBatchRows", 8192)));
  spec.source_log_compact_interval = static_cast<int>(
      session.GetConfInt("spark.sql.streaming.fileSource.log.compactInterval", 10));
  spec.time_zone = session.MakeEvalContext().time_zone;
  bool infer_partition_types =
      session.GetConfBool("spark.sql.sources.partitionColumnTypeInference.enabled", true);

  ListingOptions listing = ListingOptions::FromMap(spec.options);
  if (streaming) {
    FileStreamOptions::FromMap(spec.options);  // validates early
    // Spark's sourceSchema: a non-glob path must exist when the stream is defined.
    if (!IsGlobPath(spec.path) && !std::filesystem::exists(spec.path)) {
      throw AnalysisError(fmt::format("[PATH_NOT_FOUND] Path does not exist: {}. SQLSTATE: 42K03",
                                      QualifiedPath(spec.path)));
    }
  } else if (user_schema) {
    ListInputFiles(spec.path, listing, /*must_exist=*/true);  // [PATH_NOT_FOUND] as Spark
  }

  if (user_schema) {
    if (user_schema->id() != TypeId::kStruct) {
      throw AnalysisError("A data source schema must be a STRUCT, got " + user_schema->Sql());
    }
    // File sources read every column as nullable (Spark's schema.asNullable).
    std::vector<StructField> fields = user_schema->fields();
    for (StructField& f : fields) f.nullable = true;
    spec.schema = StructType(std::move(fields));
  } else if (spec.format == FileFormat::kText && streaming) {
    spec.schema = InferFileSchema(spec.format, spec.options, {}, spec.time_zone, false);
  } else if (streaming && !session.GetConfBool("spark.sql.streaming.schemaInference", false)) {
    throw AnalysisError(kStreamingSchemaRequired);
  } else {
    std::vector<InputFile> files = ListInputFiles(spec.path, listing, /*must_exist=*/!streaming);
    spec.schema =
        InferFileSchema(spec.format, spec.options, files, spec.time_zone, infer_partition_types);
  }

  return MakeSourcePlan(std::make_shared<FileRelation>(std::move(spec), session.weak_from_this()), streaming);
}

}  // namespace sluice
