#include "exec/aggregate_function.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_set>

#include "expr/evaluator.h"
#include "sluice/exception.h"

namespace sluice {

namespace {

// Iterates the groups an output is built for.
template <typename Fn>
void ForGroups(size_t num_groups, const SelectionVector* sel, Fn fn) {
  if (sel) {
    for (size_t i = 0; i < sel->size(); ++i) fn(i, (*sel)[i]);
  } else {
    for (size_t g = 0; g < num_groups; ++g) fn(g, static_cast<uint32_t>(g));
  }
}

size_t OutCount(size_t num_groups, const SelectionVector* sel) {
  return sel ? sel->size() : num_groups;
}

bool AllValid(const std::vector<VectorPtr>& args, size_t i) {
  for (const auto& a : args) {
    if (a->IsNull(i)) return false;
  }
  return true;
}

[[noreturn]] void Overflow(const std::string& fn) {
  throw ExecutionError(fmt::format(
      "[ARITHMETIC_OVERFLOW] integer overflow in {}. Use 'try_sum' to tolerate overflow and return "
      "NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
      fn));
}

// Moves elements keep[i] to position i (keep ascending, so each move goes left) and drops the
// rest: an accumulator's per-group columns after groups were removed.
template <typename T, typename... More>
void KeepElements(const SelectionVector& keep, std::vector<T>* v, More*... more) {
  for (size_t i = 0; i < keep.size(); ++i) {
    if (keep[i] != i) (*v)[i] = std::move((*v)[keep[i]]);
  }
  v->resize(keep.size());
  if constexpr (sizeof...(More) > 0) KeepElements(keep, more...);
}

// ---- count ----
class CountAcc : public Accumulator {
 public:
  explicit CountAcc(bool count_if) : count_if_(count_if) {}
  std::vector<TypePtr> StateTypes() const override { return {DataType::Long()}; }
  void Resize(size_t n) override { counts_.resize(n, 0); }
  void Update(const std::vector<VectorPtr>& args, const uint32_t* groups, size_t n) override {
    if (count_if_) {
      const Vector& a = *args[0];
      for (size_t i = 0; i < n; ++i) {
        if (a.IsValid(i) && a.Get<uint8_t>(i)) ++counts_[groups[i]];
      }
      return;
    }
    bool any_nulls = false;
    for (const auto& a : args) any_nulls |= a->MayHaveNulls();
    if (!any_nulls) {
      for (size_t i = 0; i < n; ++i) ++counts_[groups[i]];
      return;
    }
    for (size_t i = 0; i < n; ++i) {
      if (AllValid(args, i)) ++counts_[groups[i]];
    }
  }
  void UpdateOneGroup(const std::vector<VectorPtr>& args, uint32_t g, size_t n) override {
    int64_t c = 0;
    if (count_if_) {
      const Vector& a = *args[0];
      for (size_t i = 0; i < n; ++i) c += a.IsValid(i) && a.Get<uint8_t>(i);
    } else {
      bool any_nulls = false;
      for (const auto& a : args) any_nulls |= a->MayHaveNulls();
      if (!any_nulls) {
        c = static_cast<int64_t>(n);
      } else {
        for (size_t i = 0; i < n; ++i) c += AllValid(args, i);
      }
    }
    counts_[g] += c;
  }
  void Merge(const std::vector<VectorPtr>& state, const uint32_t* groups, size_t n) override {
    const int64_t* c = state[0]->data<int64_t>();
    for (size_t i = 0; i < n; ++i) counts_[groups[i]] += c[i];
  }
  std::vector<VectorPtr> SaveState(size_t ng, const SelectionVector* sel) const override {
    return {Finalize(ng, sel)};
  }
  VectorPtr Finalize(size_t ng, const SelectionVector* sel) const override {
    auto v = std::make_shared<Vector>(DataType::Long());
    v->Resize(OutCount(ng, sel));
    int64_t* d = v->data<int64_t>();
    ForGroups(ng, sel, [&](size_t o, uint32_t g) { d[o] = counts_[g]; });
    return v;
  }

  void KeepGroups(const SelectionVector& keep) override { KeepElements(keep, &counts_); }

