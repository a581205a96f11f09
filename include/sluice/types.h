// Sluice's logical data types, named and rendered as Spark SQL names them.
//
// A DataType is immutable and shared through TypePtr. Physical layout of each type in a column
// vector is documented in src/columnar/vector.h. Schemas are STRUCT types (StructType()).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

enum class TypeId : uint8_t {
  kNull,
  kBoolean,
  kByte,      // TINYINT
  kShort,     // SMALLINT
  kInt,       // INT
  kLong,      // BIGINT
  kFloat,
  kDouble,
  kDecimal,   // DECIMAL(p, s), p <= 38
  kString,
  kBinary,
  kDate,          // days since 1970-01-01
  kTimestamp,     // microseconds since the epoch, UTC
  kTimestampNtz,  // microseconds, no time zone
  kInterval,      // day-time interval, microseconds
  kStruct,
  kArray,
  kMap,
};

class DataType;
using TypePtr = std::shared_ptr<const DataType>;

/// One field of a STRUCT (PySpark's StructField).
struct StructField {
  StructField() = default;
  StructField(std::string n, TypePtr t, bool null = true)
      : name(std::move(n)), type(std::move(t)), nullable(null) {}
  std::string name;
  TypePtr type;
  bool nullable = true;
};

/// An immutable data type.
class DataType {
 public:
  TypeId id() const { return id_; }

  static TypePtr Null();
  static TypePtr Boolean();
  static TypePtr Byte();
  static TypePtr Short();
  static TypePtr Int();
  static TypePtr Long();
  static TypePtr Float();
  static TypePtr Double();
  static TypePtr String();
  static TypePtr Binary();
  static TypePtr Date();
  static TypePtr Timestamp();
  static TypePtr TimestampNtz();
  static TypePtr Interval();
  /// REQUIRES: 1 <= precision <= 38, 0 <= scale <= precision.
  static TypePtr Decimal(int precision, int scale);
  static TypePtr Struct(std::vector<StructField> fields);
  static TypePtr Array(TypePtr element, bool contains_null = true);
  static TypePtr Map(TypePtr key, TypePtr value, bool value_contains_null = true);

  int precision() const { return precision_; }
  int scale() const { return scale_; }
  /// Fields of a STRUCT; empty otherwise.
  const std::vector<StructField>& fields() const { return fields_; }
  /// Element type of an ARRAY, key type of a MAP.
  const TypePtr& element_type() const { return child_; }
  const TypePtr& key_type() const { return child_; }
  /// Value type of a MAP.
  const TypePtr& value_type() const { return value_; }
  bool contains_null() const { return contains_null_; }

  /// Index of the field named `name` (case-insensitive, as Spark's default), or -1.
  int FieldIndex(std::string_view name) const;

  /// Spark's simpleString: "int", "bigint", "decimal(10,2)", "array<int>", "struct<a:int,b:string>".
  std::string SimpleString() const;
  /// Spark's DDL/SQL form: "INT", "DECIMAL(10,2)", "STRUCT<a: INT, b: STRING>".
  std::string Sql() const;
  /// For a STRUCT: "a INT, b STRING" (the form ParseSchema reads).
  std::string ToDdl() const;

  bool Equals(const DataType& other) const;
  /// Equal ignoring nullability flags and field-name case.
  bool SameShape(const DataType& other) const;

  bool IsIntegral() const;
  bool IsFractional() const { return id_ == TypeId::kFloat || id_ == TypeId::kDouble; }
  bool IsNumeric() const;
  bool IsNested() const {
    return id_ == TypeId::kStruct || id_ == TypeId::kArray || id_ == TypeId::kMap;
  }
  bool IsStringLike() const { return id_ == TypeId::kString || id_ == TypeId::kBinary; }
  bool IsDatetime() const {
    return id_ == TypeId::kDate || id_ == TypeId::kTimestamp || id_ == TypeId::kTimestampNtz;
  }
  /// Bytes per value in a column vector for fixed-width types; 0 for strings and nested types.
  int FixedWidth() const;

  explicit DataType(TypeId id) : id_(id) {}

 private:
  TypeId id_;
  int precision_ = 0;
  int scale_ = 0;
  bool contains_null_ = true;
  std::vector<StructField> fields_;
  TypePtr child_;
  TypePtr value_;
};

inline bool operator==(const DataType& a, const DataType& b) { return a.Equals(b); }

/// Parses one data type in Spark DDL syntax, case-insensitively: "int", "integer", "long", "bigint",
/// "decimal(10,2)", "array<string>", "map<string,int>", "struct<a:int, b string>", "timestamp_ntz".
/// Throws ParseError naming the position.
TypePtr ParseDataType(std::string_view text);

/// Parses a schema in DDL form: "user_id STRING, amount DOUBLE NOT NULL, m MAP<STRING,STRING>"
/// (a "STRUCT<...>" spelling is accepted too). Returns a STRUCT type.
TypePtr ParseSchema(std::string_view ddl);

// PySpark-style constructors, so that schemas read as in PySpark:
//   StructType({StructField("user_id", StringType()), StructField("amount", DoubleType())})
inline TypePtr NullType() { return DataType::Null(); }
inline TypePtr BooleanType() { return DataType::Boolean(); }
inline TypePtr ByteType() { return DataType::Byte(); }
inline TypePtr ShortType() { return DataType::Short(); }
inline TypePtr IntegerType() { return DataType::Int(); }
inline TypePtr LongType() { return DataType::Long(); }
inline TypePtr FloatType() { return DataType::Float(); }
inline TypePtr DoubleType() { return DataType::Double(); }
inline TypePtr StringType() { return DataType::String(); }
inline TypePtr BinaryType() { return DataType::Binary(); }
inline TypePtr DateType() { return DataType::Date(); }
inline TypePtr TimestampType() { return DataType::Timestamp(); }
inline TypePtr TimestampNTZType() { return DataType::TimestampNtz(); }
inline TypePtr DayTimeIntervalType() { return DataType::Interval(); }
inline TypePtr DecimalType(int precision = 10, int scale = 0) {
  return DataType::Decimal(precision, scale);
}
inline TypePtr ArrayType(TypePtr element, bool contains_null = true) {
  return DataType::Array(std::move(element), contains_null);
}
inline TypePtr MapType(TypePtr key, TypePtr value, bool value_contains_null = true) {
  return DataType::Map(std::move(key), std::move(value), value_contains_null);
}
inline TypePtr StructType(std::vector<StructField> fields) {
  return DataType::Struct(std::move(fields));
}

}  // namespace sluice
