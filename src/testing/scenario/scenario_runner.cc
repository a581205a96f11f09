#include "testing/scenario/scenario_runner.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/session_state.h"
#include "connectors/memory/memory_sink.h"
#include "platform/clock.h"
#include "sluice/sluice.h"
#include "streaming/stream_execution.h"
#include "testing/scenario/dataframe_interpreter.h"
#include "testing/scenario/dataframe_script.h"
#include "testing/scenario/value_text.h"
#include "types/ascii.h"
#include "types/datetime.h"

namespace sluice::scenario {
namespace {

using Rows = std::vector<std::vector<Value>>;

/// A failed step; the runner adds the step's location.
class StepFailure : public std::runtime_error {
 public:
  explicit StepFailure(const std::string& message) : std::runtime_error(message) {}
};

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  return AsciiLower(haystack).find(AsciiLower(needle)) != std::string::npos;
}

bool RunsContinuously(TriggerKind t) {
  return t == TriggerKind::kDefault || t == TriggerKind::kProcessingTime;
}

std::string RenderRows(const Rows& rows, std::string_view tz) {
  std::string out;
  for (const auto& row : rows) out += "    " + RenderRowText(row, tz) + "\n";
  return out;
}

std::string JoinQuoted(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", '" : "'") + parts[i] + "'";
  return out;
}

// ---------------------------------------------------------------- progress JSON metrics

