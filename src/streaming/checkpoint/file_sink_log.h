// FileSinkLog is the exactly-once manifest of the file sink (Spark's FileStreamSinkLog): the files
// of batch N are valid output only once "<output>/_spark_metadata/N" lists them. Readers of the
// output directory that find a _spark_metadata directory read only the files listed there, so the
// partial output of a failed batch is never seen and a re-run batch is not duplicated.
//
// Format: CompactibleFileLog ("v1" then one JSON line per file), each line Spark's SinkFileStatus:
//   {"path":"file:///abs/part-00000-....json","size":123,"isDir":false,"modificationTime":1700000000000,
//    "blockReplication":1,"blockSize":33554432,"action":"add"}
// Compaction every spark.sql.streaming.fileSink.log.compactInterval (10) batches drops the files
// that a later "delete" entry removed.
//
// Thread-safe as MetadataLog is.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "streaming/checkpoint/compactible_file_log.h"

namespace sluice {

/// One file of the sink's output (Spark's SinkFileStatus).
struct SinkFileStatus {
  static constexpr int64_t kDefaultBlockSize = 32 * 1024 * 1024;  // local file system's default
  static constexpr const char* kAddAction = "add";
  static constexpr const char* kDeleteAction = "delete";

  std::string path;  ///< "file:///abs/path" URI
  int64_t size = 0;
  bool is_dir = false;
  int64_t modification_time = 0;  ///< milliseconds since the epoch
  int32_t block_replication = 1;
  int64_t block_size = kDefaultBlockSize;
  std::string action = kAddAction;

  /// Describes the existing local file `file` (size and modification time from stat).
  static SinkFileStatus FromLocalFile(const std::filesystem::path& file);

  CompactibleFileLog::Entry ToJson() const;
  /// Reads one log line; throws IoError naming `log_file` if fields are missing or mistyped.
  static SinkFileStatus FromJson(const CompactibleFileLog::Entry& json,
                                 const std::filesystem::path& log_file);

  bool operator==(const SinkFileStatus&) const = default;
};

class FileSinkLog {
 public:
  static constexpr const char* kMetadataDirName = "_spark_metadata";
  static constexpr int kDefaultCompactInterval = 10;

  /// Opens (creating if missing) "<output_dir>/_spark_metadata".
  explicit FileSinkLog(const std::filesystem::path& output_dir,
                       int compact_interval = kDefaultCompactInterval);

  /// Records the files written by `batch_id`. Returns false, writing nothing, if the batch was
  /// already committed: the caller must then discard the files it wrote for the re-run.
  bool Add(int64_t batch_id, const std::vector<SinkFileStatus>& files) const;

  /// Returns the entries of the file of `batch_id`, or nullopt if the batch is absent.
  std::optional<std::vector<SinkFileStatus>> Get(int64_t batch_id) const;

  /// Returns every committed, not deleted file, in commit order.
  std::vector<SinkFileStatus> AllFiles() const;

  /// Returns the highest committed batch id, or nullopt if none.
  std::optional<int64_t> GetLatestBatchId() const { return log_.GetLatestBatchId(); }

  const std::filesystem::path& dir() const { return log_.log().dir(); }

  /// Returns "<output_dir>/_spark_metadata".
  static std::filesystem::path MetadataDir(const std::filesystem::path& output_dir);
  /// Returns whether `output_dir` holds a sink manifest; batch readers then read only AllFiles().
  static bool HasMetadataLog(const std::filesystem::path& output_dir);

 private:
  CompactibleFileLog log_;
};

}  // namespace sluice
