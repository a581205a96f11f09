// The normalized JSON rendering of a Value that the DuckDB comparisons read (parquet_dump and
// delta_dump; duckdb_compare.mjs and delta_duckdb.mjs): integers and decimals as JSON numbers,
// FLOAT/DOUBLE as numbers (NaN/Infinity as null), DATE as days since the epoch, TIMESTAMP(_NTZ) as
// microseconds since the epoch, BINARY as upper-case hex, STRUCT as an object, ARRAY as an array,
// MAP as an object keyed by the rendered key.
#pragma once

#include <fmt/format.h>

#include <cmath>
#include <string>

#include "sluice/value.h"

namespace sluice::conformance {

inline void Escape(const std::string& s, std::string* out) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': *out += "\\\""; break;
      case '\\': *out += "\\\\"; break;
      case '\n': *out += "\\n"; break;
      case '\r': *out += "\\r"; break;
      case '\t': *out += "\\t"; break;
      default:
        if (c < 0x20) *out += fmt::format("\\u{:04x}", c);
        else out->push_back(static_cast<char>(c));
    }
  }
  out->push_back('"');
}

inline std::string DecimalText(__int128 v, int scale) {
  bool neg = v < 0;
  unsigned __int128 u = neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  } while (u);
  while (static_cast<int>(digits.size()) <= scale) digits.insert(digits.begin(), '0');
  if (scale > 0) digits.insert(digits.end() - scale, '.');
  return (neg ? "-" : "") + digits;
}

inline void Render(const Value& v, std::string* out) {
  if (v.is_null()) {
    *out += "null";
    return;
  }
  switch (v.type()->id()) {
    case TypeId::kBoolean: *out += v.GetBool() ? "true" : "false"; return;
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong:
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
    case TypeId::kInterval: *out += std::to_string(v.GetInt64()); return;
    case TypeId::kFloat:
    case TypeId::kDouble: {
      double d = v.GetDouble();
      if (std::isnan(d) || std::isinf(d)) *out += "null";
      else *out += fmt::format("{}", v.type()->id() == TypeId::kFloat ? static_cast<double>(static_cast<float>(d)) : d);
      return;
    }
    case TypeId::kDecimal: *out += DecimalText(v.GetDecimal(), v.type()->scale()); return;
    case TypeId::kString: Escape(v.GetString(), out); return;
    case TypeId::kBinary: {
      std::string hex;
      for (unsigned char c : v.GetString()) hex += fmt::format("{:02X}", c);
      Escape(hex, out);
      return;
    }
    case TypeId::kStruct: {
      out->push_back('{');
      const auto& fields = v.type()->fields();
      for (size_t i = 0; i < fields.size(); ++i) {
        if (i) out->push_back(',');
        Escape(fields[i].name, out);
        out->push_back(':');
        Render(v.children()[i], out);
      }
      out->push_back('}');
      return;
    }
    case TypeId::kArray: {
      out->push_back('[');
      for (size_t i = 0; i < v.children().size(); ++i) {
        if (i) out->push_back(',');
        Render(v.children()[i], out);
      }
      out->push_back(']');
      return;
    }
    case TypeId::kMap: {
      out->push_back('{');
      for (size_t i = 0; i < v.MapSize(); ++i) {
        if (i) out->push_back(',');
        std::string key;
        Render(v.MapKey(i), &key);
        if (key.empty() || key[0] != '"') {
          std::string quoted;
          Escape(key, &quoted);
          key = quoted;
        }
        *out += key;
        out->push_back(':');
        Render(v.MapValue(i), out);
      }
      out->push_back('}');
      return;
    }
    case TypeId::kNull: *out += "null"; return;
  }
}

}  // namespace sluice::conformance
