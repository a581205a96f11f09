#include "formats/json/json_reader.h"

#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <unordered_map>

#include <simdjson.h>

#include "formats/json/json_text.h"
#include "formats/text_field.h"
#include "sluice/exception.h"
#include "types/datetime.h"

namespace sluice {

namespace sj = simdjson::ondemand;
using simdjson::error_code;

namespace {

// Outcome of converting one value.
enum class Conv : uint8_t {
  kOk,      // converted
  kBad,     // well-formed JSON but (part of) the value did not convert; NULLs were appended
  kSyntax,  // invalid JSON: the parser state is unusable, the record must be rolled back
};

struct TransparentHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

char LowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

// Conversion plan for one type, built once per schema.
struct Node {
  TypeId id = TypeId::kNull;
  TypePtr type;
  std::vector<Node> children;  // STRUCT fields, ARRAY element, MAP key + value
  // STRUCT only:
  std::vector<std::string> names;
  std::vector<uint8_t> raw_comparable;  // name has no '"' or '\\': raw key compare is exact
  std::unordered_map<std::string, int, TransparentHash, std::equal_to<>> exact;
  std::vector<int> order;  // field index of the k-th key in the previous object (-1 unknown)
};

Node BuildNode(const TypePtr& type) {
  Node n;
  n.id = type->id();
  n.type = type;
  switch (n.id) {
    case TypeId::kStruct:
      for (const auto& f : type->fields()) {
        n.children.push_back(BuildNode(f.type));
        n.names.push_back(f.name);
        n.raw_comparable.push_back(f.name.find_first_of("\"\\") == std::string::npos);
      }
      for (size_t i = 0; i < n.names.size(); ++i) n.exact.emplace(n.names[i], static_cast<int>(i));
      break;
    case TypeId::kArray: n.children.push_back(BuildNode(type->element_type())); break;
    case TypeId::kMap:
      n.children.push_back(BuildNode(type->key_type()));
      n.children.push_back(BuildNode(type->value_type()));
      break;
    default: break;
  }
  return n;
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' ||
                        s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// True when nothing but whitespace follows the value just parsed.
bool AtEnd(sj::document& doc) {
  const char* loc;
  return doc.current_location().get(loc) != simdjson::SUCCESS;
}

const char* JsonTypeName(sj::json_type t) {
  switch (t) {
    case sj::json_type::array: return "array";
    case sj::json_type::object: return "object";
    case sj::json_type::number: return "number";
    case sj::json_type::string: return "string";
    case sj::json_type::boolean: return "boolean";
    case sj::json_type::null: return "null";
  }
  return "value";
}

}  // namespace

// Converts ondemand values into column vectors following a Node plan.
class JsonConverter {
 public:
  explicit JsonConverter(const JsonOptions& options) : options_(options) {}

