#include "columnar/vector.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "sluice/exception.h"
#include "types/mix64.h"

namespace sluice {

namespace {

inline uint64_t HashBytes(const char* p, size_t n, uint64_t seed) {
  // FNV-1a over 8-byte words, then mixed; fast enough and well distributed after Mix64.
  uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ULL);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    h = (h ^ w) * 0x100000001b3ULL;
    h = std::rotl(h, 29);
  }
  uint64_t tail = 0;
  if constexpr (std::endian::native == std::endian::little) {
    // The value a memcpy of the last n - i bytes gives, without a library call per string.
    for (size_t k = 0; k < n - i; ++k) tail |= uint64_t{static_cast<uint8_t>(p[i + k])} << (8 * k);
  } else if (n > i) {
    std::memcpy(&tail, p + i, n - i);
  }
  h = (h ^ tail) * 0x100000001b3ULL;
  return Mix64(h);
}

}  // namespace

Vector::Vector(TypePtr type) : type_(std::move(type)) {
  width_ = type_->FixedWidth();
  switch (type_->id()) {
    case TypeId::kString:
    case TypeId::kBinary: offsets_.push_back(0); break;
    case TypeId::kArray:
      offsets_.push_back(0);
      children_.push_back(std::make_shared<Vector>(type_->element_type()));
      break;
    case TypeId::kMap:
      offsets_.push_back(0);
      children_.push_back(std::make_shared<Vector>(type_->key_type()));
      children_.push_back(std::make_shared<Vector>(type_->value_type()));
      break;
    case TypeId::kStruct:
      for (const auto& f : type_->fields()) children_.push_back(std::make_shared<Vector>(f.type));
      break;
    default: break;
  }
}

VectorPtr Vector::MakeNull(TypePtr type, size_t size) {
  auto v = std::make_shared<Vector>(std::move(type));
  v->Resize(size);
  v->EnsureValidity();
  std::fill(v->validity_.begin(), v->validity_.end(), 0);
  return v;
}

VectorPtr Vector::MakeConstant(const Value& value, size_t size) {
  if (value.is_null()) return MakeNull(value.type(), size);
  auto v = std::make_shared<Vector>(value.type());
  v->Reserve(size);
  if (v->width_ > 0 && !v->type_->IsNested()) {
    v->AppendValue(value);
    v->GrowFixed(size);
    // Copies of row 0, typed for the common widths (a memcpy of a run-time width per row is a
    // library call per row).
    auto fill = [&](auto tag) {
      using T = decltype(tag);
      T* d = v->data<T>();
      std::fill(d + 1, d + size, d[0]);
    };
    switch (size > 1 ? v->width_ : 0) {
      case 0: break;
      case 1: fill(uint8_t{}); break;
      case 2: fill(uint16_t{}); break;
      case 4: fill(uint32_t{}); break;
      case 8: fill(uint64_t{}); break;
      default:
        for (size_t i = 1; i < size; ++i) std::memcpy(&v->data_[i * v->width_], &v->data_[0], v->width_);
    }
    if (size == 0) v->Resize(0);
    return v;
  }
  if (v->type_->IsStringLike()) {
    // One copy of the bytes per row, written in place.
    std::string_view s = value.GetString();
    v->chars_.resize(s.size() * size);
    v->offsets_.resize(size + 1);
    for (size_t i = 0; i < size; ++i) {
      if (!s.empty()) std::memcpy(v->chars_.data() + i * s.size(), s.data(), s.size());
      v->offsets_[i + 1] = static_cast<int64_t>((i + 1) * s.size());
    }
    v->GrowFixed(size);
    return v;
  }
  for (size_t i = 0; i < size; ++i) v->AppendValue(value);
  return v;
}

void Vector::EnsureValidity() {
  if (validity_.empty()) validity_.assign((std::max<size_t>(size_, 1) + 63) / 64, ~uint64_t{0});
}

void Vector::SetNull(size_t i, bool is_null) {
  if (is_null) {
    EnsureValidity();
    validity_[i >> 6] &= ~(uint64_t{1} << (i & 63));
  } else if (!validity_.empty()) {
    validity_[i >> 6] |= uint64_t{1} << (i & 63);
  }
}

size_t Vector::CountNulls() const {
  if (validity_.empty()) return 0;
  size_t valid = 0;
  size_t full = size_ / 64;
  for (size_t w = 0; w < full; ++w) valid += std::popcount(validity_[w]);
  for (size_t i = full * 64; i < size_; ++i) valid += IsValid(i);
  return size_ - valid;
}

