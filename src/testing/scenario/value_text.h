// Value text: the value syntax of scenario rows (../shared/scenarios/FORMAT.md), typed against a
// schema. Parses expected and input values, compares expected with actual values the way scenario
// checks do, and renders actual values in the same syntax for failure messages.
//
// Syntax: `NULL` (also `null` inside nested values); integers; decimals/doubles (`1.5`, `-2`,
// `1e3`, `NaN`, `Infinity`); strings as-is with escapes `\t` `\n` `\\`; `true`/`false`; timestamps
// `YYYY-MM-DD HH:MM:SS[.ffffff]` in the session time zone (UTC unless configured); dates
// `YYYY-MM-DD`; structs `{v1, v2}`; arrays `[a, b]`; maps `{k -> v, k2 -> v2}`.
//
// Comparison: doubles with relative tolerance 1e-9 (floats after rounding the expected value to
// float), NaN equals NaN, timestamps as instants, nested values element by element.
//
// Thread-safe: free functions without shared state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sluice/types.h"
#include "sluice/value.h"

namespace sluice::scenario {

/// Parses one value of `type`. `tz` is the zone timestamps without a zone suffix are read in.
/// Throws std::invalid_argument naming the text and the expected type.
Value ParseValueText(std::string_view text, const TypePtr& type, std::string_view tz = "UTC");

/// Parses one row: cells (split at TABs) against the fields of the STRUCT `schema`. Throws
/// std::invalid_argument if the cell count differs from the field count or a cell is malformed.
std::vector<Value> ParseRowText(const std::vector<std::string>& cells, const TypePtr& schema,
                                std::string_view tz = "UTC");

/// Resolves the escapes \t \n \\ of a string cell (other backslashes stay as written).
std::string UnescapeText(std::string_view text);

/// True if `actual` equals `expected` under the scenario rules (see the file comment).
bool ValuesMatch(const Value& expected, const Value& actual);
bool RowsMatch(const std::vector<Value>& expected, const std::vector<Value>& actual);

/// Renders a value in the scenario syntax (strings escaped, timestamps in `tz`).
std::string RenderValueText(const Value& v, std::string_view tz = "UTC");
/// Renders a row: values separated by TABs.
std::string RenderRowText(const std::vector<Value>& row, std::string_view tz = "UTC");

/// Compares row multisets (ordered=false) or sequences (ordered=true). Returns true on a match;
/// otherwise fills `*diff` (if not null) with a short explanation ("missing: ...", "unexpected:
/// ...", or the first position that differs).
bool CompareRows(const std::vector<std::vector<Value>>& expected,
                 const std::vector<std::vector<Value>>& actual, bool ordered, std::string* diff,
                 std::string_view tz = "UTC");

}  // namespace sluice::scenario
