#include "formats/csv/csv_writer.h"

#include "formats/text_field.h"
#include "sluice/exception.h"

namespace sluice {

CsvWriter::CsvWriter(TypePtr schema, CsvOptions options)
    : schema_(std::move(schema)), options_(std::move(options)) {
  if (schema_->id() != TypeId::kStruct) {
    throw AnalysisError("CSV schema must be a STRUCT, got " + schema_->Sql());
  }
  for (const auto& f : schema_->fields()) {
    if (f.type->IsNested() || f.type->id() == TypeId::kBinary) {
      throw AnalysisError("CSV data source does not support " + f.type->Sql() +
                          " data type (column " + f.name + ")");
    }
  }
  line_sep_ = options_.line_sep.empty() ? "\n" : options_.line_sep;
  empty_value_ = options_.empty_value.value_or(
      options_.quote != '\0' ? std::string(2, options_.quote) : std::string());
  trim_leading_ = options_.ignore_leading_white_space.value_or(true);
  trim_trailing_ = options_.ignore_trailing_white_space.value_or(true);
}

void CsvWriter::AppendField(std::string_view value, std::string* out) const {
  if (trim_leading_) {
    while (!value.empty() && static_cast<unsigned char>(value.front()) <= ' ') {
      value.remove_prefix(1);
    }
  }
  if (trim_trailing_) {
    while (!value.empty() && static_cast<unsigned char>(value.back()) <= ' ') value.remove_suffix(1);
  }
  char q = options_.quote;
  bool needs_quotes = options_.quote_all;
  if (!needs_quotes && q != '\0') {
    for (char c : value) {
      if (c == q || c == '\n' || c == '\r' || (options_.sep.size() == 1 && c == options_.sep[0])) {
        needs_quotes = true;
        break;
      }
    }
    if (!needs_quotes && options_.sep.size() > 1 &&
        value.find(options_.sep) != std::string_view::npos) {
      needs_quotes = true;
    }
    if (!needs_quotes && options_.comment != '\0' && !value.empty() &&
        value.front() == options_.comment) {
      needs_quotes = true;
    }
    if (!needs_quotes && !value.empty() &&
        (static_cast<unsigned char>(value.front()) <= ' ' ||
         static_cast<unsigned char>(value.back()) <= ' ')) {
      needs_quotes = true;  // keep untrimmed whitespace when trimming is off
    }
  }
  if (!needs_quotes) {
    out->append(value);
    return;
  }
  out->push_back(q);
  char esc = options_.escape;
  for (char c : value) {
    if (c == q && options_.escape_quotes) {
      out->push_back(esc == '\0' ? q : esc);
    } else if (c == esc && esc != q && esc != '\0') {
      out->push_back(esc);
    }
    out->push_back(c);
  }
  out->push_back(q);
}

void CsvWriter::WriteHeader(std::string* out) const {
  const auto& fields = schema_->fields();
  for (size_t c = 0; c < fields.size(); ++c) {
    if (c > 0) out->append(options_.sep);
    AppendField(fields[c].name, out);
  }
  out->append(line_sep_);
}

void CsvWriter::WriteBatch(const RecordBatch& batch, std::string* out) const {
  std::string text;
  const size_t ncols = batch.num_columns();
  out->reserve(out->size() + batch.num_rows() * (2 + 8 * ncols));
  for (size_t r = 0; r < batch.num_rows(); ++r) {
    for (size_t c = 0; c < ncols; ++c) {
      if (c > 0) out->append(options_.sep);
      const Vector& col = *batch.column(c);
      if (col.IsNull(r)) {
        out->append(options_.null_value);
        continue;
      }
      if (col.type_id() == TypeId::kString) {
        std::string_view s = col.GetString(r);
        if (s.empty()) {
          out->append(empty_value_);
        } else {
          AppendField(s, out);
        }
        continue;
      }
      text.clear();
      AppendScalarText(col, r, options_.datetime, &text);
      AppendField(text, out);
    }
    out->append(line_sep_);
  }
}

}  // namespace sluice
