// RecordBatch -> JSON lines as Spark's JSON writer (JacksonGenerator) writes them:
//   {"a":1,"b":"x","ts":"2024-01-01T10:00:00.000Z","d":"2024-01-01","m":{"k":1},"l":[1,null]}
// Null struct fields and null map values are omitted unless ignore_null_fields is false (then
// written as null); null array elements are written as null. Timestamps use timestampFormat
// (default yyyy-MM-dd'T'HH:mm:ss.SSSXXX) in the time zone, TIMESTAMP_NTZ
// yyyy-MM-dd'T'HH:mm:ss.SSS, dates dateFormat (default yyyy-MM-dd); doubles and floats as Java
// prints them (NaN and infinities as the strings "NaN", "Infinity", "-Infinity"); decimals as
// BigDecimal.toString; binary as base64; intervals as Spark's interval string; map keys as their
// text. Thread-compatible.
#pragma once

#include <string>

#include "columnar/record_batch.h"
#include "columnar/vector.h"
#include "formats/json/json_options.h"

namespace sluice {

class JsonWriter {
 public:
  /// `options` uses datetime, ignore_null_fields and line_sep (default "\n").
  explicit JsonWriter(JsonOptions options = JsonOptions());

  /// Appends one JSON object per row of `batch` to `out`, each followed by the line separator.
  void WriteBatch(const RecordBatch& batch, std::string* out) const;
  /// Appends the JSON of row `row` of `v` (any type; a null top-level value appends "null").
  void WriteValue(const Vector& v, size_t row, std::string* out) const;

 private:
  void WriteStructFields(const Vector& v, size_t row, std::string* out) const;

  JsonOptions options_;
  std::string line_sep_;
};

}  // namespace sluice
