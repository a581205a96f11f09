#include "testing/scenario/dataframe_interpreter.h"

#include <limits>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "sluice/functions.h"
#include "testing/scenario/scenario_file.h"

namespace sluice::scenario {
namespace {

namespace F = ::sluice::functions;

// A runtime value of the script: a Python literal, a Column, a DataFrame, GroupedData or a module
// (`F`, `functions`, `spark`, `spark.readStream`).
struct Obj {
  enum class Kind {
    kNone, kBool, kInt, kFloat, kString, kList, kDict, kColumn, kDataFrame, kGrouped, kModule
  };
  Kind kind = Kind::kNone;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;  // string value; module name
  std::vector<Obj> items;  // list; dict as key, value, ...
  std::shared_ptr<Column> column;
  std::shared_ptr<DataFrame> df;
  std::shared_ptr<GroupedData> grouped;
};

const char* KindName(Obj::Kind k) {
  switch (k) {
    case Obj::Kind::kNone: return "None";
    case Obj::Kind::kBool: return "bool";
    case Obj::Kind::kInt: return "int";
    case Obj::Kind::kFloat: return "float";
    case Obj::Kind::kString: return "str";
    case Obj::Kind::kList: return "list";
    case Obj::Kind::kDict: return "dict";
    case Obj::Kind::kColumn: return "Column";
    case Obj::Kind::kDataFrame: return "DataFrame";
    case Obj::Kind::kGrouped: return "GroupedData";
    case Obj::Kind::kModule: return "module";
  }
  return "?";
}

Obj MakeColumn(Column c) {
  Obj o;
  o.kind = Obj::Kind::kColumn;
  o.column = std::make_shared<Column>(std::move(c));
  return o;
}

Obj MakeDf(DataFrame df) {
  Obj o;
  o.kind = Obj::Kind::kDataFrame;
  o.df = std::make_shared<DataFrame>(std::move(df));
  return o;
}

Obj MakeGrouped(GroupedData g) {
  Obj o;
  o.kind = Obj::Kind::kGrouped;
  o.grouped = std::make_shared<GroupedData>(std::move(g));
  return o;
}

Obj MakeModule(const std::string& name) {
  Obj o;
  o.kind = Obj::Kind::kModule;
  o.s = name;
  return o;
}

struct EvalArg {
  std::string keyword;
  Obj value;
};

// For generic function calls: which string arguments PySpark reads as literals rather than column
// names (by position; -N means "position N and every later one").
const std::map<std::string, std::vector<int>>& LiteralStringPositions() {
  static const std::map<std::string, std::vector<int>> kPositions = {
      {"date_format", {1}},       {"to_timestamp", {1}},     {"to_date", {1}},
      {"unix_timestamp", {1}},    {"from_unixtime", {1}},    {"date_trunc", {0}},
      {"trunc", {1}},             {"regexp_extract", {1}},   {"regexp_replace", {1, 2}},
      {"regexp_extract_all", {1}},{"split", {1}},            {"get_json_object", {1}},
      {"json_tuple", {-1}},       {"format_string", {0}},    {"lpad", {2}},
      {"rpad", {2}},              {"instr", {1}},            {"locate", {0}},
      {"translate", {1, 2}},      {"from_utc_timestamp", {1}}, {"to_utc_timestamp", {1}},
      {"element_at", {1}},        {"substring_index", {1}},  {"array_contains", {1}},
      {"array_join", {1, 2}},     {"array_remove", {1}},     {"array_position", {1}},
      {"to_char", {1}},           {"to_varchar", {1}},       {"try_to_timestamp", {1}},
      {"date_part", {0}},         {"next_day", {1}},         {"encode", {1}},
      {"decode", {1}},            {"schema_of_json", {0}},   {"from_csv", {1}},
      {"like", {1}},              {"rlike", {1}},            {"ilike", {1}},
      {"regexp_like", {1}},       {"regexp", {1}},           {"to_unix_timestamp", {1}},
      {"date_from_unix_date", {}}, {"make_interval", {}},    {"parse_url", {1, 2}},
  };
  return kPositions;
}

class Interpreter {
 public:
  Interpreter(const Session& session, const ScriptNameResolver& resolve, const std::string& path)
      : session_(session), resolve_(resolve), path_(path) {}