  // Appends exactly one slot to `out` unless the result is kSyntax.
  Conv ParseValue(Node& n, sj::value v, Vector& out) {
    sj::json_type t;
    if (error_code e = v.type().get(t)) return Syntax(e);
    if (t == sj::json_type::null) {
      bool is_null = false;
      if (v.is_null().get(is_null) || !is_null) return Syntax("invalid literal");
      out.AppendNull();
      return Conv::kOk;
    }
    switch (n.id) {
      case TypeId::kBoolean: {
        if (t != sj::json_type::boolean) return Bad(n, t, out);
        bool b;
        if (error_code e = v.get_bool().get(b)) return Syntax(e);
        out.Append<uint8_t>(b ? 1 : 0);
        return Conv::kOk;
      }
      case TypeId::kByte:
      case TypeId::kShort:
      case TypeId::kInt:
      case TypeId::kLong: {
        if (t != sj::json_type::number) return Bad(n, t, out);
        int64_t x;
        if (v.get_int64().get(x)) {
          double d;
          if (error_code e = v.get_double().get(d)) return Syntax(e);
          return Bad(n, t, out);  // a fraction or out of the 64-bit range
        }
        if (n.id == TypeId::kLong) {
          out.Append<int64_t>(x);
        } else if (n.id == TypeId::kInt) {
          if (x < INT32_MIN || x > INT32_MAX) return Bad(n, t, out);
          out.Append<int32_t>(static_cast<int32_t>(x));
        } else if (n.id == TypeId::kShort) {
          if (x < INT16_MIN || x > INT16_MAX) return Bad(n, t, out);
          out.Append<int16_t>(static_cast<int16_t>(x));
        } else {
          if (x < INT8_MIN || x > INT8_MAX) return Bad(n, t, out);
          out.Append<int8_t>(static_cast<int8_t>(x));
        }
        return Conv::kOk;
      }
      case TypeId::kFloat:
      case TypeId::kDouble: {
        double d;
        if (t == sj::json_type::number) {
          if (error_code e = v.get_double().get(d)) {
            if (e == simdjson::NUMBER_ERROR && IsHugeNumber(v.raw_json_token())) {
              d = TrimRight(v.raw_json_token())[0] == '-' ? -INFINITY : INFINITY;
            } else {
              return Syntax(e);
            }
          }
        } else if (t == sj::json_type::string) {
          std::string_view s;
          if (error_code e = v.get_string().get(s)) return Syntax(e);
          if (s == "NaN" || s == "+NaN" || s == "-NaN") {
            d = std::numeric_limits<double>::quiet_NaN();
          } else if (s == "Infinity" || s == "+Infinity" || s == "+INF" || s == "INF") {
            d = INFINITY;
          } else if (s == "-Infinity" || s == "-INF") {
            d = -INFINITY;
          } else {
            return Bad(n, t, out);
          }
        } else {
          return Bad(n, t, out);
        }
        if (n.id == TypeId::kFloat) {
          out.Append<float>(static_cast<float>(d));
        } else {
          out.Append<double>(d);
        }
        return Conv::kOk;
      }
      case TypeId::kDecimal: {
        std::string_view text;
        if (t == sj::json_type::number) {
          text = TrimRight(v.raw_json_token());
        } else if (t == sj::json_type::string) {
          if (error_code e = v.get_string().get(text)) return Syntax(e);
        } else {
          return Bad(n, t, out);
        }
        int128_t d;
        if (!ParseDecimalText(text, n.type->precision(), n.type->scale(), &d)) {
          return Bad(n, t, out);
        }
        out.Append<int128_t>(d);
        return Conv::kOk;
      }
      case TypeId::kString: {
        if (t == sj::json_type::string) {
          std::string_view s;
          if (error_code e = v.get_string().get(s)) return Syntax(e);
          out.AppendString(s);
        } else if (t == sj::json_type::number) {
          double d;
          if (v.get_double().get(d) && !IsHugeNumber(v.raw_json_token())) {
            return Syntax("invalid number");
          }
          out.AppendString(TrimRight(v.raw_json_token()));
        } else if (t == sj::json_type::boolean) {
          bool b;
          if (error_code e = v.get_bool().get(b)) return Syntax(e);
          out.AppendString(b ? "true" : "false");
        } else {
          std::string_view raw;
          if (t == sj::json_type::object) {
            sj::object o;
            if (error_code e = v.get_object().get(o)) return Syntax(e);
            if (error_code e = o.raw_json().get(raw)) return Syntax(e);
          } else {
            sj::array a;
            if (error_code e = v.get_array().get(a)) return Syntax(e);
            if (error_code e = a.raw_json().get(raw)) return Syntax(e);
          }
          if (!MinifyJson(raw, &scratch_)) return Syntax("invalid nested value");
          out.AppendString(scratch_);
        }
        return Conv::kOk;
      }
      case TypeId::kBinary: {
        if (t != sj::json_type::string) return Bad(n, t, out);
        std::string_view s;
        if (error_code e = v.get_string().get(s)) return Syntax(e);
        if (!DecodeBase64(s, &scratch_)) return Bad(n, t, out);
        out.AppendString(scratch_);
        return Conv::kOk;
      }
      case TypeId::kDate: {
        if (t != sj::json_type::string) return Bad(n, t, out);
        std::string_view s;
        if (error_code e = v.get_string().get(s)) return Syntax(e);
        int32_t days;
        if (!ParseDateText(s, options_.datetime, &days)) return Bad(n, t, out);
        out.Append<int32_t>(days);
        return Conv::kOk;
      }
      case TypeId::kTimestamp:
      case TypeId::kTimestampNtz: {
        int64_t micros;
        if (t == sj::json_type::string) {
          std::string_view s;
          if (error_code e = v.get_string().get(s)) return Syntax(e);
          bool ok = n.id == TypeId::kTimestamp
                        ? ParseTimestampText(s, options_.datetime, &micros)
                        : ParseTimestampNtzText(s, options_.datetime, &micros);
          if (!ok) return Bad(n, t, out);
        } else if (t == sj::json_type::number && n.id == TypeId::kTimestamp) {
          int64_t seconds;
          if (v.get_int64().get(seconds)) return Bad(n, t, out);
          if (__builtin_mul_overflow(seconds, kMicrosPerSecond, &micros)) return Bad(n, t, out);
        } else {
          return Bad(n, t, out);
        }
        out.Append<int64_t>(micros);
        return Conv::kOk;
      }
      case TypeId::kNull: out.AppendNull(); return Conv::kOk;
      case TypeId::kStruct: {
        if (t != sj::json_type::object) return Bad(n, t, out);
        sj::object obj;
        if (error_code e = v.get_object().get(obj)) return Syntax(e);
        Conv r = ParseFields(n, obj, out.size(),
                             [&out](size_t i) -> Vector& { return *out.mutable_child(i); });
        if (r == Conv::kSyntax) return r;
        out.AppendStructRow();
        return r;
      }
      case TypeId::kArray: {
        if (t != sj::json_type::array) return Bad(n, t, out);
        sj::array arr;
        if (error_code e = v.get_array().get(arr)) return Syntax(e);
        Vector& elems = *out.mutable_child(0);
        Conv result = Conv::kOk;
        for (auto el : arr) {
          if (error_code e = el.error()) return Syntax(e);
          Conv r = ParseValue(n.children[0], el.value_unsafe(), elems);
          if (r == Conv::kSyntax) return r;
          if (r == Conv::kBad) result = Conv::kBad;
        }
        out.AppendListEnd();
        return result;
      }
      case TypeId::kMap: {
        if (t != sj::json_type::object) return Bad(n, t, out);
        sj::object obj;
        if (error_code e = v.get_object().get(obj)) return Syntax(e);
        Vector& keys = *out.mutable_child(0);
        Vector& values = *out.mutable_child(1);
        Conv result = Conv::kOk;
        for (auto fr : obj) {
          if (error_code e = fr.error()) return Syntax(e);
          sj::field& f = fr.value_unsafe();
          std::string_view key;
          if (error_code e = f.unescaped_key().get(key)) return Syntax(e);
          if (keys.type_id() == TypeId::kString) {
            keys.AppendString(key);
          } else if (!AppendTextValue(key, options_.datetime, keys)) {
            result = Conv::kBad;  // the entry is skipped: a map key cannot be NULL
            NoteDetail("cannot convert map key '" + std::string(key) + "'");
            continue;
          }
          Conv r = ParseValue(n.children[1], f.value(), values);
          if (r == Conv::kSyntax) return r;
          if (r == Conv::kBad) result = Conv::kBad;
        }
        out.AppendListEnd();
        return result;
      }
      default: return Bad(n, t, out);
    }
  }