 private:
  bool count_if_;
  std::vector<int64_t> counts_;
};

// ---- sum / avg over int64, double, decimal (int128) ----
enum class SumKind { kLong, kDouble, kDecimal };

int128_t Pow10(int n) {
  int128_t r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

template <typename T>
class SumAcc : public Accumulator {
 public:
  SumAcc(TypePtr result, TypePtr input, bool avg, bool ansi)
      : result_(std::move(result)), input_(std::move(input)), avg_(avg), ansi_(ansi) {
    if constexpr (std::is_same_v<T, int128_t>) {
      // Sums of decimals keep the input scale; bound by the sum type's precision.
      int p = avg_ ? std::min(38, input_->precision() + 10) : result_->precision();
      sum_type_ = DataType::Decimal(p, input_->scale());
      limit_ = Pow10(p);
    } else if constexpr (std::is_same_v<T, int64_t>) {
      sum_type_ = input_->id() == TypeId::kInterval ? input_ : DataType::Long();
    } else {
      sum_type_ = DataType::Double();
    }
  }
  std::vector<TypePtr> StateTypes() const override {
    if (avg_) return {sum_type_, DataType::Long()};
    return {sum_type_};
  }
  void Resize(size_t n) override {
    sums_.resize(n, 0);
    has_.resize(n, 0);
    counts_.resize(n, 0);
    overflow_.resize(n, 0);
  }
  // Adds v to a running sum, flagging overflow (or throwing it under ANSI) as each addition does.
  void AddTo(T* sum, uint8_t* overflow, T v) const {
    if constexpr (std::is_same_v<T, int64_t>) {
      if (__builtin_add_overflow(*sum, v, sum)) {
        if (ansi_) Overflow(avg_ ? "avg" : "sum");
        *overflow = 1;
      }
    } else if constexpr (std::is_same_v<T, int128_t>) {
      *sum += v;
      if (*sum >= limit_ || *sum <= -limit_) *overflow = 1;
    } else {
      *sum += v;
    }
  }
  void Add(uint32_t g, T v) {
    AddTo(&sums_[g], &overflow_[g], v);
    has_[g] = 1;
  }
  // Calls fn(from) with a typed pointer to the input's values: the physical type is dispatched once
  // per chunk, not per row.
  template <typename Fn>
  void DispatchInput(const Vector& a, Fn&& fn) {
    switch (a.type_id()) {
      case TypeId::kNull: return;
      case TypeId::kByte: return fn(a.data<int8_t>());
      case TypeId::kShort: return fn(a.data<int16_t>());
      case TypeId::kInt:
      case TypeId::kDate: return fn(a.data<int32_t>());
      case TypeId::kFloat:
        if constexpr (std::is_same_v<T, double>) return fn(a.data<float>());
        break;
      case TypeId::kDouble:
        if constexpr (std::is_same_v<T, double>) return fn(a.data<double>());
        break;
      case TypeId::kDecimal:
        if constexpr (std::is_same_v<T, int128_t>) return fn(a.data<int128_t>());
        break;
      default: break;
    }
    fn(a.data<int64_t>());
  }
  void Update(const std::vector<VectorPtr>& args, const uint32_t* groups, size_t n) override {
    const Vector& a = *args[0];
    const bool nulls = a.MayHaveNulls();
    DispatchInput(a, [&](const auto* d) {
      for (size_t i = 0; i < n; ++i) {
        if (nulls && a.IsNull(i)) continue;
        Add(groups[i], static_cast<T>(d[i]));
        if (avg_) ++counts_[groups[i]];
      }
    });
  }
  void UpdateOneGroup(const std::vector<VectorPtr>& args, uint32_t g, size_t n) override {
    const Vector& a = *args[0];
    const bool nulls = a.MayHaveNulls();
    DispatchInput(a, [&](const auto* d) {
      // The running sum stays in a register; the additions (and their overflow checks) are the
      // same as row by row.
      T sum = sums_[g];
      uint8_t overflow = overflow_[g];
      int64_t added = 0;
      for (size_t i = 0; i < n; ++i) {
        if (nulls && a.IsNull(i)) continue;
        AddTo(&sum, &overflow, static_cast<T>(d[i]));
        ++added;
      }
      sums_[g] = sum;
      overflow_[g] = overflow;
      if (added > 0) has_[g] = 1;
      if (avg_) counts_[g] += added;
    });
  }
  void Merge(const std::vector<VectorPtr>& state, const uint32_t* groups, size_t n) override {
    const Vector& s = *state[0];
    for (size_t i = 0; i < n; ++i) {
      uint32_t g = groups[i];
      if (avg_) counts_[g] += state[1]->Get<int64_t>(i);
      if (s.IsNull(i)) {
        // A null partial sum with a count means overflow (decimal) in that partial.
        if (avg_ && state[1]->Get<int64_t>(i) > 0) overflow_[g] = 1;
        continue;
      }
      Add(g, s.Get<T>(i));
    }
  }
  std::vector<VectorPtr> SaveState(size_t ng, const SelectionVector* sel) const override {
    auto v = std::make_shared<Vector>(sum_type_);
    v->Resize(OutCount(ng, sel));
    ForGroups(ng, sel, [&](size_t o, uint32_t g) {
      v->data<T>()[o] = sums_[g];
      if (!has_[g] || overflow_[g]) v->SetNull(o);
    });
    if (!avg_) return {v};
    auto c = std::make_shared<Vector>(DataType::Long());
    c->Resize(OutCount(ng, sel));
    ForGroups(ng, sel, [&](size_t o, uint32_t g) { c->data<int64_t>()[o] = counts_[g]; });
    return {v, c};
  }
  VectorPtr Finalize(size_t ng, const SelectionVector* sel) const override {
    auto v = std::make_shared<Vector>(result_);
    v->Resize(OutCount(ng, sel));
    ForGroups(ng, sel, [&](size_t o, uint32_t g) {
      if (!has_[g] || (avg_ && counts_[g] == 0)) {
        v->SetNull(o);
        return;
      }
      if (overflow_[g]) {
        if (ansi_ && result_->id() == TypeId::kDecimal) {
          throw ExecutionError(fmt::format(
              "[NUMERIC_VALUE_OUT_OF_RANGE] The sum does not fit in {}. If necessary set "
              "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error, and return NULL instead.",
              result_->Sql()));
        }
        v->SetNull(o);
        return;
      }
      if (!avg_) {
        v->data<T>()[o] = sums_[g];
        return;
      }
      if constexpr (std::is_same_v<T, int128_t>) {
        // avg(decimal(p,s)) -> decimal(p+4, s+4), rounded half-up.
        int extra = result_->scale() - input_->scale();
        int128_t num = sums_[g] * Pow10(extra) * 10;
        int128_t q = num / counts_[g];
        q = q >= 0 ? (q + 5) / 10 : (q - 5) / 10;
        v->data<int128_t>()[o] = q;
      } else if (result_->id() == TypeId::kInterval) {
        v->data<int64_t>()[o] = static_cast<int64_t>(sums_[g]) / counts_[g];
      } else {
        v->data<double>()[o] = static_cast<double>(sums_[g]) / static_cast<double>(counts_[g]);
      }
    });
    return v;
  }

  void KeepGroups(const SelectionVector& keep) override {
    KeepElements(keep, &sums_, &has_, &counts_, &overflow_);
  }

 private:
  TypePtr result_, input_, sum_type_;
  bool avg_, ansi_;
  int128_t limit_ = 0;
  std::vector<T> sums_;
  std::vector<uint8_t> has_;
  std::vector<int64_t> counts_;
  std::vector<uint8_t> overflow_;
};

// ---- generic, value-based accumulators (min/max on non-primitive types, first/last, collect) ----
class ValueAcc : public Accumulator {
 public:
  enum class Op { kMin, kMax, kFirst, kLast, kMaxBy, kMinBy };
  ValueAcc(Op op, TypePtr type, bool ignore_nulls)
      : op_(op), type_(std::move(type)), ignore_nulls_(ignore_nulls) {}
  std::vector<TypePtr> StateTypes() const override {
    if (op_ == Op::kMaxBy || op_ == Op::kMinBy) return {type_, ord_type_, DataType::Boolean()};
    return {type_, DataType::Boolean()};
  }
  void set_ord_type(TypePtr t) { ord_type_ = std::move(t); }
  void Resize(size_t n) override {
    values_.resize(n, Value::Null(type_));
    ords_.resize(n, Value::Null(ord_type_ ? ord_type_ : type_));
    set_.resize(n, 0);
  }
  void Offer(uint32_t g, const Vector& v, size_t i, const Vector* ord, size_t oi) {
    switch (op_) {
      case Op::kMin:
      case Op::kMax: {
        if (v.IsNull(i)) return;
        if (v.type_id() == TypeId::kString || v.type_id() == TypeId::kBinary) {
          // Byte-wise comparison (as Spark orders strings and binary), without a Value per row.
          std::string_view x = v.GetString(i);
          if (set_[g]) {
            int c = CompareBytes(x, values_[g].GetString());
            if (op_ == Op::kMax ? c <= 0 : c >= 0) return;
          }
          values_[g] = v.GetValue(i);
          set_[g] = 1;
          return;
        }
        Value x = v.GetValue(i);
        if (!set_[g] || Better(x, values_[g], op_ == Op::kMax)) {
          values_[g] = std::move(x);
          set_[g] = 1;
        }
        return;
      }
      case Op::kFirst:
        if (set_[g]) return;
        if (ignore_nulls_ && v.IsNull(i)) return;
        values_[g] = v.GetValue(i);
        set_[g] = 1;
        return;
      case Op::kLast:
        if (ignore_nulls_ && v.IsNull(i)) return;
        values_[g] = v.GetValue(i);
        set_[g] = 1;
        return;
      case Op::kMaxBy:
      case Op::kMinBy: {
        if (ord->IsNull(oi)) return;
        Value o = ord->GetValue(oi);
        if (!set_[g] || Better(o, ords_[g], op_ == Op::kMaxBy)) {
          ords_[g] = std::move(o);
          values_[g] = v.GetValue(i);
          set_[g] = 1;
        }
        return;
      }
    }
  }
  static bool Better(const Value& a, const Value& b, bool greater) {
    auto va = Vector::MakeConstant(a, 1);
    auto vb = Vector::MakeConstant(b, 1);
    int c = va->CompareRows(0, *vb, 0);
    return greater ? c > 0 : c < 0;
  }
  void Update(const std::vector<VectorPtr>& args, const uint32_t* groups, size_t n) override {
    const Vector& v = *args[0];
    if ((op_ == Op::kMin || op_ == Op::kMax) && (v.type_id() == TypeId::kString || v.type_id() == TypeId::kBinary)) {
      UpdateBytesMinMax(v, groups, n);
      return;
    }
    const Vector* ord = args.size() > 1 && (op_ == Op::kMaxBy || op_ == Op::kMinBy) ? args[1].get() : nullptr;
    for (size_t i = 0; i < n; ++i) Offer(groups[i], v, i, ord, i);
  }
  void UpdateOneGroup(const std::vector<VectorPtr>& args, uint32_t g, size_t n) override {
    const Vector& v = *args[0];
    if (!((op_ == Op::kMin || op_ == Op::kMax) && (v.type_id() == TypeId::kString || v.type_id() == TypeId::kBinary))) {
      Accumulator::UpdateOneGroup(args, g, n);
      return;
    }
    // The chunk's best row first, then one comparison with the group's value.
    const bool is_max = op_ == Op::kMax;
    const bool nulls = v.MayHaveNulls();
    size_t best = n;
    std::string_view best_bytes;
    for (size_t i = 0; i < n; ++i) {
      if (nulls && v.IsNull(i)) continue;
      std::string_view x = v.GetString(i);
      if (best != n) {
        int c = CompareBytes(x, best_bytes);
        if (is_max ? c <= 0 : c >= 0) continue;
      }
      best = i;
      best_bytes = x;
    }
    if (best == n) return;
    if (set_[g]) {
      int c = CompareBytes(best_bytes, values_[g].GetString());
      if (is_max ? c <= 0 : c >= 0) return;
    }
    values_[g] = v.GetValue(best);
    set_[g] = 1;
  }
  // min / max of strings or binary: byte-wise comparison (as Spark orders them) against each
  // group's current value, which is copied only when a row beats it.
  void UpdateBytesMinMax(const Vector& v, const uint32_t* groups, size_t n) {
    const bool is_max = op_ == Op::kMax;
    const bool nulls = v.MayHaveNulls();
    for (size_t i = 0; i < n; ++i) {
      if (nulls && v.IsNull(i)) continue;
      uint32_t g = groups[i];
      std::string_view x = v.GetString(i);
      if (set_[g]) {
        int c = CompareBytes(x, values_[g].GetString());
        if (is_max ? c <= 0 : c >= 0) continue;
      }
      values_[g] = v.GetValue(i);
      set_[g] = 1;
    }
  }
  // Byte-wise three-way comparison (unsigned bytes, then length), a word at a time: most strings
  // that are grouped or aggregated are short and differ in their first bytes.
  static int CompareBytes(std::string_view a, std::string_view b) {
    static_assert(std::endian::native == std::endian::little, "words are byte-swapped to compare");
    const size_t n = std::min(a.size(), b.size());
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      uint64_t x, y;
      std::memcpy(&x, a.data() + i, 8);
      std::memcpy(&y, b.data() + i, 8);
      if (x != y) return __builtin_bswap64(x) < __builtin_bswap64(y) ? -1 : 1;
    }
    if (i + 4 <= n) {
      uint32_t x, y;
      std::memcpy(&x, a.data() + i, 4);
      std::memcpy(&y, b.data() + i, 4);
      if (x != y) return __builtin_bswap32(x) < __builtin_bswap32(y) ? -1 : 1;
      i += 4;
    }
    for (; i < n; ++i) {
      if (a[i] != b[i]) return static_cast<uint8_t>(a[i]) < static_cast<uint8_t>(b[i]) ? -1 : 1;
    }
    return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
  }
  void Merge(const std::vector<VectorPtr>& state, const uint32_t* groups, size_t n) override {
    bool by = op_ == Op::kMaxBy || op_ == Op::kMinBy;
    const Vector& flag = *state[by ? 2 : 1];
    for (size_t i = 0; i < n; ++i) {
      if (!flag.Get<uint8_t>(i)) continue;
      uint32_t g = groups[i];
      if (op_ == Op::kFirst) {
        if (!set_[g]) {
          values_[g] = state[0]->GetValue(i);
          set_[g] = 1;
        }
      } else if (op_ == Op::kLast) {
        values_[g] = state[0]->GetValue(i);
        set_[g] = 1;
      } else {
        Offer(g, *state[0], i, by ? state[1].get() : nullptr, i);
      }
    }
  }
  std::vector<VectorPtr> SaveState(size_t ng, const SelectionVector* sel) const override {
    auto v = std::make_shared<Vector>(type_);
    auto f = std::make_shared<Vector>(DataType::Boolean());
    std::shared_ptr<Vector> o;
    bool by = op_ == Op::kMaxBy || op_ == Op::kMinBy;
    if (by) o = std::make_shared<Vector>(ord_type_);
    ForGroups(ng, sel, [&](size_t, uint32_t g) {
      v->AppendValue(values_[g]);
      f->Append<uint8_t>(set_[g]);
      if (by) o->AppendValue(ords_[g]);
    });
    if (by) return {v, o, f};
    return {v, f};
  }
  VectorPtr Finalize(size_t ng, const SelectionVector* sel) const override {
    auto v = std::make_shared<Vector>(type_);
    ForGroups(ng, sel, [&](size_t, uint32_t g) { v->AppendValue(values_[g]); });
    return v;
  }

  void KeepGroups(const SelectionVector& keep) override { KeepElements(keep, &values_, &ords_, &set_); }

 private:
  Op op_;
  TypePtr type_;
  TypePtr ord_type_;
  bool ignore_nulls_;
  std::vector<Value> values_;
  std::vector<Value> ords_;
  std::vector<uint8_t> set_;
};

// min/max over primitive fixed-width values, typed.
template <typename T>
class PrimitiveMinMaxAcc : public Accumulator {
 public:
  PrimitiveMinMaxAcc(TypePtr type, bool is_max) : type_(std::move(type)), max_(is_max) {}
  std::vector<TypePtr> StateTypes() const override { return {type_}; }
  void Resize(size_t n) override {
    vals_.resize(n);
    set_.resize(n, 0);
  }
  static bool Less(T a, T b) {
    if constexpr (std::is_floating_point_v<T>) {
      // NaN is the largest value (Spark's ordering).
      if (std::isnan(a)) return false;
      if (std::isnan(b)) return true;
    }
    return a < b;
  }
  void Offer(uint32_t g, T x) {
    if (!set_[g] || (max_ ? Less(vals_[g], x) : Less(x, vals_[g]))) {
      vals_[g] = x;
      set_[g] = 1;
    }
  }
  void Update(const std::vector<VectorPtr>& args, const uint32_t* groups, size_t n) override {
    const Vector& a = *args[0];
    const T* d = a.data<T>();
    for (size_t i = 0; i < n; ++i) {
      if (a.IsValid(i)) Offer(groups[i], d[i]);
    }
  }
  void UpdateOneGroup(const std::vector<VectorPtr>& args, uint32_t g, size_t n) override {
    const Vector& a = *args[0];
    const T* d = a.data<T>();
    const bool nulls = a.MayHaveNulls();
    size_t i = 0;
    while (i < n && nulls && a.IsNull(i)) ++i;
    if (i == n) return;
    T best = d[i];
    for (++i; i < n; ++i) {
      if (nulls && a.IsNull(i)) continue;
      if (max_ ? Less(best, d[i]) : Less(d[i], best)) best = d[i];
    }
    Offer(g, best);
  }
  void Merge(const std::vector<VectorPtr>& state, const uint32_t* groups, size_t n) override {
    Update(state, groups, n);
  }
  std::vector<VectorPtr> SaveState(size_t ng, const SelectionVector* sel) const override {
    return {Finalize(ng, sel)};
  }
  VectorPtr Finalize(size_t ng, const SelectionVector* sel) const override {
    auto v = std::make_shared<Vector>(type_);
    v->Resize(OutCount(ng, sel));
    ForGroups(ng, sel, [&](size_t o, uint32_t g) {
      v->data<T>()[o] = vals_[g];
      if (!set_[g]) v->SetNull(o);
    });
    return v;
  }