void Vector::Reserve(size_t n) {
  if (width_ > 0) data_.reserve(n * width_);
  if (!offsets_.empty()) offsets_.reserve(n + 1);
}

void Vector::GrowFixed(size_t n) {
  // Fixed-width part (values left for the caller to write) plus validity for rows [size_, n).
  if (width_ > 0 && data_.size() < n * static_cast<size_t>(width_)) {
    if (data_.capacity() < n * width_) data_.reserve(std::max(n * width_, data_.capacity() * 2));
    data_.resize(n * width_);
  }
  if (!validity_.empty()) {
    size_t words = (n + 63) / 64;
    if (validity_.size() < words) validity_.resize(words, ~uint64_t{0});
    for (size_t i = size_; i < n; ++i) validity_[i >> 6] |= uint64_t{1} << (i & 63);
  }
  size_ = n;
}

void Vector::Resize(size_t n) {
  size_t old = size_;
  if (n < old) {
    size_ = n;
    if (width_ > 0) data_.resize(n * width_);
    if (!offsets_.empty()) {
      offsets_.resize(n + 1);
      if (type_->IsStringLike()) chars_.resize(offsets_[n]);
    }
    if (type_->id() == TypeId::kStruct) {
      for (auto& c : children_) c->Resize(n);
    }
    if (!validity_.empty()) validity_.resize((std::max<size_t>(n, 1) + 63) / 64);
    return;
  }
  switch (type_->id()) {
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kArray:
    case TypeId::kMap:
      offsets_.resize(n + 1, offsets_.back());
      break;
    case TypeId::kStruct:
      for (auto& c : children_) c->Resize(n);
      break;
    default: break;
  }
  GrowFixed(n);
  if (width_ > 0 && n > old) std::memset(&data_[old * width_], 0, (n - old) * width_);
}

void Vector::ResizeForOverwrite(size_t n) {
  if (width_ == 0 || type_->IsNested()) {
    Resize(n);
    return;
  }
  if (n < size_) {
    Resize(n);
    return;
  }
  GrowFixed(n);
}

void Vector::AppendNull() {
  size_t n = size_;
  switch (type_->id()) {
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kArray:
    case TypeId::kMap: offsets_.push_back(offsets_.back()); break;
    case TypeId::kStruct:
      for (auto& c : children_) c->AppendNull();
      break;
    default: break;
  }
  GrowFixed(n + 1);
  if (width_ > 0) std::memset(&data_[n * width_], 0, width_);
  SetNull(n, true);
}

void Vector::AppendString(std::string_view s) {
  chars_.insert(chars_.end(), s.begin(), s.end());
  offsets_.push_back(static_cast<int64_t>(chars_.size()));
  GrowFixed(size_ + 1);
}

void Vector::AppendListEnd() {
  offsets_.push_back(static_cast<int64_t>(children_[0]->size()));
  GrowFixed(size_ + 1);
}

void Vector::AppendStructRow() { GrowFixed(size_ + 1); }

void Vector::AppendValue(const Value& v) {
  if (v.is_null()) {
    AppendNull();
    return;
  }
  switch (type_->id()) {
    case TypeId::kNull: AppendNull(); return;
    case TypeId::kBoolean: Append<uint8_t>(v.GetInt64() != 0); return;
    case TypeId::kByte: Append<int8_t>(static_cast<int8_t>(v.GetInt64())); return;
    case TypeId::kShort: Append<int16_t>(static_cast<int16_t>(v.GetInt64())); return;
    case TypeId::kInt:
    case TypeId::kDate: Append<int32_t>(static_cast<int32_t>(v.GetInt64())); return;
    case TypeId::kLong:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
    case TypeId::kInterval: Append<int64_t>(v.GetInt64()); return;
    case TypeId::kFloat: Append<float>(static_cast<float>(v.GetDouble())); return;
    case TypeId::kDouble: Append<double>(v.GetDouble()); return;
    case TypeId::kDecimal: Append<int128_t>(v.GetDecimal()); return;
    case TypeId::kString:
    case TypeId::kBinary: AppendString(v.GetString()); return;
    case TypeId::kStruct: {
      const auto& f = v.children();
      for (size_t i = 0; i < children_.size(); ++i) {
        if (i < f.size()) {
          children_[i]->AppendValue(f[i]);
        } else {
          children_[i]->AppendNull();
        }
      }
      AppendStructRow();
      return;
    }
    case TypeId::kArray:
      for (const auto& e : v.children()) children_[0]->AppendValue(e);
      AppendListEnd();
      return;
    case TypeId::kMap:
      for (size_t i = 0; i < v.MapSize(); ++i) {
        children_[0]->AppendValue(v.MapKey(i));
        children_[1]->AppendValue(v.MapValue(i));
      }
      AppendListEnd();
      return;
  }
}

