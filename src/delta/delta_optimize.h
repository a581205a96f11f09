// OPTIMIZE for Delta tables, as Delta's OptimizeTableCommand, and the auto compaction that writes
// run afterwards:
//   - bin-packing: per table partition, the files smaller than the maximum file size
//     (spark.databricks.delta.optimize.maxFileSize, 1 GiB) are packed, smallest first, into bins
//     of at most that many bytes; every bin of two or more files (or, for auto compaction, every
//     partition with at least min_num_files small files) is rewritten as one file;
//   - ZORDER BY (cols): every file of a selected partition is rewritten, rows sorted by a Z-order
//     key — the interleaved bits of each column's rank among the partition's distinct values
//     (NULL lowest), scaled to the bits available per column — and cut into files of about the
//     maximum size. Z-order columns must be data columns (not partition columns) of the table.
// The rewrite is one transaction of adds and removes with dataChange = false (commitInfo operation
// "OPTIMIZE", parameters predicate / zOrderBy / auto), so streaming readers skip it and it only
// conflicts with concurrent deletes of the same files. Nothing to do -> nothing is committed.
//
// Thread-safe (one transaction per call).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "delta/delta_file_writer.h"

namespace sluice {

class SessionState;

struct DeltaOptimizeSpec {
  std::string path;
  /// Selects table partitions (by their partition values); unset = all.
  std::function<bool(const DeltaPartitionValues&)> partition_filter;
  std::string predicate_text;  ///< for commitInfo ("" = none)
  std::vector<std::string> zorder_by;
  int64_t max_file_bytes = 1LL << 30;  ///< target / maximum file size
  int64_t min_num_files = 2;           ///< bin-packing: least files worth rewriting per bin
  bool auto_compact = false;
};

struct DeltaOptimizeResult {
  int64_t version = -1;  ///< committed version, -1 when nothing was rewritten
  int64_t num_files_added = 0;
  int64_t num_files_removed = 0;
  int64_t num_bytes_added = 0;
  int64_t num_bytes_removed = 0;
  int64_t partitions_optimized = 0;
  int64_t total_considered_files = 0;
  int64_t total_files_skipped = 0;
};

/// Runs OPTIMIZE (see the file comment). Throws AnalysisError for bad Z-order columns or tables
/// Sluice cannot write, ExecutionError for conflicts.
DeltaOptimizeResult OptimizeDelta(const SessionState& session, const DeltaOptimizeSpec& spec);

/// Z-order: the row order of `batch` by the interleaved ranks of `columns` (indexes into it).
SelectionVector ZOrderPermutation(const RecordBatch& batch, const std::vector<int>& columns);

}  // namespace sluice
