#include "formats/json/json_reader.h"

#include <unistd.h>

#include <algorithm>
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
  std::unordered_map<std::string, int, TransparentHash, std::equal_to<>> exact;
  // The k-th key of the previous object of this type, as raw (still escaped) JSON bytes, and the
  // field it resolved to (-1: not in the schema). Objects of one producer repeat their keys in
  // the same order, so a key is usually resolved by one memcmp against its slot.
  struct KeySlot {
    std::string raw;
    int index = -1;
    bool set = false;
    // Raw keys of up to 15 bytes: the key and its closing quote as two masked 8-byte words.
    bool short_key = false;
    uint64_t word[2] = {0, 0};
    uint64_t mask[2] = {0, 0};
  };
  std::vector<KeySlot> key_slots;
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
  explicit JsonConverter(const JsonOptions& options)
      : options_(options), timestamps_(options_.datetime) {}

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
          bool ok = n.id == TypeId::kTimestamp ? timestamps_.ParseTimestamp(s, &micros)
                                               : timestamps_.ParseTimestampNtz(s, &micros);
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
    sj::raw_json_string raw_key = f.key();
    if (k < n.key_slots.size()) {
      const Node::KeySlot& slot = n.key_slots[k];
      // Exact even for escaped keys: a cached raw key is complete (it ends before an unescaped
      // quote), so a raw key that starts with it and has a quote right after it is the same key.
      if (slot.short_key) {
        // Reads 16 bytes at the key: within the document and its padding (the key is followed
        // by at least its quote, and every input has InputBuffer::kPadding readable bytes).
        uint64_t w0, w1;
        std::memcpy(&w0, raw_key.raw(), 8);
        std::memcpy(&w1, raw_key.raw() + 8, 8);
        if ((((w0 ^ slot.word[0]) & slot.mask[0]) | ((w1 ^ slot.word[1]) & slot.mask[1])) == 0) {
          return slot.index;
        }
      } else if (slot.set && raw_key.unsafe_is_equal(slot.raw)) {
        return slot.index;
      }
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
      if (k >= n.key_slots.size()) n.key_slots.resize(k + 1);
      Node::KeySlot& slot = n.key_slots[k];
      // The raw key runs to the first quote not escaped by a backslash (simdjson validated it).
      const char* r = raw_key.raw();
      size_t len = 0;
      while (r[len] != '"') len += r[len] == '\\' ? 2 : 1;
      slot.raw.assign(r, len);
      slot.index = idx;
      slot.set = true;
      slot.short_key = len < 16;
      if (slot.short_key) {
        unsigned char bytes[16] = {}, mask[16] = {};
        std::memcpy(bytes, r, len + 1);  // with the closing quote
        std::memset(mask, 0xff, len + 1);
        std::memcpy(slot.word, bytes, 16);
        std::memcpy(slot.mask, mask, 16);
      }
    }
    return idx;
  }

  const JsonOptions& options_;
  TimestampTextParser timestamps_;
  std::string scratch_;
  std::string detail_;
  std::string detail_field_;
};

// ------------------------------------------------------------------------------------------------
// JsonReader

