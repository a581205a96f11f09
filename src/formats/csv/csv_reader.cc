#include "formats/csv/csv_reader.h"

#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <map>

#include "formats/text_field.h"
#include "sluice/exception.h"

namespace sluice {

namespace {

struct Token {
  std::string_view text;
  bool quoted = false;
};

// Splits the input into records and records into tokens.
class CsvTokenizer {
 public:
  explicit CsvTokenizer(const CsvOptions& o)
      : o_(o),
        trim_leading_(o.ignore_leading_white_space.value_or(false)),
        trim_trailing_(o.ignore_trailing_white_space.value_or(false)) {}

  // Reads the record starting at `pos` of [data, data + size). Returns false at the end of input.
  // Sets `record` to the record text (without terminator), `tokens` to its fields, `lines` to the
  // number of physical lines it spans, and advances `pos`. Blank and comment lines yield a record
  // with `skip` set.
  bool NextRecord(const char* data, size_t size, size_t* pos, std::string_view* record,
                  std::vector<Token>* tokens, int* lines, bool* skip) {
    if (*pos >= size) return false;
    size_t begin = *pos;
    *lines = 1;
    *skip = false;
    tokens->clear();
    arena_.clear();
    pieces_.clear();
    // Blank line or comment line.
    size_t term_len = 0;
    if (IsTerminator(data, size, begin, &term_len)) {
      *record = std::string_view(data + begin, 0);
      *pos = begin + term_len;
      *skip = true;
      return true;
    }
    if (o_.comment != '\0' && data[begin] == o_.comment) {
      size_t i = begin;
      while (i < size && !IsTerminator(data, size, i, &term_len)) ++i;
      *record = std::string_view(data + begin, i - begin);
      *pos = i < size ? i + term_len : size;
      *skip = true;
      return true;
    }
    size_t limit = size;
    if (!o_.multi_line) {
      size_t i = begin;
      while (i < size && !IsTerminator(data, size, i, &term_len)) ++i;
      limit = i;
    }
    size_t i = begin;
    const std::string& sep = o_.sep;
    for (;;) {
      size_t field_start = i;
      if (trim_leading_) {
        while (i < limit && (data[i] == ' ' || data[i] == '\t')) ++i;
      }
      if (o_.quote != '\0' && i < limit && data[i] == o_.quote) {
        // Quoted field: unescape into the arena.
        size_t arena_begin = arena_.size();
        ++i;
        bool closed = false;
        while (i < limit) {
          char c = data[i];
          if (c == o_.escape && o_.escape != o_.quote && i + 1 < limit &&
              (data[i + 1] == o_.quote || data[i + 1] == o_.escape)) {
            arena_.push_back(data[i + 1]);
            i += 2;
          } else if (c == o_.quote) {
            if (i + 1 < limit && data[i + 1] == o_.quote && o_.escape == o_.quote) {
              arena_.push_back(c);
              i += 2;
            } else {
              ++i;
              closed = true;
              break;
            }
          } else {
            if (c == '\n') ++*lines;
            arena_.push_back(c);
            ++i;
          }
        }
        if (closed) {
          // Characters between the closing quote and the separator are kept (univocity's
          // STOP_AT_DELIMITER handling), except whitespace.
          while (i < limit && !AtSep(data, limit, i) && !IsTerminator(data, limit, i, &term_len)) {
            if (data[i] != ' ' && data[i] != '\t') arena_.push_back(data[i]);
            ++i;
          }
        }
        pieces_.push_back({arena_begin, arena_.size() - arena_begin, true});
      } else {
        size_t s = trim_leading_ ? i : field_start;
        while (i < limit && !AtSep(data, limit, i) && !IsTerminator(data, limit, i, &term_len)) {
          ++i;
        }
        size_t e = i;
        if (trim_trailing_) {
          while (e > s && (data[e - 1] == ' ' || data[e - 1] == '\t')) --e;
        }
        pieces_.push_back({s, e - s, false, true});
      }
      if (i < limit && AtSep(data, limit, i)) {
        i += sep.size();
        continue;
      }
      break;
    }
    // i is at the terminator (or the end).
    *record = std::string_view(data + begin, i - begin);
    if (i < size && IsTerminator(data, size, i, &term_len)) {
      i += term_len;
    } else if (!o_.multi_line) {
      i = limit;
      if (i < size && IsTerminator(data, size, i, &term_len)) i += term_len;
    }
    *pos = i;
    for (const auto& p : pieces_) {
      if (p.from_input) {
        tokens->push_back({std::string_view(data + p.offset, p.length), false});
      } else {
        tokens->push_back({std::string_view(arena_.data() + p.offset, p.length), p.quoted});
      }
    }
    return true;
  }

