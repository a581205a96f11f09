// Expr construction helpers, deep copy, and Spark's SQL / auto-generated-name rendering.
//
// ToSql follows Spark's `toPrettySQL` (usePrettyExpression + Expression.sql): columns render by
// their last name part, string literals raw, numeric literals as their value, operators
// parenthesized "(a + b)", function calls "name(args)", count(*) as "count(1)".
#include "expr/expression.h"

#include "sluice/exception.h"
#include "types/datetime.h"
#include "types/value_format.h"

namespace sluice {

namespace {

const char* BinaryOperatorSql(const std::string& name) {
  static const std::pair<const char*, const char*> kOps[] = {
      {"+", "+"},     {"-", "-"},     {"*", "*"}, {"/", "/"},   {"%", "%"}, {"div", "div"},
      {"=", "="},     {"<=>", "<=>"}, {"<", "<"}, {"<=", "<="}, {">", ">"}, {">=", ">="},
      {"and", "AND"}, {"or", "OR"},   {"&", "&"}, {"|", "|"},   {"^", "^"}};
  for (const auto& [k, v] : kOps) {
    if (name == k) return v;
  }
  return nullptr;
}

std::string HexBytes(const std::string& bytes) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

// Spark's pretty rendering of a literal.
std::string LiteralSql(const Value& v) {
  if (v.is_null()) return "NULL";
  switch (v.type()->id()) {
    case TypeId::kNull:
      return "NULL";
    case TypeId::kBoolean:
      return v.GetBool() ? "true" : "false";
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong:
      return std::to_string(v.GetInt64());
    case TypeId::kFloat:
      return FormatFloat(static_cast<float>(v.GetDouble()));
    case TypeId::kDouble:
      return FormatDouble(v.GetDouble());
    case TypeId::kDecimal:
      return FormatDecimal(v.GetDecimal(), v.type()->scale());
    case TypeId::kString:
      return v.GetString();
    case TypeId::kBinary:
      return "X'" + HexBytes(v.GetString()) + "'";
    case TypeId::kDate:
      return "DATE '" + FormatDate(static_cast<int32_t>(v.GetInt64())) + "'";
    case TypeId::kTimestamp:
      return "TIMESTAMP '" + FormatTimestamp(v.GetInt64(), "UTC") + "'";
    case TypeId::kTimestampNtz:
      return "TIMESTAMP_NTZ '" + FormatTimestampNtz(v.GetInt64()) + "'";
    case TypeId::kInterval:
      return FormatInterval(v.GetInt64());
    default:
      return FormatCastString(v);
  }
}

std::string JoinSql(const std::vector<ExprPtr>& children, size_t from = 0) {
  std::string out;
  for (size_t i = from; i < children.size(); ++i) {
    if (i > from) out += ", ";
    out += children[i] ? children[i]->ToSql() : "?";
  }
  return out;
}

std::string CallSql(const Expr& e) {
  const auto& c = e.children;
  const std::string& n = e.name;
  if (c.size() == 2) {
    if (const char* op = BinaryOperatorSql(n)) {
      return "(" + c[0]->ToSql() + " " + op + " " + c[1]->ToSql() + ")";
    }
    if (n == "!=") return "(NOT (" + c[0]->ToSql() + " = " + c[1]->ToSql() + "))";
    if (n == "rlike") return c[0]->ToSql() + " RLIKE " + c[1]->ToSql();
    if (n == "subscript") return c[0]->ToSql() + "[" + c[1]->ToSql() + "]";
    if (n == "get_field") return c[0]->ToSql() + "." + c[1]->ToSql();
  }
  if (n == "like" && (c.size() == 2 || c.size() == 3)) {
    std::string s = c[0]->ToSql() + " LIKE " + c[1]->ToSql();
    if (c.size() == 3) s += " ESCAPE '" + c[2]->ToSql() + "'";
    return s;
  }
  if (c.size() == 1) {
    if (n == "negative") return "(- " + c[0]->ToSql() + ")";
    if (n == "positive") return "(+ " + c[0]->ToSql() + ")";
    if (n == "not") return "(NOT " + c[0]->ToSql() + ")";
    if (n == "~") return "~" + c[0]->ToSql();
    if (n == "isnull") return "(" + c[0]->ToSql() + " IS NULL)";
    if (n == "isnotnull") return "(" + c[0]->ToSql() + " IS NOT NULL)";
  }
  if (n == "in" && !c.empty()) return "(" + c[0]->ToSql() + " IN (" + JoinSql(c, 1) + "))";
  if (n == "if" && c.size() == 3) return "(IF(" + JoinSql(c) + "))";
  if (n == "count" && c.size() == 1 && c[0]->kind == ExprKind::kStar && c[0]->name_parts.empty()) {
    return e.distinct ? "count(DISTINCT 1)" : "count(1)";
  }
  return n + "(" + (e.distinct ? "DISTINCT " : "") + JoinSql(c) + ")";
}

std::string JoinParts(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += ".";
    out += parts[i];
  }
  return out;
}

}  // namespace