  void KeepGroups(const SelectionVector& keep) override { KeepElements(keep, &vals_, &set_); }

 private:
  TypePtr type_;
  bool max_;
  std::vector<T> vals_;
  std::vector<uint8_t> set_;
};

// ---- collect_list / collect_set / count(DISTINCT ...) ----
class CollectAcc : public Accumulator {
 public:
  enum class Mode { kList, kSet, kCountDistinct };
  CollectAcc(Mode mode, TypePtr element, TypePtr result)
      : mode_(mode), element_(std::move(element)), result_(std::move(result)) {}
  std::vector<TypePtr> StateTypes() const override { return {DataType::Array(element_)}; }
  void Resize(size_t n) override {
    items_.resize(n);
    seen_.resize(n);
  }
  void Add(uint32_t g, Value v) {
    if (mode_ != Mode::kList) {
      std::string key = v.type()->SimpleString() + ":" + v.ToString();
      if (!seen_[g].insert(std::move(key)).second) return;
    }
    items_[g].push_back(std::move(v));
  }
  void Update(const std::vector<VectorPtr>& args, const uint32_t* groups, size_t n) override {
    for (size_t i = 0; i < n; ++i) {
      if (args.size() == 1) {
        if (args[0]->IsNull(i)) continue;
        Add(groups[i], args[0]->GetValue(i));
      } else {
        if (!AllValid(args, i)) continue;
        std::vector<Value> f;
        for (const auto& a : args) f.push_back(a->GetValue(i));
        Add(groups[i], Value::Struct(element_, std::move(f)));
      }
    }
  }
  void Merge(const std::vector<VectorPtr>& state, const uint32_t* groups, size_t n) override {
    const Vector& s = *state[0];
    for (size_t i = 0; i < n; ++i) {
      if (s.IsNull(i)) continue;
      Value arr = s.GetValue(i);
      for (const auto& e : arr.children()) Add(groups[i], e);
    }
  }
  std::vector<VectorPtr> SaveState(size_t ng, const SelectionVector* sel) const override {
    auto v = std::make_shared<Vector>(DataType::Array(element_));
    ForGroups(ng, sel, [&](size_t, uint32_t g) {
      v->AppendValue(Value::Array(DataType::Array(element_), items_[g]));
    });
    return {v};
  }
  VectorPtr Finalize(size_t ng, const SelectionVector* sel) const override {
    if (mode_ == Mode::kCountDistinct) {
      auto v = std::make_shared<Vector>(DataType::Long());
      ForGroups(ng, sel, [&](size_t, uint32_t g) {
        v->Append<int64_t>(static_cast<int64_t>(items_[g].size()));
      });
      return v;
    }
    auto v = std::make_shared<Vector>(result_);
    ForGroups(ng, sel, [&](size_t, uint32_t g) { v->AppendValue(Value::Array(result_, items_[g])); });
    return v;
  }