  DataFrame Run(const DataFrameScript& script) {
    Obj last;
    int last_line = 0;
    for (const ScriptStatement& st : script.statements) {
      line_ = st.line;
      Obj v = Eval(*st.expr);
      if (!st.assign_to.empty()) {
        vars_[st.assign_to] = v;
      }
      last = v;
      last_line = st.line;
    }
    if (last.kind != Obj::Kind::kDataFrame) {
      Fail(last_line, std::string("the last line must be a DataFrame, got ") + KindName(last.kind));
    }
    return *last.df;
  }

 private:
  [[noreturn]] void Fail(int line, const std::string& msg) const {
    throw ScenarioError(path_ + ":" + std::to_string(line) + ": dataframe: " + msg);
  }
  [[noreturn]] void Fail(const std::string& msg) const { Fail(line_, msg); }

  // ---------------------------------------------------------------- evaluation
  Obj Eval(const ScriptNode& n) {
    using K = ScriptNode::Kind;
    line_ = n.line;
    switch (n.kind) {
      case K::kName:
        return EvalName(n.text);
      case K::kString: {
        Obj o;
        o.kind = Obj::Kind::kString;
        o.s = n.text;
        return o;
      }
      case K::kInt: {
        Obj o;
        o.kind = Obj::Kind::kInt;
        o.i = n.int_value;
        return o;
      }
      case K::kFloat: {
        Obj o;
        o.kind = Obj::Kind::kFloat;
        o.f = n.float_value;
        return o;
      }
      case K::kBool: {
        Obj o;
        o.kind = Obj::Kind::kBool;
        o.b = n.bool_value;
        return o;
      }
      case K::kNone:
        return Obj{};
      case K::kList:
      case K::kDict: {
        Obj o;
        o.kind = n.kind == K::kList ? Obj::Kind::kList : Obj::Kind::kDict;
        for (const auto& item : n.items) o.items.push_back(Eval(*item));
        return o;
      }
      case K::kCall: {
        std::vector<EvalArg> args = EvalArgs(n.args);
        line_ = n.line;
        return CallFunction(n.text, args);
      }
      case K::kMethod: {
        Obj receiver = Eval(*n.receiver);
        std::vector<EvalArg> args = EvalArgs(n.args);
        line_ = n.line;
        return CallMethod(receiver, n.text, args);
      }
      case K::kAttr: {
        Obj receiver = Eval(*n.receiver);
        line_ = n.line;
        return Attribute(receiver, n.text);
      }
      case K::kIndex: {
        Obj receiver = Eval(*n.receiver);
        Obj key = Eval(*n.items[0]);
        line_ = n.line;
        return Index(receiver, key);
      }
    }
    Fail("unsupported expression");
  }

  std::vector<EvalArg> EvalArgs(const std::vector<ScriptArg>& args) {
    std::vector<EvalArg> out;
    for (const ScriptArg& a : args) out.push_back(EvalArg{a.keyword, Eval(*a.value)});
    return out;
  }

  Obj EvalName(const std::string& name) {
    auto it = vars_.find(name);
    if (it != vars_.end()) return it->second;
    if (name == "F" || name == "functions" || name == "sf" || name == "fn" || name == "psf") {
      return MakeModule("functions");
    }
    if (name == "spark") return MakeModule("spark");
    if (resolve_) {
      if (auto df = resolve_(name)) return MakeDf(*df);
    }
    // A temp view of the session (may throw AnalysisError, reported as the engine's message).
    return MakeDf(session_.table(name));
  }

  Obj Attribute(const Obj& receiver, const std::string& name) {
    if (receiver.kind == Obj::Kind::kModule && receiver.s == "spark" && name == "readStream") {
      return MakeModule("readStream");
    }
    if (receiver.kind == Obj::Kind::kModule && receiver.s == "spark" && name == "read") {
      return MakeModule("read");
    }
    if (receiver.kind == Obj::Kind::kDataFrame) return MakeColumn(F::col(name));
    if (receiver.kind == Obj::Kind::kColumn) return MakeColumn(receiver.column->getField(name));
    Fail(std::string("no attribute '") + name + "' on " + KindName(receiver.kind));
  }

  Obj Index(const Obj& receiver, const Obj& key) {
    if (receiver.kind == Obj::Kind::kDataFrame) {
      if (key.kind == Obj::Kind::kString) return MakeColumn(F::col(key.s));
      if (key.kind == Obj::Kind::kColumn) return MakeDf(receiver.df->filter(*key.column));
    }
    if (receiver.kind == Obj::Kind::kColumn) {
      if (key.kind == Obj::Kind::kString) return MakeColumn(receiver.column->getField(key.s));
      return MakeColumn(receiver.column->getItem(ToValue(key)));
    }
    Fail(std::string("cannot subscript a ") + KindName(receiver.kind));
  }

