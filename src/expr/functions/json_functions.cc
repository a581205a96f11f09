// JSON functions with Spark 4 semantics: from_json (through formats' JsonValueParser, schema from a
// constant DDL/type string), to_json (through formats' JsonWriter), get_json_object (JSON path
// subset: $, .name, ['name'], [n], [*], .*), json_array_length, json_object_keys and
// schema_of_json. Invalid JSON gives NULL for the path/length/keys functions, as in Spark.
#include <algorithm>
#include <map>

#include "expr/functions/builtin_functions.h"
#include "expr/functions/scalar_kernel.h"
#include "formats/json/json_options.h"
#include "formats/json/json_reader.h"
#include "formats/json/json_text.h"
#include "formats/json/json_writer.h"

namespace sluice {
namespace {

using namespace scalar;

// ---------------------------------------------------------------------------------------------
// A small validating JSON scanner working on spans of the input text.

enum class JsonKind { kObject, kArray, kString, kNumber, kTrue, kFalse, kNull };

class JsonScanner {
 public:
  explicit JsonScanner(std::string_view s) : s_(s) {}

  void SkipWs() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  bool AtEnd() {
    SkipWs();
    return pos_ >= s_.size();
  }
  size_t pos() const { return pos_; }
  void set_pos(size_t p) { pos_ = p; }
  std::string_view text() const { return s_; }

  /// Kind of the value at the cursor (after whitespace); false at end/invalid.
  bool Peek(JsonKind* kind) {
    SkipWs();
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_];
    switch (c) {
      case '{': *kind = JsonKind::kObject; return true;
      case '[': *kind = JsonKind::kArray; return true;
      case '"': *kind = JsonKind::kString; return true;
      case 't': *kind = JsonKind::kTrue; return true;
      case 'f': *kind = JsonKind::kFalse; return true;
      case 'n': *kind = JsonKind::kNull; return true;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          *kind = JsonKind::kNumber;
          return true;
        }
        return false;
    }
  }

  /// Skips one value, validating it; false if malformed.
  bool SkipValue(int depth = 0) {
    if (depth > 1000) return false;
    JsonKind k;
    if (!Peek(&k)) return false;
    switch (k) {
      case JsonKind::kObject: {
        ++pos_;
        SkipWs();
        if (pos_ < s_.size() && s_[pos_] == '}') {
          ++pos_;
          return true;
        }
        while (true) {
          SkipWs();
          if (!ReadString(nullptr)) return false;
          SkipWs();
          if (pos_ >= s_.size() || s_[pos_] != ':') return false;
          ++pos_;
          if (!SkipValue(depth + 1)) return false;
          SkipWs();
          if (pos_ >= s_.size()) return false;
          if (s_[pos_] == ',') {
            ++pos_;
            continue;
          }
          if (s_[pos_] == '}') {
            ++pos_;
            return true;
          }
          return false;
        }
      }
      case JsonKind::kArray: {
        ++pos_;
        SkipWs();
        if (pos_ < s_.size() && s_[pos_] == ']') {
          ++pos_;
          return true;
        }
        while (true) {
          if (!SkipValue(depth + 1)) return false;
          SkipWs();
          if (pos_ >= s_.size()) return false;
          if (s_[pos_] == ',') {
            ++pos_;
            continue;
          }
          if (s_[pos_] == ']') {
            ++pos_;
            return true;
          }
          return false;
        }
      }
      case JsonKind::kString: return ReadString(nullptr);
      case JsonKind::kTrue: return Literal("true");
      case JsonKind::kFalse: return Literal("false");
      case JsonKind::kNull: return Literal("null");
      case JsonKind::kNumber: {
        size_t start = pos_;
        if (s_[pos_] == '-') ++pos_;
        size_t digits = pos_;
        while (pos_ < s_.size() && isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
        if (pos_ == digits) return false;
        if (pos_ < s_.size() && s_[pos_] == '.') {
          ++pos_;
          size_t f = pos_;
          while (pos_ < s_.size() && isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
          if (pos_ == f) return false;
        }
        if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
          ++pos_;
          if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
          size_t e = pos_;
          while (pos_ < s_.size() && isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
          if (pos_ == e) return false;
        }
        return pos_ > start;
      }
    }
    return false;
  }

  /// Reads a string at the cursor, unescaping into `out` when given.
  bool ReadString(std::string* out) {
    if (pos_ >= s_.size() || s_[pos_] != '"') return false;
    ++pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        if (out) out->push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) return false;
      char e = s_[pos_++];
      char lit = 0;
      switch (e) {
        case '"': lit = '"'; break;
        case '\\': lit = '\\'; break;
        case '/': lit = '/'; break;
        case 'b': lit = '\b'; break;
        case 'f': lit = '\f'; break;
        case 'n': lit = '\n'; break;
        case 'r': lit = '\r'; break;
        case 't': lit = '\t'; break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00 && pos_ + 1 < s_.size() && s_[pos_] == '\\' &&
              s_[pos_ + 1] == 'u') {
            size_t save = pos_;
            pos_ += 2;
            uint32_t lo;
            if (Hex4(&lo) && lo >= 0xDC00 && lo < 0xE000) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else {
              pos_ = save;
            }
          }
          if (out) Utf8Append(cp, out);
          continue;
        }
        default: return false;
      }
      if (out) out->push_back(lit);
    }
    return false;
  }

 private:
  bool Literal(std::string_view lit) {
    if (s_.substr(pos_, lit.size()) != lit) return false;
    pos_ += lit.size();
    return true;
  }
  bool Hex4(uint32_t* cp) {
    if (pos_ + 4 > s_.size()) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_ + i];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) return false;
      v = v * 16 + static_cast<uint32_t>(d);
    }
    pos_ += 4;
    *cp = v;
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