void Vector::AppendFrom(const Vector& other, size_t row) { AppendRange(other, row, row + 1); }

void Vector::AppendRange(const Vector& other, size_t begin, size_t end) {
  if (end <= begin) return;
  size_t old = size_;
  size_t count = end - begin;
  switch (type_->id()) {
    case TypeId::kString:
    case TypeId::kBinary: {
      int64_t b = other.offsets_[begin], e = other.offsets_[end];
      int64_t base = static_cast<int64_t>(chars_.size()) - b;
      chars_.insert(chars_.end(), other.chars_.begin() + b, other.chars_.begin() + e);
      for (size_t i = begin + 1; i <= end; ++i) offsets_.push_back(other.offsets_[i] + base);
      break;
    }
    case TypeId::kArray:
    case TypeId::kMap: {
      int64_t b = other.offsets_[begin], e = other.offsets_[end];
      int64_t base = static_cast<int64_t>(children_[0]->size()) - b;
      for (size_t c = 0; c < children_.size(); ++c)
        children_[c]->AppendRange(*other.children_[c], b, e);
      for (size_t i = begin + 1; i <= end; ++i) offsets_.push_back(other.offsets_[i] + base);
      break;
    }
    case TypeId::kStruct:
      for (size_t c = 0; c < children_.size(); ++c)
        children_[c]->AppendRange(*other.children_[c], begin, end);
      break;
    default: break;
  }
  GrowFixed(old + count);
  if (width_ > 0) std::memcpy(&data_[old * width_], &other.data_[begin * width_], count * width_);
  if (other.MayHaveNulls()) {
    for (size_t i = 0; i < count; ++i) {
      if (other.IsNull(begin + i)) SetNull(old + i, true);
    }
  }
}

void Vector::AppendSelected(const Vector& other, const SelectionVector& sel) {
  if (sel.empty()) return;
  const size_t old = size_;
  const size_t n = sel.size();
  if (width_ > 0 && !type_->IsNested()) {
    GrowFixed(old + n);
    auto gather = [&](auto tag) {
      using T = decltype(tag);
      T* d = data<T>() + old;
      const T* s = other.data<T>();
      for (size_t i = 0; i < n; ++i) d[i] = s[sel[i]];
    };
    switch (width_) {
      case 1: gather(uint8_t{}); break;
      case 2: gather(uint16_t{}); break;
      case 4: gather(uint32_t{}); break;
      case 8: gather(uint64_t{}); break;
      default:
        for (size_t i = 0; i < n; ++i) std::memcpy(&data_[(old + i) * width_], &other.data_[sel[i] * width_], width_);
    }
  } else if (type_->IsStringLike()) {
    // Bytes of all selected rows sized once, then copied row by row.
    int64_t bytes = 0;
    for (uint32_t r : sel) bytes += other.offsets_[r + 1] - other.offsets_[r];
    int64_t pos = offsets_[old];
    chars_.resize(static_cast<size_t>(pos + bytes));
    offsets_.resize(old + n + 1);
    for (size_t i = 0; i < n; ++i) {
      uint32_t r = sel[i];
      int64_t len = other.offsets_[r + 1] - other.offsets_[r];
      if (len > 0) std::memcpy(chars_.data() + pos, other.chars_.data() + other.offsets_[r], static_cast<size_t>(len));
      pos += len;
      offsets_[old + i + 1] = pos;
    }
    GrowFixed(old + n);
  } else if (type_->id() == TypeId::kStruct) {
    for (size_t c = 0; c < children_.size(); ++c) children_[c]->AppendSelected(*other.children_[c], sel);
    GrowFixed(old + n);
  } else {
    for (uint32_t r : sel) AppendRange(other, r, r + 1);  // arrays and maps: element ranges
    return;  // AppendRange set the nulls
  }
  if (other.MayHaveNulls()) {
    for (size_t i = 0; i < n; ++i) {
      if (other.IsNull(sel[i])) SetNull(old + i, true);
    }
  }
}

