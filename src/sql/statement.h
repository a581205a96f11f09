// Statement: one parsed statement of a SQL script (see ParseStatements in src/sql/parser.h).
//
// A script is split on `;` outside strings, quoted identifiers and comments; empty statements are
// dropped. Plain value type; thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "plan/logical_plan.h"

namespace sluice {

enum class StatementKind : uint8_t {
  kQuery,       // a query: `plan`
  kCreateView,  // CREATE [OR REPLACE] [GLOBAL] TEMP[ORARY] VIEW `view_name` [(column_names)] AS
                // plan
  kSet,         // SET [key [= value]]
  kExplain,     // EXPLAIN [EXTENDED] query: `plan`, `extended`
  kOther,       // reserved for statements Sluice does not interpret (not produced yet)
  // Delta table maintenance; `table` names the table (delta.`/path` or '/path').
  kDeltaOptimize,    // OPTIMIZE table [WHERE where] [ZORDER BY (zorder_by)]
  kDeltaVacuum,      // VACUUM table [RETAIN retain_hours HOURS] [DRY RUN]
  kDescribeHistory,  // DESC[RIBE] HISTORY table [LIMIT limit]
};

struct Statement {
  StatementKind kind = StatementKind::kQuery;
  /// The original statement text, trimmed, without the terminating `;`.
  std::string text;

  /// kQuery, kCreateView, kExplain: the unresolved query plan.
  PlanPtr plan;

  // ---- kCreateView ----
  std::string view_name;
  /// Optional column aliases `CREATE VIEW v (a, b) AS ...`; empty if none.
  std::vector<std::string> column_names;
  bool replace = false;  // OR REPLACE
  bool global = false;   // GLOBAL TEMPORARY

  // ---- kSet ----
  /// `SET key=value`: key and value as written, trimmed. `SET key` gives has_value = false and an
  /// empty value; a bare `SET` gives an empty key too.
  std::string key;
  std::string value;
  bool has_value = false;

  // ---- kExplain ----
  bool extended = false;  // EXPLAIN EXTENDED

  // ---- kDeltaOptimize, kDeltaVacuum, kDescribeHistory ----
  /// The table: {"delta", "/path"} for delta.`/path`, or {"/path"} for a quoted path string.
  std::vector<std::string> table;
  bool table_is_path_string = false;
  ExprPtr where;                       ///< OPTIMIZE ... WHERE (unresolved), or null
  std::string where_text;              ///< the WHERE predicate as written
  std::vector<std::string> zorder_by;  ///< OPTIMIZE ... ZORDER BY (a, b)
  bool has_retain = false;             ///< VACUUM ... RETAIN n HOURS
  double retain_hours = 0;
  bool dry_run = false;                ///< VACUUM ... DRY RUN
  int64_t limit = -1;                  ///< DESCRIBE HISTORY ... LIMIT n (-1: none)
};

}  // namespace sluice
