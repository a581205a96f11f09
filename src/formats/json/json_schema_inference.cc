#include "formats/json/json_schema_inference.h"

#include <algorithm>
#include <cstring>

#include <simdjson.h>

#include "formats/json/json_text.h"
#include "formats/text_field.h"
#include "sluice/exception.h"

namespace sluice {

namespace sj = simdjson::ondemand;
using simdjson::error_code;

namespace {

bool IsNullType(const TypePtr& t) { return t->id() == TypeId::kNull; }

TypePtr MergeJsonTypes(const TypePtr& a, const TypePtr& b);

TypePtr MergeStructs(const TypePtr& a, const TypePtr& b) {
  // Both have fields sorted by name.
  std::vector<StructField> out;
  const auto& fa = a->fields();
  const auto& fb = b->fields();
  size_t i = 0, j = 0;
  while (i < fa.size() || j < fb.size()) {
    if (j == fb.size() || (i < fa.size() && fa[i].name < fb[j].name)) {
      out.push_back(fa[i++]);
    } else if (i == fa.size() || fb[j].name < fa[i].name) {
      out.push_back(fb[j++]);
    } else {
      out.emplace_back(fa[i].name, MergeJsonTypes(fa[i].type, fb[j].type));
      ++i;
      ++j;
    }
  }
  return StructType(std::move(out));
}

TypePtr AsDecimal(const TypePtr& t) {
  return t->id() == TypeId::kLong ? DecimalType(20, 0) : t;
}

TypePtr MergeJsonTypes(const TypePtr& a, const TypePtr& b) {
  if (IsNullType(a)) return b;
  if (IsNullType(b)) return a;
  if (a->Equals(*b)) return a;
  TypeId x = a->id(), y = b->id();
  auto numeric = [](TypeId t) {
    return t == TypeId::kLong || t == TypeId::kDouble || t == TypeId::kDecimal;
  };
  if (numeric(x) && numeric(y)) {
    if (x == TypeId::kDouble || y == TypeId::kDouble) return DoubleType();
    TypePtr da = AsDecimal(a), db = AsDecimal(b);
    int scale = std::max(da->scale(), db->scale());
    int range = std::max(da->precision() - da->scale(), db->precision() - db->scale());
    if (range + scale > 38) return DoubleType();
    return DecimalType(range + scale, scale);
  }
  if (x == TypeId::kStruct && y == TypeId::kStruct) return MergeStructs(a, b);
  if (x == TypeId::kArray && y == TypeId::kArray) {
    return ArrayType(MergeJsonTypes(a->element_type(), b->element_type()));
  }
  return StringType();
}

// Returns nullptr when the field should be dropped (dropFieldIfAllNull).
TypePtr Canonicalize(const TypePtr& t, bool drop_all_null, bool root) {
  switch (t->id()) {
    case TypeId::kNull: return drop_all_null ? nullptr : StringType();
    case TypeId::kArray: {
      TypePtr e = Canonicalize(t->element_type(), drop_all_null, false);
      return e ? ArrayType(e) : nullptr;
    }
    case TypeId::kStruct: {
      std::vector<StructField> fields;
      for (const auto& f : t->fields()) {
        TypePtr c = Canonicalize(f.type, drop_all_null, false);
        if (c) fields.emplace_back(f.name, c);
      }
      if (fields.empty() && drop_all_null && !root) return nullptr;
      return StructType(std::move(fields));
    }
    default: return t;
  }
}

class Inferrer {
 public:
  explicit Inferrer(const JsonOptions& o) : o_(o) {}

  // Returns false on malformed JSON.
  bool Infer(sj::value v, TypePtr* out) {
    struct DepthGuard {
      int& d;
      explicit DepthGuard(int& x) : d(x) { ++d; }
      ~DepthGuard() { --d; }
    } guard(depth_);
    if (depth_ > kMaxJsonNestingDepth) return false;
    sj::json_type t;
    if (v.type().get(t)) return false;
    switch (t) {
      case sj::json_type::null: {
        bool is_null = false;
        if (v.is_null().get(is_null) || !is_null) return false;
        *out = NullType();
        return true;
      }
      case sj::json_type::boolean: {
        bool b;
        if (v.get_bool().get(b)) return false;
        *out = o_.primitives_as_string ? StringType() : BooleanType();
        return true;
      }
      case sj::json_type::number: {
        std::string_view token = v.raw_json_token();
        while (!token.empty() && std::strchr(" \t\r\n", token.back())) token.remove_suffix(1);
        int p = 0, s = 0;
        if (!DecimalTextShape(token, &p, &s)) return false;
        if (o_.primitives_as_string) {
          *out = StringType();
          return true;
        }
        bool integral = token.find_first_of(".eE") == std::string_view::npos;
        if (integral) {
          int64_t i64;
          if (v.get_int64().get(i64) == simdjson::SUCCESS) {
            *out = LongType();
          } else {
            *out = p <= 38 ? DecimalType(p, 0) : DoubleType();
          }
          return true;
        }
        double d;
        if (v.get_double().get(d) && p <= 38) return false;
        if (o_.prefers_decimal && p <= 38 && s <= 38) {
          *out = DecimalType(std::max(p, s), s);
        } else {
          *out = DoubleType();
        }
        return true;
      }
      case sj::json_type::string: {
        std::string_view s;
        if (v.get_string().get(s)) return false;
        int64_t micros;
        if (o_.infer_timestamp && !o_.primitives_as_string &&
            ParseTimestampText(s, o_.datetime, &micros)) {
          *out = TimestampType();
        } else {
          *out = StringType();
        }
        return true;
      }
      case sj::json_type::array: {
        sj::array arr;
        if (v.get_array().get(arr)) return false;
        TypePtr elem = NullType();
        for (auto el : arr) {
          if (el.error()) return false;
          TypePtr et;
          if (!Infer(el.value_unsafe(), &et)) return false;
          elem = MergeJsonTypes(elem, et);
        }
        *out = ArrayType(elem);
        return true;
      }
      case sj::json_type::object: {
        sj::object obj;
        if (v.get_object().get(obj)) return false;
        return InferObject(obj, out);
      }
    }
    return false;
  }

