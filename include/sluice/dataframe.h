// DataFrame: a lazily evaluated relational query, batch or streaming (PySpark's DataFrame).
// Transformations return new DataFrames and are checked at once (AnalysisError at the wrong call,
// as PySpark reports it); actions (collect, count, show) run batch queries and are rejected on
// streaming DataFrames. Streaming DataFrames are started with writeStream().
//
// Thread-compatible: a DataFrame is an immutable value and may be shared between threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sluice/column.h"
#include "sluice/group_state.h"
#include "sluice/row.h"
#include "sluice/types.h"

namespace sluice {

struct LogicalPlan;
class SessionState;
class DataStreamWriter;
class DataFrameWriter;
class GroupedData;
class KeyValueGroupedData;

class DataFrame {
 public:
  DataFrame(std::shared_ptr<SessionState> session, std::shared_ptr<LogicalPlan> plan);

  // ---- transformations ----
  DataFrame select(const std::vector<Column>& cols) const;
  DataFrame select(const std::vector<std::string>& names) const;
  template <typename... Cols>
  DataFrame select(const Column& first, const Cols&... rest) const {
    return select(std::vector<Column>{first, rest...});
  }
  DataFrame selectExpr(const std::vector<std::string>& exprs) const;
  DataFrame filter(const Column& condition) const;
  DataFrame filter(const std::string& condition) const;
  DataFrame where(const Column& condition) const { return filter(condition); }
  DataFrame where(const std::string& condition) const { return filter(condition); }
  DataFrame withColumn(const std::string& name, const Column& c) const;
  DataFrame withColumns(const std::map<std::string, Column>& cols) const;
  DataFrame withColumnRenamed(const std::string& existing, const std::string& renamed) const;
  DataFrame drop(const std::vector<std::string>& names) const;
  DataFrame drop(const std::string& name) const { return drop(std::vector<std::string>{name}); }
  DataFrame alias(const std::string& alias) const;
  GroupedData groupBy(const std::vector<Column>& cols) const;
  GroupedData groupBy(const std::vector<std::string>& names) const;
  template <typename... Cols>
  GroupedData groupBy(const Column& first, const Cols&... rest) const;
  DataFrame agg(const std::vector<Column>& aggs) const;
  /// Groups rows by key for arbitrary stateful processing ((flat)mapGroupsWithState). The key given
  /// to the function is a Row of the key columns; the values are whole input rows.
  KeyValueGroupedData groupByKey(const std::vector<Column>& keys) const;
  DataFrame join(const DataFrame& other, const Column& on, const std::string& how = "inner") const;
  DataFrame join(const DataFrame& other, const std::vector<std::string>& on,
                 const std::string& how = "inner") const;
  DataFrame join(const DataFrame& other, const std::string& on,
                 const std::string& how = "inner") const {
    return join(other, std::vector<std::string>{on}, how);
  }
  DataFrame crossJoin(const DataFrame& other) const;
  DataFrame union_(const DataFrame& other) const;
  DataFrame unionAll(const DataFrame& other) const { return union_(other); }
  DataFrame unionByName(const DataFrame& other, bool allow_missing_columns = false) const;
  DataFrame distinct() const;
  DataFrame dropDuplicates(const std::vector<std::string>& subset = {}) const;
  DataFrame dropDuplicatesWithinWatermark(const std::vector<std::string>& subset = {}) const;
  DataFrame orderBy(const std::vector<Column>& cols) const;
  DataFrame orderBy(const std::vector<std::string>& names) const;
  DataFrame sort(const std::vector<Column>& cols) const { return orderBy(cols); }
  DataFrame limit(int64_t n) const;
  /// Declares `event_time_col` as event time with the given delay ("10 minutes").
  DataFrame withWatermark(const std::string& event_time_col, const std::string& delay) const;
  /// df.transform(f) == f(df).
  DataFrame transform(const std::function<DataFrame(const DataFrame&)>& fn) const {
    return fn(*this);
  }
  /// Marks this DataFrame for broadcast in joins (functions::broadcast).
  DataFrame hintBroadcast() const;

  // ---- metadata ----
  bool isStreaming() const;
  TypePtr schema() const;
  std::vector<std::string> columns() const;
  /// Spark's tree rendering of the schema ("root\n |-- user: string (nullable = true)").
  std::string schemaTreeString() const;
  void printSchema() const;
  std::string explainString(bool extended = false) const;
  void explain(bool extended = false) const;

  // ---- actions (batch only) ----
  std::vector<Row> collect() const;
  int64_t count() const;
  std::vector<Row> take(int64_t n) const;
  /// Spark's show() table; returns what it prints.
  std::string showString(int num_rows = 20, int truncate = 20) const;
  void show(int num_rows = 20, int truncate = 20) const;
  void createOrReplaceTempView(const std::string& name) const;
  void createTempView(const std::string& name) const;

  DataFrameWriter write() const;
  DataStreamWriter writeStream() const;

  const std::shared_ptr<LogicalPlan>& plan() const { return plan_; }
  const std::shared_ptr<SessionState>& session_state() const { return session_; }