  void KeepGroups(const SelectionVector& keep) override { KeepElements(keep, &items_, &seen_); }

 private:
  Mode mode_;
  TypePtr element_, result_;
  std::vector<std::vector<Value>> items_;
  std::vector<std::unordered_set<std::string>> seen_;
};

// ---- bool_and / bool_or ----
class BoolAcc : public Accumulator {
 public:
  explicit BoolAcc(bool is_and) : and_(is_and) {}
  std::vector<TypePtr> StateTypes() const override { return {DataType::Boolean()}; }
  void Resize(size_t n) override {
    vals_.resize(n, and_ ? 1 : 0);
    set_.resize(n, 0);
  }
  void Update(const std::vector<VectorPtr>& args, const uint32_t* groups, size_t n) override {
    const Vector& a = *args[0];
    for (size_t i = 0; i < n; ++i) {
      if (a.IsNull(i)) continue;
      uint32_t g = groups[i];
      vals_[g] = and_ ? (vals_[g] && a.Get<uint8_t>(i)) : (vals_[g] || a.Get<uint8_t>(i));
      set_[g] = 1;
    }
  }
  void Merge(const std::vector<VectorPtr>& s, const uint32_t* groups, size_t n) override {
    Update(s, groups, n);
  }
  std::vector<VectorPtr> SaveState(size_t ng, const SelectionVector* sel) const override {
    return {Finalize(ng, sel)};
  }
  VectorPtr Finalize(size_t ng, const SelectionVector* sel) const override {
    auto v = std::make_shared<Vector>(DataType::Boolean());
    v->Resize(OutCount(ng, sel));
    ForGroups(ng, sel, [&](size_t o, uint32_t g) {
      v->data<uint8_t>()[o] = vals_[g];
      if (!set_[g]) v->SetNull(o);
    });
    return v;
  }

