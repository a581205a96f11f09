// DataFrame scripts: the body of a scenario's `dataframe` directive, a small subset of Python in
// PySpark style (../shared/scenarios/FORMAT.md):
//
//   NAME = CHAIN          (optional, defines an intermediate DataFrame)
//   CHAIN                 (the last statement is the query)
//
// A CHAIN is a name (view or earlier NAME) or a function call followed by `.method(ARGS)` calls;
// a line starting with `.` continues the previous line's chain, and lines inside open brackets
// continue too (as in Python). ARGS are Python literals (strings in ' or ", integers, decimals,
// True/False/None, lists [...], dicts {k: v}), keyword arguments `name=value` and nested CHAINs
// (`col('x').alias('y')`, the right side of a join). `x[...]` subscripts are accepted too.
//
// This file only parses into an AST (no engine dependency); dataframe_interpreter.h evaluates it
// against the DataFrame API. Thread-compatible.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sluice::scenario {

struct ScriptNode;
using ScriptNodePtr = std::shared_ptr<const ScriptNode>;

/// One argument of a call: positional (keyword empty) or `keyword=value`.
struct ScriptArg {
  std::string keyword;
  ScriptNodePtr value;
};

struct ScriptNode {
  enum class Kind {
    kName,     // identifier: text
    kString,   // text
    kInt,      // int_value
    kFloat,    // float_value (text keeps the spelling)
    kBool,     // bool_value
    kNone,
    kList,     // items
    kDict,     // items: key, value, key, value, ...
    kCall,     // text(args): a function call without receiver
    kMethod,   // receiver.text(args)
    kAttr,     // receiver.text (no call)
    kIndex,    // receiver[items[0]]
  };
  Kind kind = Kind::kNone;
  int line = 0;
  std::string text;
  int64_t int_value = 0;
  double float_value = 0;
  bool bool_value = false;
  ScriptNodePtr receiver;
  std::vector<ScriptArg> args;
  std::vector<ScriptNodePtr> items;
};

/// `assign_to = expr`, or the bare expression (assign_to empty).
struct ScriptStatement {
  int line = 0;
  std::string assign_to;
  ScriptNodePtr expr;
};

struct DataFrameScript {
  std::vector<ScriptStatement> statements;
};

/// One source line of the script with its line number in the scenario file.
struct ScriptLine {
  int line = 0;
  std::string text;
};

/// Parses a script. Throws ScenarioError ("path:line: ...") on a syntax error; `path` is used
/// in messages only. The last statement must be a bare expression (the query).
DataFrameScript ParseDataFrameScript(const std::vector<ScriptLine>& lines, const std::string& path);

/// Renders a node back in Python syntax (normalized: single quotes, ", " between args), for tests
/// and messages.
std::string ScriptToString(const ScriptNode& node);
std::string ScriptToString(const DataFrameScript& script);

}  // namespace sluice::scenario
