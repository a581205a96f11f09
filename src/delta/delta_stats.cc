#include "delta/delta_stats.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

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
      for (size_t r = 0; r < p->size(); ++r) {
        if (p->IsNull(r)) {
          ++null_count;
          continue;
        }
        if (!minmax) continue;
        if (type->id() == TypeId::kDouble && !std::isfinite(p->Get<double>(r))) nan = true;
        if (type->id() == TypeId::kFloat && !std::isfinite(p->Get<float>(r))) nan = true;
        if (!min_vec || p->CompareRows(r, *min_vec, min_row) < 0) {
          min_vec = p;
          min_row = r;
        }
        if (!max_vec || p->CompareRows(r, *max_vec, max_row) > 0) {
          max_vec = p;
          max_row = r;
        }
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
