#include "sluice/types.h"

#include <cctype>
#include <fmt/format.h>

#include "sluice/exception.h"

namespace sluice {

namespace {

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

TypePtr MakeSimple(TypeId id) { return std::make_shared<DataType>(id); }

}  // namespace

#define SLUICE_SIMPLE_TYPE(Name, Id)              \
  TypePtr DataType::Name() {                      \
    static const TypePtr kType = MakeSimple(Id);  \
    return kType;                                 \
  }
SLUICE_SIMPLE_TYPE(Null, TypeId::kNull)
SLUICE_SIMPLE_TYPE(Boolean, TypeId::kBoolean)
SLUICE_SIMPLE_TYPE(Byte, TypeId::kByte)
SLUICE_SIMPLE_TYPE(Short, TypeId::kShort)
SLUICE_SIMPLE_TYPE(Int, TypeId::kInt)
SLUICE_SIMPLE_TYPE(Long, TypeId::kLong)
SLUICE_SIMPLE_TYPE(Float, TypeId::kFloat)
SLUICE_SIMPLE_TYPE(Double, TypeId::kDouble)
SLUICE_SIMPLE_TYPE(String, TypeId::kString)
SLUICE_SIMPLE_TYPE(Binary, TypeId::kBinary)
SLUICE_SIMPLE_TYPE(Date, TypeId::kDate)
SLUICE_SIMPLE_TYPE(Timestamp, TypeId::kTimestamp)
SLUICE_SIMPLE_TYPE(TimestampNtz, TypeId::kTimestampNtz)
SLUICE_SIMPLE_TYPE(Interval, TypeId::kInterval)
#undef SLUICE_SIMPLE_TYPE

TypePtr DataType::Decimal(int precision, int scale) {
  if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
    throw AnalysisError(fmt::format(
        "[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION] invalid DECIMAL({}, {}): precision must be "
        "1..38 and scale 0..precision",
        precision, scale));
  }
  auto t = std::make_shared<DataType>(TypeId::kDecimal);
  t->precision_ = precision;
  t->scale_ = scale;
  return t;
}

TypePtr DataType::Struct(std::vector<StructField> fields) {
  auto t = std::make_shared<DataType>(TypeId::kStruct);
  t->fields_ = std::move(fields);
  return t;
}

TypePtr DataType::Array(TypePtr element, bool contains_null) {
  auto t = std::make_shared<DataType>(TypeId::kArray);
  t->child_ = std::move(element);
  t->contains_null_ = contains_null;
  return t;
}

TypePtr DataType::Map(TypePtr key, TypePtr value, bool value_contains_null) {
  auto t = std::make_shared<DataType>(TypeId::kMap);
  t->child_ = std::move(key);
  t->value_ = std::move(value);
  t->contains_null_ = value_contains_null;
  return t;
}

int DataType::FieldIndex(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == name) return static_cast<int>(i);
  }
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (IEquals(fields_[i].name, name)) return static_cast<int>(i);
  }
  return -1;
}

static std::string QuoteIfNeeded(const std::string& name) {
  bool plain = !name.empty();
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) plain = false;
  }
  if (plain) return name;
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

std::string DataType::SimpleString() const {
  switch (id_) {
    case TypeId::kNull: return "void";
    case TypeId::kBoolean: return "boolean";
    case TypeId::kByte: return "tinyint";
    case TypeId::kShort: return "smallint";
    case TypeId::kInt: return "int";
    case TypeId::kLong: return "bigint";
    case TypeId::kFloat: return "float";
    case TypeId::kDouble: return "double";
    case TypeId::kDecimal: return fmt::format("decimal({},{})", precision_, scale_);
    case TypeId::kString: return "string";
    case TypeId::kBinary: return "binary";
    case TypeId::kDate: return "date";
    case TypeId::kTimestamp: return "timestamp";
    case TypeId::kTimestampNtz: return "timestamp_ntz";
    case TypeId::kInterval: return "interval day to second";
    case TypeId::kArray: return "array<" + child_->SimpleString() + ">";
    case TypeId::kMap: return "map<" + child_->SimpleString() + "," + value_->SimpleString() + ">";
    case TypeId::kStruct: {
      std::string s = "struct<";
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (i) s += ",";
        s += fields_[i].name + ":" + fields_[i].type->SimpleString();
      }
      return s + ">";
    }
  }
  return "?";
}

