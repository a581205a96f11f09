#include "testing/scenario/scenario_file.h"
#include "types/ascii.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace sluice::scenario {
namespace {

struct Line {
  int number = 0;
  std::string text;
};

std::string_view Trim(std::string_view s) {
  size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  size_t e = s.size();
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// A line is blank when it holds nothing but spaces (a TAB makes it a row of empty strings).
bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\r'; });
}

bool IsComment(std::string_view s) { return !s.empty() && s[0] == '#'; }

// Splits off the first whitespace-delimited word of `s`; `rest` gets the remainder, trimmed.
std::string NextWord(std::string_view s, std::string_view* rest) {
  s = Trim(s);
  size_t e = 0;
  while (e < s.size() && !std::isspace(static_cast<unsigned char>(s[e]))) ++e;
  std::string word(s.substr(0, e));
  *rest = Trim(s.substr(e));
  return word;
}

const std::map<std::string, DirectiveKind>& Keywords() {
  static const std::map<std::string, DirectiveKind> kKeywords = {
      {"conf", DirectiveKind::kConf},
      {"stream", DirectiveKind::kStream},
      {"table", DirectiveKind::kTable},
      {"query", DirectiveKind::kQuery},
      {"dataframe", DirectiveKind::kDataFrame},
      {"add", DirectiveKind::kAdd},
      {"check", DirectiveKind::kCheck},
      {"check-ordered", DirectiveKind::kCheckOrdered},
      {"check-all", DirectiveKind::kCheckAll},
      {"advance-clock", DirectiveKind::kAdvanceClock},
      {"restart", DirectiveKind::kRestart},
      {"metric", DirectiveKind::kMetric},
      {"metric-data", DirectiveKind::kMetricData},
      {"metric-sum", DirectiveKind::kMetricSum},
      {"error", DirectiveKind::kError},
      {"expect-fail", DirectiveKind::kExpectFail},
  };
  return kKeywords;
}

bool IsCheck(DirectiveKind k) {
  return k == DirectiveKind::kCheck || k == DirectiveKind::kCheckOrdered ||
         k == DirectiveKind::kCheckAll;
}

// Directives that own the lines after their first line (up to the next blank line).
bool TakesBody(DirectiveKind k) {
  return k == DirectiveKind::kTable || k == DirectiveKind::kQuery ||
         k == DirectiveKind::kDataFrame || k == DirectiveKind::kAdd || IsCheck(k);
}

bool IsName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) {
      return false;
    }
  }
  return true;
}