void Vector::KeepRows(const SelectionVector& keep) {
  const size_t n = keep.size();
  if (n == size_) return;  // ascending and as many as the rows: every row, in order
  if (type_->id() == TypeId::kArray || type_->id() == TypeId::kMap) {
    *this = std::move(*Take(keep));
    return;
  }
  if (width_ > 0 && !type_->IsNested()) {
    for (size_t i = 0; i < n; ++i) {
      if (keep[i] != i) std::memcpy(&data_[i * width_], &data_[keep[i] * width_], width_);
    }
    data_.resize(n * width_);
  } else if (type_->IsStringLike()) {
    int64_t pos = 0;
    for (size_t i = 0; i < n; ++i) {
      int64_t b = offsets_[keep[i]], len = offsets_[keep[i] + 1] - b;
      if (len > 0 && b != pos) std::memmove(chars_.data() + pos, chars_.data() + b, static_cast<size_t>(len));
      pos += len;
      offsets_[i + 1] = pos;  // offsets_[keep[i] + 1] >= offsets_[i + 1] is read before written
    }
    offsets_.resize(n + 1);
    chars_.resize(static_cast<size_t>(pos));
  } else if (type_->id() == TypeId::kStruct) {
    for (auto& c : children_) c->KeepRows(keep);
  }
  if (!validity_.empty()) {
    for (size_t i = 0; i < n; ++i) SetNull(i, IsNull(keep[i]));
    validity_.resize((std::max<size_t>(n, 1) + 63) / 64);
  }
  size_ = n;
}

Value Vector::GetValue(size_t i) const {
  if (IsNull(i)) return Value::Null(type_);
  switch (type_->id()) {
    case TypeId::kNull: return Value::Null(type_);
    case TypeId::kBoolean: return Value::Boolean(Get<uint8_t>(i) != 0);
    case TypeId::kByte: return Value::Byte(Get<int8_t>(i));
    case TypeId::kShort: return Value::Short(Get<int16_t>(i));
    case TypeId::kInt: return Value::Int(Get<int32_t>(i));
    case TypeId::kDate: return Value::Date(Get<int32_t>(i));
    case TypeId::kLong: return Value::Long(Get<int64_t>(i));
    case TypeId::kTimestamp: return Value::Timestamp(Get<int64_t>(i));
    case TypeId::kTimestampNtz: return Value::TimestampNtz(Get<int64_t>(i));
    case TypeId::kInterval: return Value::Interval(Get<int64_t>(i));
    case TypeId::kFloat: return Value::Float(Get<float>(i));
    case TypeId::kDouble: return Value::Double(Get<double>(i));
    case TypeId::kDecimal:
      return Value::Decimal(Get<int128_t>(i), type_->precision(), type_->scale());
    case TypeId::kString: return Value::String(std::string(GetString(i)));
    case TypeId::kBinary: return Value::Binary(std::string(GetString(i)));
    case TypeId::kStruct: {
      std::vector<Value> f;
      f.reserve(children_.size());
      for (const auto& c : children_) f.push_back(c->GetValue(i));
      return Value::Struct(type_, std::move(f));
    }
    case TypeId::kArray: {
      std::vector<Value> e;
      for (int64_t j = offsets_[i]; j < offsets_[i + 1]; ++j) e.push_back(children_[0]->GetValue(j));
      return Value::Array(type_, std::move(e));
    }
    case TypeId::kMap: {
      std::vector<Value> k, v;
      for (int64_t j = offsets_[i]; j < offsets_[i + 1]; ++j) {
        k.push_back(children_[0]->GetValue(j));
        v.push_back(children_[1]->GetValue(j));
      }
      return Value::Map(type_, std::move(k), std::move(v));
    }
  }
  return Value::Null(type_);
}

VectorPtr Vector::Take(const SelectionVector& sel) const {
  auto out = std::make_shared<Vector>(type_);
  if (type_->id() == TypeId::kArray || type_->id() == TypeId::kMap) out->Reserve(sel.size());
  out->AppendSelected(*this, sel);
  return out;
}

namespace {
// hashes[i] = Mix64(hashes[i] ^ bits(i)) for valid rows, the NULL hash for null rows.
template <typename Bits>
void HashFixed(const Vector& v, size_t begin, size_t n, uint64_t* hashes, Bits bits) {
  if (!v.MayHaveNulls()) {
    for (size_t k = 0; k < n; ++k) hashes[k] = Mix64(hashes[k] ^ bits(begin + k));
    return;
  }
  for (size_t k = 0; k < n; ++k) {
    hashes[k] = v.IsNull(begin + k) ? Mix64(hashes[k] ^ 0x5bd1e995ULL) : Mix64(hashes[k] ^ bits(begin + k));
  }
}
}  // namespace