  // ---------------------------------------------------------------- conversions
  Value ToValue(const Obj& o) {
    switch (o.kind) {
      case Obj::Kind::kNone: return Value();
      case Obj::Kind::kBool: return Value::Boolean(o.b);
      case Obj::Kind::kInt:
        if (o.i >= std::numeric_limits<int32_t>::min() && o.i <= std::numeric_limits<int32_t>::max()) {
          return Value::Int(static_cast<int32_t>(o.i));
        }
        return Value::Long(o.i);
      case Obj::Kind::kFloat: return Value::Double(o.f);
      case Obj::Kind::kString: return Value::String(o.s);
      default:
        Fail(std::string("expected a literal value, got ") + KindName(o.kind));
    }
  }

  // PySpark's lit(): Python int -> INT (BIGINT if it does not fit), float -> DOUBLE, ...
  Column Literal(const Obj& o) {
    if (o.kind == Obj::Kind::kColumn) return *o.column;
    return F::lit(ToValue(o));
  }

  // A column argument: Column as is, str as a column name, other literals as lit().
  Column ColumnArg(const Obj& o) {
    if (o.kind == Obj::Kind::kString) return F::col(o.s);
    if (o.kind == Obj::Kind::kColumn) return *o.column;
    if (o.kind == Obj::Kind::kList || o.kind == Obj::Kind::kDict || o.kind == Obj::Kind::kDataFrame ||
        o.kind == Obj::Kind::kGrouped || o.kind == Obj::Kind::kModule) {
      Fail(std::string("expected a column, got ") + KindName(o.kind));
    }
    return Literal(o);
  }

  std::string StringArg(const Obj& o, const std::string& what) {
    if (o.kind != Obj::Kind::kString) {
      Fail(what + ": expected a string, got " + KindName(o.kind));
    }
    return o.s;
  }

  int64_t IntArg(const Obj& o, const std::string& what) {
    if (o.kind != Obj::Kind::kInt) Fail(what + ": expected an integer, got " + KindName(o.kind));
    return o.i;
  }

  bool BoolArg(const Obj& o, const std::string& what) {
    if (o.kind != Obj::Kind::kBool) Fail(what + ": expected True or False, got " + KindName(o.kind));
    return o.b;
  }

  DataFrame DfArg(const Obj& o, const std::string& what) {
    if (o.kind != Obj::Kind::kDataFrame) Fail(what + ": expected a DataFrame, got " + KindName(o.kind));
    return *o.df;
  }

  // Positional varargs of a PySpark `*cols` parameter: a single list argument is unpacked.
  std::vector<Obj> VarArgs(const std::vector<EvalArg>& args, const std::string& what,
                           const std::set<std::string>& allowed_keywords = {}) {
    std::vector<Obj> out;
    for (const EvalArg& a : args) {
      if (!a.keyword.empty()) {
        if (!allowed_keywords.count(a.keyword)) {
          Fail(what + ": unexpected keyword argument '" + a.keyword + "'");
        }
        continue;
      }
      out.push_back(a.value);
    }
    if (out.size() == 1 && out[0].kind == Obj::Kind::kList) return out[0].items;
    return out;
  }

  std::optional<Obj> Keyword(const std::vector<EvalArg>& args, const std::string& name) {
    for (const EvalArg& a : args) {
      if (a.keyword == name) return a.value;
    }
    return std::nullopt;
  }

  // Binds positional and keyword arguments to PySpark's parameter names.
  std::vector<std::optional<Obj>> Bind(const std::vector<EvalArg>& args,
                                       const std::vector<std::string>& params, const std::string& what,
                                       size_t required = 0) {
    std::vector<std::optional<Obj>> out(params.size());
    size_t pos = 0;
    for (const EvalArg& a : args) {
      if (a.keyword.empty()) {
        if (pos >= params.size()) {
          Fail(what + ": too many arguments (at most " + std::to_string(params.size()) + ")");
        }
        out[pos++] = a.value;
        continue;
      }
      size_t k = 0;
      while (k < params.size() && params[k] != a.keyword) ++k;
      if (k == params.size()) Fail(what + ": unexpected keyword argument '" + a.keyword + "'");
      if (out[k]) Fail(what + ": argument '" + a.keyword + "' given twice");
      out[k] = a.value;
    }
    for (size_t k = 0; k < required; ++k) {
      if (!out[k]) Fail(what + ": missing argument '" + params[k] + "'");
    }
    return out;
  }