std::string DataType::Sql() const {
  switch (id_) {
    case TypeId::kNull: return "VOID";
    case TypeId::kBoolean: return "BOOLEAN";
    case TypeId::kByte: return "TINYINT";
    case TypeId::kShort: return "SMALLINT";
    case TypeId::kInt: return "INT";
    case TypeId::kLong: return "BIGINT";
    case TypeId::kFloat: return "FLOAT";
    case TypeId::kDouble: return "DOUBLE";
    case TypeId::kDecimal: return fmt::format("DECIMAL({},{})", precision_, scale_);
    case TypeId::kString: return "STRING";
    case TypeId::kBinary: return "BINARY";
    case TypeId::kDate: return "DATE";
    case TypeId::kTimestamp: return "TIMESTAMP";
    case TypeId::kTimestampNtz: return "TIMESTAMP_NTZ";
    case TypeId::kInterval: return "INTERVAL DAY TO SECOND";
    case TypeId::kArray: return "ARRAY<" + child_->Sql() + ">";
    case TypeId::kMap: return "MAP<" + child_->Sql() + ", " + value_->Sql() + ">";
    case TypeId::kStruct: {
      std::string s = "STRUCT<";
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (i) s += ", ";
        s += QuoteIfNeeded(fields_[i].name) + ": " + fields_[i].type->Sql();
        if (!fields_[i].nullable) s += " NOT NULL";
      }
      return s + ">";
    }
  }
  return "?";
}

std::string DataType::ToDdl() const {
  std::string s;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i) s += ", ";
    s += QuoteIfNeeded(fields_[i].name) + " " + fields_[i].type->Sql();
    if (!fields_[i].nullable) s += " NOT NULL";
  }
  return s;
}

bool DataType::Equals(const DataType& o) const {
  if (id_ != o.id_) return false;
  switch (id_) {
    case TypeId::kDecimal: return precision_ == o.precision_ && scale_ == o.scale_;
    case TypeId::kArray: return contains_null_ == o.contains_null_ && child_->Equals(*o.child_);
    case TypeId::kMap:
      return contains_null_ == o.contains_null_ && child_->Equals(*o.child_) &&
             value_->Equals(*o.value_);
    case TypeId::kStruct:
      if (fields_.size() != o.fields_.size()) return false;
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (fields_[i].name != o.fields_[i].name || fields_[i].nullable != o.fields_[i].nullable ||
            !fields_[i].type->Equals(*o.fields_[i].type))
          return false;
      }
      return true;
    default: return true;
  }
}

bool DataType::SameShape(const DataType& o) const {
  if (id_ != o.id_) return false;
  switch (id_) {
    case TypeId::kDecimal: return precision_ == o.precision_ && scale_ == o.scale_;
    case TypeId::kArray: return child_->SameShape(*o.child_);
    case TypeId::kMap: return child_->SameShape(*o.child_) && value_->SameShape(*o.value_);
    case TypeId::kStruct:
      if (fields_.size() != o.fields_.size()) return false;
      for (size_t i = 0; i < fields_.size(); ++i) {
        if (!IEquals(fields_[i].name, o.fields_[i].name) ||
            !fields_[i].type->SameShape(*o.fields_[i].type))
          return false;
      }
      return true;
    default: return true;
  }
}

bool DataType::IsIntegral() const {
  return id_ == TypeId::kByte || id_ == TypeId::kShort || id_ == TypeId::kInt ||
         id_ == TypeId::kLong;
}

bool DataType::IsNumeric() const {
  return IsIntegral() || IsFractional() || id_ == TypeId::kDecimal;
}