std::string Expr::ToSql() const {
  switch (kind) {
    case ExprKind::kLiteral:
      return LiteralSql(literal);
    case ExprKind::kColumn:
      return name_parts.empty() ? "" : name_parts.back();
    case ExprKind::kStar:
      return name_parts.empty() ? "*" : JoinParts(name_parts) + ".*";
    case ExprKind::kBoundColumn:
      return name;
    case ExprKind::kAlias:
      return name;
    case ExprKind::kCall:
      return CallSql(*this);
    case ExprKind::kCast: {
      std::string t = type ? type->Sql() : "?";
      return std::string(is_try ? "TRY_CAST(" : "CAST(") +
             (children.empty() ? "?" : children[0]->ToSql()) + " AS " + t + ")";
    }
    case ExprKind::kCase: {
      std::string s = "CASE";
      size_t pairs = (children.size() - (has_else ? 1 : 0)) / 2;
      for (size_t i = 0; i < pairs; ++i) {
        s += " WHEN " + children[2 * i]->ToSql() + " THEN " + children[2 * i + 1]->ToSql();
      }
      if (has_else && !children.empty()) s += " ELSE " + children.back()->ToSql();
      return s + " END";
    }
    case ExprKind::kGetField:
      return (children.empty() ? "?" : children[0]->ToSql()) + "." + name;
    case ExprKind::kSortOrder:
      return (children.empty() ? "?" : children[0]->ToSql()) + (ascending ? " ASC" : " DESC") +
             (nulls_first ? " NULLS FIRST" : " NULLS LAST");
  }
  return "?";
}

std::string Expr::ToString() const {
  auto child = [&](size_t i) {
    return i < children.size() && children[i] ? children[i]->ToString() : "?";
  };
  auto join = [&](size_t from) {
    std::string out;
    for (size_t i = from; i < children.size(); ++i) {
      if (i > from) out += ", ";
      out += child(i);
    }
    return out;
  };
  switch (kind) {
    case ExprKind::kLiteral:
      if (!literal.is_null() && literal.type()->id() == TypeId::kString) {
        return "'" + literal.GetString() + "'";
      }
      return LiteralSql(literal);
    case ExprKind::kColumn:
      return "'" + JoinParts(name_parts);
    case ExprKind::kStar:
      return name_parts.empty() ? "*" : JoinParts(name_parts) + ".*";
    case ExprKind::kBoundColumn:
      return name + "#" + std::to_string(index);
    case ExprKind::kAlias:
      return child(0) + " AS " + name;
    case ExprKind::kCall:
      return name + "(" + (distinct ? "DISTINCT " : "") + join(0) + ")";
    case ExprKind::kCast:
      return std::string(is_try ? "try_cast(" : "cast(") + child(0) + " as " +
             (type ? type->SimpleString() : "?") + ")";
    case ExprKind::kCase: {
      std::string s = "CASE";
      size_t pairs = (children.size() - (has_else ? 1 : 0)) / 2;
      for (size_t i = 0; i < pairs; ++i) s += " WHEN " + child(2 * i) + " THEN " + child(2 * i + 1);
      if (has_else) s += " ELSE " + child(children.size() - 1);
      return s + " END";
    }
    case ExprKind::kGetField:
      return child(0) + "." + name;
    case ExprKind::kSortOrder:
      return child(0) + (ascending ? " ASC" : " DESC") +
             (nulls_first ? " NULLS FIRST" : " NULLS LAST");
  }
  return "?";
}