// Walks a dotted path ("stateOperators.0.numRowsTotal"); numeric parts index arrays.
const nlohmann::json* FindPath(const nlohmann::json& root, const std::string& path) {
  const nlohmann::json* cur = &root;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (cur->is_object()) {
      auto it = cur->find(part);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else if (cur->is_array()) {
      if (part.empty() || !std::all_of(part.begin(), part.end(), ::isdigit)) return nullptr;
      size_t index = std::stoul(part);
      if (index >= cur->size()) return nullptr;
      cur = &(*cur)[index];
    } else {
      return nullptr;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return cur;
}

std::optional<double> ParseNumber(std::string_view text) {
  std::string s(text);
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

bool NumbersMatch(double a, double b) {
  if (a == b) return true;
  return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
}

// Compares a progress JSON value with the expected text, by the JSON value's type.
bool MetricMatches(const nlohmann::json* actual, const std::string& expected, std::string_view tz) {
  if (actual == nullptr || actual->is_null()) return expected == "NULL" || expected == "null";
  if (actual->is_boolean()) return AsciiLower(expected) == (actual->get<bool>() ? "true" : "false");
  if (actual->is_number_integer() || actual->is_number_unsigned()) {
    int64_t a = actual->is_number_unsigned() ? static_cast<int64_t>(actual->get<uint64_t>())
                                             : actual->get<int64_t>();
    char* end = nullptr;
    long long e = std::strtoll(expected.c_str(), &end, 10);
    if (!expected.empty() && end == expected.c_str() + expected.size()) return a == e;
    auto d = ParseNumber(expected);
    return d && NumbersMatch(static_cast<double>(a), *d);
  }
  if (actual->is_number()) {
    auto d = ParseNumber(expected);
    return d && NumbersMatch(actual->get<double>(), *d);
  }
  if (actual->is_string()) {
    const std::string a = actual->get<std::string>();
    if (a == expected) return true;
    auto at = ParseTimestamp(a, "UTC");
    auto et = ParseTimestamp(expected, tz);
    if (at && et) return *at == *et;
    auto an = ParseNumber(a);
    auto en = ParseNumber(expected);
    if (an && en) return NumbersMatch(*an, *en);
    return false;
  }
  try {
    return nlohmann::json::parse(expected) == *actual;
  } catch (const std::exception&) {
    return false;
  }
}

// ---------------------------------------------------------------- the run of one file

struct StreamState {
  TypePtr schema;
  Rows log;  // every row added, in order
};

struct QueryState {
  const Directive* def = nullptr;
  std::optional<DataFrameScript> script;
  std::string checkpoint;
  std::map<std::string, std::shared_ptr<MemoryStream>> inputs;  // private streams by view name
  std::map<std::string, size_t> delivered;                      // log rows delivered per stream
  std::optional<StreamingQuery> query;                          // the latest run
  TypePtr schema;                                               // from the definition
  size_t mark = 0;                                              // sink rows already checked
  bool errored = false;        // failed as its `error` directives expect
  bool error_pending = false;  // has `error` directives not satisfied yet
  std::optional<std::string> expect_fail;
  const Directive* expect_fail_def = nullptr;
  std::vector<StreamingQueryProgress> earlier;  // progress of the runs before the latest
  std::map<std::string, size_t> sum_marks;      // metric-sum: progress entries already summed
};

class ScenarioRun {
 public:
  ScenarioRun(const ScenarioFile& file, const ScenarioOptions& options)
      : file_(file), options_(options) {}

  ScenarioResult Execute() {
    ScenarioResult result;
    try {
      Setup();
      ParseScripts();
      for (const Directive& d : file_.directives) {
        step_ = &d;
        if (options_.on_step) options_.on_step(file_, d);
        Step(d);
      }
      step_ = nullptr;
      Finish();
      result.passed = true;
    } catch (const StepFailure& e) {
      result.message = e.what();
    } catch (const ScenarioError& e) {
      result.message = e.what();
    } catch (const std::exception& e) {
      result.message = std::string("unexpected error: ") + e.what();
    }
    if (!result.passed && step_ != nullptr) {
      result.step = file_.Where(step_->line) + ": " + step_->header;
    }
    Cleanup(&result);
    return result;
  }

 private:
  // ---------------------------------------------------------------- setup and teardown
  void Setup() {
    clock_ = std::make_shared<ManualClock>(0);
    Session::Builder builder = Session::builder();
    builder.appName("sluice-scenario").clock(clock_);
    // FORMAT.md: the session time zone is UTC unless a `conf` says otherwise.
    builder.config("spark.sql.session.timeZone", std::string("UTC"));
    if (options_.threads > 0) builder.config("spark.sluice.threads", std::to_string(options_.threads));
    for (const auto& [k, v] : options_.conf) builder.config(k, v);
    session_ = builder.getOrCreate();

    std::string pattern =
        (std::filesystem::temp_directory_path() / "sluice-scenario-XXXXXX").string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) throw StepFailure("cannot create a temporary directory");
    checkpoint_root_ = buf.data();
  }

  void ParseScripts() {
    for (const Directive& d : file_.directives) {
      if (d.kind != DirectiveKind::kDataFrame) continue;
      std::vector<ScriptLine> lines;
      for (const BodyLine& l : d.body) lines.push_back(ScriptLine{l.line, l.text});
      scripts_.emplace(&d, ParseDataFrameScript(lines, file_.path));
    }
  }

  void Cleanup(ScenarioResult* result) {
    for (auto& [name, q] : queries_) {
      if (!q.query) continue;
      try {
        q.query->stop();
      } catch (const std::exception&) {
        // The failure (if any) was reported by the step that saw it.
      }
    }
    queries_.clear();
    if (session_) {
      try {
        session_->stop();
      } catch (const std::exception&) {
      }
      session_.reset();
    }
    if (!checkpoint_root_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(checkpoint_root_, ec);
    }
  }

  // Checks what must hold at the end of the file.
  void Finish() {
    for (auto& [name, q] : queries_) {
      if (q.error_pending) {
        step_ = q.def;
        std::optional<std::string> error;
        if (q.query) {
          if (RunsContinuously(q.def->trigger)) q.query->execution()->AwaitIdle();
          error = q.query->exception();
        }
        if (!error) {
          throw StepFailure("expected query " + name + " to fail with an error containing " +
                            JoinQuoted(q.def->expected_errors) + ", but it did not fail");
        }
        SatisfyExpectedError(&q, *error);
      }
      if (q.expect_fail) {
        step_ = q.expect_fail_def;
        throw StepFailure("no check of " + name + " followed this expect-fail");
      }
    }
  }

  // ---------------------------------------------------------------- steps
  void Step(const Directive& d) {
    switch (d.kind) {
      case DirectiveKind::kConf:
        try {
          session_->conf().set(d.name, d.value);
        } catch (const std::exception& e) {
          throw StepFailure(std::string("conf failed: ") + e.what());
        }
        break;
      case DirectiveKind::kStream:
        streams_[d.name].schema = Schema(d);
        break;
      case DirectiveKind::kTable:
        DeclareTable(d);
        break;
      case DirectiveKind::kQuery:
      case DirectiveKind::kDataFrame:
        DefineQuery(d);
        break;
      case DirectiveKind::kAdd: {
        StreamState& s = streams_.at(d.name);
        for (const RowText& row : d.rows) s.log.push_back(ParseRow(row, s.schema));
        break;
      }
      case DirectiveKind::kCheck:
      case DirectiveKind::kCheckOrdered:
      case DirectiveKind::kCheckAll:
        Check(d);
        break;
      case DirectiveKind::kAdvanceClock:
        for (auto& [name, q] : queries_) {
          if (q.def->trigger == TriggerKind::kProcessingTime && q.query && !q.errored) Deliver(&q);
        }
        clock_->AdvanceMicros(d.micros);
        break;
      case DirectiveKind::kRestart:
        Restart(d);
        break;
      case DirectiveKind::kMetric:
      case DirectiveKind::kMetricData:
      case DirectiveKind::kMetricSum:
        Metric(d);
        break;
      case DirectiveKind::kError:
        break;  // folded into the query's directive by the parser
      case DirectiveKind::kExpectFail: {
        QueryState& q = queries_.at(d.name);
        q.expect_fail = d.value;
        q.expect_fail_def = &d;
        break;
      }
    }
  }

  TypePtr Schema(const Directive& d) {
    try {
      return ParseSchema(d.schema_ddl);
    } catch (const std::exception& e) {
      throw StepFailure("invalid column list '" + d.schema_ddl + "': " + e.what());
    }
  }

  std::string TimeZone() const {
    return session_->conf().get("spark.sql.session.timeZone", "UTC");
  }

  std::vector<Value> ParseRow(const RowText& row, const TypePtr& schema) {
    try {
      return ParseRowText(row.cells, schema, TimeZone());
    } catch (const std::invalid_argument& e) {
      throw StepFailure(file_.Where(row.line) + ": " + e.what());
    }
  }

  void DeclareTable(const Directive& d) {
    TypePtr schema = Schema(d);
    Rows rows;
    for (const RowText& row : d.rows) rows.push_back(ParseRow(row, schema));
    try {
      session_->createDataFrame(rows, schema).createOrReplaceTempView(d.name);
    } catch (const std::exception& e) {
      throw StepFailure(std::string("cannot create table ") + d.name + ": " + e.what());
    }
  }

  // Creates the query's private input streams (first time) and points the views at them.
  void RegisterInputs(QueryState* q) {
    for (const auto& [name, stream] : streams_) {
      auto it = q->inputs.find(name);
      if (it == q->inputs.end()) {
        it = q->inputs.emplace(name, std::make_shared<MemoryStream>(session_->memoryStream(stream.schema)))
                 .first;
        q->delivered[name] = 0;
      }
      it->second->toDF().createOrReplaceTempView(name);
    }
  }

  // Hands the query the rows it has not received yet: one addData per stream, with the session's
  // triggers held back so that one micro-batch sees the rows of every stream.
  void Deliver(QueryState* q) {
    SessionState& state = *session_->state();
    state.PauseTriggers();
    struct Resume {
      SessionState& s;
      ~Resume() { s.ResumeTriggers(); }
    } resume{state};
    for (auto& [name, input] : q->inputs) {
      const Rows& log = streams_.at(name).log;
      size_t& n = q->delivered[name];
      if (n >= log.size()) continue;
      Rows rows(log.begin() + static_cast<std::ptrdiff_t>(n), log.end());
      input->addData(rows);
      n = log.size();
    }
  }

  DataFrame Define(QueryState* q) {
    RegisterInputs(q);
    DataFrame df = [&] {
      if (q->def->kind == DirectiveKind::kQuery) {
        std::string sql;
        for (const BodyLine& l : q->def->body) sql += (sql.empty() ? "" : "\n") + l.text;
        while (!sql.empty() && (sql.back() == ';' || std::isspace(static_cast<unsigned char>(sql.back())))) {
          sql.pop_back();
        }
        return session_->sql(sql);
      }
      ScriptNameResolver resolve = [q](const std::string& name) -> std::optional<DataFrame> {
        auto it = q->inputs.find(name);
        if (it == q->inputs.end()) return std::nullopt;
        return it->second->toDF();
      };
      return EvaluateDataFrameScript(*q->script, *session_, resolve, file_.path);
    }();
    q->schema = df.schema();
    return df;
  }

  void Start(QueryState* q, const DataFrame& df) {
    const Directive& d = *q->def;
    if (q->query) {
      auto previous = q->query->execution()->AllProgressForTesting();
      q->earlier.insert(q->earlier.end(), previous.begin(), previous.end());
    }
    Trigger trigger = Trigger::Default();
    switch (d.trigger) {
      case TriggerKind::kDefault:
        break;
      case TriggerKind::kProcessingTime:
        trigger = Trigger::ProcessingTimeMs(d.micros / 1000);
        break;
      case TriggerKind::kOnce:
        trigger = Trigger::Once();
        break;
      case TriggerKind::kAvailableNow:
        trigger = Trigger::AvailableNow();
        break;
    }
    DataStreamWriter writer = df.writeStream();
    writer.format("memory")
        .queryName(d.name)
        .outputMode(d.output_mode)
        .option("checkpointLocation", q->checkpoint)
        .trigger(trigger);
    // Rows added before the start belong to the first batch of this run (as in Spark, where the
    // MemoryStream already holds them when the query starts).
    Deliver(q);
    q->query.reset();
    q->query = writer.start();
    q->sum_marks.clear();
    // A continuously running query takes its first trigger at once (a processing-time query at the
    // current clock time); wait for it so that rows added later are not part of it.
    if (RunsContinuously(d.trigger)) q->query->execution()->AwaitIdle();
  }

  void DefineQuery(const Directive& d) {
    QueryState& q = queries_[d.name];
    q.def = &d;
    q.checkpoint = (std::filesystem::path(checkpoint_root_) / d.name).string();
    q.error_pending = !d.expected_errors.empty();
    if (d.kind == DirectiveKind::kDataFrame) q.script = scripts_.at(&d);
    try {
      DataFrame df = Define(&q);
      if (RunsContinuously(d.trigger)) Start(&q, df);
    } catch (const ScenarioError&) {
      throw;
    } catch (const std::exception& e) {
      if (!q.error_pending) {
        throw StepFailure("query " + d.name + " failed to start: " + e.what());
      }
      SatisfyExpectedError(&q, e.what());
    }
  }

  void SatisfyExpectedError(QueryState* q, const std::string& error) {
    for (const std::string& s : q->def->expected_errors) {
      if (!ContainsIgnoreCase(error, s)) {
        throw StepFailure("query " + q->def->name + " failed, but its error does not contain '" + s +
                          "':\n    " + error);
      }
    }
    auto sink = session_->state()->FindMemorySink(q->def->name);
    if (sink && sink->ReceivedCount() > 0) {
      throw StepFailure("query " + q->def->name + " failed as expected, but " +
                        std::to_string(sink->ReceivedCount()) + " rows reached the sink");
    }
    q->errored = true;
    q->error_pending = false;
  }

  // Runs what a check runs; returns the query's failure, if any.
  std::optional<std::string> RunForCheck(QueryState* q) {
    if (q->errored) return std::nullopt;
    if (RunsContinuously(q->def->trigger)) {
      if (!q->query) throw StepFailure("query " + q->def->name + " is not running");
      Deliver(q);
      q->query->execution()->AwaitIdle();
      return q->query->exception();
    }
    Deliver(q);
    try {
      DataFrame df = Define(q);
      Start(q, df);
      q->query->awaitTermination();
    } catch (const ScenarioError&) {
      throw;
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return q->query->exception();
  }

  void Check(const Directive& d) {
    QueryState& q = queries_.at(d.name);
    std::optional<std::string> error = RunForCheck(&q);
    if (q.error_pending) {
      if (!error) {
        throw StepFailure("expected query " + d.name + " to fail with an error containing " +
                          JoinQuoted(q.def->expected_errors) +
                          " by its first micro-batch, but it did not fail");
      }
      SatisfyExpectedError(&q, *error);
    } else if (q.expect_fail) {
      if (!error) {
        throw StepFailure("expected a failure containing '" + *q.expect_fail +
                          "', but the query did not fail");
      }
      if (!ContainsIgnoreCase(*error, *q.expect_fail)) {
        throw StepFailure("expected a failure containing '" + *q.expect_fail + "', got:\n    " +
                          *error);
      }
      q.expect_fail.reset();
    } else if (error && !q.errored) {
      throw StepFailure("query " + d.name + " failed:\n    " + *error);
    }

    // The rows to compare.
    const std::string tz = TimeZone();
    Rows actual;
    TypePtr schema = q.schema;
    if (auto sink = session_->state()->FindMemorySink(d.name)) {
      if (sink->schema()) schema = sink->schema();
      Rows received = sink->ReceivedRows();
      if (d.kind == DirectiveKind::kCheckAll) {
        actual = received;
      } else if (q.def->output_mode == "complete") {
        actual = sink->AllRows();
      } else {
        size_t from = std::min(q.mark, received.size());
        actual.assign(received.begin() + static_cast<std::ptrdiff_t>(from), received.end());
      }
      q.mark = received.size();
    }
    Rows expected;
    if (!d.rows.empty()) {
      if (!schema) throw StepFailure("cannot read the expected rows: the query has no schema");
      for (const RowText& row : d.rows) expected.push_back(ParseRow(row, schema));
    }
    std::string diff;
    if (!CompareRows(expected, actual, d.kind == DirectiveKind::kCheckOrdered, &diff, tz)) {
      throw StepFailure(diff + "\n  expected (" + std::to_string(expected.size()) + " rows):\n" +
                        RenderRows(expected, tz) + "  actual (" + std::to_string(actual.size()) +
                        " rows):\n" + RenderRows(actual, tz));
    }
  }

  void Restart(const Directive& d) {
    QueryState& q = queries_.at(d.name);
    if (q.query) {
      try {
        q.query->stop();
      } catch (const std::exception&) {
        // A query that had failed rethrows nothing useful on stop.
      }
    }
    q.sum_marks.clear();
    if (!RunsContinuously(q.def->trigger)) return;  // the next check starts it
    try {
      DataFrame df = Define(&q);
      Start(&q, df);
      q.errored = false;
    } catch (const ScenarioError&) {
      throw;
    } catch (const std::exception& e) {
      throw StepFailure("restart of " + d.name + " failed: " + e.what());
    }
  }

  void Metric(const Directive& d) {
    QueryState& q = queries_.at(d.name);
    std::vector<StreamingQueryProgress> current;
    if (q.query) {
      if (RunsContinuously(q.def->trigger) && q.query->isActive()) {
        q.query->execution()->AwaitIdle();
      }
      current = q.query->execution()->AllProgressForTesting();
    }
    const std::string tz = TimeZone();
    auto describe = [&](const nlohmann::json* v) { return v ? v->dump() : std::string("(absent)"); };

    if (d.kind == DirectiveKind::kMetricSum) {
      size_t& mark = q.sum_marks[d.metric_path];
      double sum = 0;
      bool found = false;
      for (size_t i = std::min(mark, current.size()); i < current.size(); ++i) {
        nlohmann::json j = nlohmann::json::parse(current[i].json());
        const nlohmann::json* v = FindPath(j, d.metric_path);
        if (v == nullptr || v->is_null()) continue;
        if (!v->is_number()) throw StepFailure(d.metric_path + " is not numeric: " + v->dump());
        sum += v->get<double>();
        found = true;
      }
      size_t batches = current.size() - std::min(mark, current.size());
      mark = current.size();
      auto expected = ParseNumber(d.value);
      if (!expected) throw StepFailure("metric-sum expects a number, got '" + d.value + "'");
      if (!found && batches > 0 && *expected != 0) {
        throw StepFailure(d.metric_path + " is absent from the progress of the " +
                          std::to_string(batches) + " batches since the previous metric-sum");
      }
      if (!NumbersMatch(sum, *expected)) {
        throw StepFailure(d.metric_path + " summed over " + std::to_string(batches) +
                          " batches is " + nlohmann::json(sum).dump() + ", expected " + d.value);
      }
      return;
    }

    const StreamingQueryProgress* progress = nullptr;
    auto pick = [&](const std::vector<StreamingQueryProgress>& list) {
      for (auto it = list.rbegin(); it != list.rend() && progress == nullptr; ++it) {
        if (d.kind == DirectiveKind::kMetric || it->num_input_rows > 0) progress = &*it;
      }
    };
    pick(current);
    if (progress == nullptr) pick(q.earlier);
    if (progress == nullptr) {
      throw StepFailure(std::string("query ") + d.name + " has reported no " +
                        (d.kind == DirectiveKind::kMetricData ? "batch with input rows" : "progress"));
    }
    std::string json_text = progress->json();
    nlohmann::json j = nlohmann::json::parse(json_text);
    const nlohmann::json* v = FindPath(j, d.metric_path);
    if (!MetricMatches(v, d.value, tz)) {
      throw StepFailure(d.metric_path + " is " + describe(v) + ", expected " + d.value +
                        "\n  progress (batch " + std::to_string(progress->batch_id) +
                        "): " + json_text);
    }
  }

  const ScenarioFile& file_;
  const ScenarioOptions& options_;
  std::shared_ptr<ManualClock> clock_;
  std::optional<Session> session_;
  std::string checkpoint_root_;
  std::map<const Directive*, DataFrameScript> scripts_;
  std::map<std::string, StreamState> streams_;
  std::map<std::string, QueryState> queries_;
  const Directive* step_ = nullptr;
};

}  // namespace

ScenarioResult RunScenario(const ScenarioFile& file, const ScenarioOptions& options) {
  return ScenarioRun(file, options).Execute();
}

ScenarioResult RunScenarioFile(const std::string& path, const ScenarioOptions& options) {
  ScenarioFile file;
  try {
    file = ParseScenarioFile(path);
  } catch (const ScenarioError& e) {
    ScenarioResult r;
    r.message = e.what();
    return r;
  }
  return RunScenario(file, options);
}

}  // namespace sluice::scenario
