// State schema metadata: what each stateful operator of a query keeps in its stores, recorded at
// <checkpoint>/state/<op>/_metadata/schema (JSON: operator id and name, key and value schema DDL)
// and checked when a query restarts on the checkpoint, so that an incompatible change of the query
// (other keys, aggregates or stateful operators) fails at start with an error naming the change
// instead of misreading state.
#pragma once

#include <string>
#include <vector>

#include "sluice/types.h"

namespace sluice {

struct StateSchemaInfo {
  int op = 0;
  std::string operator_name;  // as in progress: "stateStoreSave", "dedupe", ...
  TypePtr key_schema;         // STRUCT, user-facing field names
  TypePtr value_schema;       // STRUCT
};

/// "name TYPE, name2 TYPE2", for messages (names unquoted: "count(1) BIGINT").
std::string StateSchemaDdl(const TypePtr& schema);

/// Checks `ops` against the metadata under `state_dir` and records metadata missing for an
/// operator. If `has_committed_batches` is false the checkpoint holds no state yet and existing
/// metadata is replaced. Throws AnalysisError naming the checkpoint and what changed:
/// [STREAMING_STATEFUL_OPERATOR_NOT_MATCH_IN_STATE_METADATA] for a different set of stateful
/// operators, [STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE] / [STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE]
/// for changed keys or values (types compared field by field; names may change).
void ValidateStateSchemas(const std::string& state_dir, const std::string& checkpoint,
                          const std::vector<StateSchemaInfo>& ops, bool has_committed_batches);

}  // namespace sluice