/// True if `s` holds exactly one valid JSON value (surrounding whitespace allowed).
bool IsValidJson(std::string_view s) {
  JsonScanner sc(s);
  return sc.SkipValue() && sc.AtEnd();
}

// ---------------------------------------------------------------------------------------------
// JSON path (get_json_object)

struct PathStep {
  enum Kind { kKey, kIndex, kWildcard } kind;
  std::string key;
  int64_t index = 0;
};

/// Parses Spark's JSON path subset; nullopt if invalid.
std::optional<std::vector<PathStep>> ParseJsonPath(std::string_view p) {
  if (p.empty() || p[0] != '$') return std::nullopt;
  std::vector<PathStep> steps;
  size_t i = 1;
  while (i < p.size()) {
    if (p[i] == '.') {
      ++i;
      if (i < p.size() && p[i] == '*') {
        steps.push_back({PathStep::kWildcard, "", 0});
        ++i;
        continue;
      }
      size_t start = i;
      while (i < p.size() && p[i] != '.' && p[i] != '[') ++i;
      if (i == start) return std::nullopt;
      steps.push_back({PathStep::kKey, std::string(p.substr(start, i - start)), 0});
    } else if (p[i] == '[') {
      ++i;
      if (i < p.size() && p[i] == '\'') {
        size_t close = p.find("']", i + 1);
        if (close == std::string_view::npos) return std::nullopt;
        steps.push_back({PathStep::kKey, std::string(p.substr(i + 1, close - i - 1)), 0});
        i = close + 2;
      } else if (i < p.size() && p[i] == '*') {
        if (i + 1 >= p.size() || p[i + 1] != ']') return std::nullopt;
        steps.push_back({PathStep::kWildcard, "", 0});
        i += 2;
      } else {
        size_t start = i;
        while (i < p.size() && isdigit(static_cast<unsigned char>(p[i]))) ++i;
        if (i == start || i >= p.size() || p[i] != ']') return std::nullopt;
        steps.push_back({PathStep::kIndex, "", std::stoll(std::string(p.substr(start, i - start)))});
        ++i;
      }
    } else {
      return std::nullopt;
    }
  }
  return steps;
}

