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
};

}  // namespace sluice