  void KeepGroups(const SelectionVector& keep) override { KeepElements(keep, &vals_, &set_); }

 private:
  bool and_;
  std::vector<uint8_t> vals_, set_;
};

// ---- variance / stddev (Welford, mergeable) ----
class MomentsAcc : public Accumulator {
 public:
  MomentsAcc(bool sample, bool sqrt_result) : sample_(sample), sqrt_(sqrt_result) {}
  std::vector<TypePtr> StateTypes() const override {
    return {DataType::Double(), DataType::Double(), DataType::Double()};
  }
  void Resize(size_t n) override {
    n_.resize(n, 0);
    mean_.resize(n, 0);
    m2_.resize(n, 0);
  }
  void Combine(uint32_t g, double n2, double mean2, double m22) {
    if (n2 == 0) return;
    double n1 = n_[g];
    double n = n1 + n2;
    double delta = mean2 - mean_[g];
    mean_[g] += delta * n2 / n;
    m2_[g] += m22 + delta * delta * n1 * n2 / n;
    n_[g] = n;
  }
  void Update(const std::vector<VectorPtr>& args, const uint32_t* groups, size_t n) override {
    const Vector& a = *args[0];
    for (size_t i = 0; i < n; ++i) {
      if (a.IsValid(i)) Combine(groups[i], 1, a.Get<double>(i), 0);
    }
  }
  void Merge(const std::vector<VectorPtr>& s, const uint32_t* groups, size_t n) override {
    for (size_t i = 0; i < n; ++i)
      Combine(groups[i], s[0]->Get<double>(i), s[1]->Get<double>(i), s[2]->Get<double>(i));
  }
  std::vector<VectorPtr> SaveState(size_t ng, const SelectionVector* sel) const override {
    std::vector<VectorPtr> out;
    for (const auto* src : {&n_, &mean_, &m2_}) {
      auto v = std::make_shared<Vector>(DataType::Double());
      v->Resize(OutCount(ng, sel));
      ForGroups(ng, sel, [&](size_t o, uint32_t g) { v->data<double>()[o] = (*src)[g]; });
      out.push_back(v);
    }
    return out;
  }
  VectorPtr Finalize(size_t ng, const SelectionVector* sel) const override {
    auto v = std::make_shared<Vector>(DataType::Double());
    v->Resize(OutCount(ng, sel));
    ForGroups(ng, sel, [&](size_t o, uint32_t g) {
      double n = n_[g];
      if (n == 0) {
        v->SetNull(o);
        return;
      }
      double var;
      if (sample_) {
        if (n == 1) {
          // Spark returns NULL for a sample statistic of one row.
          v->SetNull(o);
          return;
        }
        var = m2_[g] / (n - 1);
      } else {
        var = m2_[g] / n;
      }
      v->data<double>()[o] = sqrt_ ? std::sqrt(var) : var;
    });
    return v;
  }