/// Collects spans [begin, end) of the values matching steps[k..] from the value at the cursor.
void EvalPath(JsonScanner& sc, const std::vector<PathStep>& steps, size_t k,
              std::vector<std::pair<size_t, size_t>>* out) {
  sc.SkipWs();
  size_t begin = sc.pos();
  if (k == steps.size()) {
    sc.SkipValue();
    out->emplace_back(begin, sc.pos());
    return;
  }
  JsonKind kind;
  if (!sc.Peek(&kind)) return;
  const PathStep& step = steps[k];
  std::string_view s = sc.text();
  if (kind == JsonKind::kObject && step.kind == PathStep::kKey) {
    sc.set_pos(sc.pos() + 1);
    sc.SkipWs();
    if (s[sc.pos()] == '}') {
      sc.set_pos(sc.pos() + 1);
      return;
    }
    bool matched = false;
    std::string key;
    while (true) {
      sc.SkipWs();
      key.clear();
      sc.ReadString(&key);
      sc.SkipWs();
      sc.set_pos(sc.pos() + 1);  // ':'
      if (!matched && key == step.key) {
        matched = true;
        EvalPath(sc, steps, k + 1, out);
      } else {
        sc.SkipValue();
      }
      sc.SkipWs();
      if (sc.pos() < s.size() && s[sc.pos()] == ',') {
        sc.set_pos(sc.pos() + 1);
        continue;
      }
      sc.set_pos(sc.pos() + 1);  // '}'
      return;
    }
  }
  if (kind == JsonKind::kArray && (step.kind == PathStep::kIndex || step.kind == PathStep::kWildcard)) {
    sc.set_pos(sc.pos() + 1);
    sc.SkipWs();
    if (s[sc.pos()] == ']') {
      sc.set_pos(sc.pos() + 1);
      return;
    }
    int64_t i = 0;
    while (true) {
      if (step.kind == PathStep::kWildcard || i == step.index) EvalPath(sc, steps, k + 1, out);
      else sc.SkipValue();
      ++i;
      sc.SkipWs();
      if (sc.pos() < s.size() && s[sc.pos()] == ',') {
        sc.set_pos(sc.pos() + 1);
        continue;
      }
      sc.set_pos(sc.pos() + 1);  // ']'
      return;
    }
  }
  if (kind == JsonKind::kObject && step.kind == PathStep::kWildcard) {
    sc.set_pos(sc.pos() + 1);
    sc.SkipWs();
    if (s[sc.pos()] == '}') {
      sc.set_pos(sc.pos() + 1);
      return;
    }
    while (true) {
      sc.SkipWs();
      sc.ReadString(nullptr);
      sc.SkipWs();
      sc.set_pos(sc.pos() + 1);
      EvalPath(sc, steps, k + 1, out);
      sc.SkipWs();
      if (sc.pos() < s.size() && s[sc.pos()] == ',') {
        sc.set_pos(sc.pos() + 1);
        continue;
      }
      sc.set_pos(sc.pos() + 1);
      return;
    }
  }
  sc.SkipValue();
}

/// Appends a matched value as get_json_object returns it: strings unquoted, others minified.
void AppendMatch(std::string_view raw, bool top_level, std::string* out) {
  if (top_level && !raw.empty() && raw[0] == '"') {
    JsonScanner sc(raw);
    sc.ReadString(out);
    return;
  }
  std::string minified;
  MinifyJson(raw, &minified);
  out->append(minified);
}