  static bool IsNone(const std::optional<Obj>& o) { return !o || o->kind == Obj::Kind::kNone; }

  std::vector<Column> Columns(const std::vector<Obj>& objs) {
    std::vector<Column> out;
    for (const Obj& o : objs) out.push_back(ColumnArg(o));
    return out;
  }

  std::vector<std::string> Strings(const Obj& o, const std::string& what) {
    std::vector<std::string> out;
    if (o.kind == Obj::Kind::kString) return {o.s};
    if (o.kind != Obj::Kind::kList) Fail(what + ": expected a list of column names");
    for (const Obj& item : o.items) out.push_back(StringArg(item, what));
    return out;
  }

  // ---------------------------------------------------------------- functions
  Obj CallFunction(const std::string& name, const std::vector<EvalArg>& args) {
    auto bind = [&](const std::vector<std::string>& params, size_t required) {
      return Bind(args, params, name + "()", required);
    };
    if (name == "col" || name == "column") {
      auto a = bind({"col"}, 1);
      return MakeColumn(F::col(StringArg(*a[0], name)));
    }
    if (name == "expr") {
      auto a = bind({"str"}, 1);
      return MakeColumn(F::expr(StringArg(*a[0], name)));
    }
    if (name == "lit") {
      auto a = bind({"col"}, 1);
      return MakeColumn(Literal(*a[0]));
    }
    if (name == "broadcast") {
      auto a = bind({"df"}, 1);
      return MakeDf(F::broadcast(DfArg(*a[0], name)));
    }
    if (name == "count") {
      auto a = bind({"col"}, 1);
      if (a[0]->kind == Obj::Kind::kString) return MakeColumn(F::count(a[0]->s));
      return MakeColumn(F::count(ColumnArg(*a[0])));
    }
    if (name == "countDistinct" || name == "count_distinct") {
      return MakeColumn(F::count_distinct(Columns(VarArgs(args, name))));
    }
    if (name == "approx_count_distinct") {
      auto a = bind({"col", "rsd"}, 1);
      if (IsNone(a[1])) return MakeColumn(F::approx_count_distinct(ColumnArg(*a[0])));
      return MakeColumn(F::call_function(name, {ColumnArg(*a[0]), Literal(*a[1])}));
    }
    if (name == "sum" || name == "avg" || name == "mean" || name == "min" || name == "max" ||
        name == "collect_list" || name == "collect_set") {
      auto a = bind({"col"}, 1);
      Column c = ColumnArg(*a[0]);
      if (name == "sum") return MakeColumn(F::sum(c));
      if (name == "avg") return MakeColumn(F::avg(c));
      if (name == "mean") return MakeColumn(F::mean(c));
      if (name == "min") return MakeColumn(F::min(c));
      if (name == "max") return MakeColumn(F::max(c));
      if (name == "collect_list") return MakeColumn(F::collect_list(c));
      return MakeColumn(F::collect_set(c));
    }
    if (name == "first" || name == "last") {
      auto a = bind({"col", "ignorenulls"}, 1);
      bool ignore = IsNone(a[1]) ? false : BoolArg(*a[1], name + "(ignorenulls)");
      Column c = ColumnArg(*a[0]);
      return MakeColumn(name == "first" ? F::first(c, ignore) : F::last(c, ignore));
    }
    if (name == "window") {
      auto a = bind({"timeColumn", "windowDuration", "slideDuration", "startTime"}, 2);
      Column t = ColumnArg(*a[0]);
      std::string dur = StringArg(*a[1], "window(windowDuration)");
      if (IsNone(a[2]) && IsNone(a[3])) return MakeColumn(F::window(t, dur));
      std::string slide = IsNone(a[2]) ? dur : StringArg(*a[2], "window(slideDuration)");
      std::string start = IsNone(a[3]) ? "" : StringArg(*a[3], "window(startTime)");
      return MakeColumn(F::window(t, dur, slide, start));
    }
    if (name == "session_window") {
      auto a = bind({"timeColumn", "gapDuration"}, 2);
      Column t = ColumnArg(*a[0]);
      if (a[1]->kind == Obj::Kind::kString) return MakeColumn(F::session_window(t, a[1]->s));
      return MakeColumn(F::session_window(t, ColumnArg(*a[1])));
    }
    if (name == "window_time") {
      auto a = bind({"windowColumn"}, 1);
      return MakeColumn(F::window_time(ColumnArg(*a[0])));
    }
    if (name == "when") {
      auto a = bind({"condition", "value"}, 2);
      return MakeColumn(F::when(ColumnArg(*a[0]), Literal(*a[1])));
    }
    if (name == "coalesce") return MakeColumn(F::coalesce(Columns(VarArgs(args, name))));
    if (name == "greatest") return MakeColumn(F::greatest(Columns(VarArgs(args, name))));
    if (name == "least") return MakeColumn(F::least(Columns(VarArgs(args, name))));
    if (name == "concat") return MakeColumn(F::concat(Columns(VarArgs(args, name))));
    if (name == "struct") return MakeColumn(F::struct_(Columns(VarArgs(args, name))));
    if (name == "array") return MakeColumn(F::array(Columns(VarArgs(args, name))));
    if (name == "create_map") return MakeColumn(F::call_function("map", Columns(VarArgs(args, name))));
    if (name == "concat_ws") {
      std::vector<Obj> all = VarArgs(args, name);
      if (all.empty()) Fail("concat_ws(): missing argument 'sep'");
      std::string sep = StringArg(all[0], "concat_ws(sep)");
      std::vector<Obj> rest(all.begin() + 1, all.end());
      if (rest.size() == 1 && rest[0].kind == Obj::Kind::kList) rest = rest[0].items;
      return MakeColumn(F::concat_ws(sep, Columns(rest)));
    }
    if (name == "current_timestamp" || name == "now") {
      bind({}, 0);
      return MakeColumn(F::current_timestamp());
    }
    if (name == "current_date") {
      bind({}, 0);
      return MakeColumn(F::current_date());
    }
    if (name == "timestamp_seconds") {
      auto a = bind({"col"}, 1);
      return MakeColumn(F::timestamp_seconds(ColumnArg(*a[0])));
    }
    if (name == "from_json") {
      auto a = bind({"col", "schema", "options"}, 2);
      if (!IsNone(a[2])) Fail("from_json(): options are not supported here");
      return MakeColumn(F::from_json(ColumnArg(*a[0]), StringArg(*a[1], "from_json(schema)")));
    }
    if (name == "to_json") {
      auto a = bind({"col"}, 1);
      return MakeColumn(F::to_json(ColumnArg(*a[0])));
    }
    return MakeColumn(GenericCall(name, args));
  }