RowText SplitRow(const Line& line) {
  RowText row;
  row.line = line.number;
  std::string_view s = line.text;
  size_t start = 0;
  while (true) {
    size_t tab = s.find('\t', start);
    if (tab == std::string_view::npos) {
      row.cells.emplace_back(s.substr(start));
      break;
    }
    row.cells.emplace_back(s.substr(start, tab - start));
    start = tab + 1;
  }
  return row;
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& path) { file_.path = path; Split(text); }

  ScenarioFile Parse() {
    ReadHeader();
    size_t i = 0;
    while (i < lines_.size()) {
      if (IsBlank(lines_[i].text)) {
        ++i;
        continue;
      }
      std::vector<Line> block;
      while (i < lines_.size() && !IsBlank(lines_[i].text)) block.push_back(lines_[i++]);
      ParseBlock(block);
    }
    FoldErrors();
    return std::move(file_);
  }

 private:
  [[noreturn]] void Fail(int line, const std::string& message) const {
    throw ScenarioError(file_.Where(line) + ": " + message);
  }

  // Splits into lines and drops comment lines (keeping numbering).
  void Split(std::string_view text) {
    int number = 0;
    size_t start = 0;
    while (start <= text.size()) {
      size_t nl = text.find('\n', start);
      std::string_view raw =
          text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
      ++number;
      std::string s(raw);
      if (!s.empty() && s.back() == '\r') s.pop_back();
      if (IsComment(s)) {
        comments_.push_back(Line{number, s});
      } else {
        lines_.push_back(Line{number, std::move(s)});
      }
      if (nl == std::string_view::npos) break;
      start = nl + 1;
    }
  }

  void ReadHeader() {
    bool in_description = false;
    for (const Line& c : comments_) {
      std::string_view body = Trim(std::string_view(c.text).substr(1));
      if (body.substr(0, 5) == "name:") {
        file_.name = std::string(Trim(body.substr(5)));
        in_description = false;
      } else if (body.substr(0, 12) == "description:") {
        file_.description = std::string(Trim(body.substr(12)));
        in_description = true;
      } else if (in_description && c.number == last_description_line_ + 1) {
        file_.description += " " + std::string(body);
      } else {
        in_description = false;
      }
      if (in_description) last_description_line_ = c.number;
    }
  }

  void ParseBlock(const std::vector<Line>& block) {
    size_t i = 0;
    while (i < block.size()) {
      const Line& first = block[i];
      std::string_view rest;
      std::string keyword = AsciiLower(NextWord(first.text, &rest));
      auto it = Keywords().find(keyword);
      if (it == Keywords().end()) {
        if (i == 0) Fail(first.number, "unknown directive '" + keyword + "'");
        Fail(first.number, "unexpected line after '" + block[0].text +
                               "' (directives are separated by blank lines): '" + first.text + "'");
      }
      Directive d;
      d.kind = it->second;
      d.line = first.number;
      d.header = first.text;
      ParseHeader(&d, rest);
      ++i;
      if (TakesBody(d.kind)) {
        std::vector<Line> body(block.begin() + i, block.end());
        ParseBody(&d, body);
        i = block.size();
      }
      Validate(d);
      file_.directives.push_back(std::move(d));
    }
  }

  std::string TakeName(const Directive& d, std::string_view* rest, const char* what) {
    std::string name = NextWord(*rest, rest);
    if (name.empty()) Fail(d.line, std::string(DirectiveKeyword(d.kind)) + ": missing " + what);
    return name;
  }

  void ExpectEnd(const Directive& d, std::string_view rest) {
    if (!rest.empty()) {
      Fail(d.line, std::string(DirectiveKeyword(d.kind)) + ": unexpected text '" +
                       std::string(rest) + "'");
    }
  }

  void ParseSchemaPart(Directive* d, std::string_view rest) {
    // Accept "NAME (..)" and "NAME(..)".
    std::string_view s = Trim(rest);
    size_t open = s.find('(');
    if (open == std::string_view::npos) {
      Fail(d->line, std::string(DirectiveKeyword(d->kind)) + ": expected NAME (COL TYPE, ...)");
    }
    d->name = std::string(Trim(s.substr(0, open)));
    if (!IsName(d->name)) {
      Fail(d->line, std::string(DirectiveKeyword(d->kind)) + ": invalid name '" + d->name + "'");
    }
    std::string_view cols = Trim(s.substr(open));
    if (cols.size() < 2 || cols.back() != ')') {
      Fail(d->line, std::string(DirectiveKeyword(d->kind)) +
                        ": the column list must be enclosed in parentheses");
    }
    d->schema_ddl = std::string(Trim(cols.substr(1, cols.size() - 2)));
    if (d->schema_ddl.empty()) {
      Fail(d->line, std::string(DirectiveKeyword(d->kind)) + ": empty column list");
    }
  }

  void ParseHeader(Directive* d, std::string_view rest) {
    const std::string kw(DirectiveKeyword(d->kind));
    switch (d->kind) {
      case DirectiveKind::kConf: {
        d->name = TakeName(*d, &rest, "KEY");
        if (rest.empty()) Fail(d->line, "conf: missing VALUE for " + d->name);
        d->value = std::string(rest);
        break;
      }
      case DirectiveKind::kStream:
      case DirectiveKind::kTable:
        ParseSchemaPart(d, rest);
        break;
      case DirectiveKind::kQuery:
      case DirectiveKind::kDataFrame: {
        d->name = TakeName(*d, &rest, "query name");
        std::string mode = AsciiLower(NextWord(rest, &rest));
        if (mode != "append" && mode != "update" && mode != "complete") {
          Fail(d->line, kw + ": output mode must be append, update or complete, got '" + mode + "'");
        }
        d->output_mode = mode;
        std::string trigger = AsciiLower(NextWord(rest, &rest));
        if (trigger.empty()) {
          d->trigger = TriggerKind::kDefault;
        } else if (trigger == "once") {
          d->trigger = TriggerKind::kOnce;
          ExpectEnd(*d, rest);
        } else if (trigger == "available-now") {
          d->trigger = TriggerKind::kAvailableNow;
          ExpectEnd(*d, rest);
        } else if (trigger == "processing-time") {
          d->trigger = TriggerKind::kProcessingTime;
          try {
            d->micros = ParseScenarioDuration(rest);
          } catch (const std::exception& e) {
            Fail(d->line, kw + ": processing-time: " + e.what());
          }
        } else {
          Fail(d->line, kw + ": unknown trigger '" + trigger +
                            "' (expected processing-time DURATION, once or available-now)");
        }
        break;
      }
      case DirectiveKind::kAdd:
      case DirectiveKind::kCheck:
      case DirectiveKind::kCheckOrdered:
      case DirectiveKind::kCheckAll:
      case DirectiveKind::kRestart:
        d->name = TakeName(*d, &rest, d->kind == DirectiveKind::kAdd ? "stream name" : "query name");
        ExpectEnd(*d, rest);
        break;
      case DirectiveKind::kAdvanceClock:
        try {
          d->micros = ParseScenarioDuration(rest);
        } catch (const std::exception& e) {
          Fail(d->line, kw + ": " + e.what());
        }
        break;
      case DirectiveKind::kMetric:
      case DirectiveKind::kMetricData:
      case DirectiveKind::kMetricSum:
        d->name = TakeName(*d, &rest, "query name");
        d->metric_path = TakeName(*d, &rest, "metric path");
        if (rest.empty()) Fail(d->line, kw + ": missing expected VALUE");
        d->value = std::string(rest);
        break;
      case DirectiveKind::kError:
      case DirectiveKind::kExpectFail:
        d->name = TakeName(*d, &rest, "query name");
        if (rest.empty()) Fail(d->line, kw + ": missing SUBSTRING");
        d->value = std::string(rest);
        break;
    }
  }

  void ParseBody(Directive* d, const std::vector<Line>& body) {
    const std::string kw(DirectiveKeyword(d->kind));
    switch (d->kind) {
      case DirectiveKind::kQuery:
      case DirectiveKind::kDataFrame:
        if (body.empty()) {
          Fail(d->line, kw + " " + d->name + ": missing the query text on the following lines");
        }
        for (const Line& l : body) d->body.push_back(BodyLine{l.number, l.text});
        break;
      case DirectiveKind::kTable:
      case DirectiveKind::kAdd:
        for (const Line& l : body) {
          if (l.text == "----") Fail(l.number, kw + ": unexpected '----' (only checks have one)");
          d->rows.push_back(SplitRow(l));
        }
        break;
      default: {  // checks
        if (body.empty()) break;  // `check q` alone: nothing new expected
        if (body[0].text != "----") {
          Fail(body[0].number, kw + " " + d->name + ": expected '----' before the expected rows");
        }
        for (size_t i = 1; i < body.size(); ++i) {
          if (body[i].text == "----") Fail(body[i].number, kw + ": a second '----'");
          d->rows.push_back(SplitRow(body[i]));
        }
        break;
      }
    }
  }

  void Validate(const Directive& d) {
    const std::string kw(DirectiveKeyword(d.kind));
    switch (d.kind) {
      case DirectiveKind::kStream:
      case DirectiveKind::kTable:
        if (streams_.count(d.name) || tables_.count(d.name)) {
          Fail(d.line, kw + ": '" + d.name + "' is already declared");
        }
        (d.kind == DirectiveKind::kStream ? streams_ : tables_).insert(d.name);
        break;
      case DirectiveKind::kQuery:
      case DirectiveKind::kDataFrame:
        if (!IsName(d.name)) Fail(d.line, kw + ": invalid query name '" + d.name + "'");
        if (queries_.count(d.name)) Fail(d.line, kw + ": query '" + d.name + "' is already defined");
        queries_.insert(d.name);
        break;
      case DirectiveKind::kAdd:
        if (!streams_.count(d.name)) {
          Fail(d.line, "add: '" + d.name + "' is not a stream declared earlier");
        }
        break;
      case DirectiveKind::kCheck:
      case DirectiveKind::kCheckOrdered:
      case DirectiveKind::kCheckAll:
      case DirectiveKind::kRestart:
      case DirectiveKind::kMetric:
      case DirectiveKind::kMetricData:
      case DirectiveKind::kMetricSum:
      case DirectiveKind::kError:
      case DirectiveKind::kExpectFail:
        if (!queries_.count(d.name)) {
          Fail(d.line, kw + ": '" + d.name + "' is not a query defined earlier");
        }
        break;
      default:
        break;
    }
  }

  // Attaches each `error` directive to the query/dataframe directive it directly follows.
  void FoldErrors() {
    for (size_t i = 0; i < file_.directives.size(); ++i) {
      Directive& d = file_.directives[i];
      if (d.kind != DirectiveKind::kError) continue;
      size_t j = i;
      while (j > 0 && file_.directives[j - 1].kind == DirectiveKind::kError &&
             file_.directives[j - 1].name == d.name) {
        --j;
      }
      if (j == 0 || (file_.directives[j - 1].kind != DirectiveKind::kQuery &&
                     file_.directives[j - 1].kind != DirectiveKind::kDataFrame) ||
          file_.directives[j - 1].name != d.name) {
        Fail(d.line, "error: must directly follow the query or dataframe directive of '" + d.name +
                         "'");
      }
      file_.directives[j - 1].expected_errors.push_back(d.value);
    }
  }

  ScenarioFile file_;
  std::vector<Line> lines_;
  std::vector<Line> comments_;
  int last_description_line_ = 0;
  std::set<std::string> streams_;
  std::set<std::string> tables_;
  std::set<std::string> queries_;
};

}  // namespace

