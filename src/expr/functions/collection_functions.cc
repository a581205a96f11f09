// Collection and struct functions with Spark 4 semantics: constructors (struct, named_struct,
// array, map, map_from_arrays), element access (element_at, try_element_at, get), size, and the
// array_* / map_* family. Element comparisons use Vector::RowEquals / CompareRows, so they work for
// any element type. Maps reject NULL and duplicate keys (spark.sql.mapKeyDedupPolicy=EXCEPTION).
#include <algorithm>
#include <numeric>

#include "expr/functions/builtin_functions.h"
#include "expr/functions/scalar_kernel.h"

namespace sluice {
namespace {

using namespace scalar;

/// The column name Spark gives a struct field built from `e` (an attribute or alias keeps its
/// name; anything else is colN).
std::string FieldNameOf(const Expr& e, size_t i) {
  switch (e.kind) {
    case ExprKind::kAlias:
    case ExprKind::kGetField:
      return e.name;
    case ExprKind::kBoundColumn:
      if (!e.name.empty()) return e.name;
      break;
    case ExprKind::kColumn:
      if (!e.name_parts.empty()) return e.name_parts.back();
      break;
    default:
      break;
  }
  return fmt::format("col{}", i + 1);
}

void RequireArray(const Expr& call, size_t i) {
  if (call.children[i]->type->id() != TypeId::kArray) ThrowUnexpectedType(call, i, "\"ARRAY\"");
}
void RequireMap(const Expr& call, size_t i) {
  if (call.children[i]->type->id() != TypeId::kMap) ThrowUnexpectedType(call, i, "\"MAP\"");
}

/// Common type of arguments [begin, end) stepping by `step`, and casts them to it.
TypePtr CoerceCommon(Expr& call, size_t begin, size_t step, const EvalContext& ctx) {
  TypePtr t;
  for (size_t i = begin; i < call.children.size(); i += step) {
    const TypePtr& ct = call.children[i]->type;
    if (!t) {
      t = ct;
      continue;
    }
    TypePtr w = WiderType(t, ct, ctx);
    if (!w) {
      throw AnalysisError(fmt::format(
          "[DATATYPE_MISMATCH.DATA_DIFF_TYPES] Cannot resolve \"{}\" due to data type mismatch: "
          "Input to `{}` should all be the same type, but it's ({}).",
          call.ToSql(), call.name, [&] {
            std::string s;
            for (size_t k = begin; k < call.children.size(); k += step)
              s += (s.empty() ? "" : ", ") + QuotedType(call.children[k]->type);
            return s;
          }()));
    }
    t = w;
  }
  if (!t) t = DataType::Null();
  for (size_t i = begin; i < call.children.size(); i += step) call.children[i] = CastTo(call.children[i], t, ctx);
  return t;
}

/// Element value `v` (a vector of the array element type, one row per batch row) rendered for errors.
std::string KeyText(const Vector& v, size_t row) { return v.GetValue(row).ToString(); }

[[noreturn]] void ThrowNullMapKey() {
  throw ExecutionError("[NULL_MAP_KEY] Cannot use null as map key.");
}
[[noreturn]] void ThrowDuplicateKey(const std::string& key) {
  throw ExecutionError(fmt::format(
      "[DUPLICATED_MAP_KEY] Duplicate map key {} was found, please check the input data. If you "
      "want to remove the duplicated keys, you can set \"spark.sql.mapKeyDedupPolicy\" to "
      "\"LAST_WIN\" so that the key inserted at last takes precedence.",
      key));
}

/// Checks keys [begin, end) of `keys` for NULL and duplicates.
void CheckMapKeys(const Vector& keys, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) {
    if (keys.IsNull(i)) ThrowNullMapKey();
    for (int64_t j = begin; j < i; ++j)
      if (keys.RowEquals(i, keys, j)) ThrowDuplicateKey(KeyText(keys, i));
  }
}

[[noreturn]] void ThrowIndexOfZero() {
  throw ExecutionError(
      "[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall be either < 0 or > 0 (the "
      "first element has index 1).");
}

/// Index of `key_row` of `key` among map row `row`'s keys, or -1.
int64_t FindMapKey(const Vector& map, size_t row, const Vector& key, size_t key_row) {
  const Vector& keys = *map.child(0);
  for (int64_t k = map.ListBegin(row); k < map.ListEnd(row); ++k)
    if (keys.RowEquals(k, key, key_row)) return k;
  return -1;
}

void RegisterConstructors(FunctionRegistry& r) {
  RegisterFn(
      r, "struct",
      [](Expr& call, const EvalContext&) {
        std::vector<StructField> fields;
        for (size_t i = 0; i < call.children.size(); ++i)
          fields.emplace_back(FieldNameOf(*call.children[i], i), call.children[i]->type,
                              call.children[i]->nullable);
        return DataType::Struct(std::move(fields));
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        auto out = std::make_shared<Vector>(call.type);
        for (size_t i = 0; i < a.args.size(); ++i) out->mutable_child(i) = a.args[i];
        for (size_t row = 0; row < a.num_rows; ++row) out->AppendStructRow();
        return VectorPtr(out);
      },
      false);

  RegisterFn(
      r, "named_struct",
      [](Expr& call, const EvalContext& ctx) {
        if (call.children.size() % 2 != 0)
          throw AnalysisError(fmt::format(
              "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `named_struct` requires 2n (n > 0) "
              "parameters but the actual number is {}.",
              call.children.size()));
        std::vector<StructField> fields;
        for (size_t i = 0; i < call.children.size(); i += 2) {
          auto name = ConstantValue(*call.children[i], ctx);
          if (!name || name->is_null() || call.children[i]->type->id() != TypeId::kString)
            throw AnalysisError(fmt::format(
                "[DATATYPE_MISMATCH.CREATE_NAMED_STRUCT_WITHOUT_FOLDABLE_STRING] Cannot resolve "
                "\"{}\" due to data type mismatch: Only foldable `STRING` expressions are allowed "
                "to appear at odd position, but they are [\"{}\"].",
                call.ToSql(), call.children[i]->ToSql()));
          fields.emplace_back(name->GetString(), call.children[i + 1]->type,
                              call.children[i + 1]->nullable);
        }
        return DataType::Struct(std::move(fields));
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        auto out = std::make_shared<Vector>(call.type);
        for (size_t i = 1; i < a.args.size(); i += 2) out->mutable_child(i / 2) = a.args[i];
        for (size_t row = 0; row < a.num_rows; ++row) out->AppendStructRow();
        return VectorPtr(out);
      },
      false);

  RegisterFn(
      r, "array",
      [](Expr& call, const EvalContext& ctx) {
        TypePtr t = CoerceCommon(call, 0, 1, ctx);
        return DataType::Array(t);
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        auto out = MakeResult(call.type, a.num_rows);
        Vector& el = *out->mutable_child(0);
        el.Reserve(a.num_rows * a.args.size());
        for (size_t row = 0; row < a.num_rows; ++row) {
          for (const auto& v : a.args) el.AppendFrom(*v, row);
          out->AppendListEnd();
        }
        return VectorPtr(out);
      },
      false);

  RegisterFn(
      r, "map",
      [](Expr& call, const EvalContext& ctx) {
        if (call.children.size() % 2 != 0)
          throw AnalysisError(fmt::format(
              "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `map` requires 2n (n > 0) parameters but "
              "the actual number is {}.",
              call.children.size()));
        TypePtr k = CoerceCommon(call, 0, 2, ctx);
        TypePtr v = CoerceCommon(call, 1, 2, ctx);
        if (k->IsNested() && k->id() == TypeId::kMap)
          throw AnalysisError(fmt::format(
              "[DATATYPE_MISMATCH.INVALID_MAP_KEY_TYPE] Cannot resolve \"{}\" due to data type "
              "mismatch: The key of map cannot be/contain \"MAP\".",
              call.ToSql()));
        return DataType::Map(k, v);
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        auto out = MakeResult(call.type, a.num_rows);
        Vector& keys = *out->mutable_child(0);
        Vector& vals = *out->mutable_child(1);
        for (size_t row = 0; row < a.num_rows; ++row) {
          int64_t begin = static_cast<int64_t>(keys.size());
          for (size_t i = 0; i + 1 < a.args.size(); i += 2) {
            if (a.args[i]->IsNull(row)) ThrowNullMapKey();
            keys.AppendFrom(*a.args[i], row);
            vals.AppendFrom(*a.args[i + 1], row);
          }
          CheckMapKeys(keys, begin, static_cast<int64_t>(keys.size()));
          out->AppendListEnd();
        }
        return VectorPtr(out);
      },
      false);

  RegisterFn(
      r, "map_from_arrays",
      [](Expr& call, const EvalContext&) {
        CheckArgCount(call, 2, 2);
        RequireArray(call, 0);
        RequireArray(call, 1);
        return DataType::Map(call.children[0]->type->element_type(),
                             call.children[1]->type->element_type());
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        auto out = MakeResult(call.type, a.num_rows);
        const Vector& ka = *a.args[0];
        const Vector& va = *a.args[1];
        for (size_t row = 0; row < a.num_rows; ++row) {
          if (AnyNull(a, row)) {
            out->AppendNull();
            continue;
          }
          int64_t n = ka.ListEnd(row) - ka.ListBegin(row);
          if (n != va.ListEnd(row) - va.ListBegin(row))
            throw ExecutionError(
                "[INVALID_PARAMETER_VALUE] The key array and value array of MAP must have the "
                "same length.");
          int64_t begin = static_cast<int64_t>(out->child(0)->size());
          out->mutable_child(0)->AppendRange(*ka.child(0), ka.ListBegin(row), ka.ListEnd(row));
          out->mutable_child(1)->AppendRange(*va.child(0), va.ListBegin(row), va.ListEnd(row));
          CheckMapKeys(*out->child(0), begin, begin + n);
          out->AppendListEnd();
        }
        return VectorPtr(out);
      });
}

VectorPtr ElementAtKernel(const Expr& call, const KernelArgs& a, const EvalContext& ctx,
                          bool fail_on_range) {
  auto out = MakeResult(call.type, a.num_rows);
  const Vector& c = *a.args[0];
  const Vector& idx = *a.args[1];
  for (size_t row = 0; row < a.num_rows; ++row) {
    if (AnyNull(a, row)) {
      out->AppendNull();
      continue;
    }
    if (c.type_id() == TypeId::kMap) {
      int64_t k = FindMapKey(c, row, idx, row);
      if (k < 0) out->AppendNull();
      else out->AppendFrom(*c.child(1), k);
      continue;
    }
    int64_t i = GetIntegral(idx, row);
    int64_t n = c.ListEnd(row) - c.ListBegin(row);
    if (i == 0) {
      if (!fail_on_range) {
        out->AppendNull();
        continue;
      }
      ThrowIndexOfZero();
    }
    int64_t pos = i > 0 ? i - 1 : n + i;
    if (pos < 0 || pos >= n) {
      if (fail_on_range && ctx.ansi_enabled)
        throw ExecutionError(fmt::format(
            "[INVALID_ARRAY_INDEX_IN_ELEMENT_AT] The index {} is out of bounds. The array has {} "
            "elements. Use `try_element_at` to tolerate accessing element at invalid index and "
            "return NULL instead. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to "
            "bypass this error.",
            i, n));
      out->AppendNull();
      continue;
    }
    out->AppendFrom(*c.child(0), c.ListBegin(row) + pos);
  }
  return out;
}

TypePtr BindElementAt(Expr& call, const EvalContext& ctx) {
  CheckArgCount(call, 2, 2);
  const TypePtr& t = call.children[0]->type;
  if (t->id() == TypeId::kMap) {
    call.children[1] = CastTo(call.children[1], t->key_type(), ctx);
    return t->value_type();
  }
  if (t->id() != TypeId::kArray) ThrowUnexpectedType(call, 0, "(\"ARRAY\" or \"MAP\")");
  CoerceIntegral(call, 1, DataType::Int(), ctx);
  return t->element_type();
}

void RegisterAccess(FunctionRegistry& r) {
  RegisterFn(r, "element_at", BindElementAt,
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
               return ElementAtKernel(call, a, ctx, true);
             });
  RegisterFn(r, "try_element_at", BindElementAt,
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
               return ElementAtKernel(call, a, ctx, false);
             });
  // get(array, index): 0-based, NULL when out of range.
  RegisterFn(
      r, "get",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 2, 2);
        RequireArray(call, 0);
        CoerceIntegral(call, 1, DataType::Int(), ctx);
        return call.children[0]->type->element_type();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        auto out = MakeResult(call.type, a.num_rows);
        const Vector& c = *a.args[0];
        for (size_t row = 0; row < a.num_rows; ++row) {
          if (AnyNull(a, row)) {
            out->AppendNull();
            continue;
          }
          int64_t i = a.args[1]->Get<int32_t>(row);
          if (i < 0 || i >= c.ListEnd(row) - c.ListBegin(row)) out->AppendNull();
          else out->AppendFrom(*c.child(0), c.ListBegin(row) + i);
        }
        return VectorPtr(out);
      });

  // size(NULL) is NULL in ANSI mode, -1 otherwise (spark.sql.legacy.sizeOfNull).
  RegisterFn(
      r, "size",
      [](Expr& call, const EvalContext&) {
        CheckArgCount(call, 1, 1);
        TypeId id = call.children[0]->type->id();
        if (id != TypeId::kArray && id != TypeId::kMap && id != TypeId::kNull)
          ThrowUnexpectedType(call, 0, "(\"ARRAY\" or \"MAP\")");
        return DataType::Int();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
        const Vector& c = *a.args[0];
        bool is_null_type = c.type_id() == TypeId::kNull;
        return BuildFixed<int32_t>(
            call.type, a,
            [&](size_t row, int32_t* out) {
              if (is_null_type || c.IsNull(row)) {
                if (ctx.ansi_enabled) return false;
                *out = -1;
                return true;
              }
              *out = static_cast<int32_t>(c.ListEnd(row) - c.ListBegin(row));
              return true;
            },
            false);
      },
      false);
  r.Alias("cardinality", "size");
  r.Alias("array_size", "size");
}

