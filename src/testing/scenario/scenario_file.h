// ScenarioFile: a parsed streaming scenario (`.stest`), the script format of Sluice's semantic test
// harness. The format is specified in ../shared/scenarios/FORMAT.md: directives separated by blank
// lines, `#` comment lines, rows as TAB-separated values (after `----` for checks).
//
// Parsing is purely textual: row values stay text (they are typed against the stream's or sink's
// schema when the runner executes the step, see value_text.h), SQL and DataFrame scripts stay text.
// Every directive keeps the line it started on, so failures can name `file:line`.
//
// Thread-compatible: a ScenarioFile is a plain value.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::scenario {

/// A malformed scenario file or an invalid step; the message starts with "file:line: ".
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(const std::string& message) : std::runtime_error(message) {}
};

enum class DirectiveKind {
  kConf,          // conf KEY VALUE
  kStream,        // stream NAME (COL TYPE, ...)
  kTable,         // table NAME (COL TYPE, ...) + rows
  kQuery,         // query Q MODE [TRIGGER] + SQL lines
  kDataFrame,     // dataframe Q MODE [TRIGGER] + script lines
  kAdd,           // add NAME + rows
  kCheck,         // check Q + ---- + rows
  kCheckOrdered,  // check-ordered Q + ---- + rows
  kCheckAll,      // check-all Q + ---- + rows
  kAdvanceClock,  // advance-clock DURATION
  kRestart,       // restart Q
  kMetric,        // metric Q PATH VALUE
  kMetricData,    // metric-data Q PATH VALUE
  kMetricSum,     // metric-sum Q PATH VALUE
  kError,         // error Q SUBSTRING
  kExpectFail,    // expect-fail Q SUBSTRING
};

/// The directive's keyword as written in files ("check-ordered").
std::string_view DirectiveKeyword(DirectiveKind kind);

enum class TriggerKind { kDefault, kProcessingTime, kOnce, kAvailableNow };

/// One row of values as written: cells split at TABs, escapes not yet resolved.
struct RowText {
  int line = 0;
  std::vector<std::string> cells;
};

/// One line of a query body (SQL or DataFrame script) with its line number.
struct BodyLine {
  int line = 0;
  std::string text;
};

struct Directive {
  DirectiveKind kind = DirectiveKind::kConf;
  int line = 0;             // line of the directive keyword (1-based)
  std::string header;       // the directive's first line, as written (for messages)
  std::string name;         // conf key; stream/table/query name
  std::string value;        // conf value; metric expected value; error/expect-fail substring
  std::string schema_ddl;   // stream/table: the text between the parentheses
  std::string output_mode;  // query/dataframe: "append", "update" or "complete" (lower case)
  TriggerKind trigger = TriggerKind::kDefault;
  int64_t micros = 0;       // processing-time interval; advance-clock duration
  std::string metric_path;  // metric*: dotted path in the progress JSON
  std::vector<BodyLine> body;           // query/dataframe lines
  std::vector<RowText> rows;            // table/add/check* rows
  std::vector<std::string> expected_errors;  // query/dataframe: the `error` directives after it
};

struct ScenarioFile {
  std::string path;
  std::string name;         // from `# name:`, may be empty
  std::string description;  // from `# description:` (continuation comment lines joined)
  std::vector<Directive> directives;

  /// "path:line".
  std::string Where(int line) const { return path + ":" + std::to_string(line); }
};

/// Parses scenario text. `path` is used in messages only. Throws ScenarioError ("path:line: ...")
/// for unknown directives and malformed ones. `error` directives are folded into the preceding
/// query/dataframe directive of the same query (they must follow it directly) and also kept in
/// `directives` in order.
ScenarioFile ParseScenario(std::string_view text, const std::string& path);

/// Reads and parses a file; throws ScenarioError if it cannot be read or parsed.
ScenarioFile ParseScenarioFile(const std::string& path);

/// Parses a duration as FORMAT.md writes them: "<n> <unit>" or "<n><unit>" with unit in ms, s,
/// second(s), minute(s), hour(s), day(s) (also millisecond(s), sec, min, h, d). Returns microseconds;
/// throws std::invalid_argument for anything else.
int64_t ParseScenarioDuration(std::string_view text);

}  // namespace sluice::scenario
