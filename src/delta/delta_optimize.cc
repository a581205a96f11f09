#include "delta/delta_optimize.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>

#include "api/session_state.h"
#include "delta/delta_commit.h"
#include "delta/delta_schema.h"
#include "delta/delta_write.h"
#include "formats/parquet/parquet_reader.h"
#include "platform/file_system.h"
#include "sluice/exception.h"
#include "types/ascii.h"

namespace sluice {

using J = nlohmann::json;

namespace {

// Reads the data columns of one live file, aligned to the table's data schema (columns missing
// from the file as NULL, narrower integer types cast up).
std::vector<RecordBatchPtr> ReadDataFile(const DeltaFile& f, const TypePtr& data_schema,
                                         const EvalContext& ctx) {
  auto reader = ParquetReader::OpenFile(f.path);
  std::vector<StructField> present;
  for (const StructField& field : data_schema->fields()) {
    int idx = reader->file_schema()->FieldIndex(field.name);
    if (idx >= 0) present.push_back(reader->file_schema()->fields()[static_cast<size_t>(idx)]);
  }
  reader->SetReadSchema(StructType(present));
  std::vector<RecordBatchPtr> out;
  for (const RecordBatchPtr& b : reader->ReadAll()) {
    out.push_back(AlignBatchToDeltaSchema(b, data_schema, ctx));
  }
  return out;
}

}  // namespace

SelectionVector ZOrderPermutation(const RecordBatch& batch, const std::vector<int>& columns) {
  size_t n = batch.num_rows();
  SelectionVector order(n);
  std::iota(order.begin(), order.end(), 0u);
  if (columns.empty() || n < 2) return order;
  const int bits = std::max(1, std::min(32, 64 / static_cast<int>(columns.size())));
  const uint64_t top = bits >= 64 ? ~0ULL : ((1ULL << bits) - 1);
  std::vector<std::vector<uint64_t>> scaled;
  for (int c : columns) {
    const Vector& v = *batch.column(static_cast<size_t>(c));
    SelectionVector sorted(n);
    std::iota(sorted.begin(), sorted.end(), 0u);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [&](uint32_t a, uint32_t b) { return v.CompareRows(a, v, b, true) < 0; });
    std::vector<uint64_t> rank(n);
    uint64_t r = 0;
    for (size_t i = 0; i < n; ++i) {
      if (i > 0 && v.CompareRows(sorted[i], v, sorted[i - 1], true) != 0) ++r;
      rank[sorted[i]] = r;
    }
    uint64_t distinct = r + 1;
    for (uint64_t& x : rank) {
      x = distinct <= 1 ? 0
                        : static_cast<uint64_t>(static_cast<long double>(x) * top /
                                                static_cast<long double>(distinct - 1));
    }
    scaled.push_back(std::move(rank));
  }
  std::vector<uint64_t> key(n, 0);
  for (size_t i = 0; i < n; ++i) {
    uint64_t k = 0;
    for (int b = bits - 1; b >= 0; --b) {
      for (const auto& col : scaled) k = (k << 1) | ((col[i] >> b) & 1);
    }
    key[i] = k;
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return key[a] < key[b]; });
  return order;
}