 private:
  struct Piece {
    size_t offset;
    size_t length;
    bool quoted;
    bool from_input = false;
  };

  bool AtSep(const char* data, size_t limit, size_t i) const {
    const std::string& sep = o_.sep;
    if (sep.size() == 1) return data[i] == sep[0];
    return i + sep.size() <= limit && std::memcmp(data + i, sep.data(), sep.size()) == 0;
  }

  bool IsTerminator(const char* data, size_t size, size_t i, size_t* len) const {
    if (o_.line_sep.empty()) {
      if (data[i] == '\n') {
        *len = 1;
        return true;
      }
      if (data[i] == '\r') {
        *len = (i + 1 < size && data[i + 1] == '\n') ? 2 : 1;
        return true;
      }
      return false;
    }
    const std::string& ls = o_.line_sep;
    if (i + ls.size() <= size && std::memcmp(data + i, ls.data(), ls.size()) == 0) {
      *len = ls.size();
      return true;
    }
    return false;
  }

  const CsvOptions& o_;
  bool trim_leading_;
  bool trim_trailing_;
  std::string arena_;
  std::vector<Piece> pieces_;
};

void CheckScalarSchema(const TypePtr& schema) {
  if (schema->id() != TypeId::kStruct) {
    throw AnalysisError("CSV schema must be a STRUCT, got " + schema->Sql());
  }
  for (const auto& f : schema->fields()) {
    if (f.type->IsNested() || f.type->id() == TypeId::kInterval) {
      throw AnalysisError("CSV data source does not support " + f.type->Sql() +
                          " data type (column " + f.name + ")");
    }
  }
}

}  // namespace

class CsvReader::Impl {
 public:
  Impl(TypePtr schema, CsvOptions options)
      : schema_(std::move(schema)), options_(std::move(options)), tokenizer_(options_) {
    CheckScalarSchema(schema_);
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
      data_columns_.push_back(i);
    }
    empty_value_ = options_.empty_value.value_or("");
  }

  void Open(InputBufferPtr input) {
    input_ = std::move(input);
    pos_ = 0;
    line_no_ = 0;
    header_pending_ = options_.header;
  }

  RecordBatchPtr Next() {
    if (!pending_.empty()) {
      auto b = pending_.front();
      pending_.pop_front();
      return b;
    }
    if (!input_) return nullptr;
    columns_.clear();
    for (const auto& f : schema_->fields()) {
      auto v = std::make_shared<Vector>(f.type);
      v->Reserve(std::min<size_t>(options_.batch_rows, 1 << 16));
      columns_.push_back(std::move(v));
    }
    size_t rows = 0;
    std::string_view record;
    int lines;
    bool skip;
    while (rows < options_.batch_rows &&
           tokenizer_.NextRecord(input_->data(), input_->size(), &pos_, &record, &tokens_, &lines,
                                 &skip)) {
      int64_t first_line = line_no_ + 1;
      line_no_ += lines;
      if (skip) continue;
      if (header_pending_) {
        header_pending_ = false;
        continue;
      }
      if (ProcessRecord(record, first_line)) ++rows;
    }
    if (rows == 0) {
      input_.reset();
      return nullptr;
    }
    auto batch = RecordBatch::Make(schema_, std::move(columns_), rows);
    columns_.clear();
    return batch;
  }

  const TypePtr& schema() const { return schema_; }
  const ReadCounts& counts() const { return counts_; }