  bool InferObject(sj::object& obj, TypePtr* out) {
    std::vector<StructField> fields;
    for (auto fr : obj) {
      if (fr.error()) return false;
      sj::field& f = fr.value_unsafe();
      std::string_view key;
      if (f.unescaped_key().get(key)) return false;
      std::string name(key);
      TypePtr t;
      if (!Infer(f.value(), &t)) return false;
      fields.emplace_back(std::move(name), std::move(t));
    }
    std::stable_sort(fields.begin(), fields.end(),
                     [](const StructField& a, const StructField& b) { return a.name < b.name; });
    // Duplicate keys: merge their types.
    std::vector<StructField> unique;
    for (auto& f : fields) {
      if (!unique.empty() && unique.back().name == f.name) {
        unique.back().type = MergeJsonTypes(unique.back().type, f.type);
      } else {
        unique.push_back(std::move(f));
      }
    }
    *out = StructType(std::move(unique));
    return true;
  }

  // Infers one record; returns false when malformed (or not an object / array of objects).
  bool InferRecord(const char* text, size_t len, size_t capacity, TypePtr* out) {
    sj::document doc;
    if (parser_.iterate(text, len, capacity).get(doc)) return false;
    sj::json_type t;
    if (doc.type().get(t)) return false;
    TypePtr result;
    if (t == sj::json_type::object) {
      sj::object obj;
      if (doc.get_object().get(obj)) return false;
      if (!InferObject(obj, &result)) return false;
    } else if (t == sj::json_type::array) {
      sj::array arr;
      if (doc.get_array().get(arr)) return false;
      result = StructType({});
      for (auto el : arr) {
        if (el.error()) return false;
        TypePtr et;
        if (!Infer(el.value_unsafe(), &et)) return false;
        if (et->id() != TypeId::kStruct) return false;
        result = MergeStructs(result, et);
      }
    } else {
      return false;
    }
    const char* loc;
    if (doc.current_location().get(loc) == simdjson::SUCCESS) return false;  // trailing text
    *out = result;
    return true;
  }

 private:
  const JsonOptions& o_;
  sj::parser parser_;
  int depth_ = 0;
};

}  // namespace

TypePtr InferJsonSchema(const std::vector<InputBufferPtr>& inputs, const JsonOptions& options) {
  Inferrer inferrer(options);
  TypePtr schema = StructType({});
  bool corrupt = false;
  std::string stripped;
  for (const auto& input : inputs) {
    const char* data = input->data();
    size_t size = input->size();
    size_t pos = 0;
    int64_t line_no = 0;
    while (pos < size) {
      size_t begin = pos, end;
      if (options.multi_line) {
        end = size;
        pos = size;
      } else if (options.line_sep.empty()) {
        const void* nl = std::memchr(data + begin, '\n', size - begin);
        end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - data) : size;
        pos = nl ? end + 1 : size;
      } else {
        size_t at = input->view().find(options.line_sep, begin);
        end = at == std::string_view::npos ? size : at;
        pos = at == std::string_view::npos ? size : at + options.line_sep.size();
      }
      ++line_no;
      bool blank = true;
      for (size_t i = begin; i < end; ++i) {
        if (!std::strchr(" \t\r\n", data[i])) {
          blank = false;
          break;
        }
      }
      if (blank) continue;
      const char* text = data + begin;
      size_t len = end - begin;
      size_t capacity = static_cast<size_t>(data + size + InputBuffer::kPadding - text);
      if (options.allow_comments) {
        StripJsonComments(std::string_view(text, len), &stripped);
        len = stripped.size();
        stripped.append(InputBuffer::kPadding, '\0');
        text = stripped.data();
        capacity = stripped.size();
      }
      TypePtr record_type;
      if (inferrer.InferRecord(text, len, capacity, &record_type)) {
        schema = MergeStructs(schema, record_type);
        continue;
      }
      switch (options.mode) {
        case ParseMode::kPermissive: corrupt = true; break;
        case ParseMode::kDropMalformed: break;
        case ParseMode::kFailFast:
          throw ExecutionError(
              "Malformed records are detected in schema inference: file " + input->source_name() +
              " line " + std::to_string(line_no) +
              ". Parse Mode: FAILFAST. To process malformed records as null result, try setting "
              "the option 'mode' as 'PERMISSIVE'.");
      }
    }
  }
  if (corrupt) {
    schema = MergeStructs(schema,
                          StructType({StructField(options.column_name_of_corrupt_record,
                                                  StringType())}));
  }
  return Canonicalize(schema, options.drop_field_if_all_null, true);
}

}  // namespace sluice