ExprPtr MakeLiteral(Value v) {
  auto e = std::make_shared<Expr>(ExprKind::kLiteral);
  e->type = v.type();
  e->nullable = v.is_null();
  e->literal = std::move(v);
  return e;
}

ExprPtr MakeColumn(std::vector<std::string> name_parts) {
  auto e = std::make_shared<Expr>(ExprKind::kColumn);
  e->name_parts = std::move(name_parts);
  return e;
}

ExprPtr MakeColumn(const std::string& dotted_name) {
  // Spark's UnresolvedAttribute.quotedString parsing: dots split parts except inside backquotes,
  // where `` is an escaped backquote.
  std::vector<std::string> parts;
  std::string current;
  bool in_quotes = false;
  bool quoted_part = false;
  for (size_t i = 0; i < dotted_name.size(); ++i) {
    char c = dotted_name[i];
    if (in_quotes) {
      if (c == '`') {
        if (i + 1 < dotted_name.size() && dotted_name[i + 1] == '`') {
          current.push_back('`');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        current.push_back(c);
      }
    } else if (c == '`') {
      if (!current.empty() && !quoted_part) {
        throw AnalysisError("[INVALID_ATTRIBUTE_NAME_SYNTAX] Syntax error in the attribute name: " +
                         dotted_name);
      }
      in_quotes = true;
      quoted_part = true;
    } else if (c == '.') {
      parts.push_back(std::move(current));
      current.clear();
      quoted_part = false;
    } else {
      if (quoted_part) {
        throw AnalysisError("[INVALID_ATTRIBUTE_NAME_SYNTAX] Syntax error in the attribute name: " +
                         dotted_name);
      }
      current.push_back(c);
    }
  }
  if (in_quotes) {
    throw AnalysisError("[INVALID_ATTRIBUTE_NAME_SYNTAX] Syntax error in the attribute name: " +
                     dotted_name);
  }
  parts.push_back(std::move(current));
  return MakeColumn(std::move(parts));
}

ExprPtr MakeStar(std::vector<std::string> qualifier) {
  auto e = std::make_shared<Expr>(ExprKind::kStar);
  e->name_parts = std::move(qualifier);
  return e;
}

ExprPtr MakeBoundColumn(int index, TypePtr type, std::string name, bool nullable) {
  auto e = std::make_shared<Expr>(ExprKind::kBoundColumn);
  e->index = index;
  e->type = std::move(type);
  e->name = std::move(name);
  e->nullable = nullable;
  return e;
}

ExprPtr MakeAlias(ExprPtr child, std::string name) {
  auto e = std::make_shared<Expr>(ExprKind::kAlias);
  e->children.push_back(std::move(child));
  e->name = std::move(name);
  return e;
}

ExprPtr MakeCall(std::string name, std::vector<ExprPtr> args, bool distinct) {
  auto e = std::make_shared<Expr>(ExprKind::kCall);
  e->name = std::move(name);
  e->children = std::move(args);
  e->distinct = distinct;
  return e;
}

ExprPtr MakeCast(ExprPtr child, TypePtr type, bool is_try) {
  auto e = std::make_shared<Expr>(ExprKind::kCast);
  e->children.push_back(std::move(child));
  e->type = std::move(type);
  e->is_try = is_try;
  return e;
}

ExprPtr MakeSortOrder(ExprPtr child, bool ascending, bool nulls_first) {
  auto e = std::make_shared<Expr>(ExprKind::kSortOrder);
  e->children.push_back(std::move(child));
  e->ascending = ascending;
  e->nulls_first = nulls_first;
  return e;
}

ExprPtr CloneExpr(const ExprPtr& e) {
  if (!e) return nullptr;
  auto copy = std::make_shared<Expr>(*e);
  for (ExprPtr& c : copy->children) c = CloneExpr(c);
  return copy;
}

}  // namespace sluice
