// DataFrameInterpreter: evaluates a parsed DataFrame script (dataframe_script.h) against Sluice's
// DataFrame API, mapping PySpark's methods and pyspark.sql.functions onto include/sluice/ by name.
// Functions without a dedicated mapping go through functions::call_function(name, args), with
// string arguments read as column names except where PySpark reads them as literals (patterns,
// formats, durations, ...).
//
// Script problems (unknown name, method or argument) raise ScenarioError naming file and line;
// errors from the engine (AnalysisError, ...) propagate unchanged so that `error` directives can
// match their messages. Thread-compatible.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "sluice/session.h"
#include "testing/scenario/dataframe_script.h"

namespace sluice::scenario {

/// Resolves a bare name of the script (a stream or table of the scenario) to a DataFrame, or
/// nullopt if the scenario does not know it (then the session's temp views are tried).
using ScriptNameResolver = std::function<std::optional<DataFrame>(const std::string& name)>;

/// Evaluates every statement and returns the DataFrame of the last one.
/// Throws ScenarioError ("path:line: dataframe: ...") if the last statement is not a DataFrame.
DataFrame EvaluateDataFrameScript(const DataFrameScript& script, const Session& session,
                                  const ScriptNameResolver& resolve, const std::string& path);

}  // namespace sluice::scenario
