// Value: one typed scalar (possibly nested), used for literals, collected rows and test expectations.
// Not used on the hot path: operators work on column vectors (src/columnar/vector.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sluice/types.h"

namespace sluice {

using int128_t = __int128;

/// A typed value or a typed NULL.
///
/// Storage by type: BOOLEAN/TINYINT..BIGINT/DATE/TIMESTAMP(_NTZ)/INTERVAL in an int64 (days for
/// DATE, microseconds for timestamps and intervals); FLOAT/DOUBLE in a double; DECIMAL as an
/// unscaled 128-bit integer; STRING/BINARY as bytes; STRUCT fields, ARRAY elements and MAP entries
/// as child values (a MAP keeps keys and values interleaved: k0, v0, k1, v1, ...).
class Value {
 public:
  /// A NULL of type NULL.
  Value() : type_(DataType::Null()) {}

  static Value Null(TypePtr type);
  static Value Boolean(bool v);
  static Value Byte(int8_t v);
  static Value Short(int16_t v);
  static Value Int(int32_t v);
  static Value Long(int64_t v);
  static Value Float(float v);
  static Value Double(double v);
  static Value Decimal(int128_t unscaled, int precision, int scale);
  static Value String(std::string v);
  static Value Binary(std::string bytes);
  static Value Date(int32_t days);
  static Value Timestamp(int64_t micros);
  static Value TimestampNtz(int64_t micros);
  static Value Interval(int64_t micros);
  static Value Struct(TypePtr type, std::vector<Value> fields);
  static Value Array(TypePtr type, std::vector<Value> elements);
  /// REQUIRES: keys.size() == values.size().
  static Value Map(TypePtr type, std::vector<Value> keys, std::vector<Value> values);
  /// A value of `type` from raw storage (int64 for integral/datetime types).
  static Value FromInt64(TypePtr type, int64_t v);

  const TypePtr& type() const { return type_; }
  bool is_null() const { return null_; }

  bool GetBool() const { return i64_ != 0; }
  /// Integral, date, timestamp and interval values.
  int64_t GetInt64() const { return i64_; }
  double GetDouble() const { return f64_; }
  int128_t GetDecimal() const { return dec_; }
  const std::string& GetString() const { return str_; }
  /// STRUCT fields / ARRAY elements / MAP entries interleaved.
  const std::vector<Value>& children() const { return children_; }
  size_t MapSize() const { return children_.size() / 2; }
  const Value& MapKey(size_t i) const { return children_[2 * i]; }
  const Value& MapValue(size_t i) const { return children_[2 * i + 1]; }

  /// Numeric value as double (integral, decimal, floating); REQUIRES: numeric type.
  double AsDouble() const;

  /// Spark's CAST(value AS STRING) rendering ("NULL" for null at top level is not produced here:
  /// returns "null" inside nested values and "NULL" for a top-level null).
  std::string ToString() const;

  /// Structural equality (NULL == NULL here, for tests and grouping of collected results).
  bool operator==(const Value& other) const;
  bool operator!=(const Value& other) const { return !(*this == other); }

 private:
  TypePtr type_;
  bool null_ = true;
  int64_t i64_ = 0;
  double f64_ = 0;
  int128_t dec_ = 0;
  std::string str_;
  std::vector<Value> children_;
};

}  // namespace sluice
