#include "state/state_schema.h"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>

#include "platform/file_system.h"
#include "sluice/exception.h"

namespace sluice {

namespace {

struct Recorded {
  std::string operator_name;
  std::string key_ddl;
  std::string value_ddl;
  std::vector<std::string> key_types;
  std::vector<std::string> value_types;
};

std::vector<std::string> FieldTypes(const TypePtr& schema) {
  std::vector<std::string> out;
  for (const auto& f : schema->fields()) out.push_back(f.type->Sql());
  return out;
}

std::string OperatorList(const std::map<int, std::string>& ops) {
  std::string s = "[";
  bool first = true;
  for (const auto& [id, name] : ops) {
    s += fmt::format("{}(OperatorId: {} -> OperatorName: {})", first ? "" : ", ", id, name);
    first = false;
  }
  return s + "]";
}

std::string SchemaPath(const std::string& state_dir, int op) {
  return fmt::format("{}/{}/_metadata/schema", state_dir, op);
}

}  // namespace

std::string StateSchemaDdl(const TypePtr& schema) {
  std::string s;
  for (const auto& f : schema->fields()) {
    if (!s.empty()) s += ", ";
    s += f.name + " " + f.type->Sql();
  }
  return s;
}

void ValidateStateSchemas(const std::string& state_dir, const std::string& checkpoint,
                          const std::vector<StateSchemaInfo>& ops, bool has_committed_batches) {
  // Metadata recorded in the checkpoint, by operator id.
  std::map<int, Recorded> recorded;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(state_dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit) || name.size() > 9) continue;
    int id = std::stoi(name);
    std::string path = SchemaPath(state_dir, id);
    if (!Exists(path)) continue;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(ReadFile(path));
      Recorded r;
      r.operator_name = j.at("operatorName").get<std::string>();
      r.key_ddl = j.at("keySchema").get<std::string>();
      r.value_ddl = j.at("valueSchema").get<std::string>();
      r.key_types = j.at("keyTypes").get<std::vector<std::string>>();
      r.value_types = j.at("valueTypes").get<std::vector<std::string>>();
      recorded[id] = std::move(r);
    } catch (const nlohmann::json::exception& ex) {
      throw IoError(fmt::format("corrupt state schema file {}: {}", path, ex.what()));
    }
  }
  if (has_committed_batches && !recorded.empty()) {
    std::map<int, std::string> before, now;
    for (const auto& [id, r] : recorded) before[id] = r.operator_name;
    for (const auto& o : ops) now[o.op] = o.operator_name;
    if (before != now) {
      throw AnalysisError(fmt::format(
          "[STREAMING_STATEFUL_OPERATOR_NOT_MATCH_IN_STATE_METADATA] Streaming stateful operators "
          "do not match the operators in the state metadata of the checkpoint at {}; this happens "
          "when stateful operators are added, removed or changed in an existing streaming query. "
          "Stateful operators in the metadata: {}; stateful operators in the current query: {}. "
          "Use a new checkpoint location.",
          checkpoint, OperatorList(before), OperatorList(now)));
    }
    for (const auto& o : ops) {
      const Recorded& r = recorded[o.op];
      if (r.key_types != FieldTypes(o.key_schema)) {
        throw AnalysisError(fmt::format(
            "[STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE] The state of the checkpoint at {} is "
            "incompatible with this query: operator {} ({}): key schema was `{}`, now `{}`. Use a "
            "new checkpoint location or change the query back.",
            checkpoint, o.op, o.operator_name, r.key_ddl, StateSchemaDdl(o.key_schema)));
      }
      if (r.value_types != FieldTypes(o.value_schema)) {
        throw AnalysisError(fmt::format(
            "[STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE] The state of the checkpoint at {} is "
            "incompatible with this query: operator {} ({}): value schema was `{}`, now `{}`. Use "
            "a new checkpoint location or change the query back.",
            checkpoint, o.op, o.operator_name, r.value_ddl, StateSchemaDdl(o.value_schema)));
      }
    }
  }
  for (const auto& o : ops) {
    if (has_committed_batches && recorded.count(o.op)) continue;
    nlohmann::json j = {{"version", 1},
                        {"operatorId", o.op},
                        {"operatorName", o.operator_name},
                        {"keySchema", StateSchemaDdl(o.key_schema)},
                        {"valueSchema", StateSchemaDdl(o.value_schema)},
                        {"keyTypes", FieldTypes(o.key_schema)},
                        {"valueTypes", FieldTypes(o.value_schema)}};
    std::string dir = fmt::format("{}/{}/_metadata", state_dir, o.op);
    MakeDirs(dir);
    WriteFileAtomic(SchemaPath(state_dir, o.op), j.dump());
  }
}

}  // namespace sluice