  // Parses the fields of `obj` into the struct columns given by `column(i)`; each of those has
  // `row` rows before the call and row + 1 after it (unless kSyntax).
  template <typename ColumnAt>
  Conv ParseFields(Node& n, sj::object& obj, size_t row, ColumnAt&& column) {
    Conv result = Conv::kOk;
    size_t k = 0;
    for (auto fr : obj) {
      if (error_code e = fr.error()) return Syntax(e);
      sj::field& f = fr.value_unsafe();
      int idx = FindField(n, f, k++);
      if (idx == -2) return Syntax("invalid field name");
      if (idx < 0) continue;  // not in the schema: skipped by the iterator
      Vector& col = column(static_cast<size_t>(idx));
      if (col.size() > row) TruncateVector(col, row);  // duplicate key: the last one wins
      Conv r = ParseValue(n.children[idx], f.value(), col);
      if (r == Conv::kSyntax) return r;
      if (r == Conv::kBad) {
        result = Conv::kBad;
        if (detail_field_.empty()) detail_field_ = n.names[idx];
      }
    }
    for (size_t i = 0; i < n.children.size(); ++i) {
      Vector& col = column(i);
      if (col.size() == row) col.AppendNull();
    }
    return result;
  }

  void ResetDetail() {
    detail_.clear();
    detail_field_.clear();
  }
  std::string Detail() const {
    if (detail_field_.empty()) return detail_;
    return "field '" + detail_field_ + "': " + detail_;
  }
  void NoteDetail(std::string s) {
    if (detail_.empty()) detail_ = std::move(s);
  }
  Conv Syntax(error_code e) {
    NoteDetail(simdjson::error_message(e));
    return Conv::kSyntax;
  }
  Conv Syntax(const char* what) {
    NoteDetail(what);
    return Conv::kSyntax;
  }

