#include "delta/delta_checkpoint.h"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "delta/delta_commit.h"
#include "formats/parquet/parquet_writer.h"
#include "platform/file_system.h"
#include "sluice/exception.h"

namespace sluice {

namespace fs = std::filesystem;
using J = nlohmann::json;

namespace {

TypePtr StrMap() { return MapType(StringType(), StringType(), true); }

TypePtr CheckpointSchema() {
  TypePtr txn = StructType({StructField("appId", StringType()), StructField("version", LongType()),
                            StructField("lastUpdated", LongType())});
  TypePtr add =
      StructType({StructField("path", StringType()), StructField("partitionValues", StrMap()),
                  StructField("size", LongType()), StructField("modificationTime", LongType()),
                  StructField("dataChange", BooleanType()), StructField("tags", StrMap()),
                  StructField("stats", StringType())});
  TypePtr remove = StructType(
      {StructField("path", StringType()), StructField("deletionTimestamp", LongType()),
       StructField("dataChange", BooleanType()), StructField("extendedFileMetadata", BooleanType()),
       StructField("partitionValues", StrMap()), StructField("size", LongType())});
  TypePtr format =
      StructType({StructField("provider", StringType()), StructField("options", StrMap())});
  TypePtr metadata =
      StructType({StructField("id", StringType()), StructField("name", StringType()),
                  StructField("description", StringType()), StructField("format", format),
                  StructField("schemaString", StringType()),
                  StructField("partitionColumns", ArrayType(StringType())),
                  StructField("configuration", StrMap()), StructField("createdTime", LongType())});
  TypePtr protocol = StructType({StructField("minReaderVersion", IntegerType()),
                                 StructField("minWriterVersion", IntegerType()),
                                 StructField("readerFeatures", ArrayType(StringType())),
                                 StructField("writerFeatures", ArrayType(StringType()))});
  return StructType({StructField("txn", txn), StructField("add", add),
                     StructField("remove", remove), StructField("metaData", metadata),
                     StructField("protocol", protocol)});
}

const TypePtr& FieldType(const TypePtr& s, const char* name) {
  return s->fields()[static_cast<size_t>(s->FieldIndex(name))].type;
}

Value Str(const J& j) {
  return j.is_string() ? Value::String(j.get<std::string>()) : Value::Null(StringType());
}
Value Long(const J& j) {
  return j.is_number() ? Value::Long(j.get<int64_t>()) : Value::Null(LongType());
}

Value StrMapValue(const J& obj) {
  if (!obj.is_object()) return Value::Null(StrMap());
  std::vector<Value> keys, values;
  for (const auto& [k, v] : obj.items()) {
    keys.push_back(Value::String(k));
    values.push_back(v.is_string() ? Value::String(v.get<std::string>())
                                   : Value::Null(StringType()));
  }
  return Value::Map(StrMap(), std::move(keys), std::move(values));
}

Value PartitionMap(const DeltaPartitionValues& pv) {
  return StrMapValue(DeltaPartitionValuesJson(pv));
}

Value StrArray(const J& arr) {
  TypePtr t = ArrayType(StringType());
  if (!arr.is_array()) return Value::Null(t);
  std::vector<Value> items;
  for (const J& e : arr) items.push_back(Str(e));
  return Value::Array(t, std::move(items));
}

// One checkpoint row with only column `col` set.
std::vector<Value> Row(const TypePtr& schema, const char* col, Value v) {
  std::vector<Value> row;
  for (const StructField& f : schema->fields()) row.push_back(Value::Null(f.type));
  row[static_cast<size_t>(schema->FieldIndex(col))] = std::move(v);
  return row;
}

}  // namespace

int64_t ParseDeltaIntervalMs(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  std::string word;
  std::vector<std::string> words;
  while (in >> word) {
    for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    words.push_back(word);
  }
  if (!words.empty() && words[0] == "interval") words.erase(words.begin());
  if (words.size() == 2) {
    try {
      size_t used = 0;
      double n = std::stod(words[0], &used);
      if (used == words[0].size() && n >= 0) {
        std::string unit = words[1];
        if (unit.ends_with("s")) unit.pop_back();
        double ms = -1;
        if (unit == "week")
          ms = n * 7 * 86400000.0;
        else if (unit == "day")
          ms = n * 86400000.0;
        else if (unit == "hour")
          ms = n * 3600000.0;
        else if (unit == "minute")
          ms = n * 60000.0;
        else if (unit == "second")
          ms = n * 1000.0;
        else if (unit == "millisecond")
          ms = n;
        if (ms >= 0) return static_cast<int64_t>(ms);
      }
    } catch (const std::exception&) {
    }
  }
  throw AnalysisError(fmt::format(
      "[DELTA_INVALID_INTERVAL] '{}' is not a valid interval for {} (expected e.g. 'interval 7 "
      "days').",
      text, key));
}

void WriteDeltaCheckpoint(const std::string& table_path, int64_t version, int64_t now_ms) {
  DeltaSnapshot s = LoadDeltaSnapshot(table_path, DeltaTimeTravel{version, {}});
  TypePtr schema = CheckpointSchema();
  std::vector<std::vector<Value>> rows;

  J protocol = J::parse(s.protocol_json);
  TypePtr pt = FieldType(schema, "protocol");
  rows.push_back(Row(schema, "protocol",
                     Value::Struct(pt, {protocol.contains("minReaderVersion")
                                            ? Value::Int(protocol["minReaderVersion"].get<int>())
                                            : Value::Null(IntegerType()),
                                        protocol.contains("minWriterVersion")
                                            ? Value::Int(protocol["minWriterVersion"].get<int>())
                                            : Value::Null(IntegerType()),
                                        StrArray(protocol.value("readerFeatures", J())),
                                        StrArray(protocol.value("writerFeatures", J()))})));

  J md = J::parse(s.metadata_json);
  TypePtr mt = FieldType(schema, "metaData");
  J fmt_obj = md.value("format", J::object());
  Value format =
      Value::Struct(FieldType(mt, "format"), {Str(fmt_obj.value("provider", J("parquet"))),
                                              StrMapValue(fmt_obj.value("options", J::object()))});
  rows.push_back(Row(schema, "metaData",
                     Value::Struct(mt, {Str(md.value("id", J())), Str(md.value("name", J())),
                                        Str(md.value("description", J())), format,
                                        Str(md.value("schemaString", J())),
                                        StrArray(md.value("partitionColumns", J::array())),
                                        StrMapValue(md.value("configuration", J::object())),
                                        Long(md.value("createdTime", J()))})));

  TypePtr tt = FieldType(schema, "txn");
  for (const auto& [app, v] : s.app_transactions) {
    rows.push_back(
        Row(schema, "txn",
            Value::Struct(tt, {Value::String(app), Value::Long(v.first),
                               v.second ? Value::Long(*v.second) : Value::Null(LongType())})));
  }
  TypePtr at = FieldType(schema, "add");
  for (const DeltaFile& f : s.files) {
    rows.push_back(Row(
        schema, "add",
        Value::Struct(
            at, {Value::String(f.log_path), PartitionMap(f.partition_values), Value::Long(f.size),
                 Value::Long(f.modification_time), Value::Boolean(false), Value::Null(StrMap()),
                 f.stats.empty() ? Value::Null(StringType()) : Value::String(f.stats)})));
  }
  int64_t retention = ParseDeltaIntervalMs(
      DeltaTableProperty(s, "delta.deletedFileRetentionDuration", "interval 1 week"),
      "delta.deletedFileRetentionDuration");
  TypePtr rt = FieldType(schema, "remove");
  for (const DeltaTombstone& t : s.tombstones) {
    if (t.deletion_timestamp < now_ms - retention) continue;  // expired
    rows.push_back(
        Row(schema, "remove",
            Value::Struct(rt, {Value::String(t.log_path), Value::Long(t.deletion_timestamp),
                               Value::Boolean(false), Value::Boolean(t.extended_file_metadata),
                               PartitionMap(t.partition_values),
                               t.size ? Value::Long(*t.size) : Value::Null(LongType())})));
  }
  RecordBatchPtr batch = RecordBatch::FromRows(schema, rows);
  ParquetWriter writer(schema, ParquetWriteOptions());
  writer.Write(batch);
  std::string content = writer.Finish();
  fs::path log_dir = fs::path(table_path) / "_delta_log";
  WriteFileAtomic(log_dir / fmt::format("{:020d}.checkpoint.parquet", version), content);
  J last = {{"version", version},
            {"size", static_cast<int64_t>(rows.size())},
            {"sizeInBytes", static_cast<int64_t>(content.size())},
            {"numOfAddFiles", static_cast<int64_t>(s.files.size())}};
  WriteFileAtomic(log_dir / "_last_checkpoint", last.dump());
}

}  // namespace sluice