  void KeepGroups(const SelectionVector& keep) override { KeepElements(keep, &n_, &mean_, &m2_); }

 private:
  bool sample_, sqrt_;
  std::vector<double> n_, mean_, m2_;
};

// ---- approx_count_distinct: HyperLogLog with linear counting for small cardinalities ----
class HllAcc : public Accumulator {
 public:
  explicit HllAcc(double rsd) {
    p_ = static_cast<int>(std::ceil(2.0 * std::log2(1.106 / rsd)));
    p_ = std::max(4, std::min(p_, 16));
    m_ = size_t{1} << p_;
  }
  std::vector<TypePtr> StateTypes() const override { return {DataType::Binary()}; }
  void Resize(size_t n) override { regs_.resize(n); }
  std::string& Regs(uint32_t g) {
    if (regs_[g].empty()) regs_[g].assign(m_, '\0');
    return regs_[g];
  }
  void Update(const std::vector<VectorPtr>& args, const uint32_t* groups, size_t n) override {
    const Vector& a = *args[0];
    for (size_t i = 0; i < n; ++i) {
      if (a.IsNull(i)) continue;
      uint64_t h = a.HashRow(i, 0x42);
      size_t idx = h >> (64 - p_);
      uint64_t w = (h << p_) | (uint64_t{1} << (p_ - 1));
      char rank = static_cast<char>(__builtin_clzll(w) + 1);
      std::string& r = Regs(groups[i]);
      if (r[idx] < rank) r[idx] = rank;
    }
  }
  void Merge(const std::vector<VectorPtr>& s, const uint32_t* groups, size_t n) override {
    for (size_t i = 0; i < n; ++i) {
      auto other = s[0]->GetString(i);
      if (other.empty()) continue;
      std::string& r = Regs(groups[i]);
      for (size_t k = 0; k < m_ && k < other.size(); ++k) r[k] = std::max(r[k], other[k]);
    }
  }
  std::vector<VectorPtr> SaveState(size_t ng, const SelectionVector* sel) const override {
    auto v = std::make_shared<Vector>(DataType::Binary());
    ForGroups(ng, sel, [&](size_t, uint32_t g) { v->AppendString(regs_[g]); });
    return {v};
  }
  VectorPtr Finalize(size_t ng, const SelectionVector* sel) const override {
    auto v = std::make_shared<Vector>(DataType::Long());
    ForGroups(ng, sel, [&](size_t, uint32_t g) { v->Append<int64_t>(Estimate(regs_[g])); });
    return v;
  }
  int64_t Estimate(const std::string& r) const {
    if (r.empty()) return 0;
    double sum = 0;
    size_t zeros = 0;
    for (size_t k = 0; k < m_; ++k) {
      sum += std::ldexp(1.0, -static_cast<int>(r[k]));
      zeros += r[k] == 0;
    }
    double m = static_cast<double>(m_);
    double alpha = 0.7213 / (1 + 1.079 / m);
    double e = alpha * m * m / sum;
    if (e <= 2.5 * m && zeros > 0) e = m * std::log(m / static_cast<double>(zeros));
    return static_cast<int64_t>(std::llround(e));
  }

