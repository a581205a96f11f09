// LogicalPlan: the relational operator tree built by the SQL parser and the DataFrame API, and
// resolved in place of a copy by the analyzer (src/plan/analyzer.h).
//
// Unresolved plans refer to relations by name (kUnresolvedRelation) and hold unresolved Exprs. The
// analyzer replaces relations by kSource/kLocalRelation nodes, binds every expression to its child's
// output and fills `output` for every node.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "expr/expression.h"
#include "sluice/types.h"

namespace sluice {

enum class PlanKind : uint8_t {
  kUnresolvedRelation,  // `name_parts`: a view/table name, or {format, path} for json.`/p` tables
  kInlineTable,         // VALUES: `rows` of literal expressions; `column_names` (may be empty)
  kProject,             // SELECT list: `exprs` over children[0]
  kFilter,              // WHERE / HAVING: `condition` over children[0]
  kAggregate,           // GROUP BY `group_by`; output list `exprs` (may contain aggregate calls)
  kJoin,                // children[0] JOIN children[1]: `join_type`, `condition` (may be null),
                        // `using_columns`
  kUnion,               // UNION ALL of children (UNION DISTINCT: `distinct` = true)
  kSort,                // ORDER BY `exprs` (kSortOrder nodes)
  kLimit,               // LIMIT `limit`
  kDistinct,            // SELECT DISTINCT
  kSubqueryAlias,       // children[0] AS `alias` [(column_names)]
  kWatermark,           // WATERMARK `exprs[0]` [AS `alias`] DELAY OF `delay_micros`
  kWith,                // WITH ctes: `ctes` (name, plan) visible in children[0]
  kTableFunction,       // `name`(`exprs`) in FROM, e.g. read_kafka(...); named args as kAlias
  kDeduplicate,         // dropDuplicates(`column_names`) (all columns if empty);
                        // `within_watermark` for dropDuplicatesWithinWatermark
  kSource,              // resolved relation: `source` (batch or streaming), `output`
  kLocalRelation,       // resolved in-memory rows: `local_rows`
  kFlatMapGroupsWithState,  // resolved: `group_by` keys, `group_state` function; output given
  kWindowExpand,        // resolved: each row of children[0] once per time window containing
                        // `exprs[0]` (window_micros / slide_micros / window_start_micros), with
                        // the window STRUCT<start, end> appended as the last column
};

enum class JoinType : uint8_t { kInner, kLeftOuter, kRightOuter, kFullOuter, kLeftSemi, kLeftAnti, kCross };

/// Parses "inner", "left", "leftouter", "left_outer", "right", "full", "outer", "fullouter",
/// "semi", "leftsemi", "left_semi", "anti", "leftanti", "cross" (case-insensitive, as PySpark).
JoinType ParseJoinType(const std::string& how);
std::string JoinTypeName(JoinType t);

/// One output column of a resolved plan node.
struct Attribute {
  std::string name;
  TypePtr type;
  bool nullable = true;
  std::vector<std::string> qualifier;  // relation alias/name that can prefix the column
  /// Metadata: this column carries an event-time watermark (set by kWatermark / withWatermark).
  bool is_event_time = false;
  int64_t watermark_delay_micros = 0;
};

class RelationSource;  // src/plan/relation_source.h: a batch or streaming input bound to a plan
struct GroupStateSpec;  // src/plan/group_state_spec.h

struct LogicalPlan;
using PlanPtr = std::shared_ptr<LogicalPlan>;

struct LogicalPlan {
  PlanKind kind;
  std::vector<PlanPtr> children;

  std::vector<std::string> name_parts;             // kUnresolvedRelation
  /// kUnresolvedRelation: read options of a path table, e.g. {"versionAsOf", "3"} from
  /// `delta.`/p` VERSION AS OF 3` (time travel).
  std::vector<std::pair<std::string, std::string>> relation_options;
  std::vector<std::vector<ExprPtr>> rows;          // kInlineTable
  std::vector<std::string> column_names;           // kInlineTable, kSubqueryAlias, kDeduplicate
  std::vector<ExprPtr> exprs;                      // kProject/kAggregate output, kSort orders,
                                                   // kWatermark event time, kTableFunction args
  std::vector<ExprPtr> group_by;                   // kAggregate
  /// kAggregate, resolved: the aggregate calls (children bound to the child's output). `exprs` are
  /// then bound to the row [group_by values..., aggregate results...].
  std::vector<ExprPtr> aggregate_calls;
  ExprPtr condition;                               // kFilter, kJoin
  JoinType join_type = JoinType::kInner;           // kJoin
  std::vector<std::string> using_columns;          // kJoin USING (...) / DataFrame join on names
  bool distinct = false;                           // kUnion
  int64_t limit = -1;                              // kLimit
  std::string alias;                               // kSubqueryAlias, kWatermark column name
  std::string name;                                // kTableFunction
  int64_t delay_micros = 0;                        // kWatermark
  int64_t window_micros = 0;                       // kWindowExpand
  int64_t slide_micros = 0;                        // kWindowExpand
  int64_t window_start_micros = 0;                 // kWindowExpand
  bool within_watermark = false;                   // kDeduplicate
  bool broadcast_hint = false;                     // set by broadcast()
  std::vector<std::pair<std::string, PlanPtr>> ctes;  // kWith

  // ---- resolved ----
  std::shared_ptr<RelationSource> source;          // kSource
  std::shared_ptr<const GroupStateSpec> group_state;  // kFlatMapGroupsWithState
  std::vector<std::vector<Value>> local_rows;      // kLocalRelation
  std::vector<Attribute> output;                   // every resolved node
  bool resolved = false;
  bool is_streaming = false;                       // some leaf below is a streaming source

  explicit LogicalPlan(PlanKind k) : kind(k) {}

  /// Output as a STRUCT schema.
  TypePtr Schema() const;
  /// Indented tree rendering for explain().
  std::string ToString(int indent = 0) const;
};

PlanPtr MakePlan(PlanKind kind, std::vector<PlanPtr> children = {});

}  // namespace sluice