 private:
  Conv Bad(const Node& n, sj::json_type t, Vector& out) {
    if (detail_.empty()) {
      detail_ = std::string("cannot convert JSON ") + JsonTypeName(t) + " to " + n.type->Sql();
    }
    out.AppendNull();
    return Conv::kBad;
  }

  static bool IsHugeNumber(std::string_view token) {
    // A syntactically valid number that simdjson cannot represent (e.g. 1e400, 400 digits).
    token = TrimRight(token);
    int p, s;
    return !token.empty() && DecimalTextShape(token, &p, &s);
  }

  // Returns the field index, -1 when the key is not in the schema, -2 on a bad key.
  int FindField(Node& n, sj::field& f, size_t k) {
    if (k < n.order.size()) {
      int c = n.order[k];
      if (c >= 0 && n.raw_comparable[c] && f.key().unsafe_is_equal(n.names[c])) return c;
    }
    std::string_view key;
    if (f.unescaped_key().get(key)) return -2;
    int idx = -1;
    auto it = n.exact.find(key);
    if (it != n.exact.end()) {
      idx = it->second;
    } else {
      for (size_t i = 0; i < n.names.size(); ++i) {
        if (EqualsIgnoreCase(n.names[i], key)) {
          idx = static_cast<int>(i);
          break;
        }
      }
    }
    if (k < 4 * n.names.size() + 16) {
      if (k >= n.order.size()) n.order.resize(k + 1, -1);
      n.order[k] = idx;
    }
    return idx;
  }