  void KeepGroups(const SelectionVector& keep) override { KeepElements(keep, &regs_); }

 private:
  int p_;
  size_t m_;
  std::vector<std::string> regs_;
};

template <template <typename> class Acc, typename... Args>
std::unique_ptr<Accumulator> ForPrimitive(const TypePtr& t, Args&&... args) {
  switch (t->id()) {
    case TypeId::kBoolean: return std::make_unique<Acc<uint8_t>>(t, args...);
    case TypeId::kByte: return std::make_unique<Acc<int8_t>>(t, args...);
    case TypeId::kShort: return std::make_unique<Acc<int16_t>>(t, args...);
    case TypeId::kInt:
    case TypeId::kDate: return std::make_unique<Acc<int32_t>>(t, args...);
    case TypeId::kLong:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
    case TypeId::kInterval: return std::make_unique<Acc<int64_t>>(t, args...);
    case TypeId::kFloat: return std::make_unique<Acc<float>>(t, args...);
    case TypeId::kDouble: return std::make_unique<Acc<double>>(t, args...);
    case TypeId::kDecimal: return std::make_unique<Acc<int128_t>>(t, args...);
    default: return nullptr;
  }
}

}  // namespace

void AppendAccumulatorStateFields(const std::vector<ExprPtr>& calls, std::vector<StructField>* fields) {
  EvalContext ctx;
  for (const auto& call : calls) {
    auto types = MakeAccumulator(*call, ctx)->StateTypes();
    std::string name = call->ToSql();
    for (size_t s = 0; s < types.size(); ++s)
      fields->emplace_back(types.size() == 1 ? name : fmt::format("{}.{}", name, s), types[s]);
  }
}

void Accumulator::UpdateOneGroup(const std::vector<VectorPtr>& args, uint32_t group, size_t n) {
  std::vector<uint32_t> groups(n, group);
  Update(args, groups.data(), n);
}

std::unique_ptr<Accumulator> MakeAccumulator(const Expr& call, const EvalContext& ctx) {
  const std::string& n = call.name;
  const TypePtr& result = call.type;
  TypePtr arg = call.children.empty() ? DataType::Null() : call.children[0]->type;
  if (call.distinct) {
    if (n == "count") {
      TypePtr element = arg;
      if (call.children.size() > 1) {
        std::vector<StructField> f;
        for (size_t i = 0; i < call.children.size(); ++i)
          f.emplace_back(fmt::format("c{}", i), call.children[i]->type);
        element = DataType::Struct(std::move(f));
      }
      return std::make_unique<CollectAcc>(CollectAcc::Mode::kCountDistinct, element, result);
    }
    if (n == "collect_list" || n == "collect_set")
      return std::make_unique<CollectAcc>(CollectAcc::Mode::kSet, arg, result);
    // DISTINCT does not change min/max/first/last; sum/avg(DISTINCT) are handled by the planner.
  }
  if (n == "count") return std::make_unique<CountAcc>(false);
  if (n == "count_if") return std::make_unique<CountAcc>(true);
  if (n == "sum" || n == "avg") {
    bool avg = n == "avg";
    if (arg->id() == TypeId::kDecimal)
      return std::make_unique<SumAcc<int128_t>>(result, arg, avg, ctx.ansi_enabled);
    if (arg->IsIntegral() || arg->id() == TypeId::kInterval || arg->id() == TypeId::kNull) {
      if (avg && arg->id() != TypeId::kInterval)
        return std::make_unique<SumAcc<double>>(result, arg, avg, ctx.ansi_enabled);
      return std::make_unique<SumAcc<int64_t>>(result, arg, avg, ctx.ansi_enabled);
    }
    return std::make_unique<SumAcc<double>>(result, arg, avg, ctx.ansi_enabled);
  }
  if (n == "min" || n == "max") {
    if (auto p = ForPrimitive<PrimitiveMinMaxAcc>(arg, n == "max")) return p;
    return std::make_unique<ValueAcc>(n == "max" ? ValueAcc::Op::kMax : ValueAcc::Op::kMin, arg, false);
  }
  if (n == "first" || n == "last") {
    bool ignore = call.children.size() > 1 && call.children[1]->literal.GetBool();
    return std::make_unique<ValueAcc>(n == "first" ? ValueAcc::Op::kFirst : ValueAcc::Op::kLast, arg,
                                      ignore);
  }
  if (n == "max_by" || n == "min_by") {
    auto acc = std::make_unique<ValueAcc>(n == "max_by" ? ValueAcc::Op::kMaxBy : ValueAcc::Op::kMinBy,
                                          arg, false);
    acc->set_ord_type(call.children[1]->type);
    return acc;
  }
  if (n == "collect_list")
    return std::make_unique<CollectAcc>(CollectAcc::Mode::kList, arg, result);
  if (n == "collect_set") return std::make_unique<CollectAcc>(CollectAcc::Mode::kSet, arg, result);
  if (n == "bool_and" || n == "bool_or") return std::make_unique<BoolAcc>(n == "bool_and");
  if (n == "var_samp") return std::make_unique<MomentsAcc>(true, false);
  if (n == "var_pop") return std::make_unique<MomentsAcc>(false, false);
  if (n == "stddev_samp") return std::make_unique<MomentsAcc>(true, true);
  if (n == "stddev_pop") return std::make_unique<MomentsAcc>(false, true);
  if (n == "approx_count_distinct") {
    double rsd = 0.05;
    if (call.children.size() > 1 && !call.children[1]->literal.is_null())
      rsd = call.children[1]->literal.AsDouble();
    return std::make_unique<HllAcc>(rsd);
  }
  throw InternalError("no accumulator for aggregate " + n);
}

}  // namespace sluice