/// Binds f(array, value) with value cast to the element type (or both to a wider type).
TypePtr BindArrayValue(Expr& call, const EvalContext& ctx) {
  CheckArgCount(call, 2, 2);
  RequireArray(call, 0);
  TypePtr et = call.children[0]->type->element_type();
  TypePtr vt = call.children[1]->type;
  if (!et->Equals(*vt)) {
    TypePtr w = WiderType(et, vt, ctx);
    if (!w)
      throw AnalysisError(fmt::format(
          "[DATATYPE_MISMATCH.ARRAY_FUNCTION_DIFF_TYPES] Cannot resolve \"{}\" due to data type "
          "mismatch: Input to `{}` should have been \"ARRAY\" followed by a value with same "
          "element type, but it's [{}, {}].",
          call.ToSql(), call.name, QuotedType(call.children[0]->type), QuotedType(vt)));
    call.children[0] = CastTo(call.children[0], DataType::Array(w), ctx);
    call.children[1] = CastTo(call.children[1], w, ctx);
  }
  return call.children[0]->type;
}

/// Appends the sorted elements of array row `row`.
void AppendSorted(const Vector& arr, size_t row, bool ascending, bool nulls_first, Vector* out) {
  const Vector& el = *arr.child(0);
  std::vector<int64_t> idx(arr.ListEnd(row) - arr.ListBegin(row));
  std::iota(idx.begin(), idx.end(), arr.ListBegin(row));
  std::stable_sort(idx.begin(), idx.end(), [&](int64_t x, int64_t y) {
    bool xn = el.IsNull(x), yn = el.IsNull(y);
    if (xn || yn) {
      if (xn && yn) return false;
      return nulls_first ? xn : yn;
    }
    int c = el.CompareRows(x, el, y);
    return ascending ? c < 0 : c > 0;
  });
  for (int64_t k : idx) out->AppendFrom(el, k);
}