 private:
  DataFrame WithPlan(std::shared_ptr<LogicalPlan> plan) const;

  std::shared_ptr<SessionState> session_;
  std::shared_ptr<LogicalPlan> plan_;  // analyzed (resolved)
};

/// df.groupBy(...): aggregation builder (PySpark's GroupedData).
class GroupedData {
 public:
  GroupedData(DataFrame df, std::vector<Column> keys) : df_(std::move(df)), keys_(std::move(keys)) {}
  DataFrame agg(const std::vector<Column>& aggs) const;
  template <typename... Cols>
  DataFrame agg(const Column& first, const Cols&... rest) const {
    return agg(std::vector<Column>{first, rest...});
  }
  DataFrame count() const;
  DataFrame sum(const std::vector<std::string>& names) const;
  DataFrame avg(const std::vector<std::string>& names) const;
  DataFrame min(const std::vector<std::string>& names) const;
  DataFrame max(const std::vector<std::string>& names) const;

 private:
  DataFrame df_;
  std::vector<Column> keys_;
};

template <typename... Cols>
GroupedData DataFrame::groupBy(const Column& first, const Cols&... rest) const {
  return groupBy(std::vector<Column>{first, rest...});
}

/// df.groupByKey(...) (Spark's KeyValueGroupedDataset).
class KeyValueGroupedData {
 public:
  KeyValueGroupedData(DataFrame df, std::vector<Column> keys) : df_(std::move(df)), keys_(std::move(keys)) {}

  /// One output row per call. The query must use the update output mode (as Spark).
  /// Example: grouped.mapGroupsWithState<int64_t>(fn, ParseSchema("user STRING, n BIGINT"),
  ///                                              GroupStateTimeout::ProcessingTimeTimeout)
  template <typename S>
  DataFrame mapGroupsWithState(
      std::function<Row(const Row& key, const std::vector<Row>& values, GroupState<S>& state)> fn,
      const TypePtr& output_schema, GroupStateTimeout timeout = GroupStateTimeout::NoTimeout) const {
    return Apply(
        [fn](const Row& k, const std::vector<Row>& v, GroupStateHandle& h) {
          GroupState<S> s(h);
          return std::vector<Row>{fn(k, v, s)};
        },
        output_schema, "update", timeout, /*is_map=*/true);
  }

  /// Any number of output rows per call; `output_mode` ("append" or "update") is the function's.
  template <typename S>
  DataFrame flatMapGroupsWithState(
      const std::string& output_mode, GroupStateTimeout timeout,
      std::function<std::vector<Row>(const Row& key, const std::vector<Row>& values, GroupState<S>& state)> fn,
      const TypePtr& output_schema) const {
    return Apply(
        [fn](const Row& k, const std::vector<Row>& v, GroupStateHandle& h) {
          GroupState<S> s(h);
          return fn(k, v, s);
        },
        output_schema, output_mode, timeout, /*is_map=*/false);
  }

 private:
  DataFrame Apply(std::function<std::vector<Row>(const Row&, const std::vector<Row>&, GroupStateHandle&)> fn,
                  const TypePtr& output_schema, const std::string& output_mode,
                  GroupStateTimeout timeout, bool is_map) const;

  DataFrame df_;
  std::vector<Column> keys_;
};

/// df.write(): batch output (PySpark's DataFrameWriter).
class DataFrameWriter {
 public:
  explicit DataFrameWriter(DataFrame df) : df_(std::move(df)) {}
  DataFrameWriter& format(const std::string& source) &;
  DataFrameWriter&& format(const std::string& a0) && { return std::move(format(a0)); }
  /// "append", "overwrite", "error"/"errorifexists" (default), "ignore".
  DataFrameWriter& mode(const std::string& save_mode) &;
  DataFrameWriter&& mode(const std::string& a0) && { return std::move(mode(a0)); }
  DataFrameWriter& option(const std::string& key, const std::string& value) &;
  DataFrameWriter&& option(const std::string& a0, const std::string& a1) && { return std::move(option(a0, a1)); }
  DataFrameWriter& option(const std::string& key, const char* value) & { return option(key, std::string(value)); }
  DataFrameWriter&& option(const std::string& a0, const char* a1) && { return std::move(option(a0, a1)); }
  DataFrameWriter& options(const std::map<std::string, std::string>& opts) &;
  DataFrameWriter&& options(const std::map<std::string, std::string>& a0) && { return std::move(options(a0)); }
  DataFrameWriter& partitionBy(const std::vector<std::string>& cols) &;
  DataFrameWriter&& partitionBy(const std::vector<std::string>& a0) && { return std::move(partitionBy(a0)); }
  void save(const std::string& path);
  void json(const std::string& path) { format("json").save(path); }
  void parquet(const std::string& path) { format("parquet").save(path); }
  void csv(const std::string& path) { format("csv").save(path); }
  void text(const std::string& path) { format("text").save(path); }

 private:
  DataFrame df_;
  std::string format_ = "json";
  std::string mode_ = "errorifexists";
  std::map<std::string, std::string> options_;
  std::vector<std::string> partition_by_;
};

}  // namespace sluice
