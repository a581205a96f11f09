// LateRowCollector: rows that stateful operators drop as late during one micro-batch, gathered for
// the late-rows dead-letter sink (the writeStream options lateRowsPath / lateRowsFormat; see
// docs/state.md, "Late rows"). Spark only counts such rows (numRowsDroppedByWatermark); with the
// option set, Sluice also writes them out so late data is accountable rather than lost.
//
// Every dropped row becomes one row of Schema():
//   batchId BIGINT, operatorId INT, operatorName STRING, reason STRING,
//   watermark TIMESTAMP   (the watermark the row was compared with),
//   eventTime TIMESTAMP   (the time compared: the event time, a window's or a session's end),
//   row STRING            (the row as the operator received it, as a JSON object)
// A row is recorded once per operator that drops it (a late event of a sliding window shows once
// per window it falls in, as numRowsDroppedByWatermark counts it).
//
// Thread-safe: partitions of an operator add rows concurrently. Finish() orders rows by operator
// id, event time and row text, so the output does not depend on thread scheduling.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "columnar/record_batch.h"

namespace sluice {

class LateRowCollector {
 public:
  /// The dead-letter rows' schema (see the file comment).
  static TypePtr Schema();

  LateRowCollector(int64_t batch_id, std::string time_zone);

  /// Records rows `rows` of `chunk` as dropped by operator (`operator_id`, `operator_name`) for
  /// `reason`; `event_time_micros[k]` is the time compared for rows[k], `watermark_ms` the
  /// watermark. REQUIRES: rows.size() == event_time_micros.size().
  void Add(int operator_id, const std::string& operator_name, const std::string& reason,
           int64_t watermark_ms, const RecordBatch& chunk, const SelectionVector& rows,
           const std::vector<int64_t>& event_time_micros);

  /// Number of rows recorded so far.
  size_t size() const;
  /// The recorded rows as one batch of Schema() (empty batch if none), in a deterministic order.
  RecordBatchPtr Finish() const;

 private:
  struct Entry {
    int operator_id;
    std::string operator_name;
    std::string reason;
    int64_t watermark_ms;
    int64_t event_time_micros;
    std::string row_json;
  };

  int64_t batch_id_;
  std::string time_zone_;
  mutable std::mutex mu_;
  std::vector<Entry> entries_;  // GUARDED_BY(mu_)
};

}  // namespace sluice