void RegisterArrayFunctions(FunctionRegistry& r) {
  RegisterFn(
      r, "array_contains",
      [](Expr& call, const EvalContext& ctx) {
        BindArrayValue(call, ctx);
        return DataType::Boolean();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        const Vector& arr = *a.args[0];
        const Vector& el = *arr.child(0);
        return BuildFixed<uint8_t>(call.type, a, [&](size_t row, uint8_t* out) {
          bool saw_null = false;
          for (int64_t k = arr.ListBegin(row); k < arr.ListEnd(row); ++k) {
            if (el.IsNull(k)) {
              saw_null = true;
            } else if (el.RowEquals(k, *a.args[1], row)) {
              *out = 1;
              return true;
            }
          }
          if (saw_null) return false;
          *out = 0;
          return true;
        });
      });

  RegisterFn(
      r, "array_position",
      [](Expr& call, const EvalContext& ctx) {
        BindArrayValue(call, ctx);
        return DataType::Long();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        const Vector& arr = *a.args[0];
        const Vector& el = *arr.child(0);
        return BuildFixed<int64_t>(call.type, a, [&](size_t row, int64_t* out) {
          *out = 0;
          for (int64_t k = arr.ListBegin(row); k < arr.ListEnd(row); ++k) {
            if (!el.IsNull(k) && el.RowEquals(k, *a.args[1], row)) {
              *out = k - arr.ListBegin(row) + 1;
              break;
            }
          }
          return true;
        });
      });

  RegisterFn(r, "array_remove", BindArrayValue,
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               auto out = MakeResult(call.type, a.num_rows);
               const Vector& arr = *a.args[0];
               const Vector& el = *arr.child(0);
               for (size_t row = 0; row < a.num_rows; ++row) {
                 if (AnyNull(a, row)) {
                   out->AppendNull();
                   continue;
                 }
                 for (int64_t k = arr.ListBegin(row); k < arr.ListEnd(row); ++k)
                   if (el.IsNull(k) || !el.RowEquals(k, *a.args[1], row))
                     out->mutable_child(0)->AppendFrom(el, k);
                 out->AppendListEnd();
               }
               return VectorPtr(out);
             });

  auto bind_array1 = [](Expr& call, const EvalContext&) {
    CheckArgCount(call, 1, 1);
    RequireArray(call, 0);
    return call.children[0]->type;
  };
  RegisterFn(r, "array_distinct", bind_array1,
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               auto out = MakeResult(call.type, a.num_rows);
               const Vector& arr = *a.args[0];
               const Vector& el = *arr.child(0);
               std::vector<int64_t> kept;
               for (size_t row = 0; row < a.num_rows; ++row) {
                 if (arr.IsNull(row)) {
                   out->AppendNull();
                   continue;
                 }
                 kept.clear();
                 for (int64_t k = arr.ListBegin(row); k < arr.ListEnd(row); ++k) {
                   bool dup = false;
                   for (int64_t j : kept)
                     if (el.RowEquals(k, el, j)) {
                       dup = true;
                       break;
                     }
                   if (!dup) kept.push_back(k);
                 }
                 for (int64_t k : kept) out->mutable_child(0)->AppendFrom(el, k);
                 out->AppendListEnd();
               }
               return VectorPtr(out);
             });

  auto minmax = [](bool want_max) {
    return [want_max](const Expr& call, const KernelArgs& a, const FunctionState&,
                      const EvalContext&) {
      auto out = MakeResult(call.type, a.num_rows);
      const Vector& arr = *a.args[0];
      const Vector& el = *arr.child(0);
      for (size_t row = 0; row < a.num_rows; ++row) {
        int64_t best = -1;
        if (!arr.IsNull(row)) {
          for (int64_t k = arr.ListBegin(row); k < arr.ListEnd(row); ++k) {
            if (el.IsNull(k)) continue;
            if (best < 0) {
              best = k;
              continue;
            }
            int c = el.CompareRows(k, el, best);
            if (want_max ? c > 0 : c < 0) best = k;
          }
        }
        if (best < 0) out->AppendNull();
        else out->AppendFrom(el, best);
      }
      return VectorPtr(out);
    };
  };
  auto bind_elem = [](Expr& call, const EvalContext&) {
    CheckArgCount(call, 1, 1);
    RequireArray(call, 0);
    return call.children[0]->type->element_type();
  };
  RegisterFn(r, "array_max", bind_elem, minmax(true));
  RegisterFn(r, "array_min", bind_elem, minmax(false));

  RegisterFn(r, "array_sort", bind_array1,
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               auto out = MakeResult(call.type, a.num_rows);
               for (size_t row = 0; row < a.num_rows; ++row) {
                 if (a.args[0]->IsNull(row)) {
                   out->AppendNull();
                   continue;
                 }
                 AppendSorted(*a.args[0], row, true, false, out->mutable_child(0).get());
                 out->AppendListEnd();
               }
               return VectorPtr(out);
             });
  RegisterFn(
      r, "sort_array",
      [](Expr& call, const EvalContext&) {
        CheckArgCount(call, 1, 2);
        RequireArray(call, 0);
        if (call.children.size() == 2) {
          if (call.children[1]->type->id() != TypeId::kBoolean || !IsFoldable(*call.children[1]))
            ThrowUnexpectedType(call, 1, "\"BOOLEAN\"");
        }
        return call.children[0]->type;
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        auto out = MakeResult(call.type, a.num_rows);
        for (size_t row = 0; row < a.num_rows; ++row) {
          if (AnyNull(a, row)) {
            out->AppendNull();
            continue;
          }
          bool asc = a.args.size() == 2 ? a.args[1]->Get<uint8_t>(row) != 0 : true;
          AppendSorted(*a.args[0], row, asc, asc, out->mutable_child(0).get());
          out->AppendListEnd();
        }
        return VectorPtr(out);
      });

  RegisterFn(
      r, "array_join",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 2, 3);
        RequireArray(call, 0);
        if (call.children[0]->type->element_type()->id() != TypeId::kString) {
          if (!IsAtomic(call.children[0]->type->element_type()))
            ThrowUnexpectedType(call, 0, "\"ARRAY<STRING>\"");
          call.children[0] = CastTo(call.children[0], DataType::Array(DataType::String()), ctx);
        }
        CoerceString(call, 1, ctx);
        if (call.children.size() == 3) CoerceString(call, 2, ctx);
        return DataType::String();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        const Vector& arr = *a.args[0];
        const Vector& el = *arr.child(0);
        return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
          std::string_view sep = a.args[1]->GetString(row);
          bool first = true;
          for (int64_t k = arr.ListBegin(row); k < arr.ListEnd(row); ++k) {
            std::string_view s;
            if (el.IsNull(k)) {
              if (a.args.size() < 3) continue;
              s = a.args[2]->GetString(row);
            } else {
              s = el.GetString(k);
            }
            if (!first) out->append(sep);
            out->append(s);
            first = false;
          }
          return true;
        });
      });

  RegisterFn(
      r, "flatten",
      [](Expr& call, const EvalContext&) {
        CheckArgCount(call, 1, 1);
        RequireArray(call, 0);
        if (call.children[0]->type->element_type()->id() != TypeId::kArray)
          ThrowUnexpectedType(call, 0, "\"ARRAY<ARRAY>\"");
        return call.children[0]->type->element_type();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        auto out = MakeResult(call.type, a.num_rows);
        const Vector& arr = *a.args[0];
        const Vector& inner = *arr.child(0);
        for (size_t row = 0; row < a.num_rows; ++row) {
          bool null = arr.IsNull(row);
          for (int64_t k = arr.ListBegin(row); !null && k < arr.ListEnd(row); ++k)
            if (inner.IsNull(k)) null = true;
          if (null) {
            out->AppendNull();
            continue;
          }
          for (int64_t k = arr.ListBegin(row); k < arr.ListEnd(row); ++k)
            out->mutable_child(0)->AppendRange(*inner.child(0), inner.ListBegin(k), inner.ListEnd(k));
          out->AppendListEnd();
        }
        return VectorPtr(out);
      });

  RegisterFn(
      r, "slice",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 3, 3);
        RequireArray(call, 0);
        CoerceIntegral(call, 1, DataType::Int(), ctx);
        CoerceIntegral(call, 2, DataType::Int(), ctx);
        return call.children[0]->type;
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        auto out = MakeResult(call.type, a.num_rows);
        const Vector& arr = *a.args[0];
        for (size_t row = 0; row < a.num_rows; ++row) {
          if (AnyNull(a, row)) {
            out->AppendNull();
            continue;
          }
          int64_t start = a.args[1]->Get<int32_t>(row), len = a.args[2]->Get<int32_t>(row);
          int64_t n = arr.ListEnd(row) - arr.ListBegin(row);
          if (start == 0)
            throw ExecutionError(
                "[INVALID_PARAMETER_VALUE.START] The value of parameter(s) `start` in `slice` is "
                "invalid: Expects a positive or a negative value for `start`, but got 0.");
          if (len < 0)
            throw ExecutionError(fmt::format(
                "[INVALID_PARAMETER_VALUE.LENGTH] The value of parameter(s) `length` in `slice` is "
                "invalid: Expects `length` greater than or equal to 0, but got {}.",
                len));
          int64_t begin = start < 0 ? start + n : start - 1;
          if (begin >= 0 && begin < n) {
            int64_t end = std::min(n, begin + len);
            out->mutable_child(0)->AppendRange(*arr.child(0), arr.ListBegin(row) + begin,
                                               arr.ListBegin(row) + end);
          }
          out->AppendListEnd();
        }
        return VectorPtr(out);
      });

  RegisterFn(
      r, "arrays_zip",
      [](Expr& call, const EvalContext&) {
        std::vector<StructField> fields;
        for (size_t i = 0; i < call.children.size(); ++i) {
          RequireArray(call, i);
          const Expr& c = *call.children[i];
          std::string name = (c.kind == ExprKind::kAlias || c.kind == ExprKind::kBoundColumn ||
                              c.kind == ExprKind::kGetField || c.kind == ExprKind::kColumn)
                                 ? FieldNameOf(c, i)
                                 : std::to_string(i);
          fields.emplace_back(name, c.type->element_type(), true);
        }
        return DataType::Array(DataType::Struct(std::move(fields)), false);
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        auto out = MakeResult(call.type, a.num_rows);
        Vector& structs = *out->mutable_child(0);
        for (size_t row = 0; row < a.num_rows; ++row) {
          if (AnyNull(a, row)) {
            out->AppendNull();
            continue;
          }
          int64_t n = 0;
          for (const auto& v : a.args) n = std::max(n, v->ListEnd(row) - v->ListBegin(row));
          for (int64_t k = 0; k < n; ++k) {
            for (size_t i = 0; i < a.args.size(); ++i) {
              const Vector& v = *a.args[i];
              if (k < v.ListEnd(row) - v.ListBegin(row))
                structs.mutable_child(i)->AppendFrom(*v.child(0), v.ListBegin(row) + k);
              else
                structs.mutable_child(i)->AppendNull();
            }
            structs.AppendStructRow();
          }
          out->AppendListEnd();
        }
        return VectorPtr(out);
      });

  RegisterFn(
      r, "sequence",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 2, 3);
        for (size_t i = 0; i < call.children.size(); ++i)
          if (!call.children[i]->type->IsIntegral() && call.children[i]->type->id() != TypeId::kNull)
            ThrowUnexpectedType(call, i, "\"INTEGRAL\"");
        TypePtr t = CoerceCommon(call, 0, 1, ctx);
        if (t->id() == TypeId::kNull) {
          t = DataType::Int();
          for (auto& c : call.children) c = CastTo(c, t, ctx);
        }
        return DataType::Array(t, false);
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        auto out = MakeResult(call.type, a.num_rows);
        Vector& el = *out->mutable_child(0);
        for (size_t row = 0; row < a.num_rows; ++row) {
          if (AnyNull(a, row)) {
            out->AppendNull();
            continue;
          }
          int64_t start = GetIntegral(*a.args[0], row), stop = GetIntegral(*a.args[1], row);
          int64_t step = a.args.size() == 3 ? GetIntegral(*a.args[2], row) : (start <= stop ? 1 : -1);
          if (step == 0 || (stop > start && step < 0) || (stop < start && step > 0))
            throw ExecutionError(fmt::format(
                "[INVALID_PARAMETER_VALUE] Illegal sequence boundaries: {} to {} by {}", start,
                stop, step));
          int64_t count = (stop - start) / step + 1;
          if (count > 1000000000)
            throw ExecutionError(fmt::format(
                "[COLLECTION_SIZE_LIMIT_EXCEEDED.PARAMETER] Can't create array with {} elements "
                "which exceeding the array size limit 2147483632.",
                count));
          for (int64_t k = 0; k < count; ++k) {
            int64_t v = start + k * step;
            switch (el.type_id()) {
              case TypeId::kByte: el.Append<int8_t>(static_cast<int8_t>(v)); break;
              case TypeId::kShort: el.Append<int16_t>(static_cast<int16_t>(v)); break;
              case TypeId::kInt: el.Append<int32_t>(static_cast<int32_t>(v)); break;
              default: el.Append<int64_t>(v); break;
            }
          }
          out->AppendListEnd();
        }
        return VectorPtr(out);
      });

  RegisterFn(
      r, "array_append",
      [](Expr& call, const EvalContext& ctx) { return BindArrayValue(call, ctx); },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        auto out = MakeResult(call.type, a.num_rows);
        const Vector& arr = *a.args[0];
        for (size_t row = 0; row < a.num_rows; ++row) {
          if (arr.IsNull(row)) {
            out->AppendNull();
            continue;
          }
          out->mutable_child(0)->AppendRange(*arr.child(0), arr.ListBegin(row), arr.ListEnd(row));
          out->mutable_child(0)->AppendFrom(*a.args[1], row);
          out->AppendListEnd();
        }
        return VectorPtr(out);
      },
      false);
}

