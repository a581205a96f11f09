#include "delta/delta_schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "expr/evaluator.h"
#include "sluice/exception.h"
#include "types/ascii.h"

namespace sluice {

namespace {

int IntegralRank(TypeId id) {
  switch (id) {
    case TypeId::kByte:
      return 1;
    case TypeId::kShort:
      return 2;
    case TypeId::kInt:
      return 3;
    default:
      return 0;
  }
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

void CheckTypeWritable(const std::string& name, const TypePtr& t, const std::string& table) {
  switch (t->id()) {
    case TypeId::kNull:
    case TypeId::kInterval:
      throw AnalysisError(fmt::format(
          "[DELTA_COLUMN_DATA_TYPE_NOT_SUPPORTED] Column `{}` of table {} has type {}, which Delta "
          "tables cannot store.",
          name, table, t->Sql()));
    case TypeId::kStruct: {
      std::set<std::string> seen;
      for (const StructField& f : t->fields()) {
        if (!seen.insert(AsciiLower(f.name)).second) {
          throw AnalysisError(
              fmt::format("[DELTA_DUPLICATE_COLUMNS_FOUND] Found duplicate column(s) in the data "
                          "to save to {}: "
                          "`{}{}`",
                          table, name.empty() ? "" : name + ".", f.name));
        }
        CheckTypeWritable(name.empty() ? f.name : name + "." + f.name, f.type, table);
      }
      break;
    }
    case TypeId::kArray:
      CheckTypeWritable(name + ".element", t->element_type(), table);
      break;
    case TypeId::kMap:
      CheckTypeWritable(name + ".key", t->key_type(), table);
      CheckTypeWritable(name + ".value", t->value_type(), table);
      break;
    default:
      break;
  }
}

}  // namespace

TypePtr AsNullableSchema(const TypePtr& type) {
  switch (type->id()) {
    case TypeId::kStruct: {
      std::vector<StructField> fields;
      for (const StructField& f : type->fields())
        fields.emplace_back(f.name, AsNullableSchema(f.type), true);
      return StructType(std::move(fields));
    }
    case TypeId::kArray:
      return ArrayType(AsNullableSchema(type->element_type()), true);
    case TypeId::kMap:
      return MapType(AsNullableSchema(type->key_type()), AsNullableSchema(type->value_type()),
                     true);
    default:
      return type;
  }
}

void CheckDeltaSchemaWritable(const TypePtr& schema, const std::string& table_path) {
  CheckTypeWritable("", schema, table_path);
}

TypePtr ReconcileDeltaWriteSchema(const TypePtr& table, const TypePtr& data, bool merge_schema,
                                  const std::string& table_path) {
  CheckDeltaSchemaWritable(data, table_path);
  std::vector<StructField> out = table->fields();
  std::vector<std::string> missing_not_null, extra, mismatched;
  for (const StructField& tf : table->fields()) {
    if (data->FieldIndex(tf.name) < 0 && !tf.nullable) {
      missing_not_null.push_back(tf.name);
    }
  }
  for (const StructField& df : data->fields()) {
    int ti = table->FieldIndex(df.name);
    if (ti < 0) {
      if (merge_schema) {
        out.emplace_back(df.name, AsNullableSchema(df.type), true);
      } else {
        extra.push_back(fmt::format("{} {}", df.name, df.type->Sql()));
      }
      continue;
    }
    StructField& tf = out[static_cast<size_t>(ti)];
    if (tf.type->SameShape(*df.type)) continue;
    int tr = IntegralRank(tf.type->id());
    int dr = IntegralRank(df.type->id());
    if (merge_schema && tr > 0 && dr > 0) {
      if (dr > tr) tf.type = df.type;  // widen the table column
      continue;
    }
    mismatched.push_back(
        fmt::format("{} (table: {}, data: {})", tf.name, tf.type->Sql(), df.type->Sql()));
  }
  if (!missing_not_null.empty() || !extra.empty() || !mismatched.empty()) {
    std::string detail;
    if (!extra.empty()) {
      detail += fmt::format("\n- columns not in the table schema: {}", Join(extra));
    }
    if (!mismatched.empty()) {
      detail += fmt::format("\n- columns with a different data type: {}", Join(mismatched));
    }
    if (!missing_not_null.empty()) {
      detail +=
          fmt::format("\n- NOT NULL columns missing from the data: {}", Join(missing_not_null));
    }
    std::string hint = merge_schema ? std::string()
                                    : std::string(
                                          "\nTo enable schema migration (adding columns, widening "
                                          "TINYINT/SMALLINT/INT), set the option 'mergeSchema' to "
                                          "'true'. To replace the schema on overwrite, set "
                                          "'overwriteSchema' to 'true'.");
    throw AnalysisError(fmt::format(
        "[DELTA_SCHEMA_MISMATCH] A schema mismatch detected when writing to the Delta table {}."
        "{}\nTable schema: {}\nData schema: {}{}",
        table_path, detail, table->ToDdl(), data->ToDdl(), hint));
  }
  return StructType(std::move(out));
}

RecordBatchPtr AlignBatchToDeltaSchema(const RecordBatchPtr& batch, const TypePtr& target,
                                       const EvalContext& ctx) {
  const TypePtr& src = batch->schema();
  std::vector<VectorPtr> cols;
  cols.reserve(target->fields().size());
  for (const StructField& tf : target->fields()) {
    int si = src->FieldIndex(tf.name);
    VectorPtr col;
    if (si < 0) {
      col = Vector::MakeNull(tf.type, batch->num_rows());
    } else {
      col = batch->column(static_cast<size_t>(si));
      if (!col->type()->SameShape(*tf.type)) col = CastVector(col, tf.type, ctx);
    }
    if (!tf.nullable && col->MayHaveNulls() && col->CountNulls() > 0) {
      throw ExecutionError(fmt::format(
          "[DELTA_NOT_NULL_CONSTRAINT_VIOLATED] NOT NULL constraint violated for column: {}.",
          tf.name));
    }
    cols.push_back(std::move(col));
  }
  return RecordBatch::Make(target, std::move(cols), batch->num_rows());
}

}  // namespace sluice
