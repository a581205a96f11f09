// GroupStateSpec: the user function and settings of a (flat)mapGroupsWithState plan node.
#pragma once

#include <functional>
#include <vector>

#include "plan/output_mode.h"
#include "sluice/group_state.h"
#include "sluice/row.h"

namespace sluice {

/// Called once per key with new rows, and once per timed-out key (no rows, hasTimedOut()).
using GroupsWithStateFunction = std::function<std::vector<Row>(
    const Row& key, const std::vector<Row>& values, GroupStateHandle& state)>;

struct GroupStateSpec {
  GroupsWithStateFunction fn;
  OutputMode function_output_mode = OutputMode::kUpdate;
  GroupStateTimeout timeout = GroupStateTimeout::NoTimeout;
  bool is_map = false;  // mapGroupsWithState
};

}  // namespace sluice