  const JsonOptions& options_;
  std::string scratch_;
  std::string detail_;
  std::string detail_field_;
};

// ------------------------------------------------------------------------------------------------
// JsonReader

class JsonReader::Impl {
 public:
  Impl(TypePtr schema, JsonOptions options)
      : schema_(std::move(schema)), options_(std::move(options)), converter_(options_) {
    if (schema_->id() != TypeId::kStruct) {
      throw AnalysisError("JSON reader schema must be a STRUCT, got " + schema_->Sql());
    }
    std::vector<StructField> parsed;
    const auto& fields = schema_->fields();
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].name == options_.column_name_of_corrupt_record) {
        if (fields[i].type->id() != TypeId::kString) {
          throw AnalysisError("The field for corrupt records must be string type and nullable: " +
                              fields[i].name + " is " + fields[i].type->Sql());
        }
        corrupt_index_ = static_cast<int>(i);
        continue;
      }
      parsed.push_back(fields[i]);
      column_of_field_.push_back(i);
    }
    root_ = BuildNode(DataType::Struct(std::move(parsed)));
  }

  void Open(InputBufferPtr input) {
    input_ = std::move(input);
    pos_ = 0;
    line_no_ = 0;
    done_ = false;
    pending_.clear();
  }

  RecordBatchPtr Next() {
    if (!pending_.empty()) {
      RecordBatchPtr b = pending_.front();
      pending_.pop_front();
      return b;
    }
    if (!input_ || done_) return nullptr;
    StartBatch();
    if (options_.multi_line) {
      ProcessRecord(input_->data(), input_->size(), 1);
      done_ = true;
    } else {
      const char* data = input_->data();
      size_t size = input_->size();
      while (rows_ < options_.batch_rows && pos_ < size) {
        size_t begin = pos_, end, next;
        if (options_.line_sep.empty()) {
          const void* nl = std::memchr(data + begin, '\n', size - begin);
          end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - data) : size;
          next = nl ? end + 1 : size;
          if (end > begin && data[end - 1] == '\r') --end;
        } else {
          size_t at = input_->view().find(options_.line_sep, begin);
          end = at == std::string_view::npos ? size : at;
          next = at == std::string_view::npos ? size : at + options_.line_sep.size();
        }
        pos_ = next;
        ++line_no_;
        if (IsBlank(data + begin, end - begin)) continue;
        ProcessRecord(data + begin, end - begin, line_no_);
      }
      if (pos_ >= size) done_ = true;
    }
    if (rows_ == 0) {
      columns_.clear();
      return done_ ? nullptr : Next();
    }
    RecordBatchPtr batch = RecordBatch::Make(schema_, std::move(columns_), rows_);
    columns_.clear();
    if (rows_ > options_.batch_rows) {
      for (size_t b = 0; b < rows_; b += options_.batch_rows) {
        pending_.push_back(batch->Slice(b, std::min(options_.batch_rows, rows_ - b)));
      }
      return Next();
    }
    return batch;
  }

  const TypePtr& schema() const { return schema_; }
  const ReadCounts& counts() const { return counts_; }

 private:
  static bool IsBlank(const char* p, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      char c = p[i];
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
    }
    return true;
  }

  void StartBatch() {
    columns_.clear();
    for (const auto& f : schema_->fields()) {
      auto v = std::make_shared<Vector>(f.type);
      v->Reserve(std::min<size_t>(options_.batch_rows, 1 << 16));
      columns_.push_back(std::move(v));
    }
    rows_ = 0;
  }

  Vector& RootColumn(size_t field) { return *columns_[column_of_field_[field]]; }

  // Parses one top-level object into a new row.
  Conv ParseRootObject(sj::object& obj) {
    Conv r = converter_.ParseFields(root_, obj, rows_,
                                    [this](size_t i) -> Vector& { return RootColumn(i); });
    if (r != Conv::kSyntax) ++rows_;
    return r;
  }

  void ProcessRecord(const char* text, size_t len, int64_t line_no) {
    ++counts_.records;
    converter_.ResetDetail();
    size_t row_start = rows_;
    const char* parse_text = text;
    size_t parse_len = len;
    size_t capacity = static_cast<size_t>(input_->data() + input_->size() + InputBuffer::kPadding -
                                          text);
    if (options_.allow_comments) {
      StripJsonComments(std::string_view(text, len), &comment_free_);
      parse_len = comment_free_.size();
      comment_free_.append(InputBuffer::kPadding, '\0');
      parse_text = comment_free_.data();
      capacity = comment_free_.size();
    }
    Conv st = ParseDocument(parse_text, parse_len, capacity);
    std::string_view record(text, len);
    if (st == Conv::kSyntax) {
      for (auto& c : columns_) TruncateVector(*c, row_start);
      rows_ = row_start;
      ++counts_.malformed;
      switch (options_.mode) {
        case ParseMode::kPermissive:
          for (size_t i = 0; i < columns_.size(); ++i) {
            if (static_cast<int>(i) == corrupt_index_) {
              columns_[i]->AppendString(record);
            } else {
              columns_[i]->AppendNull();
            }
          }
          ++rows_;
          ++counts_.rows_emitted;
          return;
        case ParseMode::kDropMalformed: ++counts_.dropped; return;
        case ParseMode::kFailFast: FailFast(line_no);
      }
    }
    if (st == Conv::kBad) {
      ++counts_.malformed;
      if (options_.mode == ParseMode::kFailFast) FailFast(line_no);
      if (options_.mode == ParseMode::kDropMalformed) {
        for (auto& c : columns_) TruncateVector(*c, row_start);
        rows_ = row_start;
        ++counts_.dropped;
        return;
      }
    }
    if (corrupt_index_ >= 0) {
      Vector& c = *columns_[corrupt_index_];
      for (size_t r = row_start; r < rows_; ++r) {
        if (st == Conv::kBad) {
          c.AppendString(record);
        } else {
          c.AppendNull();
        }
      }
    }
    counts_.rows_emitted += static_cast<int64_t>(rows_ - row_start);
  }

  Conv ParseDocument(const char* text, size_t len, size_t capacity) {
    sj::document doc;
    if (error_code e = parser_.iterate(text, len, capacity).get(doc)) return converter_.Syntax(e);
    sj::json_type t;
    if (error_code e = doc.type().get(t)) return converter_.Syntax(e);
    Conv result = Conv::kOk;
    if (t == sj::json_type::object) {
      sj::object obj;
      if (error_code e = doc.get_object().get(obj)) return converter_.Syntax(e);
      result = ParseRootObject(obj);
      if (result == Conv::kSyntax) return result;
    } else if (t == sj::json_type::array) {
      sj::array arr;
      if (error_code e = doc.get_array().get(arr)) return converter_.Syntax(e);
      for (auto el : arr) {
        if (error_code e = el.error()) return converter_.Syntax(e);
        sj::value v = el.value_unsafe();
        sj::json_type et;
        if (error_code e = v.type().get(et)) return converter_.Syntax(e);
        if (et != sj::json_type::object) {
          return converter_.Syntax("a top-level array must hold objects");
        }
        sj::object obj;
        if (error_code e = v.get_object().get(obj)) return converter_.Syntax(e);
        Conv r = ParseRootObject(obj);
        if (r == Conv::kSyntax) return r;
        if (r == Conv::kBad) result = Conv::kBad;
      }
    } else {
      return converter_.Syntax("the top-level JSON value is not an object");
    }
    if (!AtEnd(doc)) return converter_.Syntax("trailing characters after the JSON value");
    return result;
  }

  [[noreturn]] void FailFast(int64_t line_no) {
    throw ExecutionError("Malformed records are detected in record parsing: file " +
                         input_->source_name() + " line " + std::to_string(line_no) + ": " +
                         converter_.Detail() +
                         ". Parse Mode: FAILFAST. To process malformed records as null result, "
                         "try setting the option 'mode' as 'PERMISSIVE'.");
  }

  TypePtr schema_;
  JsonOptions options_;
  JsonConverter converter_;
  Node root_;
  std::vector<size_t> column_of_field_;  // root field -> schema column
  int corrupt_index_ = -1;
  sj::parser parser_;
  InputBufferPtr input_;
  size_t pos_ = 0;
  int64_t line_no_ = 0;
  bool done_ = true;
  std::vector<VectorPtr> columns_;
  size_t rows_ = 0;
  std::deque<RecordBatchPtr> pending_;
  ReadCounts counts_;
  std::string comment_free_;
};