  Column GenericCall(const std::string& name, const std::vector<EvalArg>& args) {
    std::vector<int> literal_positions;
    auto it = LiteralStringPositions().find(name);
    if (it != LiteralStringPositions().end()) literal_positions = it->second;
    auto is_literal = [&](int pos) {
      for (int p : literal_positions) {
        if (p == pos || (p < 0 && pos >= -p)) return true;
      }
      return false;
    };
    std::vector<Column> cols;
    int pos = 0;
    for (const EvalArg& a : args) {
      if (!a.keyword.empty()) {
        Fail(name + "(): keyword argument '" + a.keyword + "' is not supported for this function");
      }
      if (a.value.kind == Obj::Kind::kString && is_literal(pos)) {
        cols.push_back(F::lit(Value::String(a.value.s)));
      } else if (a.value.kind == Obj::Kind::kList) {
        for (const Obj& item : a.value.items) cols.push_back(ColumnArg(item));
      } else {
        cols.push_back(ColumnArg(a.value));
      }
      ++pos;
    }
    return F::call_function(name, cols);
  }

  // ---------------------------------------------------------------- methods
  Obj CallMethod(const Obj& receiver, const std::string& name, const std::vector<EvalArg>& args) {
    switch (receiver.kind) {
      case Obj::Kind::kModule:
        return ModuleMethod(receiver.s, name, args);
      case Obj::Kind::kDataFrame:
        return DataFrameMethod(*receiver.df, name, args);
      case Obj::Kind::kGrouped:
        return GroupedMethod(*receiver.grouped, name, args);
      case Obj::Kind::kColumn:
        return ColumnMethod(*receiver.column, name, args);
      default:
        Fail(std::string("no method '") + name + "' on a " + KindName(receiver.kind));
    }
  }

