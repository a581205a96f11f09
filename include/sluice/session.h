// Session: the entry point (PySpark's SparkSession). Holds configuration (Spark's key names),
// temporary views and the streaming query manager. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sluice/dataframe.h"
#include "sluice/streaming.h"
#include "sluice/types.h"
#include "sluice/value.h"

namespace sluice {

class SessionState;
class Clock;

/// session.conf: runtime configuration by Spark's names ("spark.sql.shuffle.partitions").
class RuntimeConfig {
 public:
  explicit RuntimeConfig(std::shared_ptr<SessionState> s) : session_(std::move(s)) {}
  void set(const std::string& key, const std::string& value) const;
  void set(const std::string& key, const char* value) const { set(key, std::string(value)); }
  void set(const std::string& key, int64_t value) const { set(key, std::to_string(value)); }
  void set(const std::string& key, bool value) const { set(key, std::string(value ? "true" : "false")); }
  /// Value set or the default Sluice uses; throws AnalysisError for an unknown key without default.
  std::string get(const std::string& key) const;
  std::string get(const std::string& key, const std::string& default_value) const;
  void unset(const std::string& key) const;
  std::map<std::string, std::string> getAll() const;

 private:
  std::shared_ptr<SessionState> session_;
};

/// session.read(): batch input (PySpark's DataFrameReader).
class DataFrameReader {
 public:
  explicit DataFrameReader(std::shared_ptr<SessionState> s) : session_(std::move(s)) {}
  DataFrameReader& format(const std::string& source) &;
  DataFrameReader&& format(const std::string& a0) && { return std::move(format(a0)); }
  DataFrameReader& option(const std::string& key, const std::string& value) &;
  DataFrameReader&& option(const std::string& a0, const std::string& a1) && { return std::move(option(a0, a1)); }
  DataFrameReader& option(const std::string& key, const char* value) & { return option(key, std::string(value)); }
  DataFrameReader&& option(const std::string& a0, const char* a1) && { return std::move(option(a0, a1)); }
  DataFrameReader& option(const std::string& key, int64_t value) &;
  DataFrameReader&& option(const std::string& a0, int64_t a1) && { return std::move(option(a0, a1)); }
  DataFrameReader& option(const std::string& key, bool value) &;
  DataFrameReader&& option(const std::string& a0, bool a1) && { return std::move(option(a0, a1)); }
  DataFrameReader& options(const std::map<std::string, std::string>& opts) &;
  DataFrameReader&& options(const std::map<std::string, std::string>& a0) && { return std::move(options(a0)); }
  DataFrameReader& schema(const TypePtr& schema) &;
  DataFrameReader&& schema(const TypePtr& a0) && { return std::move(schema(a0)); }
  DataFrameReader& schema(const std::string& ddl) &;
  DataFrameReader&& schema(const std::string& a0) && { return std::move(schema(a0)); }
  DataFrame load(const std::string& path);
  DataFrame load();
  DataFrame json(const std::string& path) { return format("json").load(path); }
  DataFrame parquet(const std::string& path) { return format("parquet").load(path); }
  DataFrame csv(const std::string& path) { return format("csv").load(path); }
  DataFrame text(const std::string& path) { return format("text").load(path); }
  DataFrame table(const std::string& name) const;

 private:
  std::shared_ptr<SessionState> session_;
  std::string format_ = "json";
  std::map<std::string, std::string> options_;
  TypePtr schema_;
};

/// An in-memory streaming source fed from C++ (Spark's MemoryStream), for tests and embedding.
/// Thread-safe: addData may be called while queries read it.
class MemoryStream {
 public:
  MemoryStream(std::shared_ptr<SessionState> s, TypePtr schema, int num_partitions = 1);
  /// Appends rows (values in schema order); returns the new offset (rows so far).
  int64_t addData(const std::vector<std::vector<Value>>& rows);
  /// A streaming DataFrame over this stream.
  DataFrame toDF() const;
  const TypePtr& schema() const;
  struct Impl;

 private:
  std::shared_ptr<SessionState> session_;
  std::shared_ptr<Impl> impl_;
};

class Session {
 public:
  class Builder {
   public:
    Builder& appName(const std::string& name);
    Builder& master(const std::string& master) { return *this; }  // accepted, ignored: always local
    Builder& config(const std::string& key, const std::string& value);
    Builder& config(const std::string& key, const char* value) { return config(key, std::string(value)); }
    Builder& config(const std::string& key, int64_t value) { return config(key, std::to_string(value)); }
    Builder& config(const std::string& key, bool value) {
      return config(key, std::string(value ? "true" : "false"));
    }
    /// Uses `clock` for processing time (triggers, current_timestamp, timeouts): a ManualClock in
    /// tests. Default: the system clock.
    Builder& clock(std::shared_ptr<Clock> clock);
    /// A new session (Sluice keeps no global default session).
    Session getOrCreate();

   private:
    std::string app_name_ = "sluice";
    std::map<std::string, std::string> conf_;
    std::shared_ptr<Clock> clock_;
  };
  static Builder builder() { return Builder(); }

  explicit Session(std::shared_ptr<SessionState> state) : state_(std::move(state)) {}

  RuntimeConfig conf() const { return RuntimeConfig(state_); }
  DataFrameReader read() const { return DataFrameReader(state_); }
  DataStreamReader readStream() const { return DataStreamReader(state_); }
  StreamingQueryManager streams() const { return StreamingQueryManager(state_); }
  /// Runs one SQL statement: a query (returns its DataFrame), CREATE TEMPORARY VIEW, SET (returns
  /// key/value rows).
  DataFrame sql(const std::string& statement) const;
  DataFrame table(const std::string& name) const;
  /// A batch DataFrame from rows.
  DataFrame createDataFrame(const std::vector<std::vector<Value>>& rows, const TypePtr& schema) const;
  DataFrame createDataFrame(const std::vector<std::vector<Value>>& rows, const std::string& ddl) const;
  /// range(start, end, step) with a BIGINT column `id`.
  DataFrame range(int64_t start, int64_t end, int64_t step = 1) const;
  MemoryStream memoryStream(const TypePtr& schema, int num_partitions = 1) const;
  void dropTempView(const std::string& name) const;
  /// Stops all active queries.
  void stop() const;

  const std::shared_ptr<SessionState>& state() const { return state_; }

 private:
  std::shared_ptr<SessionState> state_;
};

}  // namespace sluice
