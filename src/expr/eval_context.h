// EvalContext: the session settings and per-batch values that expression binding and evaluation
// depend on. Copied into every evaluation; cheap.
#pragma once

#include <cstdint>
#include <string>

namespace sluice {

struct EvalContext {
  /// spark.sql.ansi.enabled (Spark 4 default true): invalid casts and overflow raise errors.
  bool ansi_enabled = true;
  /// spark.sql.session.timeZone.
  std::string time_zone = "UTC";
  /// current_timestamp() for this query/batch, microseconds since epoch (the batch timestamp).
  int64_t current_timestamp_micros = 0;
  /// spark.sql.caseSensitive.
  bool case_sensitive = false;
};

}  // namespace sluice