bool GetJsonObject(std::string_view json, const std::vector<PathStep>& steps, std::string* out) {
  if (!IsValidJson(json)) return false;
  JsonScanner sc(json);
  std::vector<std::pair<size_t, size_t>> matches;
  EvalPath(sc, steps, 0, &matches);
  bool wildcard = std::any_of(steps.begin(), steps.end(),
                              [](const PathStep& s) { return s.kind == PathStep::kWildcard; });
  if (matches.empty()) return false;
  if (matches.size() == 1) {
    std::string_view raw = json.substr(matches[0].first, matches[0].second - matches[0].first);
    if (raw == "null") return false;
    AppendMatch(raw, true, out);
    return true;
  }
  (void)wildcard;
  out->push_back('[');
  for (size_t i = 0; i < matches.size(); ++i) {
    if (i) out->push_back(',');
    AppendMatch(json.substr(matches[i].first, matches[i].second - matches[i].first), false, out);
  }
  out->push_back(']');
  return true;
}

// ---------------------------------------------------------------------------------------------
// schema_of_json

TypePtr MergeInferred(const TypePtr& a, const TypePtr& b);

/// Infers the type of the value at the cursor (Spark's JsonInferSchema with default options).
TypePtr InferJson(JsonScanner& sc) {
  JsonKind kind;
  if (!sc.Peek(&kind)) return nullptr;
  std::string_view s = sc.text();
  switch (kind) {
    case JsonKind::kNull: sc.SkipValue(); return DataType::Null();
    case JsonKind::kTrue:
    case JsonKind::kFalse: sc.SkipValue(); return DataType::Boolean();
    case JsonKind::kString: sc.SkipValue(); return DataType::String();
    case JsonKind::kNumber: {
      size_t b = sc.pos();
      if (!sc.SkipValue()) return nullptr;
      std::string_view num = s.substr(b, sc.pos() - b);
      if (num.find_first_of(".eE") != std::string_view::npos) return DataType::Double();
      std::string digits(num[0] == '-' ? num.substr(1) : num);
      if (digits.size() < 19 || (digits.size() == 19 && digits <= "9223372036854775807"))
        return DataType::Long();
      if (digits.size() <= 38) return DataType::Decimal(static_cast<int>(digits.size()), 0);
      return DataType::Double();
    }
    case JsonKind::kArray: {
      sc.set_pos(sc.pos() + 1);
      sc.SkipWs();
      TypePtr el = DataType::Null();
      if (sc.pos() < s.size() && s[sc.pos()] == ']') {
        sc.set_pos(sc.pos() + 1);
        return DataType::Array(el);
      }
      while (true) {
        TypePtr t = InferJson(sc);
        if (!t) return nullptr;
        el = MergeInferred(el, t);
        sc.SkipWs();
        if (sc.pos() >= s.size()) return nullptr;
        char c = s[sc.pos()];
        sc.set_pos(sc.pos() + 1);
        if (c == ',') continue;
        if (c == ']') return DataType::Array(el);
        return nullptr;
      }
    }
    case JsonKind::kObject: {
      sc.set_pos(sc.pos() + 1);
      sc.SkipWs();
      std::map<std::string, TypePtr> fields;
      if (sc.pos() < s.size() && s[sc.pos()] == '}') {
        sc.set_pos(sc.pos() + 1);
        return DataType::Struct({});
      }
      while (true) {
        sc.SkipWs();
        std::string key;
        if (!sc.ReadString(&key)) return nullptr;
        sc.SkipWs();
        if (sc.pos() >= s.size() || s[sc.pos()] != ':') return nullptr;
        sc.set_pos(sc.pos() + 1);
        TypePtr t = InferJson(sc);
        if (!t) return nullptr;
        auto it = fields.find(key);
        fields[key] = it == fields.end() ? t : MergeInferred(it->second, t);
        sc.SkipWs();
        if (sc.pos() >= s.size()) return nullptr;
        char c = s[sc.pos()];
        sc.set_pos(sc.pos() + 1);
        if (c == ',') continue;
        if (c != '}') return nullptr;
        std::vector<StructField> fs;
        for (auto& [k, v] : fields) fs.emplace_back(k, v, true);
        return DataType::Struct(std::move(fs));
      }
    }
  }
  return nullptr;
}

