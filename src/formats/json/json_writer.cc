#include "formats/json/json_writer.h"

#include <charconv>
#include <cmath>

#include "formats/json/json_text.h"
#include "formats/text_field.h"
#include "types/datetime.h"
#include "types/value_format.h"

namespace sluice {

JsonWriter::JsonWriter(JsonOptions options)
    : options_(std::move(options)),
      line_sep_(options_.line_sep.empty() ? std::string("\n") : options_.line_sep) {}

void JsonWriter::WriteBatch(const RecordBatch& batch, std::string* out) const {
  const auto& fields = batch.schema()->fields();
  out->reserve(out->size() + batch.num_rows() * (16 + 12 * fields.size()));
  // Field names are escaped once per batch.
  std::vector<std::string> names;
  names.reserve(fields.size());
  for (const auto& f : fields) {
    std::string n;
    AppendJsonString(f.name, &n);
    n.push_back(':');
    names.push_back(std::move(n));
  }
  for (size_t r = 0; r < batch.num_rows(); ++r) {
    out->push_back('{');
    bool first = true;
    for (size_t c = 0; c < fields.size(); ++c) {
      const Vector& col = *batch.column(c);
      if (col.IsNull(r)) {
        if (options_.ignore_null_fields) continue;
        if (!first) out->push_back(',');
        first = false;
        out->append(names[c]);
        out->append("null");
        continue;
      }
      if (!first) out->push_back(',');
      first = false;
      out->append(names[c]);
      WriteValue(col, r, out);
    }
    out->push_back('}');
    out->append(line_sep_);
  }
}

void JsonWriter::WriteStructFields(const Vector& v, size_t row, std::string* out) const {
  const auto& fields = v.type()->fields();
  out->push_back('{');
  bool first = true;
  for (size_t c = 0; c < fields.size(); ++c) {
    const Vector& child = *v.child(c);
    bool is_null = child.IsNull(row);
    if (is_null && options_.ignore_null_fields) continue;
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(fields[c].name, out);
    out->push_back(':');
    if (is_null) {
      out->append("null");
    } else {
      WriteValue(child, row, out);
    }
  }
  out->push_back('}');
}

void JsonWriter::WriteValue(const Vector& v, size_t row, std::string* out) const {
  if (v.IsNull(row)) {
    out->append("null");
    return;
  }
  char buf[32];
  switch (v.type_id()) {
    case TypeId::kNull: out->append("null"); return;
    case TypeId::kBoolean: out->append(v.Get<uint8_t>(row) ? "true" : "false"); return;
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong:
    case TypeId::kDecimal: AppendScalarText(v, row, options_.datetime, out); return;
    case TypeId::kFloat:
    case TypeId::kDouble: {
      double d = v.type_id() == TypeId::kFloat ? v.Get<float>(row) : v.Get<double>(row);
      if (std::isnan(d) || std::isinf(d)) {
        out->push_back('"');
        AppendScalarText(v, row, options_.datetime, out);
        out->push_back('"');
      } else {
        AppendScalarText(v, row, options_.datetime, out);
      }
      return;
    }
    case TypeId::kString: AppendJsonString(v.GetString(row), out); return;
    case TypeId::kBinary: {
      out->push_back('"');
      AppendBase64(v.GetString(row), out);
      out->push_back('"');
      return;
    }
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
    case TypeId::kInterval: {
      std::string text;
      AppendScalarText(v, row, options_.datetime, &text);
      AppendJsonString(text, out);
      return;
    }
    case TypeId::kStruct: WriteStructFields(v, row, out); return;
    case TypeId::kArray: {
      const Vector& elems = *v.child(0);
      out->push_back('[');
      for (int64_t i = v.ListBegin(row); i < v.ListEnd(row); ++i) {
        if (i != v.ListBegin(row)) out->push_back(',');
        WriteValue(elems, static_cast<size_t>(i), out);
      }
      out->push_back(']');
      return;
    }
    case TypeId::kMap: {
      const Vector& keys = *v.child(0);
      const Vector& values = *v.child(1);
      out->push_back('{');
      bool first = true;
      std::string key;
      for (int64_t i = v.ListBegin(row); i < v.ListEnd(row); ++i) {
        size_t e = static_cast<size_t>(i);
        bool is_null = values.IsNull(e);
        if (is_null && options_.ignore_null_fields) continue;
        if (!first) out->push_back(',');
        first = false;
        if (keys.type_id() == TypeId::kString) {
          AppendJsonString(keys.GetString(e), out);
        } else {
          key.clear();
          if (keys.type()->IsNested()) {
            key = keys.GetValue(e).ToString();
          } else {
            AppendScalarText(keys, e, options_.datetime, &key);
          }
          AppendJsonString(key, out);
        }
        out->push_back(':');
        WriteValue(values, e, out);
      }
      out->push_back('}');
      return;
    }
  }
  (void)buf;
}

}  // namespace sluice