int DataType::FixedWidth() const {
  switch (id_) {
    case TypeId::kNull:
    case TypeId::kBoolean:
    case TypeId::kByte: return 1;
    case TypeId::kShort: return 2;
    case TypeId::kInt:
    case TypeId::kDate:
    case TypeId::kFloat: return 4;
    case TypeId::kLong:
    case TypeId::kDouble:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
    case TypeId::kInterval: return 8;
    case TypeId::kDecimal: return 16;
    default: return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// DDL parsing

namespace {

class DdlParser {
 public:
  explicit DdlParser(std::string_view text) : text_(text) {}

  TypePtr ParseTypeOnly() {
    TypePtr t = ParseType();
    SkipSpace();
    if (pos_ != text_.size()) Fail("unexpected text after the data type");
    return t;
  }

  TypePtr ParseSchemaOnly() {
    SkipSpace();
    // "STRUCT<...>" spelling.
    size_t save = pos_;
    std::string word = Word();
    SkipSpace();
    if (IEquals(word, "struct") && Peek() == '<') {
      pos_ = save;
      return ParseTypeOnly();
    }
    pos_ = save;
    std::vector<StructField> fields;
    SkipSpace();
    if (pos_ == text_.size()) return DataType::Struct({});
    while (true) {
      fields.push_back(ParseField(/*colon_allowed=*/true));
      SkipSpace();
      if (pos_ == text_.size()) break;
      Expect(',');
    }
    return DataType::Struct(std::move(fields));
  }

 private:
  [[noreturn]] void Fail(const std::string& what) {
    throw ParseError(fmt::format("[PARSE_SYNTAX_ERROR] cannot parse data type '{}': {} at position {}",
                                 std::string(text_), what, pos_ + 1));
  }

  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  char Peek() {
    SkipSpace();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  void Expect(char c) {
    if (Peek() != c) Fail(fmt::format("expected '{}'", c));
    ++pos_;
  }
  std::string Word() {
    SkipSpace();
    size_t b = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
      ++pos_;
    return std::string(text_.substr(b, pos_ - b));
  }
  std::string Identifier() {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '`') {
      ++pos_;
      std::string out;
      while (true) {
        if (pos_ >= text_.size()) Fail("unterminated quoted identifier");
        char c = text_[pos_++];
        if (c == '`') {
          if (pos_ < text_.size() && text_[pos_] == '`') {
            out += '`';
            ++pos_;
            continue;
          }
          break;
        }
        out += c;
      }
      return out;
    }
    std::string w = Word();
    if (w.empty()) Fail("expected a field name");
    return w;
  }
  int Number() {
    SkipSpace();
    size_t b = pos_;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    if (b == pos_) Fail("expected a number");
    return std::stoi(std::string(text_.substr(b, pos_ - b)));
  }

  StructField ParseField(bool colon_allowed) {
    std::string name = Identifier();
    if (Peek() == ':') {
      if (!colon_allowed) Fail("unexpected ':'");
      ++pos_;
    }
    TypePtr type = ParseType();
    bool nullable = true;
    size_t save = pos_;
    std::string w = Word();
    if (IEquals(w, "not")) {
      std::string n = Word();
      if (!IEquals(n, "null")) Fail("expected NULL after NOT");
      nullable = false;
      save = pos_;
      w = Word();
    }
    if (IEquals(w, "comment")) {
      SkipSpace();
      if (pos_ < text_.size() && (text_[pos_] == '\'' || text_[pos_] == '"')) {
        char q = text_[pos_++];
        while (pos_ < text_.size() && text_[pos_] != q) {
          if (text_[pos_] == '\\') ++pos_;
          ++pos_;
        }
        if (pos_ >= text_.size()) Fail("unterminated comment string");
        ++pos_;
      } else {
        Fail("expected a string after COMMENT");
      }
    } else {
      pos_ = save;
    }
    return StructField(std::move(name), std::move(type), nullable);
  }

  TypePtr ParseType() {
    std::string w = Word();
    if (w.empty()) Fail("expected a data type");
    std::string lw;
    for (char c : w) lw += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lw == "boolean" || lw == "bool") return DataType::Boolean();
    if (lw == "tinyint" || lw == "byte") return DataType::Byte();
    if (lw == "smallint" || lw == "short") return DataType::Short();
    if (lw == "int" || lw == "integer") return DataType::Int();
    if (lw == "bigint" || lw == "long") return DataType::Long();
    if (lw == "float" || lw == "real") return DataType::Float();
    if (lw == "double") return DataType::Double();
    if (lw == "string") return DataType::String();
    if (lw == "varchar" || lw == "char") {
      if (Peek() == '(') {
        ++pos_;
        Number();
        Expect(')');
      }
      return DataType::String();
    }
    if (lw == "binary") return DataType::Binary();
    if (lw == "date") return DataType::Date();
    if (lw == "timestamp" || lw == "timestamp_ltz") return DataType::Timestamp();
    if (lw == "timestamp_ntz") return DataType::TimestampNtz();
    if (lw == "void" || lw == "null") return DataType::Null();
    if (lw == "decimal" || lw == "dec" || lw == "numeric") {
      int p = 10, s = 0;
      if (Peek() == '(') {
        ++pos_;
        p = Number();
        if (Peek() == ',') {
          ++pos_;
          s = Number();
        }
        Expect(')');
      }
      if (p < 1 || p > 38 || s > p) Fail(fmt::format("invalid decimal precision/scale ({}, {})", p, s));
      return DataType::Decimal(p, s);
    }
    if (lw == "interval") {
      // INTERVAL DAY TO SECOND and its sub-ranges.
      std::string from = Word();
      if (!from.empty()) {
        size_t save = pos_;
        std::string to = Word();
        if (IEquals(to, "to")) {
          Word();
        } else {
          pos_ = save;
        }
        if (IEquals(from, "year") || IEquals(from, "month"))
          Fail("year-month intervals are not supported");
      }
      return DataType::Interval();
    }
    if (lw == "array") {
      Expect('<');
      TypePtr e = ParseType();
      Expect('>');
      return DataType::Array(e);
    }
    if (lw == "map") {
      Expect('<');
      TypePtr k = ParseType();
      Expect(',');
      TypePtr v = ParseType();
      Expect('>');
      return DataType::Map(k, v);
    }
    if (lw == "struct") {
      Expect('<');
      std::vector<StructField> fields;
      if (Peek() == '>') {
        ++pos_;
        return DataType::Struct({});
      }
      while (true) {
        fields.push_back(ParseField(/*colon_allowed=*/true));
        if (Peek() == ',') {
          ++pos_;
          continue;
        }
        Expect('>');
        break;
      }
      return DataType::Struct(std::move(fields));
    }
    Fail(fmt::format("unsupported data type '{}'", w));
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

TypePtr ParseDataType(std::string_view text) { return DdlParser(text).ParseTypeOnly(); }

TypePtr ParseSchema(std::string_view ddl) { return DdlParser(ddl).ParseSchemaOnly(); }

}  // namespace sluice