TypePtr MergeInferred(const TypePtr& a, const TypePtr& b) {
  if (a->id() == TypeId::kNull) return b;
  if (b->id() == TypeId::kNull) return a;
  if (a->Equals(*b)) return a;
  auto numeric_rank = [](const TypePtr& t) {
    return t->id() == TypeId::kLong ? 1 : t->id() == TypeId::kDecimal ? 2 : t->id() == TypeId::kDouble ? 3 : 0;
  };
  int ra = numeric_rank(a), rb = numeric_rank(b);
  if (ra && rb) {
    if (ra == 3 || rb == 3) return DataType::Double();
    int p = std::max(ra == 2 ? a->precision() : 20, rb == 2 ? b->precision() : 20);
    return p <= 38 ? DataType::Decimal(p, 0) : DataType::Double();
  }
  if (a->id() == TypeId::kStruct && b->id() == TypeId::kStruct) {
    std::map<std::string, TypePtr> fields;
    for (const auto& f : a->fields()) fields[f.name] = f.type;
    for (const auto& f : b->fields()) {
      auto it = fields.find(f.name);
      fields[f.name] = it == fields.end() ? f.type : MergeInferred(it->second, f.type);
    }
    std::vector<StructField> fs;
    for (auto& [k, v] : fields) fs.emplace_back(k, v, true);
    return DataType::Struct(std::move(fs));
  }
  if (a->id() == TypeId::kArray && b->id() == TypeId::kArray)
    return DataType::Array(MergeInferred(a->element_type(), b->element_type()));
  return DataType::String();
}

/// Replaces NULL types (never observed values) by STRING, as Spark does for inferred schemas.
TypePtr CanonicalizeInferred(const TypePtr& t) {
  switch (t->id()) {
    case TypeId::kNull: return DataType::String();
    case TypeId::kArray: return DataType::Array(CanonicalizeInferred(t->element_type()));
    case TypeId::kStruct: {
      std::vector<StructField> fs;
      for (const auto& f : t->fields()) fs.emplace_back(f.name, CanonicalizeInferred(f.type), true);
      return DataType::Struct(std::move(fs));
    }
    default: return t;
  }
}

// ---------------------------------------------------------------------------------------------
// Options and schemas

/// Reads a constant MAP<STRING,STRING> options argument.
OptionMap OptionsArg(const Expr& call, size_t i, const EvalContext& ctx) {
  OptionMap options;
  if (call.children.size() <= i) return options;
  const Expr& e = *call.children[i];
  auto v = ConstantValue(e, ctx);
  if (!v || e.type->id() != TypeId::kMap)
    throw AnalysisError(fmt::format(
        "[INVALID_OPTIONS.NON_MAP_FUNCTION] Invalid options: Must use the `map()` function for "
        "options."));
  if (v->is_null()) return options;
  for (size_t k = 0; k < v->MapSize(); ++k) {
    const Value& key = v->MapKey(k);
    const Value& val = v->MapValue(k);
    if (key.type()->id() != TypeId::kString || (!val.is_null() && val.type()->id() != TypeId::kString))
      throw AnalysisError(
          "[INVALID_OPTIONS.NON_STRING_TYPE] Invalid options: A type of keys and values in "
          "`map()` must be string, but got \"" + e.type->Sql() + "\".");
    options[key.GetString()] = val.is_null() ? "" : val.GetString();
  }
  return options;
}

/// Parses from_json's schema string: a data type ("ARRAY<INT>", "STRUCT<a: INT>", "MAP<...>") or a
/// DDL field list ("a INT, b STRING").
TypePtr ParseJsonSchema(const std::string& text) {
  try {
    TypePtr t = ParseDataType(text);
    if (t->IsNested()) return t;
  } catch (const SluiceError&) {
  }
  try {
    return ParseSchema(text);
  } catch (const SluiceError& e) {
    throw AnalysisError(fmt::format(
        "[INVALID_SCHEMA.PARSE_ERROR] The input schema \"{}\" is not a valid schema string. "
        "Cannot parse the schema: {}",
        text, e.what()));
  }
}