void RegisterMapFunctions(FunctionRegistry& r) {
  auto keys_or_values = [](bool values) {
    return [values](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
      auto out = MakeResult(call.type, a.num_rows);
      const Vector& m = *a.args[0];
      for (size_t row = 0; row < a.num_rows; ++row) {
        if (m.IsNull(row)) {
          out->AppendNull();
          continue;
        }
        out->mutable_child(0)->AppendRange(*m.child(values ? 1 : 0), m.ListBegin(row), m.ListEnd(row));
        out->AppendListEnd();
      }
      return VectorPtr(out);
    };
  };
  RegisterFn(
      r, "map_keys",
      [](Expr& call, const EvalContext&) {
        CheckArgCount(call, 1, 1);
        RequireMap(call, 0);
        return DataType::Array(call.children[0]->type->key_type(), false);
      },
      keys_or_values(false));
  RegisterFn(
      r, "map_values",
      [](Expr& call, const EvalContext&) {
        CheckArgCount(call, 1, 1);
        RequireMap(call, 0);
        return DataType::Array(call.children[0]->type->value_type());
      },
      keys_or_values(true));
  RegisterFn(
      r, "map_entries",
      [](Expr& call, const EvalContext&) {
        CheckArgCount(call, 1, 1);
        RequireMap(call, 0);
        const TypePtr& t = call.children[0]->type;
        return DataType::Array(
            DataType::Struct({StructField("key", t->key_type(), false),
                              StructField("value", t->value_type(), true)}),
            false);
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        auto out = MakeResult(call.type, a.num_rows);
        const Vector& m = *a.args[0];
        Vector& structs = *out->mutable_child(0);
        for (size_t row = 0; row < a.num_rows; ++row) {
          if (m.IsNull(row)) {
            out->AppendNull();
            continue;
          }
          for (int64_t k = m.ListBegin(row); k < m.ListEnd(row); ++k) {
            structs.mutable_child(0)->AppendFrom(*m.child(0), k);
            structs.mutable_child(1)->AppendFrom(*m.child(1), k);
            structs.AppendStructRow();
          }
          out->AppendListEnd();
        }
        return VectorPtr(out);
      });
  RegisterFn(
      r, "map_contains_key",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 2, 2);
        RequireMap(call, 0);
        call.children[1] = CastTo(call.children[1], call.children[0]->type->key_type(), ctx);
        return DataType::Boolean();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        return BuildFixed<uint8_t>(call.type, a, [&](size_t row, uint8_t* out) {
          *out = FindMapKey(*a.args[0], row, *a.args[1], row) >= 0;
          return true;
        });
      });
}

}  // namespace

void RegisterCollectionFunctions(FunctionRegistry& registry) {
  RegisterConstructors(registry);
  RegisterAccess(registry);
  RegisterArrayFunctions(registry);
  RegisterMapFunctions(registry);
}

}  // namespace sluice