JsonReader::JsonReader(TypePtr schema, JsonOptions options)
    : impl_(std::make_unique<Impl>(std::move(schema), std::move(options))) {}
JsonReader::~JsonReader() = default;
void JsonReader::Open(InputBufferPtr input) { impl_->Open(std::move(input)); }
RecordBatchPtr JsonReader::Next() { return impl_->Next(); }
std::vector<RecordBatchPtr> JsonReader::ReadAll() {
  std::vector<RecordBatchPtr> out;
  while (auto b = impl_->Next()) out.push_back(std::move(b));
  return out;
}
const TypePtr& JsonReader::schema() const { return impl_->schema(); }
const ReadCounts& JsonReader::counts() const { return impl_->counts(); }

// ------------------------------------------------------------------------------------------------
// JsonValueParser

class JsonValueParser::Impl {
 public:
  Impl(TypePtr type, JsonOptions options)
      : type_(std::move(type)), options_(std::move(options)), converter_(options_) {
    if (type_->id() != TypeId::kStruct && type_->id() != TypeId::kArray &&
        type_->id() != TypeId::kMap) {
      throw AnalysisError("from_json schema must be a STRUCT, ARRAY or MAP, got " + type_->Sql());
    }
    if (options_.mode == ParseMode::kDropMalformed) {
      throw AnalysisError(
          "from_json() doesn't support the DROPMALFORMED mode. Acceptable modes are PERMISSIVE "
          "and FAILFAST.");
    }
    root_ = BuildNode(type_);
  }