struct FromJsonState {
  JsonOptions options;
};

void RegisterFromToJson(FunctionRegistry& r) {
  RegisterFn(
      r, "from_json",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 2, 3);
        CoerceString(call, 0, ctx);
        const Expr& schema = *call.children[1];
        auto v = ConstantValue(schema, ctx);
        if (!v || v->is_null() || schema.type->id() != TypeId::kString)
          throw AnalysisError(fmt::format(
              "[INVALID_SCHEMA.NON_STRING_LITERAL] The input schema \"{}\" is not a valid schema "
              "string. The input expression must be string literal and not null.",
              schema.ToSql()));
        TypePtr t = ParseJsonSchema(v->GetString());
        OptionMap options = OptionsArg(call, 2, ctx);
        JsonOptions parsed = JsonOptions::FromMap(options, ctx.time_zone);
        if (parsed.mode == ParseMode::kDropMalformed)
          throw AnalysisError(
              "[PARSE_MODE_UNSUPPORTED] The function `from_json` doesn't support the "
              "DROPMALFORMED mode. Acceptable modes are PERMISSIVE and FAILFAST.");
        return t;
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState& st, const EvalContext& ctx) {
        JsonOptions options = st ? static_cast<const FromJsonState*>(st.get())->options
                                 : JsonOptions::FromMap(OptionMap(), ctx.time_zone);
        JsonValueParser parser(call.type, options);
        auto out = MakeResult(call.type, a.num_rows);
        const Vector& in = *a.args[0];
        for (size_t row = 0; row < a.num_rows; ++row) {
          if (in.IsNull(row)) {
            out->AppendNull();
            continue;
          }
          parser.ParseAndAppend(in.GetString(row), *out);
        }
        return VectorPtr(out);
      },
      true,
      [](const Expr& call, const EvalContext& ctx) -> FunctionState {
        auto st = std::make_shared<FromJsonState>();
        st->options = JsonOptions::FromMap(OptionsArg(call, 2, ctx), ctx.time_zone);
        return st;
      });

  RegisterFn(
      r, "to_json",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 1, 2);
        if (!call.children[0]->type->IsNested())
          ThrowUnexpectedType(call, 0, "(\"STRUCT\" or \"ARRAY\" or \"MAP\")");
        JsonOptions::FromMap(OptionsArg(call, 1, ctx), ctx.time_zone);
        return DataType::String();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState& st, const EvalContext& ctx) {
        JsonOptions options = st ? static_cast<const FromJsonState*>(st.get())->options
                                 : JsonOptions::FromMap(OptionMap(), ctx.time_zone);
        JsonWriter writer(options);
        const Vector& in = *a.args[0];
        return BuildStrings(
            call.type, a,
            [&](size_t row, std::string* out) {
              if (in.IsNull(row)) return false;
              writer.WriteValue(in, row, out);
              return true;
            },
            false);
      },
      false,
      [](const Expr& call, const EvalContext& ctx) -> FunctionState {
        auto st = std::make_shared<FromJsonState>();
        st->options = JsonOptions::FromMap(OptionsArg(call, 1, ctx), ctx.time_zone);
        return st;
      });
}

struct PathState {
  std::optional<std::vector<PathStep>> steps;
};