DeltaOptimizeResult OptimizeDelta(const SessionState& session, const DeltaOptimizeSpec& spec) {
  DeltaTransaction txn(spec.path, session.clock());
  if (!txn.snapshot()) {
    throw AnalysisError(
        fmt::format("[DELTA_MISSING_DELTA_TABLE] file:{} is not a Delta table.", spec.path));
  }
  const DeltaSnapshot& snap = *txn.snapshot();
  CheckDeltaWritable(snap);
  EvalContext ctx = session.MakeEvalContext();

  // Z-order columns: data columns of the table.
  std::vector<std::string> zorder;
  for (const std::string& c : spec.zorder_by) {
    int idx = snap.schema->FieldIndex(c);
    if (idx < 0) {
      throw AnalysisError(fmt::format(
          "[DELTA_ZORDERING_COLUMN_DOES_NOT_EXIST] Z-Ordering column {} does not exist in the data "
          "schema [{}] of the Delta table {}.",
          c, snap.schema->ToDdl(), spec.path));
    }
    for (const std::string& p : snap.partition_columns) {
      if (AsciiLower(p) == AsciiLower(c)) {
        throw AnalysisError(fmt::format(
            "[DELTA_ZORDERING_ON_PARTITION_COLUMN] {} is a partition column. Z-Ordering can only "
            "be performed on data columns",
            c));
      }
    }
    zorder.push_back(snap.schema->fields()[static_cast<size_t>(idx)].name);
  }

  DeltaFileWriterOptions fo;
  fo.num_indexed_cols = static_cast<int>(
      std::stoll(DeltaTableProperty(snap, "delta.dataSkippingNumIndexedCols", "32")));
  fo.modification_time_ms = txn.NowMillis();
  DeltaFileWriter writer(spec.path, snap.schema, snap.partition_columns, fo);
  const TypePtr& data_schema = writer.data_schema();

  // Files by partition directory.
  struct PartitionFiles {
    DeltaPartitionValues values;
    std::vector<const DeltaFile*> files;
  };
  std::map<std::string, PartitionFiles> partitions;
  DeltaOptimizeResult result;
  for (const DeltaFile& f : snap.files) {
    // Order the partition values as the table's partition columns.
    DeltaPartitionValues values;
    for (const std::string& col : snap.partition_columns) {
      std::optional<std::string> v;
      for (const auto& [k, pv] : f.partition_values) {
        if (AsciiLower(k) == AsciiLower(col)) v = pv;
      }
      values.emplace_back(col, v);
    }
    if (spec.partition_filter && !spec.partition_filter(values)) continue;
    ++result.total_considered_files;
    std::string dir = writer.PartitionDirectory(values);
    PartitionFiles& pf = partitions[dir];
    pf.values = values;
    pf.files.push_back(&f);
  }

  // Bins of files to rewrite, per partition.
  struct Bin {
    std::string dir;
    const DeltaPartitionValues* values;
    std::vector<const DeltaFile*> files;
  };
  std::vector<Bin> bins;
  for (auto& [dir, pf] : partitions) {
    if (!zorder.empty()) {
      bins.push_back(Bin{dir, &pf.values, pf.files});
      continue;
    }
    std::vector<const DeltaFile*> small;
    for (const DeltaFile* f : pf.files) {
      if (f->size < spec.max_file_bytes) small.push_back(f);
    }
    std::stable_sort(small.begin(), small.end(),
                     [](const DeltaFile* a, const DeltaFile* b) { return a->size < b->size; });
    if (spec.auto_compact) {
      if (static_cast<int64_t>(small.size()) < spec.min_num_files) continue;
    }
    std::vector<const DeltaFile*> current;
    int64_t bytes = 0;
    auto close = [&] {
      if (current.size() >= 2) {
        bins.push_back(Bin{dir, &pf.values, current});
      }
      current.clear();
      bytes = 0;
    };
    for (const DeltaFile* f : small) {
      if (!current.empty() && bytes + f->size > spec.max_file_bytes) close();
      current.push_back(f);
      bytes += f->size;
    }
    close();
  }
  std::set<std::string> touched;
  int64_t rewritten = 0;
  std::vector<DeltaAddFile> adds;
  try {
    size_t task = 0;
    for (const Bin& bin : bins) {
      std::vector<RecordBatchPtr> batches;
      int64_t on_disk = 0;
      for (const DeltaFile* f : bin.files) {
        auto rows = ReadDataFile(*f, data_schema, ctx);
        batches.insert(batches.end(), rows.begin(), rows.end());
        on_disk += f->size;
      }
      DeltaFileWriterOptions bo = fo;
      if (!zorder.empty()) {
        RecordBatchPtr all = RecordBatch::Concat(data_schema, batches);
        std::vector<int> cols;
        for (const std::string& c : zorder) cols.push_back(data_schema->FieldIndex(c));
        batches = {all->Take(ZOrderPermutation(*all, cols))};
        // Cut output files at about max_file_bytes on disk: scale by the in-memory/on-disk ratio.
        int64_t in_memory = EstimateBatchBytes(*batches[0]);
        long double ratio = on_disk > 0 ? static_cast<long double>(in_memory) / on_disk : 1.0L;
        bo.target_file_bytes = static_cast<int64_t>(spec.max_file_bytes * std::max(1.0L, ratio));
      }
      DeltaFileWriter bin_writer(spec.path, snap.schema, snap.partition_columns, bo);
      auto files = bin_writer.WritePartitionFiles(batches, bin.dir, *bin.values, task++,
                                                  /*data_change=*/false);
      adds.insert(adds.end(), files.begin(), files.end());
      for (const DeltaFile* f : bin.files) {
        txn.RemoveFile(*f, /*data_change=*/false);
        result.num_bytes_removed += f->size;
        ++result.num_files_removed;
      }
      touched.insert(bin.dir);
      rewritten += static_cast<int64_t>(bin.files.size());
    }
  } catch (...) {
    for (const DeltaAddFile& a : adds) RemoveFile(a.local_path);
    throw;
  }
  result.total_files_skipped = result.total_considered_files - rewritten;
  result.partitions_optimized = static_cast<int64_t>(touched.size());
  if (bins.empty()) return result;
  for (const DeltaAddFile& a : adds) {
    txn.AddFile(a);
    ++result.num_files_added;
    result.num_bytes_added += a.size;
  }
  DeltaCommitInfo info;
  info.operation = "OPTIMIZE";
  info.operation_parameters =
      J{{"predicate", J(spec.predicate_text.empty() ? std::vector<std::string>{}
                                                    : std::vector<std::string>{spec.predicate_text})
                          .dump()},
        {"zOrderBy", J(zorder).dump()},
        {"auto", spec.auto_compact ? "true" : "false"}};
  info.operation_metrics = J{{"numRemovedFiles", std::to_string(result.num_files_removed)},
                             {"numAddedFiles", std::to_string(result.num_files_added)},
                             {"numRemovedBytes", std::to_string(result.num_bytes_removed)},
                             {"numAddedBytes", std::to_string(result.num_bytes_added)},
                             {"partitionsOptimized", std::to_string(result.partitions_optimized)}};
  try {
    result.version = txn.Commit(info);
  } catch (...) {
    for (const DeltaAddFile& a : adds) RemoveFile(a.local_path);
    throw;
  }
  return result;
}

}  // namespace sluice