std::string_view DirectiveKeyword(DirectiveKind kind) {
  for (const auto& [word, k] : Keywords()) {
    if (k == kind) return word;
  }
  return "?";
}

int64_t ParseScenarioDuration(std::string_view text) {
  std::string_view s = Trim(text);
  size_t i = 0;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  std::string number(s.substr(0, i));
  std::string unit = AsciiLower(Trim(s.substr(i)));
  if (number.empty() || std::count(number.begin(), number.end(), '.') > 1 || number == ".") {
    throw std::invalid_argument("invalid duration '" + std::string(s) + "'");
  }
  static const std::map<std::string, int64_t> kUnits = {
      {"ms", 1000},           {"millisecond", 1000},        {"milliseconds", 1000},
      {"s", 1000000},         {"sec", 1000000},             {"secs", 1000000},
      {"second", 1000000},    {"seconds", 1000000},         {"min", 60000000},
      {"mins", 60000000},     {"minute", 60000000},         {"minutes", 60000000},
      {"h", 3600000000LL},    {"hour", 3600000000LL},       {"hours", 3600000000LL},
      {"d", 86400000000LL},   {"day", 86400000000LL},       {"days", 86400000000LL},
  };
  auto it = kUnits.find(unit);
  if (it == kUnits.end()) {
    throw std::invalid_argument("invalid duration '" + std::string(s) +
                                "' (expected <n> <unit>, unit in ms, s, second(s), minute(s), "
                                "hour(s), day(s))");
  }
  double value = std::stod(number);
  return static_cast<int64_t>(std::llround(value * static_cast<double>(it->second)));
}

ScenarioFile ParseScenario(std::string_view text, const std::string& path) {
  return Parser(text, path).Parse();
}

ScenarioFile ParseScenarioFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(path + ": cannot read file");
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseScenario(ss.str(), path);
}

}  // namespace sluice::scenario