void RegisterJsonText(FunctionRegistry& r) {
  RegisterFn(
      r, "get_json_object",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 2, 2);
        CoerceString(call, 0, ctx);
        CoerceString(call, 1, ctx);
        return DataType::String();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState& st, const EvalContext&) {
        const PathState* fixed = st ? static_cast<const PathState*>(st.get()) : nullptr;
        return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
          std::optional<std::vector<PathStep>> row_steps;
          const std::optional<std::vector<PathStep>>* steps = fixed ? &fixed->steps : &row_steps;
          if (!fixed) row_steps = ParseJsonPath(a.args[1]->GetString(row));
          if (!*steps) return false;
          return GetJsonObject(a.args[0]->GetString(row), **steps, out);
        });
      },
      true,
      [](const Expr& call, const EvalContext& ctx) -> FunctionState {
        auto v = ConstantValue(*call.children[1], ctx);
        if (!v || v->is_null()) return nullptr;
        auto st = std::make_shared<PathState>();
        st->steps = ParseJsonPath(v->GetString());
        return st;
      });

  RegisterFn(
      r, "json_array_length",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 1, 1);
        CoerceString(call, 0, ctx);
        return DataType::Int();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        return BuildFixed<int32_t>(call.type, a, [&](size_t row, int32_t* out) {
          std::string_view s = a.args[0]->GetString(row);
          if (!IsValidJson(s)) return false;
          JsonScanner sc(s);
          JsonKind kind;
          if (!sc.Peek(&kind) || kind != JsonKind::kArray) return false;
          sc.set_pos(sc.pos() + 1);
          sc.SkipWs();
          int32_t n = 0;
          if (s[sc.pos()] == ']') {
            *out = 0;
            return true;
          }
          while (true) {
            sc.SkipValue();
            ++n;
            sc.SkipWs();
            if (s[sc.pos()] == ',') {
              sc.set_pos(sc.pos() + 1);
              continue;
            }
            break;
          }
          *out = n;
          return true;
        });
      });

  RegisterFn(
      r, "json_object_keys",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 1, 1);
        CoerceString(call, 0, ctx);
        return DataType::Array(DataType::String());
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        auto out = MakeResult(call.type, a.num_rows);
        Vector& el = *out->mutable_child(0);
        std::string key;
        for (size_t row = 0; row < a.num_rows; ++row) {
          if (a.args[0]->IsNull(row)) {
            out->AppendNull();
            continue;
          }
          std::string_view s = a.args[0]->GetString(row);
          JsonScanner sc(s);
          JsonKind kind;
          if (!IsValidJson(s) || !sc.Peek(&kind) || kind != JsonKind::kObject) {
            out->AppendNull();
            continue;
          }
          sc.set_pos(sc.pos() + 1);
          sc.SkipWs();
          if (s[sc.pos()] != '}') {
            while (true) {
              sc.SkipWs();
              key.clear();
              sc.ReadString(&key);
              el.AppendString(key);
              sc.SkipWs();
              sc.set_pos(sc.pos() + 1);
              sc.SkipValue();
              sc.SkipWs();
              if (s[sc.pos()] == ',') {
                sc.set_pos(sc.pos() + 1);
                continue;
              }
              break;
            }
          }
          out->AppendListEnd();
        }
        return VectorPtr(out);
      });

  RegisterFn(
      r, "schema_of_json",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 1, 2);
        if (!IsFoldable(*call.children[0]))
          throw AnalysisError(fmt::format(
              "[DATATYPE_MISMATCH.NON_FOLDABLE_INPUT] Cannot resolve \"{}\" due to data type "
              "mismatch: the input json should be a foldable \"STRING\" expression; however, got "
              "\"{}\".",
              call.ToSql(), call.children[0]->ToSql()));
        CoerceString(call, 0, ctx);
        return DataType::String();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
          std::string_view s = a.args[0]->GetString(row);
          JsonScanner sc(s);
          TypePtr t = IsValidJson(s) ? InferJson(sc) : nullptr;
          if (!t) {
            // Spark infers a malformed record as a struct holding only the corrupt-record column.
            *out = "STRUCT<_corrupt_record: STRING>";
            return true;
          }
          *out = CanonicalizeInferred(t)->Sql();
          return true;
        });
      });
}

}  // namespace

void RegisterJsonFunctions(FunctionRegistry& registry) {
  RegisterFromToJson(registry);
  RegisterJsonText(registry);
}

}  // namespace sluice
