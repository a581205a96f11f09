#include "delta/delta_stats.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <type_traits>
#include <vector>

#include "types/value_format.h"

namespace sluice {

namespace {

using J = nlohmann::json;

constexpr size_t kStringPrefix = 32;

bool HasMinMax(const DataType& type) {
  // Wide decimals would lose digits as JSON numbers (read as doubles); a rounded bound could
  // exclude rows, so they get null counts only.
  if (type.id() == TypeId::kDecimal) return type.precision() <= 15;
  switch (type.id()) {
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong:
    case TypeId::kFloat:
    case TypeId::kDouble:
    case TypeId::kDecimal:
    case TypeId::kString:
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      return true;
    default:
      return false;
  }
}

// Cuts a UTF-8 string after `n` code points; returns whether it was cut.
bool TruncateUtf8(std::string* s, size_t n) {
  size_t count = 0;
  for (size_t i = 0; i < s->size(); ++i) {
    if ((static_cast<unsigned char>((*s)[i]) & 0xC0) != 0x80) {
      if (count == n) {
        s->resize(i);
        return true;
      }
      ++count;
    }
  }
  return false;
}

// Whether `s` is well-formed UTF-8 (JSON text must be; a replaced byte would move a bound).
bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

J StatValue(const Value& v, bool is_max) {
  switch (v.type()->id()) {
    case TypeId::kString: {
      std::string s = v.GetString();
      if (TruncateUtf8(&s, kStringPrefix) && is_max) s += "\xEF\xBF\xBF";  // U+FFFF
      return s;
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz: {
      int64_t micros = v.GetInt64();
      int64_t ms = micros / 1000 - ((micros % 1000) < 0 ? 1 : 0);
      if (is_max && ms * 1000 != micros) ++ms;
      Value t = v.type()->id() == TypeId::kTimestamp ? Value::Timestamp(ms * 1000)
                                                     : Value::TimestampNtz(ms * 1000);
      return J::parse(FormatJsonValue(t, "UTC"));
    }
    default:
      return J::parse(FormatJsonValue(v, "UTC"));
  }
}

// The non-null extremes of one vector: the rows holding its least and greatest value (the first
// of equal ones), its null count, and whether a floating-point value is NaN or infinite.
struct PartExtremes {
  bool found = false;
  size_t min_row = 0, max_row = 0;
  int64_t nulls = 0;
  bool non_finite = false;
};

template <typename T, typename Less>
PartExtremes ScanValues(const Vector& v, const T* d, Less less) {
  PartExtremes e;
  const bool nulls = v.MayHaveNulls();
  for (size_t r = 0; r < v.size(); ++r) {
    if (nulls && v.IsNull(r)) {
      ++e.nulls;
      continue;
    }
    if constexpr (std::is_floating_point_v<T>) e.non_finite |= !std::isfinite(d[r]);
    if (!e.found) {
      e.found = true;
      e.min_row = e.max_row = r;
      continue;
    }
    if (less(d[r], d[e.min_row])) e.min_row = r;
    if (less(d[e.max_row], d[r])) e.max_row = r;
  }
  return e;
}

PartExtremes ScanPart(const Vector& v) {
  auto lt = [](auto a, auto b) { return a < b; };
  switch (v.type_id()) {
    case TypeId::kByte: return ScanValues(v, v.data<int8_t>(), lt);
    case TypeId::kShort: return ScanValues(v, v.data<int16_t>(), lt);
    case TypeId::kInt:
    case TypeId::kDate: return ScanValues(v, v.data<int32_t>(), lt);
    case TypeId::kLong:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz: return ScanValues(v, v.data<int64_t>(), lt);
    case TypeId::kFloat: return ScanValues(v, v.data<float>(), lt);
    case TypeId::kDouble: return ScanValues(v, v.data<double>(), lt);
    case TypeId::kDecimal: return ScanValues(v, v.data<int128_t>(), lt);
    default: {
      // Rows by index: strings compare their bytes, anything else by the vector's own ordering.
      std::vector<size_t> rows(v.size());
      for (size_t r = 0; r < rows.size(); ++r) rows[r] = r;
      if (v.type_id() == TypeId::kString) {
        return ScanValues(v, rows.data(), [&v](size_t a, size_t b) { return v.GetString(a) < v.GetString(b); });
      }
      return ScanValues(v, rows.data(), [&v](size_t a, size_t b) { return v.CompareRows(a, v, b) < 0; });
    }
  }
}

// Collects the stats of one column (recursing into structs) into min/max/nulls objects.
class StatsCollector {
 public:
  explicit StatsCollector(int budget) : budget_(budget) {}

  void Column(const std::string& name, const TypePtr& type, const std::vector<const Vector*>& parts,
              J* mins, J* maxs, J* nulls) {
    if (budget_ == 0) return;
    if (type->id() == TypeId::kStruct) {
      J cmin = J::object(), cmax = J::object(), cnull = J::object();
      const auto& fields = type->fields();
      for (size_t f = 0; f < fields.size(); ++f) {
        std::vector<const Vector*> child;
        for (const Vector* p : parts) child.push_back(p->child(f).get());
        Column(fields[f].name, fields[f].type, child, &cmin, &cmax, &cnull);
      }
      if (!cmin.empty()) (*mins)[name] = cmin;
      if (!cmax.empty()) (*maxs)[name] = cmax;
      if (!cnull.empty()) (*nulls)[name] = cnull;
      return;
    }
    if (budget_ > 0) --budget_;
    int64_t null_count = 0;
    const Vector* min_vec = nullptr;
    size_t min_row = 0;
    const Vector* max_vec = nullptr;
    size_t max_row = 0;
    bool nan = false;
    bool minmax = HasMinMax(*type);
    for (const Vector* p : parts) {
      if (!minmax) {
        null_count += static_cast<int64_t>(p->CountNulls());
        continue;
      }
      // The part's own extremes in one typed pass, then one comparison with the other parts'.
      PartExtremes e = ScanPart(*p);
      null_count += e.nulls;
      nan |= e.non_finite;
      if (!e.found) continue;
      if (!min_vec || p->CompareRows(e.min_row, *min_vec, min_row) < 0) {
        min_vec = p;
        min_row = e.min_row;
      }
      if (!max_vec || p->CompareRows(e.max_row, *max_vec, max_row) > 0) {
        max_vec = p;
        max_row = e.max_row;
      }
    }
    (*nulls)[name] = null_count;
    if (minmax && min_vec && type->id() == TypeId::kString &&
        (!ValidUtf8(min_vec->GetString(min_row)) || !ValidUtf8(max_vec->GetString(max_row)))) {
      minmax = false;  // bounds must be exact text
    }
    if (minmax && !nan && min_vec) {
      (*mins)[name] = StatValue(min_vec->GetValue(min_row), false);
      (*maxs)[name] = StatValue(max_vec->GetValue(max_row), true);
    }
  }

 private:
  int budget_;  // leaf columns left; < 0 = unlimited
};

}  // namespace

std::string ComputeDeltaFileStats(const TypePtr& schema, const std::vector<RecordBatchPtr>& batches,
                                  int num_indexed_cols) {
  int64_t rows = 0;
  for (const RecordBatchPtr& b : batches) rows += static_cast<int64_t>(b->num_rows());
  J mins = J::object(), maxs = J::object(), nulls = J::object();
  StatsCollector collector(num_indexed_cols < 0 ? -1 : num_indexed_cols);
  const auto& fields = schema->fields();
  for (size_t c = 0; c < fields.size(); ++c) {
    std::vector<const Vector*> parts;
    for (const RecordBatchPtr& b : batches) parts.push_back(b->column(c).get());
    collector.Column(fields[c].name, fields[c].type, parts, &mins, &maxs, &nulls);
  }
  J out = J::object();
  out["numRecords"] = rows;
  out["minValues"] = mins;
  out["maxValues"] = maxs;
  out["nullCount"] = nulls;
  return out.dump(-1, ' ', false, J::error_handler_t::replace);
}

}  // namespace sluice
