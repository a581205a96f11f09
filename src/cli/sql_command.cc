#include "cli/sql_command.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "api/session_state.h"
#include "api/show_table.h"
#include "sluice/sluice.h"
#include "sql/parser.h"
#include "types/value_format.h"

namespace sluice {

namespace {

const char* kUsage =
    "usage: sluice sql [-e STATEMENTS | FILE] [--format table|csv|json|spark] [--conf KEY=VALUE]...\n"
    "Runs ;-separated SQL statements (queries, CREATE TEMPORARY VIEW, SET) in one session and\n"
    "prints the result of the last query:\n"
    "  table  a table as DataFrame.show() prints it (default)\n"
    "  csv    CSV with a header\n"
    "  json   one JSON object per row, as Spark's JSON writer renders values\n"
    "  spark  what the spark-sql command-line tool prints: one line per row, values TAB-separated\n";

std::string CsvCell(const std::string& s) {
  bool quote = s.find_first_of(",\"\n\r") != std::string::npos;
  if (!quote) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string JsonString(const std::string& s) {
  return FormatJsonValue(Value::String(s));
}

void Print(const DataFrame& df, const std::string& format, const std::string& tz) {
  auto rows = df.collect();  // the query runs once, whatever the format
  if (format == "table") {
    std::cout << RenderShowTable(df.columns(), rows, tz, 0);
    return;
  }
  auto names = df.columns();
  if (format == "csv") {
    for (size_t i = 0; i < names.size(); ++i) std::cout << (i ? "," : "") << CsvCell(names[i]);
    std::cout << "\n";
    for (const auto& r : rows) {
      for (size_t i = 0; i < r.size(); ++i)
        std::cout << (i ? "," : "") << (r[i].is_null() ? "" : CsvCell(FormatCastString(r[i], tz)));
      std::cout << "\n";
    }
  } else if (format == "json") {
    for (const auto& r : rows) {
      std::string line = "{";
      bool first = true;
      for (size_t i = 0; i < r.size(); ++i) {
        if (r[i].is_null()) continue;
        line += (first ? "" : ",") + JsonString(names[i]) + ":" + FormatJsonValue(r[i], tz);
        first = false;
      }
      std::cout << line << "}\n";
    }
  } else {
    for (const auto& r : rows) {
      for (size_t i = 0; i < r.size(); ++i) std::cout << (i ? "\t" : "") << FormatHiveString(r[i], tz);
      std::cout << "\n";
    }
  }
}

}  // namespace

int RunSqlCommand(const std::vector<std::string>& args) {
  std::string script, format = "table";
  bool have_script = false;
  auto builder = Session::builder().appName("sluice-sql");
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if ((a == "-e" || a == "--execute") && i + 1 < args.size()) {
      script = args[++i];
      have_script = true;
    } else if (a == "--format" && i + 1 < args.size()) {
      format = args[++i];
      if (format != "table" && format != "csv" && format != "json" && format != "spark") {
        std::cerr << "sluice sql: unknown --format '" << format << "'\n" << kUsage;
        return 2;
      }
    } else if (a == "--conf" && i + 1 < args.size()) {
      std::string kv = args[++i];
      auto eq = kv.find('=');
      if (eq == std::string::npos) {
        std::cerr << "sluice sql: --conf expects KEY=VALUE, got '" << kv << "'\n";
        return 2;
      }
      builder.config(kv.substr(0, eq), kv.substr(eq + 1));
    } else if (!a.empty() && a[0] != '-' && !have_script) {
      std::ifstream in(a);
      if (!in) {
        std::cerr << "sluice sql: cannot read " << a << "\n";
        return 2;
      }
      std::stringstream ss;
      ss << in.rdbuf();
      script = ss.str();
      have_script = true;
    } else {
      std::cerr << "sluice sql: unexpected argument '" << a << "'\n" << kUsage;
      return 2;
    }
  }
  if (!have_script) {
    std::stringstream ss;
    ss << std::cin.rdbuf();
    script = ss.str();
  }
  Session session = builder.getOrCreate();
  try {
    auto statements = ParseStatements(script);
    std::optional<DataFrame> last;
    for (const auto& s : statements) {
      DataFrame df = session.sql(s.text);
      if (s.kind == StatementKind::kQuery || s.kind == StatementKind::kExplain ||
          s.kind == StatementKind::kDeltaOptimize || s.kind == StatementKind::kDeltaVacuum ||
          s.kind == StatementKind::kDescribeHistory ||
          (s.kind == StatementKind::kSet && !s.has_value)) {
        last = df;
      }
    }
    if (last) Print(*last, format, session.state()->MakeEvalContext().time_zone);
  } catch (const SluiceError& e) {
    std::cerr << "Error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace sluice