class JsonReader::Impl {
 public:
  Impl(TypePtr schema, JsonOptions options)
      : schema_(std::move(schema)),
        options_(std::move(options)),
        converter_(options_),
        fast_lines_(options_.line_sep.empty() && !options_.allow_comments) {
    stream_parser_.threaded = false;  // the reader's thread does all the work
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

  ~Impl() { CloseFile(); }

  void Open(InputBufferPtr input) {
    CloseFile();
    input_ = std::move(input);
    pos_ = 0;
    line_no_ = 0;
    done_ = false;
    fallback_until_ = 0;
    stream_active_ = false;
    pending_.clear();
    if (!options_.multi_line && input_->IsUnloadedFile()) {
      // Stream the file through the reused chunk: never the whole file in memory.
      size_t want = std::max<size_t>(options_.read_chunk_bytes, 1);
      if (chunk_cap_ != want) {
        chunk_.reset(new char[want + InputBuffer::kPadding]);
        chunk_cap_ = want;
      }
      fd_ = input_->OpenStream();
      buf_ = chunk_.get();
      filled_ = 0;
      eof_ = false;
    } else {
      buf_ = input_->data();
      filled_ = input_->size();
      eof_ = true;
    }
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
      ProcessRecord(buf_, filled_, 1);
      done_ = true;
    } else {
      ReadLines();
    }
    FinishBatchStats();
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

  // New columns for a batch, pre-sized for a full batch: fixed-width values and offsets for
  // batch_rows rows, string bytes from the bytes per row of the previous batches.
  void StartBatch() {
    columns_.clear();
    const auto& fields = schema_->fields();
    if (chars_per_row_.size() != fields.size()) chars_per_row_.assign(fields.size(), 0);
    size_t rows = std::min<size_t>(options_.batch_rows, 1 << 16);
    for (size_t i = 0; i < fields.size(); ++i) {
      auto v = std::make_shared<Vector>(fields[i].type);
      v->Reserve(rows);
      if (chars_per_row_[i] > 0) {
        v->mutable_chars().reserve(std::min<size_t>(chars_per_row_[i] * rows, size_t{64} << 20));
      }
      columns_.push_back(std::move(v));
    }
    rows_ = 0;
  }

  // Remembers the string bytes per row of the batch just read (rounded up, with some headroom).
  void FinishBatchStats() {
    if (rows_ < 64) return;
    for (size_t i = 0; i < columns_.size(); ++i) {
      TypeId id = columns_[i]->type_id();
      if (id != TypeId::kString && id != TypeId::kBinary) continue;
      size_t bytes = columns_[i]->chars().size();
      chars_per_row_[i] = (bytes + bytes / 8) / rows_ + 1;
    }
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
    size_t capacity = static_cast<size_t>(buf_ + filled_ + InputBuffer::kPadding - text);
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
    Conv result = ParseTopLevel(doc);
    if (result == Conv::kSyntax) return result;
    if (!AtEnd(doc)) return converter_.Syntax("trailing characters after the JSON value");
    return result;
  }

  // The top-level value of a record: an object (one row) or an array of objects (a row each).
  // `Doc` is sj::document (one record per parse) or sj::document_reference (iterate_many).
  template <typename Doc>
  Conv ParseTopLevel(Doc& doc) {
    sj::json_type t;
    if (error_code e = doc.type().get(t)) return converter_.Syntax(e);
    Conv result = Conv::kOk;
    if (t == sj::json_type::object) {
      sj::object obj;
      if (error_code e = doc.get_object().get(obj)) return converter_.Syntax(e);
      result = ParseRootObject(obj);
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
    return result;
  }

  // ---- JSON lines ----
  //
  // The input is buf_[0, filled_) (+ padding): the whole in-memory input, or the current chunk of
  // a streamed file (eof_ false until the file's last bytes are in the chunk). pos_ is the start of
  // the next unread line and line_no_ the number of lines before it.
  //
  // Fast path (default line separator, no comments): iterate_many over a region of whole lines,
  // one simdjson stage 1 per 1 MiB instead of one per line. A record is committed only if it
  // parsed without any malformed part and was alone on its line; otherwise its row is rolled back
  // and the rest of the region is read line by line (ProcessRecord, one parse per line), which
  // gives the exact per-line results, counts and line numbers.

  void ReadLines() {
    while (rows_ < options_.batch_rows) {
      if (stream_active_) {
        StepStream();
        continue;
      }
      if (pos_ >= filled_) {
        if (eof_) {
          done_ = true;
          return;
        }
        Refill();
        continue;
      }
      if (fast_lines_ && pos_ >= fallback_until_) {
        StartStream();
        continue;
      }
      if (!ReadOneLine()) Refill();
    }
  }

  // Reads the line at pos_ the slow way. False if the line is not complete in the buffer yet.
  bool ReadOneLine() {
    size_t begin = pos_, end, next;
    if (options_.line_sep.empty()) {
      const void* nl = std::memchr(buf_ + begin, '\n', filled_ - begin);
      if (nl == nullptr && !eof_) return false;
      end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - buf_) : filled_;
      next = nl ? end + 1 : filled_;
      if (end > begin && buf_[end - 1] == '\r') --end;
    } else {
      size_t at = std::string_view(buf_, filled_).find(options_.line_sep, begin);
      if (at == std::string_view::npos && !eof_) return false;
      end = at == std::string_view::npos ? filled_ : at;
      next = at == std::string_view::npos ? filled_ : at + options_.line_sep.size();
    }
    pos_ = next;
    ++line_no_;
    if (!IsBlank(buf_ + begin, end - begin)) ProcessRecord(buf_ + begin, end - begin, line_no_);
    return true;
  }

  // Keeps the unread bytes [pos_, filled_), moved to the front of the chunk (which doubles when
  // they fill it: a line longer than the chunk), and reads more of the file after them.
  void Refill() {
    size_t keep = filled_ - pos_;
    if (keep == chunk_cap_) {
      std::unique_ptr<char[]> grown(new char[2 * chunk_cap_ + InputBuffer::kPadding]);
      std::memcpy(grown.get(), buf_ + pos_, keep);
      chunk_ = std::move(grown);
      chunk_cap_ *= 2;
    } else if (pos_ > 0 && keep > 0) {
      std::memmove(chunk_.get(), buf_ + pos_, keep);
    }
    fallback_until_ = fallback_until_ > pos_ ? fallback_until_ - pos_ : 0;
    pos_ = 0;
    buf_ = chunk_.get();
    filled_ = keep;
    size_t want = chunk_cap_ - keep;
    size_t got = ReadFully(fd_, chunk_.get() + keep, want, input_->source_name());
    filled_ += got;
    if (got < want) {
      eof_ = true;
      CloseFile();
    }
    std::memset(chunk_.get() + filled_, 0, InputBuffer::kPadding);
  }

  void CloseFile() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

  // Starts iterate_many over the whole lines in [pos_, pos_ + chunk size).
  void StartStream() {
    size_t limit = std::min(filled_, pos_ + options_.read_chunk_bytes);
    size_t end;
    if (limit == filled_ && eof_) {
      end = filled_;
    } else {
      const void* nl = memrchr(buf_ + pos_, '\n', limit - pos_);
      if (nl == nullptr) {
        if (limit == filled_) {
          Refill();  // the line continues past the chunk
        } else {
          fallback_until_ = pos_ + 1;  // an in-memory line longer than a region: read it alone
        }
        return;
      }
      end = static_cast<size_t>(static_cast<const char*>(nl) - buf_) + 1;
    }
    region_begin_ = pos_;
    region_end_ = end;
    if (stream_parser_.iterate_many(reinterpret_cast<const uint8_t*>(buf_ + pos_), end - pos_,
                                    kStreamBatchBytes)
            .get(stream_)) {
      fallback_until_ = region_end_;
      return;
    }
    stream_it_ = stream_.begin();
    stream_active_ = true;
  }

  // Ends the stream: the rest of the region is read line by line from pos_ up to `until`.
  void StopStream(size_t until) {
    stream_active_ = false;
    fallback_until_ = until;
  }

  static size_t CountNewlines(const char* p, size_t n) {
    return static_cast<size_t>(std::count(p, p + n, '\n'));
  }

  // Reads one document of the stream into a row (or rows) and commits it, or falls back.
  void StepStream() {
    if (!(stream_it_ != stream_.end())) {
      // iterate_many stops silently before a truncated last document.
      if (!IsBlank(buf_ + pos_, region_end_ - pos_)) return StopStream(region_end_);
      // Only whitespace is left in the region: count its blank lines.
      line_no_ += static_cast<int64_t>(CountNewlines(buf_ + pos_, region_end_ - pos_));
      if (region_end_ == filled_ && eof_ && region_end_ > pos_ && buf_[region_end_ - 1] != '\n') {
        ++line_no_;  // a blank last line without a newline
      }
      pos_ = region_end_;
      stream_active_ = false;
      return;
    }
    sj::document_reference doc;
    if ((*stream_it_).get(doc)) return StopStream(region_end_);
    size_t start = region_begin_ + stream_it_.current_index();
    const void* nl = std::memchr(buf_ + start, '\n', region_end_ - start);
    size_t line_end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - buf_) : region_end_;
    converter_.ResetDetail();
    size_t row_start = rows_;
    Conv st = ParseTopLevel(doc);
    bool ok = st == Conv::kOk;
    if (ok) {
      // The next document must start on a later line, with only whitespace after this one.
      ++stream_it_;
      size_t next = region_end_;
      if (stream_it_ != stream_.end()) {
        if (stream_it_.error()) {
          ok = false;
        } else {
          next = region_begin_ + stream_it_.current_index();
        }
      }
      ok = ok && next >= line_end && IsBlank(buf_ + line_end, next - line_end);
    }
    if (!ok) {
      for (auto& c : columns_) TruncateVector(*c, row_start);
      rows_ = row_start;
      return StopStream(region_end_);
    }
    ++counts_.records;
    if (corrupt_index_ >= 0) {
      Vector& c = *columns_[corrupt_index_];
      for (size_t r = row_start; r < rows_; ++r) c.AppendNull();
    }
    counts_.rows_emitted += static_cast<int64_t>(rows_ - row_start);
    line_no_ += static_cast<int64_t>(CountNewlines(buf_ + pos_, start - pos_)) + 1;
    pos_ = line_end < region_end_ ? line_end + 1 : region_end_;
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
  sj::parser parser_;         // one record per parse
  sj::parser stream_parser_;  // iterate_many
  sj::document_stream stream_;
  sj::document_stream::iterator stream_it_;
  bool stream_active_ = false;
  size_t region_begin_ = 0;  // the stream's bytes in buf_
  size_t region_end_ = 0;
  // iterate_many's stage 1 batch: a record longer than this is read by the per-line fallback.
  static constexpr size_t kStreamBatchBytes = size_t{1} << 20;
  const bool fast_lines_;     // the iterate_many path applies (default lineSep, no comments)
  InputBufferPtr input_;
  int fd_ = -1;  // the streamed file, until its end is in the chunk
  std::unique_ptr<char[]> chunk_;  // chunk_cap_ bytes + padding, reused across inputs
  size_t chunk_cap_ = 0;
  const char* buf_ = nullptr;
  size_t filled_ = 0;
  bool eof_ = true;
  size_t pos_ = 0;
  int64_t line_no_ = 0;
  size_t fallback_until_ = 0;  // lines starting before this offset are read one by one
  bool done_ = true;
  std::vector<VectorPtr> columns_;
  std::vector<size_t> chars_per_row_;  // per column, for StartBatch's reservation
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