  Obj ModuleMethod(const std::string& module, const std::string& name, const std::vector<EvalArg>& args) {
    if (module == "functions") return CallFunction(name, args);
    auto a = Bind(args, {"name"}, module + "." + name + "()", 1);
    std::string arg = StringArg(*a[0], module + "." + name);
    if (module == "spark" && name == "table") return EvalName(arg);
    if (module == "spark" && name == "sql") return MakeDf(session_.sql(arg));
    if (module == "readStream" && name == "table") {
      if (resolve_) {
        if (auto df = resolve_(arg)) return MakeDf(*df);
      }
      return MakeDf(session_.readStream().table(arg));
    }
    if (module == "read" && name == "table") return MakeDf(session_.read().table(arg));
    Fail("unsupported call " + module + "." + name + "()");
  }

  std::vector<Column> SortColumns(const std::vector<EvalArg>& args, const std::string& what) {
    std::vector<Column> cols = Columns(VarArgs(args, what, {"ascending"}));
    std::optional<Obj> asc = Keyword(args, "ascending");
    if (!asc) return cols;
    std::vector<bool> flags;
    if (asc->kind == Obj::Kind::kBool) {
      flags.assign(cols.size(), asc->b);
    } else if (asc->kind == Obj::Kind::kList) {
      for (const Obj& f : asc->items) flags.push_back(BoolArg(f, what + "(ascending)"));
      if (flags.size() != cols.size()) Fail(what + ": ascending has a different length than cols");
    } else {
      Fail(what + "(ascending): expected a bool or a list of bools");
    }
    for (size_t i = 0; i < cols.size(); ++i) {
      cols[i] = flags[i] ? cols[i].asc() : cols[i].desc();
    }
    return cols;
  }

  std::vector<Column> AggColumns(const std::vector<EvalArg>& args, const std::string& what) {
    std::vector<Obj> objs = VarArgs(args, what);
    if (objs.size() == 1 && objs[0].kind == Obj::Kind::kDict) {
      std::vector<Column> cols;
      const auto& items = objs[0].items;
      for (size_t i = 0; i + 1 < items.size(); i += 2) {
        std::string col = StringArg(items[i], what + "(dict key)");
        std::string fn = StringArg(items[i + 1], what + "(dict value)");
        if (fn == "count" && col == "*") {
          cols.push_back(F::count("*"));
        } else {
          cols.push_back(F::call_function(fn, {F::col(col)}));
        }
      }
      return cols;
    }
    for (const Obj& o : objs) {
      if (o.kind != Obj::Kind::kColumn) Fail(what + ": expected aggregate Columns, got " + KindName(o.kind));
    }
    return Columns(objs);
  }