  bool ParseAndAppend(std::string_view text, Vector& out) {
    converter_.ResetDetail();
    size_t row = out.size();
    bool blank = true;
    for (char c : text) {
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        blank = false;
        break;
      }
    }
    if (blank) {
      out.AppendNull();
      return false;
    }
    buffer_.assign(text.data(), text.size());
    if (options_.allow_comments) StripJsonComments(text, &buffer_);
    size_t len = buffer_.size();
    buffer_.append(InputBuffer::kPadding, '\0');
    Conv st = Parse(buffer_.data(), len, buffer_.size(), out, row);
    if (st == Conv::kOk) return true;
    if (options_.mode == ParseMode::kFailFast) {
      TruncateVector(out, row);
      throw ExecutionError("Malformed records are detected in record parsing: " +
                           converter_.Detail() + ". Parse Mode: FAILFAST.");
    }
    if (st == Conv::kSyntax) {
      TruncateVector(out, row);
      if (type_->id() == TypeId::kStruct) {
        for (size_t i = 0; i < out.num_children(); ++i) out.mutable_child(i)->AppendNull();
        out.AppendStructRow();
      } else {
        out.AppendNull();
      }
    }
    return false;
  }

 private:
  Conv Parse(const char* text, size_t len, size_t capacity, Vector& out, size_t row) {
    sj::document doc;
    if (error_code e = parser_.iterate(text, len, capacity).get(doc)) return converter_.Syntax(e);
    sj::json_type t;
    if (error_code e = doc.type().get(t)) return converter_.Syntax(e);
    Conv r;
    if (type_->id() == TypeId::kStruct) {
      if (t != sj::json_type::object) return converter_.Syntax("not a JSON object");
      sj::object obj;
      if (error_code e = doc.get_object().get(obj)) return converter_.Syntax(e);
      r = converter_.ParseFields(root_, obj, row,
                                 [&out](size_t i) -> Vector& { return *out.mutable_child(i); });
      if (r == Conv::kSyntax) return r;
      out.AppendStructRow();
    } else {
      if (t != sj::json_type::object && t != sj::json_type::array) {
        return converter_.Syntax("not a JSON array or object");
      }
      sj::value v;
      if (error_code e = doc.get_value().get(v)) return converter_.Syntax(e);
      r = converter_.ParseValue(root_, v, out);
      if (r == Conv::kSyntax) return r;
    }
    if (!AtEnd(doc)) return converter_.Syntax("trailing characters after the JSON value");
    return r;
  }

  TypePtr type_;
  JsonOptions options_;
  JsonConverter converter_;
  Node root_;
  sj::parser parser_;
  std::string buffer_;
};

JsonValueParser::JsonValueParser(TypePtr type, JsonOptions options)
    : impl_(std::make_unique<Impl>(std::move(type), std::move(options))) {}
JsonValueParser::~JsonValueParser() = default;
bool JsonValueParser::ParseAndAppend(std::string_view json_text, Vector& out) {
  return impl_->ParseAndAppend(json_text, out);
}

}  // namespace sluice
