#include "delta/delta_log.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "formats/parquet/parquet_reader.h"
#include "sluice/exception.h"
#include "sluice/value.h"
#include "types/ascii.h"
#include "types/datetime.h"

namespace sluice {

namespace fs = std::filesystem;
using J = nlohmann::json;

namespace {

[[noreturn]] void Unsupported(const std::string& feature, const std::string& table) {
  throw AnalysisError(fmt::format(
      "[DELTA_UNSUPPORTED_FEATURE] unsupported Delta table feature {} (table {}): Sluice cannot "
      "read this table.",
      feature, table));
}

// ---- Spark JSON schema ---------------------------------------------------------------------

TypePtr TypeFromJson(const J& j, bool physical);

TypePtr PrimitiveFromName(const std::string& name) {
  std::string n = AsciiLower(name);
  if (n == "integer") return IntegerType();
  if (n == "long") return LongType();
  if (n == "short") return ShortType();
  if (n == "byte") return ByteType();
  if (n == "boolean") return BooleanType();
  if (n == "float") return FloatType();
  if (n == "double") return DoubleType();
  if (n == "string") return StringType();
  if (n == "binary") return BinaryType();
  if (n == "date") return DateType();
  if (n == "timestamp") return TimestampType();
  if (n == "timestamp_ntz") return TimestampNTZType();
  if (n == "decimal") return DecimalType(10, 0);
  if (n.rfind("decimal(", 0) == 0 && n.back() == ')') {
    int p = 0, s = 0;
    if (std::sscanf(n.c_str(), "decimal(%d,%d)", &p, &s) == 2 ||
        std::sscanf(n.c_str(), "decimal(%d, %d)", &p, &s) == 2) {
      if (p >= 1 && p <= 38 && s >= 0 && s <= p) return DecimalType(p, s);
    }
  }
  if (n.rfind("string collate", 0) == 0) return StringType();
  throw AnalysisError(fmt::format("[DELTA_UNSUPPORTED_FEATURE] unsupported Delta table feature: "
                                  "data type '{}' in the table schema",
                                  name));
}

TypePtr StructFromJson(const J& j, bool physical) {
  if (!j.contains("fields") || !j["fields"].is_array()) {
    throw AnalysisError("Invalid Delta schema: a struct has no 'fields' array");
  }
  std::vector<StructField> fields;
  for (const J& f : j["fields"]) {
    if (!f.is_object() || !f.contains("name") || !f["name"].is_string() || !f.contains("type")) {
      throw AnalysisError("Invalid Delta schema: a field has no 'name' or 'type'");
    }
    std::string name = f["name"].get<std::string>();
    if (physical && f.contains("metadata") && f["metadata"].is_object()) {
      auto it = f["metadata"].find("delta.columnMapping.physicalName");
      if (it != f["metadata"].end() && it->is_string()) name = it->get<std::string>();
    }
    bool nullable = !f.contains("nullable") || !f["nullable"].is_boolean() || f["nullable"].get<bool>();
    fields.emplace_back(std::move(name), TypeFromJson(f["type"], physical), nullable);
  }
  return StructType(std::move(fields));
}

TypePtr TypeFromJson(const J& j, bool physical) {
  if (j.is_string()) return PrimitiveFromName(j.get<std::string>());
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) {
    throw AnalysisError("Invalid Delta schema: unexpected type " + j.dump());
  }
  std::string t = j["type"].get<std::string>();
  if (t == "struct") return StructFromJson(j, physical);
  if (t == "array") {
    bool cn = !j.contains("containsNull") || j["containsNull"].get<bool>();
    return ArrayType(TypeFromJson(j.at("elementType"), physical), cn);
  }
  if (t == "map") {
    bool vcn = !j.contains("valueContainsNull") || j["valueContainsNull"].get<bool>();
    return MapType(TypeFromJson(j.at("keyType"), physical), TypeFromJson(j.at("valueType"), physical),
                   vcn);
  }
  return PrimitiveFromName(t);
}

// ---- log listing ---------------------------------------------------------------------------

struct CheckpointFiles {
  int64_t version = -1;
  std::vector<std::string> parts;  // sorted by part number
};

struct LogListing {
  std::map<int64_t, std::string> commits;        // version -> path
  std::map<int64_t, CheckpointFiles> checkpoints;  // complete classic checkpoints only
  std::set<int64_t> v2_checkpoints;
};

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

LogListing ListLog(const fs::path& log_dir) {
  LogListing out;
  std::map<int64_t, std::map<int, std::pair<int, std::string>>> multi;  // v -> part -> (n, path)
  for (const auto& entry : fs::directory_iterator(log_dir)) {
    if (!entry.is_regular_file()) continue;
    std::string name = entry.path().filename().string();
    if (name.size() < 21 || !AllDigits(std::string_view(name).substr(0, 20)) || name[20] != '.') {
      continue;
    }
    int64_t v = std::stoll(name.substr(0, 20));
    std::string rest = name.substr(21);
    if (rest == "json") {
      out.commits[v] = entry.path().string();
    } else if (rest == "checkpoint.parquet") {
      out.checkpoints[v] = CheckpointFiles{v, {entry.path().string()}};
    } else if (rest.rfind("checkpoint.", 0) == 0) {
      // checkpoint.<i>.<n>.parquet (multi-part, 10 digits each) or checkpoint.<uuid>.{json,parquet}
      std::string mid = rest.substr(11);
      if (mid.size() == 10 + 1 + 10 + 8 && AllDigits(mid.substr(0, 10)) && mid[10] == '.' &&
          AllDigits(mid.substr(11, 10)) && mid.substr(21) == ".parquet") {
        int i = std::stoi(mid.substr(0, 10));
        int n = std::stoi(mid.substr(11, 10));
        multi[v][i] = {n, entry.path().string()};
      } else if (mid.size() > 5 && (mid.ends_with(".json") || mid.ends_with(".parquet"))) {
        out.v2_checkpoints.insert(v);
      }
    }
  }
  for (auto& [v, parts] : multi) {
    int n = parts.begin()->second.first;
    bool complete = static_cast<int>(parts.size()) == n;
    for (int i = 1; complete && i <= n; ++i) {
      auto it = parts.find(i);
      complete = it != parts.end() && it->second.first == n;
    }
    if (!complete || out.checkpoints.contains(v)) continue;
    CheckpointFiles cp{v, {}};
    for (auto& [i, p] : parts) cp.parts.push_back(p.second);
    out.checkpoints[v] = std::move(cp);
  }
  return out;
}

// ---- actions -------------------------------------------------------------------------------

// A Parquet checkpoint row value as JSON (struct -> object, map -> object, array -> array).
J ValueToJson(const Value& v) {
  if (v.is_null()) return nullptr;
  const TypePtr& t = v.type();
  switch (t->id()) {
    case TypeId::kBoolean:
      return v.GetBool();
    case TypeId::kByte:
    case TypeId::kShort:
    case TypeId::kInt:
    case TypeId::kLong:
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      return v.GetInt64();
    case TypeId::kFloat:
    case TypeId::kDouble:
      return v.GetDouble();
    case TypeId::kString:
    case TypeId::kBinary:
      return v.GetString();
    case TypeId::kStruct: {
      J o = J::object();
      const auto& fields = t->fields();
      for (size_t i = 0; i < fields.size() && i < v.children().size(); ++i) {
        o[fields[i].name] = ValueToJson(v.children()[i]);
      }
      return o;
    }
    case TypeId::kArray: {
      J a = J::array();
      for (const Value& e : v.children()) a.push_back(ValueToJson(e));
      return a;
    }
    case TypeId::kMap: {
      J o = J::object();
      for (size_t i = 0; i < v.MapSize(); ++i) {
        const Value& k = v.MapKey(i);
        o[k.is_null() ? std::string() : k.ToString()] = ValueToJson(v.MapValue(i));
      }
      return o;
    }
    default:
      return v.ToString();
  }
}

std::string PercentDecode(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

std::string ResolveDeltaDataPath(const std::string& table, const std::string& raw) {
  std::string p = raw;
  if (p.rfind("file:", 0) == 0) {
    p = p.substr(5);
    if (p.rfind("///", 0) == 0) p = p.substr(2);
    else if (p.rfind("//", 0) == 0) p = p.substr(p.find('/', 2) == std::string::npos ? p.size() : p.find('/', 2));
    return fs::path(PercentDecode(p)).lexically_normal().string();
  }
  if (p.find("://") != std::string::npos) {
    throw AnalysisError(fmt::format("Delta table {} references a non-local file {}", table, raw));
  }
  p = PercentDecode(p);
  if (!p.empty() && p[0] == '/') return fs::path(p).lexically_normal().string();
  return (fs::path(table) / p).lexically_normal().string();
}

namespace {

struct Replay {
  std::string table;
  std::optional<J> protocol;
  std::optional<J> metadata;
  // Keyed by (path, dv id): live adds; removed keys are erased.
  std::map<std::string, DeltaFile> files;
  std::map<std::string, DeltaTombstone> tombstones;  // keyed by log path
  std::map<std::string, std::pair<int64_t, std::optional<int64_t>>> txns;

  static std::string Key(const std::string& path, const J& action) {
    std::string key = path;
    if (action.contains("deletionVector") && action["deletionVector"].is_object()) {
      const J& dv = action["deletionVector"];
      key += "#";
      if (dv.contains("storageType") && dv["storageType"].is_string()) key += dv["storageType"].get<std::string>();
      if (dv.contains("pathOrInlineDv") && dv["pathOrInlineDv"].is_string()) key += dv["pathOrInlineDv"].get<std::string>();
      if (dv.contains("offset") && dv["offset"].is_number()) key += "@" + std::to_string(dv["offset"].get<int64_t>());
    }
    return key;
  }

  static std::vector<std::pair<std::string, std::optional<std::string>>> PartitionValues(const J& a) {
    std::vector<std::pair<std::string, std::optional<std::string>>> out;
    if (a.contains("partitionValues") && a["partitionValues"].is_object()) {
      for (const auto& [k, v] : a["partitionValues"].items()) {
        if (v.is_string()) out.emplace_back(k, v.get<std::string>());
        else out.emplace_back(k, std::nullopt);
      }
    }
    return out;
  }

  void Apply(const J& action, const std::string& source) {
    if (!action.is_object()) {
      throw AnalysisError(fmt::format("Corrupt Delta log file {}: an action is not a JSON object", source));
    }
    // Checkpoint rows hold every action column; a struct whose key field is NULL is absent.
    auto present = [&](const char* name, const char* key) {
      auto it = action.find(name);
      return it != action.end() && it->is_object() && it->contains(key) && !(*it)[key].is_null();
    };
    if (present("protocol", "minReaderVersion")) protocol = action["protocol"];
    if (present("metaData", "id") || present("metaData", "schemaString")) metadata = action["metaData"];
    if (present("txn", "appId")) {
      const J& t = action["txn"];
      int64_t version = t.contains("version") && t["version"].is_number() ? t["version"].get<int64_t>() : -1;
      std::optional<int64_t> last;
      if (t.contains("lastUpdated") && t["lastUpdated"].is_number()) last = t["lastUpdated"].get<int64_t>();
      if (t["appId"].is_string()) txns[t["appId"].get<std::string>()] = {version, last};
    }
    if (auto it = action.find("add"); present("add", "path")) {
      const J& a = *it;
      if (!a.contains("path") || !a["path"].is_string()) {
        throw AnalysisError(fmt::format("Corrupt Delta log file {}: an add action has no path", source));
      }
      DeltaFile f;
      f.log_path = a["path"].get<std::string>();
      f.path = ResolveDeltaDataPath(table, f.log_path);
      f.partition_values = PartitionValues(a);
      if (a.contains("size") && a["size"].is_number()) f.size = a["size"].get<int64_t>();
      if (a.contains("modificationTime") && a["modificationTime"].is_number()) {
        f.modification_time = a["modificationTime"].get<int64_t>();
      }
      if (a.contains("dataChange") && a["dataChange"].is_boolean()) f.data_change = a["dataChange"].get<bool>();
      if (a.contains("stats") && a["stats"].is_string()) f.stats = a["stats"].get<std::string>();
      f.has_deletion_vector = a.contains("deletionVector") && a["deletionVector"].is_object();
      const std::string& path_key = f.log_path;
      // An add replaces any live entry for the same path (with or without a DV).
      for (auto i = files.begin(); i != files.end();) {
        if (i->first == path_key || i->first.rfind(path_key + "#", 0) == 0) i = files.erase(i);
        else ++i;
      }
      tombstones.erase(path_key);
      files[Key(path_key, a)] = std::move(f);
    }
    if (auto it = action.find("remove"); present("remove", "path")) {
      const J& r = *it;
      if (r.contains("path") && r["path"].is_string()) {
        std::string log_path = r["path"].get<std::string>();
        files.erase(Key(log_path, r));
        DeltaTombstone t;
        t.log_path = log_path;
        t.path = ResolveDeltaDataPath(table, log_path);
        if (r.contains("deletionTimestamp") && r["deletionTimestamp"].is_number()) {
          t.deletion_timestamp = r["deletionTimestamp"].get<int64_t>();
        }
        if (r.contains("dataChange") && r["dataChange"].is_boolean()) t.data_change = r["dataChange"].get<bool>();
        if (r.contains("extendedFileMetadata") && r["extendedFileMetadata"].is_boolean()) {
          t.extended_file_metadata = r["extendedFileMetadata"].get<bool>();
        }
        t.partition_values = PartitionValues(r);
        if (r.contains("size") && r["size"].is_number()) t.size = r["size"].get<int64_t>();
        tombstones[log_path] = std::move(t);
      }
    }
  }
};

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(fmt::format("Cannot read Delta log file {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Calls fn(action) for every action of a JSON commit file.
template <typename Fn>
void ForEachCommitAction(const std::string& path, Fn&& fn) {
  std::string text = ReadWholeFile(path);
  std::istringstream lines(text);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    J j = J::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      throw AnalysisError(fmt::format("Corrupt Delta log file {}: line {} is not valid JSON", path, n));
    }
    fn(j);
  }
}

void ReadCheckpoint(const CheckpointFiles& cp, Replay* replay) {
  for (const std::string& part : cp.parts) {
    auto reader = ParquetReader::OpenFile(part);
    std::vector<StructField> wanted;
    const TypePtr& fs_schema = reader->file_schema();
    for (const char* name : {"txn", "add", "remove", "metaData", "protocol"}) {
      int idx = fs_schema->FieldIndex(name);
      if (idx >= 0) wanted.push_back(fs_schema->fields()[static_cast<size_t>(idx)]);
    }
    reader->SetReadSchema(StructType(wanted));
    for (const RecordBatchPtr& b : reader->ReadAll()) {
      for (size_t r = 0; r < b->num_rows(); ++r) {
        J action = J::object();
        for (size_t c = 0; c < b->num_columns(); ++c) {
          Value v = b->column(c)->GetValue(r);
          if (!v.is_null()) action[wanted[c].name] = ValueToJson(v);
        }
        if (!action.empty()) replay->Apply(action, part);
      }
    }
  }
}

}  // namespace

int64_t DeltaCommitTimestamp(const std::string& path) {
  std::optional<int64_t> ts;
  try {
    ForEachCommitAction(path, [&](const J& a) {
      if (ts) return;
      auto it = a.find("commitInfo");
      if (it == a.end() || !it->is_object()) return;
      for (const char* key : {"inCommitTimestamp", "timestamp"}) {
        if (it->contains(key) && (*it)[key].is_number()) {
          ts = (*it)[key].get<int64_t>();
          return;
        }
      }
    });
  } catch (const SluiceError&) {
  }
  if (ts) return *ts;
  auto ftime = fs::last_write_time(path);
  auto sys = std::chrono::file_clock::to_sys(ftime);
  return std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count();
}

namespace {

int64_t ParseTravelTimestampMillis(const std::string& text, const std::string& tz) {
  if (auto micros = ParseTimestamp(text, tz)) return *micros / 1000;
  if (auto days = ParseDate(text)) {
    if (auto micros = ParseTimestamp(text + " 00:00:00", tz)) return *micros / 1000;
    return static_cast<int64_t>(*days) * 86400000LL;
  }
  throw AnalysisError(fmt::format(
      "[DELTA_TIMESTAMP_INVALID] The provided timestamp ({}) cannot be converted to a valid "
      "timestamp.",
      text));
}

void CheckProtocol(const J& p, const std::string& table, DeltaSnapshot* s) {
  if (p.contains("minReaderVersion") && p["minReaderVersion"].is_number()) {
    s->min_reader_version = p["minReaderVersion"].get<int>();
  }
  if (p.contains("minWriterVersion") && p["minWriterVersion"].is_number()) {
    s->min_writer_version = p["minWriterVersion"].get<int>();
  }
  if (p.contains("readerFeatures") && p["readerFeatures"].is_array()) {
    for (const J& f : p["readerFeatures"]) {
      if (f.is_string()) s->reader_features.push_back(f.get<std::string>());
    }
  }
  if (s->min_reader_version < 1 || s->min_reader_version > 3) {
    throw AnalysisError(fmt::format(
        "[DELTA_INVALID_PROTOCOL_VERSION] Unsupported Delta protocol version: table {} requires "
        "reader version {} but Sluice supports reader versions 1 to 3.",
        table, s->min_reader_version));
  }
  static const std::set<std::string> kSupported = {
      "columnMapping", "timestampNtz", "deletionVectors", "vacuumProtocolCheck",
      "typeWidening", "typeWidening-preview"};
  for (const std::string& f : s->reader_features) {
    if (!kSupported.contains(f)) Unsupported(f, table);
  }
}

}  // namespace

TypePtr ParseSparkJsonSchema(const std::string& json, bool physical) {
  J j = J::parse(json, nullptr, false);
  if (j.is_discarded()) throw AnalysisError("Invalid Delta schemaString: not valid JSON");
  TypePtr t = TypeFromJson(j, physical);
  if (t->id() != TypeId::kStruct) throw AnalysisError("Invalid Delta schemaString: not a struct");
  return t;
}

DeltaTimeTravel TimeTravelFromOptions(const std::map<std::string, std::string>& options) {
  DeltaTimeTravel t;
  for (const auto& [k, v] : options) {
    std::string key = AsciiLower(k);
    if (key == "versionasof") {
      try {
        size_t used = 0;
        t.version = std::stoll(v, &used);
        if (used != v.size() || *t.version < 0) throw std::invalid_argument(v);
      } catch (const std::exception&) {
        throw AnalysisError(fmt::format("[DELTA_INVALID_TIME_TRAVEL_SPEC] versionAsOf must be a "
                                        "non-negative integer, got '{}'",
                                        v));
      }
    } else if (key == "timestampasof") {
      t.timestamp = v;
    }
  }
  if (t.version && t.timestamp) {
    throw AnalysisError(
        "[DELTA_INVALID_TIME_TRAVEL_SPEC] Cannot specify both version and timestamp when time "
        "travelling the table.");
  }
  return t;
}

DeltaSnapshot LoadDeltaSnapshot(const std::string& table_path, const DeltaTimeTravel& travel,
                                const std::string& time_zone) {
  fs::path table = fs::absolute(table_path).lexically_normal();
  std::string tstr = table.string();
  if (tstr.size() > 1 && tstr.back() == '/') tstr.pop_back();
  fs::path log_dir = fs::path(tstr) / "_delta_log";
  std::error_code ec;
  if (!fs::is_directory(log_dir, ec)) {
    if (!fs::exists(tstr, ec)) {
      throw AnalysisError(fmt::format("[PATH_NOT_FOUND] Path does not exist: file:{}. SQLSTATE: 42K03", tstr));
    }
    throw AnalysisError(fmt::format(
        "[DELTA_MISSING_DELTA_TABLE] file:{} is not a Delta table (no _delta_log directory; "
        "CONVERT TO DELTA is not supported yet).",
        tstr));
  }
  LogListing listing = ListLog(log_dir);
  if (listing.commits.empty() && listing.checkpoints.empty()) {
    throw AnalysisError(fmt::format(
        "[DELTA_MISSING_DELTA_TABLE] file:{} is not a Delta table (empty _delta_log).", tstr));
  }
  int64_t latest = -1;
  if (!listing.commits.empty()) latest = listing.commits.rbegin()->first;
  if (!listing.checkpoints.empty()) latest = std::max(latest, listing.checkpoints.rbegin()->first);
  int64_t earliest_commit = listing.commits.empty() ? latest : listing.commits.begin()->first;
  int64_t earliest_recreatable =
      (!listing.commits.empty() && earliest_commit == 0)
          ? 0
          : (listing.checkpoints.empty() ? -1 : listing.checkpoints.begin()->first);

  int64_t target = latest;
  if (travel.version) {
    target = *travel.version;
    if (target > latest || (earliest_recreatable >= 0 && target < earliest_recreatable) ||
        earliest_recreatable < 0) {
      throw AnalysisError(fmt::format(
          "[DELTA_VERSIONS_NOT_CONTIGUOUS] Cannot time travel Delta table to version {}. Available "
          "versions: [{}, {}].",
          target, std::max<int64_t>(earliest_recreatable, 0), latest));
    }
  } else if (travel.timestamp) {
    int64_t want = ParseTravelTimestampMillis(*travel.timestamp, time_zone);
    int64_t found = -1;
    int64_t latest_ts = 0;
    int64_t earliest_ts = INT64_MAX;
    for (const auto& [v, path] : listing.commits) {
      if (v < earliest_recreatable) continue;
      int64_t ts = DeltaCommitTimestamp(path);
      earliest_ts = std::min(earliest_ts, ts);
      latest_ts = std::max(latest_ts, ts);
      if (ts <= want) found = std::max(found, v);
    }
    if (found < 0) {
      throw AnalysisError(fmt::format(
          "[DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION] The provided timestamp ({}) is before "
          "the earliest version available to this table ({} ms since the epoch).",
          *travel.timestamp, earliest_ts));
    }
    if (want > latest_ts && found == latest && !listing.commits.empty()) {
      throw AnalysisError(fmt::format(
          "[DELTA_TIMESTAMP_GREATER_THAN_COMMIT] The provided timestamp ({}) is after the latest "
          "version available to this table ({} ms since the epoch).",
          *travel.timestamp, latest_ts));
    }
    target = found;
  }

  // Newest complete checkpoint at or before target.
  const CheckpointFiles* cp = nullptr;
  for (auto it = listing.checkpoints.begin(); it != listing.checkpoints.end(); ++it) {
    if (it->first <= target) cp = &it->second;
  }
  if (listing.v2_checkpoints.size() && (!cp || *listing.v2_checkpoints.rbegin() > cp->version) &&
      *listing.v2_checkpoints.begin() <= target) {
    Unsupported("v2Checkpoint", tstr);
  }
  Replay replay;
  replay.table = tstr;
  int64_t next = 0;
  if (cp) {
    ReadCheckpoint(*cp, &replay);
    next = cp->version + 1;
  }
  for (int64_t v = next; v <= target; ++v) {
    auto it = listing.commits.find(v);
    if (it == listing.commits.end()) {
      throw AnalysisError(fmt::format(
          "[DELTA_VERSIONS_NOT_CONTIGUOUS] Versions are not contiguous in the Delta log of {}: "
          "version {} is missing (needed to reach version {}).",
          tstr, v, target));
    }
    ForEachCommitAction(it->second, [&](const J& a) { replay.Apply(a, it->second); });
  }

  DeltaSnapshot s;
  s.table_path = tstr;
  s.version = target;
  if (!replay.protocol) {
    throw AnalysisError(fmt::format(
        "[DELTA_STATE_RECOVER_ERROR] The protocol of the Delta table {} could not be recovered "
        "while reconstructing version {}: no protocol action found.",
        tstr, target));
  }
  if (!replay.metadata) {
    throw AnalysisError(fmt::format(
        "[DELTA_STATE_RECOVER_ERROR] The metadata of the Delta table {} could not be recovered "
        "while reconstructing version {}: no metaData action found.",
        tstr, target));
  }
  CheckProtocol(*replay.protocol, tstr, &s);
  const J& md = *replay.metadata;
  if (md.contains("configuration") && md["configuration"].is_object()) {
    for (const auto& [k, v] : md["configuration"].items()) {
      if (v.is_string()) s.configuration[k] = v.get<std::string>();
    }
  }
  if (md.contains("partitionColumns") && md["partitionColumns"].is_array()) {
    for (const J& c : md["partitionColumns"]) {
      if (c.is_string()) s.partition_columns.push_back(c.get<std::string>());
    }
  }
  if (auto it = s.configuration.find("delta.columnMapping.mode"); it != s.configuration.end()) {
    s.column_mapping_mode = AsciiLower(it->second);
  }
  if (s.column_mapping_mode != "none" && s.column_mapping_mode != "name" &&
      s.column_mapping_mode != "id") {
    Unsupported("columnMapping mode '" + s.column_mapping_mode + "'", tstr);
  }
  if (!md.contains("schemaString") || !md["schemaString"].is_string()) {
    throw AnalysisError(fmt::format("Corrupt Delta table {}: metaData has no schemaString", tstr));
  }
  s.schema_string = md["schemaString"].get<std::string>();
  s.schema = ParseSparkJsonSchema(s.schema_string, false);
  s.physical_schema = ParseSparkJsonSchema(s.schema_string, s.column_mapping_mode != "none");
  s.protocol_json = replay.protocol->dump();
  s.metadata_json = md.dump();
  if (md.contains("id") && md["id"].is_string()) s.table_id = md["id"].get<std::string>();
  const J& proto = *replay.protocol;
  if (proto.contains("writerFeatures") && proto["writerFeatures"].is_array()) {
    for (const J& f : proto["writerFeatures"]) {
      if (f.is_string()) s.writer_features.push_back(f.get<std::string>());
    }
  }
  s.app_transactions = std::move(replay.txns);
  for (auto& [key, t] : replay.tombstones) s.tombstones.push_back(std::move(t));
  for (auto& [key, f] : replay.files) {
    if (f.has_deletion_vector) Unsupported("deletionVectors (a data file has a deletion vector)", tstr);
    s.files.push_back(std::move(f));
  }
  std::sort(s.files.begin(), s.files.end(),
            [](const DeltaFile& a, const DeltaFile& b) { return a.path < b.path; });
  return s;
}

std::string DeltaCommitFileName(int64_t version) { return fmt::format("{:020d}.json", version); }

std::map<int64_t, std::string> ListDeltaCommits(const std::string& table_path) {
  fs::path log_dir = fs::path(table_path) / "_delta_log";
  std::error_code ec;
  if (!fs::is_directory(log_dir, ec)) return {};
  return ListLog(log_dir).commits;
}

std::optional<int64_t> LatestDeltaVersion(const std::string& table_path) {
  fs::path log_dir = fs::path(table_path) / "_delta_log";
  std::error_code ec;
  if (!fs::is_directory(log_dir, ec)) return std::nullopt;
  LogListing listing = ListLog(log_dir);
  std::optional<int64_t> latest;
  if (!listing.commits.empty()) latest = listing.commits.rbegin()->first;
  if (!listing.checkpoints.empty()) {
    latest = std::max(latest.value_or(-1), listing.checkpoints.rbegin()->first);
  }
  return latest;
}

std::vector<std::string> ReadDeltaCommitLines(const std::string& commit_path) {
  std::vector<std::string> out;
  ForEachCommitAction(commit_path, [&](const J& a) { out.push_back(a.dump()); });
  return out;
}

}  // namespace sluice