 private:
  // Returns true if a row was appended.
  bool ProcessRecord(std::string_view record, int64_t line_no) {
    ++counts_.records;
    bool bad = tokens_.size() != data_columns_.size();
    std::string detail;
    if (bad) {
      detail = "expected " + std::to_string(data_columns_.size()) + " tokens, got " +
               std::to_string(tokens_.size());
    }
    for (size_t f = 0; f < data_columns_.size(); ++f) {
      Vector& col = *columns_[data_columns_[f]];
      if (f >= tokens_.size()) {
        col.AppendNull();
        continue;
      }
      const Token& t = tokens_[f];
      std::string_view text = t.text;
      if (t.quoted && text.empty()) text = empty_value_;
      if ((!t.quoted && t.text.empty()) || text == options_.null_value) {
        col.AppendNull();
        continue;
      }
      if (!Convert(text, col)) {
        col.AppendNull();
        if (!bad) {
          detail = "cannot convert '" + std::string(text) + "' to " + col.type()->Sql() +
                   " (column " + schema_->fields()[data_columns_[f]].name + ")";
        }
        bad = true;
      }
    }
    if (bad) {
      ++counts_.malformed;
      if (options_.mode == ParseMode::kFailFast) {
        throw ExecutionError("Malformed records are detected in record parsing: file " +
                             input_->source_name() + " line " + std::to_string(line_no) + ": " +
                             detail +
                             ". Parse Mode: FAILFAST. To process malformed records as null "
                             "result, try setting the option 'mode' as 'PERMISSIVE'.");
      }
      if (options_.mode == ParseMode::kDropMalformed) {
        for (size_t c : data_columns_) TruncateVector(*columns_[c], columns_[c]->size() - 1);
        ++counts_.dropped;
        return false;
      }
    }
    if (corrupt_index_ >= 0) {
      if (bad) {
        columns_[corrupt_index_]->AppendString(record);
      } else {
        columns_[corrupt_index_]->AppendNull();
      }
    }
    ++counts_.rows_emitted;
    return true;
  }

  bool Convert(std::string_view text, Vector& col) {
    switch (col.type_id()) {
      case TypeId::kString:
        col.AppendString(text);
        return true;
      case TypeId::kFloat:
      case TypeId::kDouble: {
        double d;
        if (text == options_.nan_value) {
          d = std::numeric_limits<double>::quiet_NaN();
        } else if (text == options_.positive_inf) {
          d = INFINITY;
        } else if (text == options_.negative_inf) {
          d = -INFINITY;
        } else if (!ParseJavaDouble(text, &d)) {
          return false;
        }
        if (col.type_id() == TypeId::kFloat) {
          col.Append<float>(static_cast<float>(d));
        } else {
          col.Append<double>(d);
        }
        return true;
      }
      default: return AppendTextValue(text, options_.datetime, col);
    }
  }

  TypePtr schema_;
  CsvOptions options_;
  CsvTokenizer tokenizer_;
  std::vector<size_t> data_columns_;
  int corrupt_index_ = -1;
  std::string empty_value_;
  InputBufferPtr input_;
  size_t pos_ = 0;
  int64_t line_no_ = 0;
  bool header_pending_ = false;
  std::vector<Token> tokens_;
  std::vector<VectorPtr> columns_;
  std::deque<RecordBatchPtr> pending_;
  ReadCounts counts_;
};

CsvReader::CsvReader(TypePtr schema, CsvOptions options)
    : impl_(std::make_unique<Impl>(std::move(schema), std::move(options))) {}
CsvReader::~CsvReader() = default;
void CsvReader::Open(InputBufferPtr input) { impl_->Open(std::move(input)); }
RecordBatchPtr CsvReader::Next() { return impl_->Next(); }
std::vector<RecordBatchPtr> CsvReader::ReadAll() {
  std::vector<RecordBatchPtr> out;
  while (auto b = impl_->Next()) out.push_back(std::move(b));
  return out;
}
const TypePtr& CsvReader::schema() const { return impl_->schema(); }
const ReadCounts& CsvReader::counts() const { return impl_->counts(); }

// ------------------------------------------------------------------------------------------------
// Inference