  Obj DataFrameMethod(const DataFrame& df, const std::string& name, const std::vector<EvalArg>& args) {
    const std::string what = name + "()";
    if (name == "select") return MakeDf(df.select(Columns(VarArgs(args, what))));
    if (name == "selectExpr") {
      std::vector<std::string> exprs;
      for (const Obj& o : VarArgs(args, what)) exprs.push_back(StringArg(o, what));
      return MakeDf(df.selectExpr(exprs));
    }
    if (name == "filter" || name == "where") {
      auto a = Bind(args, {"condition"}, what, 1);
      if (a[0]->kind == Obj::Kind::kString) return MakeDf(df.filter(a[0]->s));
      return MakeDf(df.filter(ColumnArg(*a[0])));
    }
    if (name == "withColumn") {
      auto a = Bind(args, {"colName", "col"}, what, 2);
      return MakeDf(df.withColumn(StringArg(*a[0], what), Literal(*a[1])));
    }
    if (name == "withColumns") {
      auto a = Bind(args, {"colsMap"}, what, 1);
      if (a[0]->kind != Obj::Kind::kDict) Fail(what + ": expected a dict");
      std::map<std::string, Column> cols;
      for (size_t i = 0; i + 1 < a[0]->items.size(); i += 2) {
        cols.emplace(StringArg(a[0]->items[i], what), Literal(a[0]->items[i + 1]));
      }
      return MakeDf(df.withColumns(cols));
    }
    if (name == "withColumnRenamed") {
      auto a = Bind(args, {"existing", "new"}, what, 2);
      return MakeDf(df.withColumnRenamed(StringArg(*a[0], what), StringArg(*a[1], what)));
    }
    if (name == "withColumnsRenamed") {
      auto a = Bind(args, {"colsMap"}, what, 1);
      if (a[0]->kind != Obj::Kind::kDict) Fail(what + ": expected a dict");
      DataFrame out = df;
      for (size_t i = 0; i + 1 < a[0]->items.size(); i += 2) {
        out = out.withColumnRenamed(StringArg(a[0]->items[i], what), StringArg(a[0]->items[i + 1], what));
      }
      return MakeDf(out);
    }
    if (name == "drop") {
      std::vector<std::string> names;
      for (const Obj& o : VarArgs(args, what)) names.push_back(StringArg(o, what));
      return MakeDf(df.drop(names));
    }
    if (name == "groupBy" || name == "groupby") {
      return MakeGrouped(df.groupBy(Columns(VarArgs(args, what))));
    }
    if (name == "agg") return MakeDf(df.agg(AggColumns(args, what)));
    if (name == "join") {
      auto a = Bind(args, {"other", "on", "how"}, what, 1);
      DataFrame other = DfArg(*a[0], what);
      std::string how = IsNone(a[2]) ? "inner" : StringArg(*a[2], what + "(how)");
      if (IsNone(a[1])) {
        if (how == "inner" || how == "cross") return MakeDf(df.crossJoin(other));
        Fail(what + ": a '" + how + "' join needs 'on'");
      }
      const Obj& on = *a[1];
      if (on.kind == Obj::Kind::kString) return MakeDf(df.join(other, on.s, how));
      if (on.kind == Obj::Kind::kColumn) return MakeDf(df.join(other, *on.column, how));
      if (on.kind == Obj::Kind::kList && !on.items.empty()) {
        if (on.items[0].kind == Obj::Kind::kString) return MakeDf(df.join(other, Strings(on, what), how));
        std::vector<Column> conds = Columns(on.items);
        Column all = conds[0];
        for (size_t i = 1; i < conds.size(); ++i) all = all && conds[i];
        return MakeDf(df.join(other, all, how));
      }
      Fail(what + "(on): expected a column name, a list or a Column");
    }
    if (name == "crossJoin") {
      auto a = Bind(args, {"other"}, what, 1);
      return MakeDf(df.crossJoin(DfArg(*a[0], what)));
    }
    if (name == "union" || name == "unionAll") {
      auto a = Bind(args, {"other"}, what, 1);
      return MakeDf(df.union_(DfArg(*a[0], what)));
    }
    if (name == "unionByName") {
      auto a = Bind(args, {"other", "allowMissingColumns"}, what, 1);
      bool allow = IsNone(a[1]) ? false : BoolArg(*a[1], what + "(allowMissingColumns)");
      return MakeDf(df.unionByName(DfArg(*a[0], what), allow));
    }
    if (name == "distinct") {
      Bind(args, {}, what);
      return MakeDf(df.distinct());
    }
    if (name == "dropDuplicates" || name == "drop_duplicates" || name == "dropDuplicatesWithinWatermark") {
      auto a = Bind(args, {"subset"}, what);
      std::vector<std::string> subset = IsNone(a[0]) ? std::vector<std::string>{} : Strings(*a[0], what);
      if (name == "dropDuplicatesWithinWatermark") return MakeDf(df.dropDuplicatesWithinWatermark(subset));
      return MakeDf(df.dropDuplicates(subset));
    }
    if (name == "withWatermark") {
      auto a = Bind(args, {"eventTime", "delayThreshold"}, what, 2);
      return MakeDf(df.withWatermark(StringArg(*a[0], what), StringArg(*a[1], what)));
    }
    if (name == "alias" || name == "as") {
      auto a = Bind(args, {"alias"}, what, 1);
      return MakeDf(df.alias(StringArg(*a[0], what)));
    }
    if (name == "limit") {
      auto a = Bind(args, {"num"}, what, 1);
      return MakeDf(df.limit(IntArg(*a[0], what)));
    }
    if (name == "orderBy" || name == "sort") return MakeDf(df.orderBy(SortColumns(args, what)));
    if (name == "hint") {
      std::vector<Obj> all = VarArgs(args, what);
      if (all.empty()) Fail(what + ": missing the hint name");
      std::string hint = StringArg(all[0], what);
      if (hint == "broadcast") return MakeDf(df.hintBroadcast());
      return MakeDf(df);  // other hints do not change results
    }
    if (name == "repartition" || name == "coalesce") return MakeDf(df);  // no effect on results
    Fail("unsupported DataFrame method '" + name + "'");
  }

