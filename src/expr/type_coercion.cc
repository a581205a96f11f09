// Spark's implicit type coercion rules (see type_coercion.h).
#include "expr/type_coercion.h"

#include <algorithm>

namespace sluice {

namespace {

int NumericRank(TypeId id) {
  switch (id) {
    case TypeId::kByte: return 0;
    case TypeId::kShort: return 1;
    case TypeId::kInt: return 2;
    case TypeId::kLong: return 3;
    case TypeId::kFloat: return 4;
    case TypeId::kDouble: return 5;
    default: return -1;
  }
}

int DatetimeRank(TypeId id) {
  switch (id) {
    case TypeId::kDate: return 0;
    case TypeId::kTimestampNtz: return 1;
    case TypeId::kTimestamp: return 2;
    default: return -1;
  }
}

bool IsDecimal(const TypePtr& t) { return t->id() == TypeId::kDecimal; }

// DecimalType.isWiderThan for an integral type.
bool DecimalWiderThanIntegral(const TypePtr& d, const TypePtr& integral) {
  TypePtr f = DecimalForType(integral);
  return d->precision() - d->scale() >= f->precision() - f->scale() && d->scale() >= f->scale();
}

using WidenFn = TypePtr (*)(const TypePtr&, const TypePtr&, bool);

// findTypeForComplex: same-shaped nested types with element types widened by `widen`.
TypePtr FindTypeForComplex(const TypePtr& a, const TypePtr& b, bool ansi, WidenFn widen) {
  if (a->id() != b->id()) return nullptr;
  switch (a->id()) {
    case TypeId::kArray: {
      TypePtr e = widen(a->element_type(), b->element_type(), ansi);
      if (!e) return nullptr;
      return DataType::Array(e, a->contains_null() || b->contains_null());
    }
    case TypeId::kMap: {
      TypePtr k = widen(a->key_type(), b->key_type(), ansi);
      TypePtr v = widen(a->value_type(), b->value_type(), ansi);
      if (!k || !v) return nullptr;
      return DataType::Map(k, v, a->contains_null() || b->contains_null());
    }
    case TypeId::kStruct: {
      const auto& fa = a->fields();
      const auto& fb = b->fields();
      if (fa.size() != fb.size()) return nullptr;
      std::vector<StructField> out;
      for (size_t i = 0; i < fa.size(); ++i) {
        const std::string& na = fa[i].name;
        const std::string& nb = fb[i].name;
        bool same = na.size() == nb.size() &&
                    std::equal(na.begin(), na.end(), nb.begin(), [](char x, char y) {
                      return std::tolower(static_cast<unsigned char>(x)) ==
                             std::tolower(static_cast<unsigned char>(y));
                    });
        if (!same) return nullptr;
        TypePtr t = widen(fa[i].type, fb[i].type, ansi);
        if (!t) return nullptr;
        out.emplace_back(na, t, fa[i].nullable || fb[i].nullable);
      }
      return DataType::Struct(std::move(out));
    }
    default:
      return nullptr;
  }
}

}  // namespace

bool IsAtomicType(const TypePtr& t) { return t && !t->IsNested() && t->id() != TypeId::kNull; }

TypePtr DecimalForType(const TypePtr& t) {
  switch (t->id()) {
    case TypeId::kByte: return DataType::Decimal(3, 0);
    case TypeId::kShort: return DataType::Decimal(5, 0);
    case TypeId::kInt: return DataType::Decimal(10, 0);
    case TypeId::kLong: return DataType::Decimal(20, 0);
    case TypeId::kFloat: return DataType::Decimal(14, 7);
    case TypeId::kDouble: return DataType::Decimal(30, 15);
    case TypeId::kDecimal: return t;
    default: return nullptr;
  }
}

TypePtr BoundedDecimal(int precision, int scale) {
  return DataType::Decimal(std::max(1, std::min(precision, 38)), std::min(scale, 38));
}

TypePtr AdjustedDecimal(int precision, int scale) {
  if (precision <= 38) return DataType::Decimal(std::max(precision, 1), scale);
  int int_digits = precision - scale;
  int min_scale = std::min(scale, 6);
  int adjusted = std::max(38 - int_digits, min_scale);
  return DataType::Decimal(38, adjusted);
}

TypePtr WiderDecimal(const TypePtr& a, const TypePtr& b) {
  TypePtr da = DecimalForType(a), db = DecimalForType(b);
  if (!da || !db) return nullptr;
  int scale = std::max(da->scale(), db->scale());
  int range = std::max(da->precision() - da->scale(), db->precision() - db->scale());
  return BoundedDecimal(range + scale, scale);
}

TypePtr FindTightestCommonType(const TypePtr& a, const TypePtr& b, bool ansi) {
  if (!a || !b) return nullptr;
  if (a->SameShape(*b)) return a;
  if (a->id() == TypeId::kNull) return b;
  if (b->id() == TypeId::kNull) return a;
  if (a->IsIntegral() && IsDecimal(b)) return DecimalWiderThanIntegral(b, a) ? b : nullptr;
  if (IsDecimal(a) && b->IsIntegral()) return DecimalWiderThanIntegral(a, b) ? a : nullptr;
  int ra = NumericRank(a->id()), rb = NumericRank(b->id());
  if (ra >= 0 && rb >= 0) {
    const TypePtr& wider = ra >= rb ? a : b;
    if (ansi && wider->id() == TypeId::kFloat && a->id() != b->id()) return DataType::Double();
    return wider;
  }
  int da = DatetimeRank(a->id()), db = DatetimeRank(b->id());
  if (da >= 0 && db >= 0) return da >= db ? a : b;
  return FindTypeForComplex(a, b, ansi, &FindTightestCommonType);
}

TypePtr StringPromotionType(const TypePtr& a, const TypePtr& b) {
  if (a->id() == TypeId::kString && b->id() != TypeId::kString) {
    if (b->IsIntegral()) return DataType::Long();
    if (b->IsFractional() || IsDecimal(b)) return DataType::Double();
    if (b->id() == TypeId::kNull) return a;
    if (b->id() == TypeId::kInterval) return nullptr;
    if (IsAtomicType(b)) return b;
    return nullptr;
  }
  if (b->id() == TypeId::kString && a->id() != TypeId::kString) return StringPromotionType(b, a);
  return nullptr;
}

TypePtr FindWiderTypeForTwo(const TypePtr& a, const TypePtr& b, bool ansi) {
  if (!a || !b) return nullptr;
  if (TypePtr t = FindTightestCommonType(a, b, ansi)) return t;
  // findWiderTypeForDecimal.
  if ((IsDecimal(a) && b->IsIntegral()) || (a->IsIntegral() && IsDecimal(b)) ||
      (IsDecimal(a) && IsDecimal(b))) {
    return WiderDecimal(a, b);
  }
  if ((IsDecimal(a) && b->IsFractional()) || (a->IsFractional() && IsDecimal(b))) {
    return DataType::Double();
  }
  if (ansi) {
    if (TypePtr t = StringPromotionType(a, b)) return t;
  } else {
    // TypeCoercion.stringPromotion: STRING wins over other atomic types except BINARY/BOOLEAN.
    auto promote = [](const TypePtr& s, const TypePtr& o) -> TypePtr {
      if (s->id() == TypeId::kString && IsAtomicType(o) && o->id() != TypeId::kBinary &&
          o->id() != TypeId::kBoolean)
        return s;
      return nullptr;
    };
    if (TypePtr t = promote(a, b)) return t;
    if (TypePtr t = promote(b, a)) return t;
  }
  return FindTypeForComplex(a, b, ansi, &FindWiderTypeForTwo);
}

TypePtr FindWiderCommonType(const std::vector<TypePtr>& types, bool ansi) {
  TypePtr acc = DataType::Null();
  for (const auto& t : types) {
    acc = FindWiderTypeForTwo(acc, t, ansi);
    if (!acc) return nullptr;
  }
  return acc;
}

TypePtr ComparisonType(const TypePtr& a, const TypePtr& b, bool ansi) {
  if (a->SameShape(*b)) return a;
  if (a->id() == TypeId::kNull) return b;
  if (b->id() == TypeId::kNull) return a;
  bool sa = a->id() == TypeId::kString, sb = b->id() == TypeId::kString;
  if (sa != sb) {
    if (ansi) return StringPromotionType(a, b);
    const TypePtr& other = sa ? b : a;
    if (!IsAtomicType(other)) return nullptr;
    if (IsDecimal(other)) return DataType::Double();
    return other;
  }
  return FindWiderTypeForTwo(a, b, ansi);
}

ExprPtr CoerceTo(const ExprPtr& e, const TypePtr& type, const EvalContext& ctx) {
  if (e->type && e->type->Equals(*type)) return e;
  if (e->kind == ExprKind::kLiteral && e->literal.is_null()) {
    ExprPtr lit = MakeLiteral(Value::Null(type));
    lit->type = type;
    lit->nullable = true;
    return lit;
  }
  ExprPtr c = MakeCast(e, type);
  c->type = type;
  c->nullable = true;
  return c;
}

}  // namespace sluice