void Vector::HashRows(size_t begin, size_t n, uint64_t* hashes) const {
  switch (type_->id()) {
    case TypeId::kBoolean:
    case TypeId::kByte: {
      const int8_t* d = data<int8_t>();
      return HashFixed(*this, begin, n, hashes, [d](size_t i) { return static_cast<uint64_t>(d[i]); });
    }
    case TypeId::kShort: {
      const int16_t* d = data<int16_t>();
      return HashFixed(*this, begin, n, hashes, [d](size_t i) { return static_cast<uint64_t>(d[i]); });
    }
    case TypeId::kInt:
    case TypeId::kDate: {
      const int32_t* d = data<int32_t>();
      return HashFixed(*this, begin, n, hashes, [d](size_t i) { return static_cast<uint64_t>(d[i]); });
    }
    case TypeId::kLong:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
    case TypeId::kInterval: {
      const int64_t* d = data<int64_t>();
      return HashFixed(*this, begin, n, hashes, [d](size_t i) { return static_cast<uint64_t>(d[i]); });
    }
    case TypeId::kStruct: {
      // Valid rows: seed ^ constant, then every child; null rows: the NULL hash.
      std::vector<uint64_t> seeds;
      if (MayHaveNulls()) seeds.assign(hashes, hashes + n);
      for (size_t k = 0; k < n; ++k) hashes[k] ^= 0x27d4eb2f165667c5ULL;
      for (const auto& c : children_) c->HashRows(begin, n, hashes);
      if (MayHaveNulls()) {
        for (size_t k = 0; k < n; ++k) {
          if (IsNull(begin + k)) hashes[k] = Mix64(seeds[k] ^ 0x5bd1e995ULL);
        }
      }
      return;
    }
    case TypeId::kString:
    case TypeId::kBinary:
      // As HashRow, without its per-row type dispatch.
      for (size_t k = 0; k < n; ++k) {
        size_t i = begin + k;
        if (IsNull(i)) {
          hashes[k] = Mix64(hashes[k] ^ 0x5bd1e995ULL);
        } else {
          std::string_view s = GetString(i);
          hashes[k] = HashBytes(s.data(), s.size(), hashes[k]);
        }
      }
      return;
    default:
      for (size_t k = 0; k < n; ++k) hashes[k] = HashRow(begin + k, hashes[k]);
      return;
  }
}

VectorPtr Vector::Slice(size_t begin, size_t count) const {
  auto out = std::make_shared<Vector>(type_);
  out->Reserve(count);
  out->AppendRange(*this, begin, begin + count);
  return out;
}

uint64_t Vector::HashRow(size_t i, uint64_t seed) const {
  if (IsNull(i)) return Mix64(seed ^ 0x5bd1e995ULL);
  switch (type_->id()) {
    case TypeId::kNull: return Mix64(seed ^ 0x5bd1e995ULL);
    case TypeId::kBoolean:
    case TypeId::kByte: return Mix64(seed ^ static_cast<uint64_t>(Get<int8_t>(i)));
    case TypeId::kShort: return Mix64(seed ^ static_cast<uint64_t>(Get<int16_t>(i)));
    case TypeId::kInt:
    case TypeId::kDate: return Mix64(seed ^ static_cast<uint64_t>(Get<int32_t>(i)));
    case TypeId::kFloat: {
      float f = Get<float>(i);
      if (f == 0.0f) f = 0.0f;  // -0.0 groups with 0.0
      if (std::isnan(f)) return Mix64(seed ^ 0x7fc00000ULL);
      uint32_t b;
      std::memcpy(&b, &f, 4);
      return Mix64(seed ^ b);
    }
    case TypeId::kDouble: {
      double d = Get<double>(i);
      if (d == 0.0) d = 0.0;
      if (std::isnan(d)) return Mix64(seed ^ 0x7ff8000000000000ULL);
      uint64_t b;
      std::memcpy(&b, &d, 8);
      return Mix64(seed ^ b);
    }
    case TypeId::kDecimal: {
      int128_t v = Get<int128_t>(i);
      return Mix64(Mix64(seed ^ static_cast<uint64_t>(v)) ^ static_cast<uint64_t>(v >> 64));
    }
    case TypeId::kString:
    case TypeId::kBinary: {
      auto s = GetString(i);
      return HashBytes(s.data(), s.size(), seed);
    }
    case TypeId::kStruct: {
      uint64_t h = seed ^ 0x27d4eb2f165667c5ULL;
      for (const auto& c : children_) h = c->HashRow(i, h);
      return h;
    }
    case TypeId::kArray:
    case TypeId::kMap: {
      uint64_t h = Mix64(seed ^ static_cast<uint64_t>(offsets_[i + 1] - offsets_[i]));
      for (int64_t j = offsets_[i]; j < offsets_[i + 1]; ++j) {
        for (const auto& c : children_) h = c->HashRow(j, h);
      }
      return h;
    }
    default: return Mix64(seed ^ static_cast<uint64_t>(Get<int64_t>(i)));
  }
}