  Obj GroupedMethod(const GroupedData& g, const std::string& name, const std::vector<EvalArg>& args) {
    const std::string what = name + "()";
    if (name == "agg") return MakeDf(g.agg(AggColumns(args, what)));
    if (name == "count") {
      Bind(args, {}, what);
      return MakeDf(g.count());
    }
    if (name == "sum" || name == "avg" || name == "mean" || name == "min" || name == "max") {
      std::vector<std::string> names;
      for (const Obj& o : VarArgs(args, what)) names.push_back(StringArg(o, what));
      if (name == "sum") return MakeDf(g.sum(names));
      if (name == "avg" || name == "mean") return MakeDf(g.avg(names));
      if (name == "min") return MakeDf(g.min(names));
      return MakeDf(g.max(names));
    }
    Fail("unsupported GroupedData method '" + name + "'");
  }

  Obj ColumnMethod(const Column& c, const std::string& name, const std::vector<EvalArg>& args) {
    const std::string what = name + "()";
    auto one = [&](const char* param) { return *Bind(args, {param}, what, 1)[0]; };
    auto none = [&]() { Bind(args, {}, what); };
    if (name == "alias" || name == "name") return MakeColumn(c.alias(StringArg(one("alias"), what)));
    if (name == "cast" || name == "astype") return MakeColumn(c.cast(StringArg(one("dataType"), what)));
    if (name == "try_cast") return MakeColumn(c.try_cast(StringArg(one("dataType"), what)));
    if (name == "isNull") return none(), MakeColumn(c.isNull());
    if (name == "isNotNull") return none(), MakeColumn(c.isNotNull());
    if (name == "isNaN") return none(), MakeColumn(c.isNaN());
    if (name == "eqNullSafe") return MakeColumn(c.eqNullSafe(Literal(one("other"))));
    if (name == "isin") {
      std::vector<Obj> values = VarArgs(args, what);
      bool all_literals = true;
      for (const Obj& v : values) all_literals &= v.kind != Obj::Kind::kColumn;
      if (all_literals) {
        std::vector<Value> vals;
        for (const Obj& v : values) vals.push_back(ToValue(v));
        return MakeColumn(c.isin(vals));
      }
      std::vector<Column> cols;
      for (const Obj& v : values) cols.push_back(Literal(v));
      return MakeColumn(c.isin(cols));
    }
    if (name == "between") {
      auto a = Bind(args, {"lowerBound", "upperBound"}, what, 2);
      return MakeColumn(c.between(Literal(*a[0]), Literal(*a[1])));
    }
    if (name == "like") return MakeColumn(c.like(StringArg(one("other"), what)));
    if (name == "rlike") return MakeColumn(c.rlike(StringArg(one("other"), what)));
    if (name == "startswith") return MakeColumn(c.startswith(Literal(one("other"))));
    if (name == "endswith") return MakeColumn(c.endswith(Literal(one("other"))));
    if (name == "contains") return MakeColumn(c.contains(Literal(one("other"))));
    if (name == "substr") {
      auto a = Bind(args, {"startPos", "length"}, what, 2);
      return MakeColumn(c.substr(static_cast<int>(IntArg(*a[0], what)),
                                 static_cast<int>(IntArg(*a[1], what))));
    }
    if (name == "getField") return MakeColumn(c.getField(StringArg(one("name"), what)));
    if (name == "getItem") return MakeColumn(c.getItem(ToValue(one("key"))));
    if (name == "when") {
      auto a = Bind(args, {"condition", "value"}, what, 2);
      return MakeColumn(c.when(ColumnArg(*a[0]), Literal(*a[1])));
    }
    if (name == "otherwise") return MakeColumn(c.otherwise(Literal(one("value"))));
    if (name == "asc") return none(), MakeColumn(c.asc());
    if (name == "desc") return none(), MakeColumn(c.desc());
    if (name == "asc_nulls_first") return none(), MakeColumn(c.asc_nulls_first());
    if (name == "asc_nulls_last") return none(), MakeColumn(c.asc_nulls_last());
    if (name == "desc_nulls_first") return none(), MakeColumn(c.desc_nulls_first());
    if (name == "desc_nulls_last") return none(), MakeColumn(c.desc_nulls_last());
    Fail("unsupported Column method '" + name + "'");
  }

  const Session& session_;
  const ScriptNameResolver& resolve_;
  std::string path_;
  int line_ = 0;
  std::map<std::string, Obj> vars_;
};

}  // namespace

DataFrame EvaluateDataFrameScript(const DataFrameScript& script, const Session& session,
                                  const ScriptNameResolver& resolve, const std::string& path) {
  return Interpreter(session, resolve, path).Run(script);
}

}  // namespace sluice::scenario