namespace {

bool IsStrictDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

TypePtr InferToken(std::string_view s, const CsvOptions& o) {
  int64_t i64;
  if (ParseJavaInteger(s, INT32_MIN, INT32_MAX, &i64)) return IntegerType();
  if (ParseJavaInteger(s, INT64_MIN, INT64_MAX, &i64)) return LongType();
  int p, sc;
  bool plain_integer = s.find_first_of(".eE") == std::string_view::npos;
  if (plain_integer && DecimalTextShape(s, &p, &sc) && sc == 0 && p <= 38) {
    return DecimalType(p, 0);
  }
  double d;
  if (s == o.nan_value || s == o.positive_inf || s == o.negative_inf || ParseJavaDouble(s, &d)) {
    return DoubleType();
  }
  if (o.prefer_date) {
    int32_t days;
    if ((o.datetime.date_format || IsStrictDate(s)) && ParseDateText(s, o.datetime, &days)) {
      return DateType();
    }
  }
  // Timestamps need at least a full date in front (CAST would take "2024" alone).
  if (o.datetime.timestamp_format || (s.size() >= 10 && IsStrictDate(s.substr(0, 10)))) {
    if (ParseTimestampText(s, o.datetime, &i64)) return TimestampType();
  }
  if (s.size() == 4 || s.size() == 5) {
    std::string lower;
    for (char c : s) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (lower == "true" || lower == "false") return BooleanType();
  }
  return StringType();
}

TypePtr DecimalFor(const TypePtr& t) {
  if (t->id() == TypeId::kInt) return DecimalType(10, 0);
  if (t->id() == TypeId::kLong) return DecimalType(20, 0);
  return t;
}

TypePtr MergeCsvTypes(const TypePtr& a, const TypePtr& b) {
  if (a->id() == TypeId::kNull) return b;
  if (b->id() == TypeId::kNull) return a;
  if (a->Equals(*b)) return a;
  auto is_int = [](const TypePtr& t) {
    return t->id() == TypeId::kInt || t->id() == TypeId::kLong;
  };
  if (is_int(a) && is_int(b)) return LongType();
  bool num_a = is_int(a) || a->id() == TypeId::kDecimal || a->id() == TypeId::kDouble;
  bool num_b = is_int(b) || b->id() == TypeId::kDecimal || b->id() == TypeId::kDouble;
  if (num_a && num_b) {
    if (a->id() == TypeId::kDouble || b->id() == TypeId::kDouble) return DoubleType();
    TypePtr x = DecimalFor(a), y = DecimalFor(b);
    int scale = std::max(x->scale(), y->scale());
    int range = std::max(x->precision() - x->scale(), y->precision() - y->scale());
    if (range + scale > 38) return DoubleType();
    return DecimalType(range + scale, scale);
  }
  if ((a->id() == TypeId::kDate && b->id() == TypeId::kTimestamp) ||
      (a->id() == TypeId::kTimestamp && b->id() == TypeId::kDate)) {
    return TimestampType();
  }
  return StringType();
}

}  // namespace

TypePtr InferCsvSchema(const std::vector<InputBufferPtr>& inputs, const CsvOptions& options) {
  CsvTokenizer tokenizer(options);
  std::vector<Token> tokens;
  std::vector<std::string> names;
  std::vector<TypePtr> types;
  bool have_names = false;
  for (const auto& input : inputs) {
    size_t pos = 0;
    std::string_view record;
    int lines;
    bool skip;
    bool header_pending = options.header;
    while (tokenizer.NextRecord(input->data(), input->size(), &pos, &record, &tokens, &lines,
                                &skip)) {
      if (skip) continue;
      if (!have_names) {
        have_names = true;
        for (size_t i = 0; i < tokens.size(); ++i) {
          std::string n = options.header ? std::string(tokens[i].text) : "";
          if (n.empty() || (options.header && n == options.null_value)) {
            n = "_c" + std::to_string(i);
          }
          names.push_back(n);
        }
        if (options.header) {
          // Duplicate names get their index appended (Spark, case-sensitive comparison).
          std::map<std::string, int> count;
          for (const auto& n : names) ++count[n];
          for (size_t i = 0; i < names.size(); ++i) {
            if (count[names[i]] > 1) names[i] += std::to_string(i);
          }
        }
        types.assign(names.size(), NullType());
      }
      if (header_pending) {
        header_pending = false;
        continue;
      }
      if (!options.infer_schema) continue;
      for (size_t i = 0; i < tokens.size() && i < types.size(); ++i) {
        const Token& t = tokens[i];
        std::string_view text = t.text;
        if ((!t.quoted && text.empty()) || text == options.null_value) continue;
        if (t.quoted && text.empty()) continue;
        types[i] = MergeCsvTypes(types[i], InferToken(text, options));
      }
    }
  }
  std::vector<StructField> fields;
  for (size_t i = 0; i < names.size(); ++i) {
    TypePtr t = (!options.infer_schema || types[i]->id() == TypeId::kNull) ? StringType() : types[i];
    fields.emplace_back(names[i], t);
  }
  return StructType(std::move(fields));
}

}  // namespace sluice
