#include "sluice/value.h"

#include "sluice/exception.h"

namespace sluice {

Value Value::Null(TypePtr type) {
  Value v;
  v.type_ = std::move(type);
  return v;
}

Value Value::FromInt64(TypePtr type, int64_t x) {
  Value v;
  v.type_ = std::move(type);
  v.null_ = false;
  v.i64_ = x;
  return v;
}

Value Value::Boolean(bool b) { return FromInt64(DataType::Boolean(), b ? 1 : 0); }
Value Value::Byte(int8_t x) { return FromInt64(DataType::Byte(), x); }
Value Value::Short(int16_t x) { return FromInt64(DataType::Short(), x); }
Value Value::Int(int32_t x) { return FromInt64(DataType::Int(), x); }
Value Value::Long(int64_t x) { return FromInt64(DataType::Long(), x); }
Value Value::Date(int32_t days) { return FromInt64(DataType::Date(), days); }
Value Value::Timestamp(int64_t micros) { return FromInt64(DataType::Timestamp(), micros); }
Value Value::TimestampNtz(int64_t micros) { return FromInt64(DataType::TimestampNtz(), micros); }
Value Value::Interval(int64_t micros) { return FromInt64(DataType::Interval(), micros); }

Value Value::Float(float x) {
  Value v;
  v.type_ = DataType::Float();
  v.null_ = false;
  v.f64_ = x;
  return v;
}

Value Value::Double(double x) {
  Value v;
  v.type_ = DataType::Double();
  v.null_ = false;
  v.f64_ = x;
  return v;
}

Value Value::Decimal(int128_t unscaled, int precision, int scale) {
  Value v;
  v.type_ = DataType::Decimal(precision, scale);
  v.null_ = false;
  v.dec_ = unscaled;
  return v;
}

Value Value::String(std::string s) {
  Value v;
  v.type_ = DataType::String();
  v.null_ = false;
  v.str_ = std::move(s);
  return v;
}

Value Value::Binary(std::string bytes) {
  Value v;
  v.type_ = DataType::Binary();
  v.null_ = false;
  v.str_ = std::move(bytes);
  return v;
}

Value Value::Struct(TypePtr type, std::vector<Value> fields) {
  Value v;
  v.type_ = std::move(type);
  v.null_ = false;
  v.children_ = std::move(fields);
  return v;
}

Value Value::Array(TypePtr type, std::vector<Value> elements) {
  Value v;
  v.type_ = std::move(type);
  v.null_ = false;
  v.children_ = std::move(elements);
  return v;
}

Value Value::Map(TypePtr type, std::vector<Value> keys, std::vector<Value> values) {
  if (keys.size() != values.size()) throw InternalError("map keys/values size mismatch");
  Value v;
  v.type_ = std::move(type);
  v.null_ = false;
  v.children_.reserve(keys.size() * 2);
  for (size_t i = 0; i < keys.size(); ++i) {
    v.children_.push_back(std::move(keys[i]));
    v.children_.push_back(std::move(values[i]));
  }
  return v;
}

double Value::AsDouble() const {
  switch (type_->id()) {
    case TypeId::kFloat:
    case TypeId::kDouble: return f64_;
    case TypeId::kDecimal: {
      double d = static_cast<double>(dec_);
      for (int i = 0; i < type_->scale(); ++i) d /= 10.0;
      return d;
    }
    default: return static_cast<double>(i64_);
  }
}

bool Value::operator==(const Value& o) const {
  if (null_ || o.null_) return null_ == o.null_;
  if (!type_->SameShape(*o.type_)) return false;
  switch (type_->id()) {
    case TypeId::kFloat:
    case TypeId::kDouble: return f64_ == o.f64_ || (f64_ != f64_ && o.f64_ != o.f64_);
    case TypeId::kDecimal: return dec_ == o.dec_;
    case TypeId::kString:
    case TypeId::kBinary: return str_ == o.str_;
    case TypeId::kStruct:
    case TypeId::kArray:
    case TypeId::kMap: return children_ == o.children_;
    default: return i64_ == o.i64_;
  }
}

}  // namespace sluice
