// Column: an expression in the DataFrame API (PySpark's Column). Building a Column never fails;
// names and types are checked when the expression is used in a DataFrame (AnalysisError there).
//
// Method names are PySpark's (camelCase) on purpose, so pipelines carry over line by line.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sluice/types.h"
#include "sluice/value.h"

namespace sluice {

struct Expr;

class Column {
 public:
  /// Wraps an expression tree (internal; use functions::col / lit / expr).
  explicit Column(std::shared_ptr<Expr> expr) : expr_(std::move(expr)) {}

  const std::shared_ptr<Expr>& expr() const { return expr_; }

  Column alias(const std::string& name) const;
  Column name(const std::string& name) const { return alias(name); }
  /// Casts to a type given in DDL ("long", "string", "decimal(10,2)") or as a type.
  Column cast(const std::string& type) const;
  Column cast(const TypePtr& type) const;
  Column try_cast(const std::string& type) const;

  Column isNull() const;
  Column isNotNull() const;
  Column isNaN() const;
  Column eqNullSafe(const Column& other) const;
  Column isin(const std::vector<Column>& values) const;
  Column isin(const std::vector<Value>& values) const;
  Column between(const Column& low, const Column& high) const;
  Column like(const std::string& pattern) const;
  Column rlike(const std::string& pattern) const;
  Column startswith(const Column& prefix) const;
  Column endswith(const Column& suffix) const;
  Column contains(const Column& other) const;
  Column substr(int start, int length) const;
  Column getField(const std::string& name) const;
  Column getItem(const Value& key) const;
  Column operator[](const std::string& field) const { return getField(field); }

  /// CASE chaining: when(cond, v).when(cond2, v2).otherwise(v3).
  Column when(const Column& condition, const Column& value) const;
  Column otherwise(const Column& value) const;

  Column asc() const;
  Column desc() const;
  Column asc_nulls_first() const;
  Column asc_nulls_last() const;
  Column desc_nulls_first() const;
  Column desc_nulls_last() const;

 private:
  std::shared_ptr<Expr> expr_;
};

/// A literal Column from a C++ value.
Column ToColumn(const Value& v);
Column ToColumn(int v);
Column ToColumn(int64_t v);
Column ToColumn(double v);
Column ToColumn(bool v);
Column ToColumn(const char* v);
Column ToColumn(const std::string& v);
inline Column ToColumn(const Column& c) { return c; }

Column operator+(const Column& a, const Column& b);
Column operator-(const Column& a, const Column& b);
Column operator*(const Column& a, const Column& b);
Column operator/(const Column& a, const Column& b);
Column operator%(const Column& a, const Column& b);
Column operator-(const Column& a);
Column operator==(const Column& a, const Column& b);
Column operator!=(const Column& a, const Column& b);
Column operator<(const Column& a, const Column& b);
Column operator<=(const Column& a, const Column& b);
Column operator>(const Column& a, const Column& b);
Column operator>=(const Column& a, const Column& b);
/// SQL AND / OR / NOT with three-valued logic (PySpark's & | ~).
Column operator&&(const Column& a, const Column& b);
Column operator||(const Column& a, const Column& b);
Column operator!(const Column& a);
Column operator&(const Column& a, const Column& b);
Column operator|(const Column& a, const Column& b);
Column operator~(const Column& a);

// Mixed Column/literal arithmetic and comparison: col("amount") > 0, col("x") * 2.
#define SLUICE_COLUMN_LITERAL_OPS(T)                                                   \
  inline Column operator+(const Column& a, T b) { return a + ToColumn(b); }            \
  inline Column operator-(const Column& a, T b) { return a - ToColumn(b); }            \
  inline Column operator*(const Column& a, T b) { return a * ToColumn(b); }            \
  inline Column operator/(const Column& a, T b) { return a / ToColumn(b); }            \
  inline Column operator%(const Column& a, T b) { return a % ToColumn(b); }            \
  inline Column operator==(const Column& a, T b) { return a == ToColumn(b); }          \
  inline Column operator!=(const Column& a, T b) { return a != ToColumn(b); }          \
  inline Column operator<(const Column& a, T b) { return a < ToColumn(b); }            \
  inline Column operator<=(const Column& a, T b) { return a <= ToColumn(b); }          \
  inline Column operator>(const Column& a, T b) { return a > ToColumn(b); }            \
  inline Column operator>=(const Column& a, T b) { return a >= ToColumn(b); }          \
  inline Column operator+(T a, const Column& b) { return ToColumn(a) + b; }            \
  inline Column operator-(T a, const Column& b) { return ToColumn(a) - b; }            \
  inline Column operator*(T a, const Column& b) { return ToColumn(a) * b; }            \
  inline Column operator/(T a, const Column& b) { return ToColumn(a) / b; }
SLUICE_COLUMN_LITERAL_OPS(int)
SLUICE_COLUMN_LITERAL_OPS(int64_t)
SLUICE_COLUMN_LITERAL_OPS(double)
SLUICE_COLUMN_LITERAL_OPS(const char*)
SLUICE_COLUMN_LITERAL_OPS(const std::string&)
#undef SLUICE_COLUMN_LITERAL_OPS

}  // namespace sluice
