#include "expr/aggregate_signature.h"

#include <algorithm>
#include <array>
#include <fmt/format.h>

#include "sluice/exception.h"

namespace sluice {

namespace {

constexpr std::array<std::string_view, 30> kAggregateNames = {
    "count", "sum", "avg", "mean", "min", "max", "first", "last", "first_value", "last_value",
    "any_value", "collect_list", "collect_set", "approx_count_distinct", "count_if", "bool_and",
    "bool_or", "every", "any", "some", "stddev", "stddev_samp", "stddev_pop", "variance",
    "var_samp", "var_pop", "max_by", "min_by", "std", "array_agg"};

[[noreturn]] void Mismatch(const Expr& call, const std::string& why) {
  throw AnalysisError(fmt::format("[DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE] Cannot resolve \"{}\" "
                                  "due to data type mismatch: {}",
                                  call.ToSql(), why));
}

void ExpectArgs(const Expr& call, size_t lo, size_t hi) {
  if (call.children.size() < lo || call.children.size() > hi) {
    throw AnalysisError(fmt::format(
        "[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `{}` requires {} parameters but the actual number "
        "is {}.",
        call.name, lo == hi ? std::to_string(lo) : fmt::format("[{}, {}]", lo, hi),
        call.children.size()));
  }
}

TypePtr NumericArgType(Expr& call, size_t i) {
  TypePtr t = call.children[i]->type;
  if (t->IsNumeric() || t->id() == TypeId::kNull) return t;
  if (t->id() == TypeId::kString) {
    // Spark implicitly casts strings to DOUBLE for numeric aggregates.
    call.children[i] = MakeCast(call.children[i], DataType::Double());
    call.children[i]->nullable = true;
    return DataType::Double();
  }
  if (t->id() == TypeId::kInterval) return t;
  Mismatch(call, fmt::format("the parameter requires the \"NUMERIC\" or \"ANSI INTERVAL\" type, "
                             "however \"{}\" has the type \"{}\".",
                             call.children[i]->ToSql(), t->Sql()));
}

}  // namespace

bool IsAggregateFunctionName(std::string_view name) {
  return std::find(kAggregateNames.begin(), kAggregateNames.end(), name) != kAggregateNames.end();
}

void BindAggregateCall(Expr& call, const EvalContext& ctx) {
  std::string& n = call.name;
  if (n == "mean") n = "avg";
  if (n == "first_value" || n == "any_value") n = "first";
  if (n == "last_value") n = "last";
  if (n == "every") n = "bool_and";
  if (n == "any" || n == "some") n = "bool_or";
  if (n == "std" || n == "stddev") n = "stddev_samp";
  if (n == "variance") n = "var_samp";
  if (n == "array_agg") n = "collect_list";
  call.nullable = true;
  if (n == "count") {
    if (call.children.empty()) {
      throw AnalysisError("[WRONG_NUM_ARGS.WITHOUT_SUGGESTION] The `count` requires at least 1 "
                          "parameter but the actual number is 0.");
    }
    if (call.children.size() == 1 && call.children[0]->kind == ExprKind::kStar) {
      call.children[0] = MakeLiteral(Value::Int(1));
      call.children[0]->type = DataType::Int();
      call.children[0]->nullable = false;
    }
    call.type = DataType::Long();
    call.nullable = false;
    return;
  }
  if (n == "count_if") {
    ExpectArgs(call, 1, 1);
    if (call.children[0]->type->id() != TypeId::kBoolean)
      Mismatch(call, "the parameter requires the \"BOOLEAN\" type");
    call.type = DataType::Long();
    call.nullable = false;
    return;
  }
  if (n == "approx_count_distinct") {
    ExpectArgs(call, 1, 2);
    call.type = DataType::Long();
    call.nullable = false;
    return;
  }
  if (n == "sum") {
    ExpectArgs(call, 1, 1);
    TypePtr t = NumericArgType(call, 0);
    if (t->IsIntegral() || t->id() == TypeId::kNull) {
      call.type = DataType::Long();
    } else if (t->id() == TypeId::kDecimal) {
      call.type = DataType::Decimal(std::min(38, t->precision() + 10), t->scale());
    } else if (t->id() == TypeId::kInterval) {
      call.type = t;
    } else {
      call.type = DataType::Double();
    }
    return;
  }
  if (n == "avg") {
    ExpectArgs(call, 1, 1);
    TypePtr t = NumericArgType(call, 0);
    if (t->id() == TypeId::kDecimal) {
      call.type = DataType::Decimal(std::min(38, t->precision() + 4),
                                    std::min(38, t->scale() + 4));
    } else if (t->id() == TypeId::kInterval) {
      call.type = t;
    } else {
      call.type = DataType::Double();
    }
    return;
  }
  if (n == "stddev_samp" || n == "stddev_pop" || n == "var_samp" || n == "var_pop") {
    ExpectArgs(call, 1, 1);
    NumericArgType(call, 0);
    call.children[0] = MakeCast(call.children[0], DataType::Double());
    call.children[0]->nullable = true;
    call.type = DataType::Double();
    return;
  }
  if (n == "min" || n == "max") {
    ExpectArgs(call, 1, 1);
    call.type = call.children[0]->type;
    return;
  }
  if (n == "first" || n == "last") {
    ExpectArgs(call, 1, 2);
    if (call.children.size() == 2 &&
        (call.children[1]->kind != ExprKind::kLiteral ||
         call.children[1]->literal.type()->id() != TypeId::kBoolean)) {
      Mismatch(call, "the second parameter (ignoreNulls) must be a BOOLEAN literal");
    }
    call.type = call.children[0]->type;
    return;
  }
  if (n == "max_by" || n == "min_by") {
    ExpectArgs(call, 2, 2);
    call.type = call.children[0]->type;
    return;
  }
  if (n == "collect_list" || n == "collect_set") {
    ExpectArgs(call, 1, 1);
    call.type = DataType::Array(call.children[0]->type, false);
    call.nullable = false;
    return;
  }
  if (n == "bool_and" || n == "bool_or") {
    ExpectArgs(call, 1, 1);
    if (call.children[0]->type->id() != TypeId::kBoolean)
      Mismatch(call, "the parameter requires the \"BOOLEAN\" type");
    call.type = DataType::Boolean();
    return;
  }
  throw AnalysisError(fmt::format("[UNRESOLVED_ROUTINE] Cannot resolve function `{}`", n));
}

}  // namespace sluice
