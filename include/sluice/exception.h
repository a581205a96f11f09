// Typed exceptions raised by Sluice. Exceptions are used only for errors that end the current
// statement or query (as DuckDB does); PySpark users expect an AnalysisException at the call that is
// wrong. User errors (parse, analysis, bad input, unsupported) are kept apart from InternalError.
#pragma once

#include <stdexcept>
#include <string>

namespace sluice {

/// Base of every error Sluice raises on purpose.
class SluiceError : public std::runtime_error {
 public:
  explicit SluiceError(const std::string& message) : std::runtime_error(message) {}
};

/// SQL/DDL text that cannot be parsed. The message names line and column.
class ParseError : public SluiceError {
 public:
  using SluiceError::SluiceError;
};

/// A query that is well formed but invalid: unknown column, type mismatch, unsupported streaming shape.
class AnalysisError : public SluiceError {
 public:
  using SluiceError::SluiceError;
};

/// A value that cannot be processed at run time under the current settings (ANSI cast failure,
/// arithmetic overflow, division by zero, malformed record in FAILFAST mode).
class ExecutionError : public SluiceError {
 public:
  using SluiceError::SluiceError;
};

/// File system or network failures; the message names the path.
class IoError : public SluiceError {
 public:
  using SluiceError::SluiceError;
};

/// A streaming query that stopped with an error (StreamingQueryException).
class StreamingQueryError : public SluiceError {
 public:
  using SluiceError::SluiceError;
};

/// A broken invariant inside Sluice: a bug, never the user's fault.
class InternalError : public SluiceError {
 public:
  explicit InternalError(const std::string& message) : SluiceError("internal error: " + message) {}
};

}  // namespace sluice
