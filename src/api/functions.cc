#include "sluice/functions.h"

#include "expr/expression.h"
#include "plan/logical_plan.h"
#include "sluice/dataframe.h"
#include "sql/parser.h"

namespace sluice {
namespace functions {

namespace {
ExprPtr Str(const std::string& s) { return MakeLiteral(Value::String(s)); }
ExprPtr I(int v) { return MakeLiteral(Value::Int(v)); }
Column Call(const std::string& name, std::vector<ExprPtr> args, bool distinct = false) {
  return Column(MakeCall(name, std::move(args), distinct));
}
std::vector<ExprPtr> Exprs(const std::vector<Column>& cols) {
  std::vector<ExprPtr> out;
  for (const auto& c : cols) out.push_back(c.expr());
  return out;
}
}  // namespace

Column col(const std::string& name) {
  if (name == "*") return Column(MakeStar());
  if (name.size() > 2 && name.compare(name.size() - 2, 2, ".*") == 0) {
    ExprPtr c = MakeColumn(name.substr(0, name.size() - 2));
    return Column(MakeStar(c->name_parts));
  }
  return Column(MakeColumn(name));
}
Column lit(const Value& v) { return Column(MakeLiteral(v)); }
Column expr(const std::string& sql) { return Column(ParseExpression(sql)); }
Column call_function(const std::string& name, const std::vector<Column>& args) {
  return Call(name, Exprs(args));
}

Column count(const Column& c) { return Call("count", {c.expr()}); }
Column count(const std::string& name) {
  if (name == "*") return Call("count", {MakeStar()});
  return count(col(name));
}
Column count_distinct(const std::vector<Column>& cols) { return Call("count", Exprs(cols), true); }
Column countDistinct(const std::vector<Column>& cols) { return count_distinct(cols); }
Column approx_count_distinct(const Column& c) { return Call("approx_count_distinct", {c.expr()}); }
Column sum(const Column& c) { return Call("sum", {c.expr()}); }
Column sum(const std::string& name) { return sum(col(name)); }
Column avg(const Column& c) { return Call("avg", {c.expr()}); }
Column avg(const std::string& name) { return avg(col(name)); }
Column mean(const Column& c) { return Call("mean", {c.expr()}); }
Column min(const Column& c) { return Call("min", {c.expr()}); }
Column min(const std::string& name) { return min(col(name)); }
Column max(const Column& c) { return Call("max", {c.expr()}); }
Column max(const std::string& name) { return max(col(name)); }
Column first(const Column& c, bool ignorenulls) {
  return Call("first", {c.expr(), MakeLiteral(Value::Boolean(ignorenulls))});
}
Column last(const Column& c, bool ignorenulls) {
  return Call("last", {c.expr(), MakeLiteral(Value::Boolean(ignorenulls))});
}
Column collect_list(const Column& c) { return Call("collect_list", {c.expr()}); }
Column collect_set(const Column& c) { return Call("collect_set", {c.expr()}); }

Column window(const Column& t, const std::string& d) { return Call("window", {t.expr(), Str(d)}); }
Column window(const Column& t, const std::string& d, const std::string& s, const std::string& start) {
  std::vector<ExprPtr> args = {t.expr(), Str(d), Str(s)};
  if (!start.empty()) args.push_back(Str(start));
  return Call("window", std::move(args));
}
Column window(const std::string& t, const std::string& d) { return window(col(t), d); }
Column window(const std::string& t, const std::string& d, const std::string& s,
              const std::string& start) {
  return window(col(t), d, s, start);
}
Column session_window(const Column& t, const std::string& gap) {
  return Call("session_window", {t.expr(), Str(gap)});
}
Column session_window(const Column& t, const Column& gap) {
  return Call("session_window", {t.expr(), gap.expr()});
}
Column window_time(const Column& w) { return Call("window_time", {w.expr()}); }

Column when(const Column& condition, const Column& value) {
  auto e = std::make_shared<Expr>(ExprKind::kCase);
  e->children = {condition.expr(), value.expr()};
  return Column(e);
}
Column coalesce(const std::vector<Column>& cols) { return Call("coalesce", Exprs(cols)); }
Column isnull(const Column& c) { return Call("isnull", {c.expr()}); }
Column greatest(const std::vector<Column>& cols) { return Call("greatest", Exprs(cols)); }
Column least(const std::vector<Column>& cols) { return Call("least", Exprs(cols)); }

Column lower(const Column& c) { return Call("lower", {c.expr()}); }
Column upper(const Column& c) { return Call("upper", {c.expr()}); }
Column concat(const std::vector<Column>& cols) { return Call("concat", Exprs(cols)); }
Column concat_ws(const std::string& sep, const std::vector<Column>& cols) {
  std::vector<ExprPtr> args = {Str(sep)};
  for (const auto& c : cols) args.push_back(c.expr());
  return Call("concat_ws", std::move(args));
}
Column substring(const Column& c, int pos, int len) { return Call("substring", {c.expr(), I(pos), I(len)}); }
Column length(const Column& c) { return Call("length", {c.expr()}); }
Column split(const Column& c, const std::string& pattern, int limit) {
  return Call("split", {c.expr(), Str(pattern), I(limit)});
}
Column regexp_extract(const Column& c, const std::string& pattern, int idx) {
  return Call("regexp_extract", {c.expr(), Str(pattern), I(idx)});
}
Column regexp_replace(const Column& c, const std::string& pattern, const std::string& replacement) {
  return Call("regexp_replace", {c.expr(), Str(pattern), Str(replacement)});
}
Column trim(const Column& c) { return Call("trim", {c.expr()}); }
Column ltrim(const Column& c) { return Call("ltrim", {c.expr()}); }
Column rtrim(const Column& c) { return Call("rtrim", {c.expr()}); }

Column current_timestamp() { return Call("current_timestamp", {}); }
Column current_date() { return Call("current_date", {}); }
Column hour(const Column& c) { return Call("hour", {c.expr()}); }
Column minute(const Column& c) { return Call("minute", {c.expr()}); }
Column second(const Column& c) { return Call("second", {c.expr()}); }
Column year(const Column& c) { return Call("year", {c.expr()}); }
Column month(const Column& c) { return Call("month", {c.expr()}); }
Column dayofmonth(const Column& c) { return Call("dayofmonth", {c.expr()}); }
Column dayofweek(const Column& c) { return Call("dayofweek", {c.expr()}); }
Column date_trunc(const std::string& format, const Column& c) {
  return Call("date_trunc", {Str(format), c.expr()});
}
Column to_timestamp(const Column& c) { return Call("to_timestamp", {c.expr()}); }
Column to_timestamp(const Column& c, const std::string& f) { return Call("to_timestamp", {c.expr(), Str(f)}); }
Column to_date(const Column& c) { return Call("to_date", {c.expr()}); }
Column to_date(const Column& c, const std::string& f) { return Call("to_date", {c.expr(), Str(f)}); }
Column date_format(const Column& c, const std::string& f) { return Call("date_format", {c.expr(), Str(f)}); }
Column timestamp_seconds(const Column& c) { return Call("timestamp_seconds", {c.expr()}); }
Column unix_timestamp(const Column& c) { return Call("unix_timestamp", {c.expr()}); }

Column from_json(const Column& c, const TypePtr& schema) {
  return Call("from_json", {c.expr(), Str(schema->id() == TypeId::kStruct ? schema->ToDdl() : schema->Sql())});
}
Column from_json(const Column& c, const std::string& ddl) { return Call("from_json", {c.expr(), Str(ddl)}); }
Column to_json(const Column& c) { return Call("to_json", {c.expr()}); }
Column get_json_object(const Column& c, const std::string& path) {
  return Call("get_json_object", {c.expr(), Str(path)});
}
Column struct_(const std::vector<Column>& cols) { return Call("struct", Exprs(cols)); }
Column array(const std::vector<Column>& cols) { return Call("array", Exprs(cols)); }
Column element_at(const Column& c, const Column& key) { return Call("element_at", {c.expr(), key.expr()}); }
Column size(const Column& c) { return Call("size", {c.expr()}); }

Column abs(const Column& c) { return Call("abs", {c.expr()}); }
Column round(const Column& c, int scale) { return Call("round", {c.expr(), I(scale)}); }
Column floor(const Column& c) { return Call("floor", {c.expr()}); }
Column ceil(const Column& c) { return Call("ceil", {c.expr()}); }
Column sqrt(const Column& c) { return Call("sqrt", {c.expr()}); }

DataFrame broadcast(const DataFrame& df) { return df.hintBroadcast(); }

}  // namespace functions
}  // namespace sluice