bool Vector::RowEquals(size_t i, const Vector& other, size_t j) const {
  bool an = IsNull(i), bn = other.IsNull(j);
  if (an || bn) return an && bn;
  switch (type_->id()) {
    case TypeId::kString:
    case TypeId::kBinary: return GetString(i) == other.GetString(j);  // length, then bytes
    case TypeId::kBoolean:
    case TypeId::kByte: return Get<int8_t>(i) == other.Get<int8_t>(j);
    case TypeId::kShort: return Get<int16_t>(i) == other.Get<int16_t>(j);
    case TypeId::kInt:
    case TypeId::kDate: return Get<int32_t>(i) == other.Get<int32_t>(j);
    case TypeId::kLong:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
    case TypeId::kInterval: return Get<int64_t>(i) == other.Get<int64_t>(j);
    case TypeId::kStruct:
      for (size_t c = 0; c < children_.size(); ++c) {
        if (!children_[c]->RowEquals(i, *other.children_[c], j)) return false;
      }
      return true;
    default: return CompareRows(i, other, j) == 0;  // floating point (NaN, -0.0), decimals, lists
  }
}

namespace {
template <typename T>
int Cmp(T a, T b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}
// Spark ordering for floating point: NaN is larger than any other value and equal to itself.
template <typename T>
int CmpFloat(T a, T b) {
  bool an = std::isnan(a), bn = std::isnan(b);
  if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
  return Cmp(a, b);
}
}  // namespace

int Vector::CompareRows(size_t i, const Vector& other, size_t j, bool nulls_first) const {
  bool an = IsNull(i), bn = other.IsNull(j);
  if (an || bn) {
    if (an && bn) return 0;
    return an == nulls_first ? -1 : 1;
  }
  switch (type_->id()) {
    case TypeId::kNull: return 0;
    case TypeId::kBoolean: return Cmp(Get<uint8_t>(i), other.Get<uint8_t>(j));
    case TypeId::kByte: return Cmp(Get<int8_t>(i), other.Get<int8_t>(j));
    case TypeId::kShort: return Cmp(Get<int16_t>(i), other.Get<int16_t>(j));
    case TypeId::kInt:
    case TypeId::kDate: return Cmp(Get<int32_t>(i), other.Get<int32_t>(j));
    case TypeId::kFloat: return CmpFloat(Get<float>(i), other.Get<float>(j));
    case TypeId::kDouble: return CmpFloat(Get<double>(i), other.Get<double>(j));
    case TypeId::kDecimal: return Cmp(Get<int128_t>(i), other.Get<int128_t>(j));
    case TypeId::kString:
    case TypeId::kBinary: {
      int c = GetString(i).compare(other.GetString(j));
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case TypeId::kStruct:
      for (size_t c = 0; c < children_.size(); ++c) {
        int r = children_[c]->CompareRows(i, *other.children_[c], j, nulls_first);
        if (r) return r;
      }
      return 0;
    case TypeId::kArray:
    case TypeId::kMap: {
      int64_t la = offsets_[i + 1] - offsets_[i], lb = other.offsets_[j + 1] - other.offsets_[j];
      for (int64_t k = 0; k < std::min(la, lb); ++k) {
        for (size_t c = 0; c < children_.size(); ++c) {
          int r = children_[c]->CompareRows(offsets_[i] + k, *other.children_[c],
                                            other.offsets_[j] + k, nulls_first);
          if (r) return r;
        }
      }
      return Cmp(la, lb);
    }
    default: return Cmp(Get<int64_t>(i), other.Get<int64_t>(j));
  }
}

}  // namespace sluice
