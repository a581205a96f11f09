#include "testing/scenario/dataframe_script.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "testing/scenario/scenario_file.h"

namespace sluice::scenario {
namespace {

struct Token {
  enum class Kind { kName, kString, kInt, kFloat, kPunct, kNewline, kEnd };
  Kind kind = Kind::kEnd;
  int line = 0;
  std::string text;  // name, string contents, number spelling, punctuation
};

class Lexer {
 public:
  Lexer(const std::vector<ScriptLine>& lines, const std::string& path) : path_(path) {
    for (const ScriptLine& l : lines) LexLine(l);
    int last = lines.empty() ? 0 : lines.back().line;
    if (depth_ > 0) Fail(last, "unclosed bracket at the end of the script");
    Push(Token::Kind::kNewline, last, "");
    Push(Token::Kind::kEnd, last, "");
  }

  std::vector<Token> TakeTokens() { return std::move(tokens_); }

 private:
  [[noreturn]] void Fail(int line, const std::string& msg) const {
    throw ScenarioError(path_ + ":" + std::to_string(line) + ": dataframe: " + msg);
  }

  void Push(Token::Kind kind, int line, std::string text) {
    tokens_.push_back(Token{kind, line, std::move(text)});
  }

  void LexLine(const ScriptLine& l) {
    const std::string& s = l.text;
    size_t i = 0;
    bool continued = false;
    while (i < s.size()) {
      char c = s[i];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++i;
        continue;
      }
      if (c == '#') break;  // Python comment
      if (c == '\\' && s.find_first_not_of(" \t\r", i + 1) == std::string::npos) {
        continued = true;
        break;
      }
      bool raw = false;
      if ((c == 'r' || c == 'R') && i + 1 < s.size() && (s[i + 1] == '\'' || s[i + 1] == '"')) {
        raw = true;
        ++i;
        c = s[i];
      }
      if (c == '\'' || c == '"') {
        i = LexString(l, i, raw);
        continue;
      }
      if (std::isdigit(static_cast<unsigned char>(c)) ||
          (c == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
        i = LexNumber(l, i);
        continue;
      }
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        size_t b = i;
        while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
        Push(Token::Kind::kName, l.line, s.substr(b, i - b));
        continue;
      }
      if (c == '=' && i + 1 < s.size() && s[i + 1] == '=') {
        Fail(l.line, "operators are not supported; write comparisons inside expr('...')");
      }
      switch (c) {
        case '(':
        case '[':
        case '{':
          ++depth_;
          break;
        case ')':
        case ']':
        case '}':
          if (--depth_ < 0) Fail(l.line, std::string("unbalanced '") + c + "'");
          break;
        case ',':
        case '.':
        case '=':
        case ':':
        case '-':
          break;
        default:
          Fail(l.line, std::string("unexpected character '") + c +
                           "' (arithmetic and comparisons go inside expr('...'))");
      }
      Push(Token::Kind::kPunct, l.line, std::string(1, c));
      ++i;
    }
    if (!continued && depth_ == 0) Push(Token::Kind::kNewline, l.line, "");
  }

  size_t LexString(const ScriptLine& l, size_t i, bool raw) {
    const std::string& s = l.text;
    char quote = s[i++];
    std::string out;
    while (i < s.size() && s[i] != quote) {
      char c = s[i];
      if (c == '\\' && i + 1 < s.size()) {
        char n = s[i + 1];
        if (raw) {
          out.push_back(c);
          out.push_back(n);
          i += 2;
          continue;
        }
        switch (n) {
          case 'n': out.push_back('\n'); break;
          case 't': out.push_back('\t'); break;
          case 'r': out.push_back('\r'); break;
          case '0': out.push_back('\0'); break;
          case '\\': out.push_back('\\'); break;
          case '\'': out.push_back('\''); break;
          case '"': out.push_back('"'); break;
          default:
            out.push_back('\\');
            out.push_back(n);
        }
        i += 2;
        continue;
      }
      out.push_back(c);
      ++i;
    }
    if (i >= s.size()) Fail(l.line, "unterminated string");
    Push(Token::Kind::kString, l.line, std::move(out));
    return i + 1;
  }

  size_t LexNumber(const ScriptLine& l, size_t i) {
    const std::string& s = l.text;
    size_t b = i;
    bool is_float = false;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
    if (i < s.size() && s[i] == '.' &&
        !(i + 1 < s.size() && (std::isalpha(static_cast<unsigned char>(s[i + 1])) || s[i + 1] == '_'))) {
      is_float = true;
      ++i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      size_t j = i + 1;
      if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
      if (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) {
        is_float = true;
        i = j;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      }
    }
    std::string text;
    for (size_t k = b; k < i; ++k) {
      if (s[k] != '_') text.push_back(s[k]);
    }
    Push(is_float ? Token::Kind::kFloat : Token::Kind::kInt, l.line, std::move(text));
    return i;
  }

  std::string path_;
  std::vector<Token> tokens_;
  int depth_ = 0;
};

class ScriptParser {
 public:
  ScriptParser(std::vector<Token> tokens, const std::string& path)
      : tokens_(std::move(tokens)), path_(path) {}

  DataFrameScript Parse() {
    DataFrameScript script;
    while (true) {
      SkipNewlines();
      if (Peek().kind == Token::Kind::kEnd) break;
      ScriptStatement st;
      st.line = Peek().line;
      if (Peek().kind == Token::Kind::kName && IsPunct(Peek(1), "=")) {
        st.assign_to = Next().text;
        Next();
      }
      st.expr = ParseExpr();
      if (Peek().kind != Token::Kind::kNewline) Unexpected("after the expression");
      script.statements.push_back(std::move(st));
    }
    if (script.statements.empty()) {
      throw ScenarioError(path_ + ": dataframe: empty script");
    }
    const ScriptStatement& last = script.statements.back();
    if (!last.assign_to.empty()) {
      Fail(last.line, "the last line must be the query's chain, not an assignment");
    }
    return script;
  }

 private:
  [[noreturn]] void Fail(int line, const std::string& msg) const {
    throw ScenarioError(path_ + ":" + std::to_string(line) + ": dataframe: " + msg);
  }

  [[noreturn]] void Unexpected(const std::string& where) const {
    const Token& t = Peek();
    std::string what;
    switch (t.kind) {
      case Token::Kind::kNewline: what = "end of line"; break;
      case Token::Kind::kEnd: what = "end of script"; break;
      case Token::Kind::kString: what = "string '" + t.text + "'"; break;
      default: what = "'" + t.text + "'";
    }
    Fail(t.line, "unexpected " + what + (where.empty() ? "" : " " + where));
  }

  const Token& Peek(size_t ahead = 0) const {
    size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  const Token& Next() { return tokens_[std::min(pos_++, tokens_.size() - 1)]; }
  static bool IsPunct(const Token& t, const char* p) {
    return t.kind == Token::Kind::kPunct && t.text == p;
  }
  void Expect(const char* p, const std::string& where) {
    if (!IsPunct(Peek(), p)) Unexpected(std::string("(expected '") + p + "' " + where + ")");
    Next();
  }
  void SkipNewlines() {
    while (Peek().kind == Token::Kind::kNewline) Next();
  }

  std::shared_ptr<ScriptNode> Make(ScriptNode::Kind kind, int line) {
    auto n = std::make_shared<ScriptNode>();
    n->kind = kind;
    n->line = line;
    return n;
  }

  ScriptNodePtr ParseExpr() {
    ScriptNodePtr node = ParsePrimary();
    while (true) {
      // A line starting with '.' continues the chain.
      if (Peek().kind == Token::Kind::kNewline) {
        size_t k = 0;
        while (Peek(k).kind == Token::Kind::kNewline) ++k;
        if (!IsPunct(Peek(k), ".")) break;
        pos_ += k;
      }
      if (IsPunct(Peek(), ".")) {
        Next();
        if (Peek().kind != Token::Kind::kName) Unexpected("after '.' (expected a method name)");
        const Token& name = Next();
        if (IsPunct(Peek(), "(")) {
          auto m = Make(ScriptNode::Kind::kMethod, name.line);
          m->text = name.text;
          m->receiver = node;
          m->args = ParseArgs();
          node = m;
        } else {
          auto a = Make(ScriptNode::Kind::kAttr, name.line);
          a->text = name.text;
          a->receiver = node;
          node = a;
        }
      } else if (IsPunct(Peek(), "[")) {
        int line = Next().line;
        auto ix = Make(ScriptNode::Kind::kIndex, line);
        ix->receiver = node;
        ix->items.push_back(ParseExpr());
        Expect("]", "to close the subscript");
        node = ix;
      } else if (IsPunct(Peek(), "(") && node->kind == ScriptNode::Kind::kAttr) {
        Unexpected("");
      } else {
        break;
      }
    }
    return node;
  }

  std::vector<ScriptArg> ParseArgs() {
    Expect("(", "to open the arguments");
    std::vector<ScriptArg> args;
    while (!IsPunct(Peek(), ")")) {
      ScriptArg arg;
      if (Peek().kind == Token::Kind::kName && IsPunct(Peek(1), "=")) {
        arg.keyword = Next().text;
        Next();
      } else if (!args.empty() && !args.back().keyword.empty()) {
        Fail(Peek().line, "positional argument after a keyword argument");
      }
      arg.value = ParseExpr();
      args.push_back(std::move(arg));
      if (IsPunct(Peek(), ",")) {
        Next();
        continue;
      }
      if (!IsPunct(Peek(), ")")) Unexpected("in the arguments (expected ',' or ')')");
    }
    Next();
    return args;
  }

  ScriptNodePtr ParsePrimary() {
    const Token& t = Peek();
    switch (t.kind) {
      case Token::Kind::kString: {
        Next();
        auto n = Make(ScriptNode::Kind::kString, t.line);
        n->text = t.text;
        // Adjacent literals concatenate, as in Python.
        while (Peek().kind == Token::Kind::kString) n->text += Next().text;
        return n;
      }
      case Token::Kind::kInt:
      case Token::Kind::kFloat:
        return ParseNumber(false);
      case Token::Kind::kName: {
        Next();
        if (t.text == "True" || t.text == "False") {
          auto n = Make(ScriptNode::Kind::kBool, t.line);
          n->bool_value = t.text == "True";
          n->text = t.text;
          return n;
        }
        if (t.text == "None") return Make(ScriptNode::Kind::kNone, t.line);
        if (IsPunct(Peek(), "(")) {
          auto n = Make(ScriptNode::Kind::kCall, t.line);
          n->text = t.text;
          n->args = ParseArgs();
          return n;
        }
        auto n = Make(ScriptNode::Kind::kName, t.line);
        n->text = t.text;
        return n;
      }
      case Token::Kind::kPunct:
        if (t.text == "-") {
          Next();
          if (Peek().kind != Token::Kind::kInt && Peek().kind != Token::Kind::kFloat) {
            Unexpected("after '-' (only negative number literals are supported)");
          }
          return ParseNumber(true);
        }
        if (t.text == "(") {
          Next();
          ScriptNodePtr inner = ParseExpr();
          Expect(")", "to close the parenthesis");
          return inner;
        }
        if (t.text == "[") {
          Next();
          auto n = Make(ScriptNode::Kind::kList, t.line);
          while (!IsPunct(Peek(), "]")) {
            n->items.push_back(ParseExpr());
            if (IsPunct(Peek(), ",")) {
              Next();
            } else if (!IsPunct(Peek(), "]")) {
              Unexpected("in the list (expected ',' or ']')");
            }
          }
          Next();
          return n;
        }
        if (t.text == "{") {
          Next();
          auto n = Make(ScriptNode::Kind::kDict, t.line);
          while (!IsPunct(Peek(), "}")) {
            n->items.push_back(ParseExpr());
            Expect(":", "between a dict key and its value");
            n->items.push_back(ParseExpr());
            if (IsPunct(Peek(), ",")) {
              Next();
            } else if (!IsPunct(Peek(), "}")) {
              Unexpected("in the dict (expected ',' or '}')");
            }
          }
          Next();
          return n;
        }
        break;
      default:
        break;
    }
    Unexpected("(expected a name, a literal or a call)");
  }

  ScriptNodePtr ParseNumber(bool negative) {
    const Token& t = Next();
    if (t.kind == Token::Kind::kInt) {
      auto n = Make(ScriptNode::Kind::kInt, t.line);
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(t.text.c_str(), &end, 10);
      if (errno == ERANGE) Fail(t.line, "integer literal out of range: " + t.text);
      n->int_value = negative ? -v : v;
      n->text = (negative ? "-" : "") + t.text;
      return n;
    }
    auto n = Make(ScriptNode::Kind::kFloat, t.line);
    double v = std::strtod(t.text.c_str(), nullptr);
    n->float_value = negative ? -v : v;
    n->text = (negative ? "-" : "") + t.text;
    return n;
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  std::string path_;
};

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\t') {
      out += "\\t";
      continue;
    }
    out.push_back(c);
  }
  return out + "'";
}

std::string ArgsToString(const std::vector<ScriptArg>& args) {
  std::string out = "(";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) out += ", ";
    if (!args[i].keyword.empty()) out += args[i].keyword + "=";
    out += ScriptToString(*args[i].value);
  }
  return out + ")";
}

}  // namespace

DataFrameScript ParseDataFrameScript(const std::vector<ScriptLine>& lines, const std::string& path) {
  Lexer lexer(lines, path);
  return ScriptParser(lexer.TakeTokens(), path).Parse();
}

std::string ScriptToString(const ScriptNode& n) {
  using K = ScriptNode::Kind;
  switch (n.kind) {
    case K::kName:
      return n.text;
    case K::kString:
      return Quote(n.text);
    case K::kInt:
      return std::to_string(n.int_value);
    case K::kFloat:
      return n.text;
    case K::kBool:
      return n.bool_value ? "True" : "False";
    case K::kNone:
      return "None";
    case K::kList: {
      std::string out = "[";
      for (size_t i = 0; i < n.items.size(); ++i) {
        if (i) out += ", ";
        out += ScriptToString(*n.items[i]);
      }
      return out + "]";
    }
    case K::kDict: {
      std::string out = "{";
      for (size_t i = 0; i + 1 < n.items.size(); i += 2) {
        if (i) out += ", ";
        out += ScriptToString(*n.items[i]) + ": " + ScriptToString(*n.items[i + 1]);
      }
      return out + "}";
    }
    case K::kCall:
      return n.text + ArgsToString(n.args);
    case K::kMethod:
      return ScriptToString(*n.receiver) + "." + n.text + ArgsToString(n.args);
    case K::kAttr:
      return ScriptToString(*n.receiver) + "." + n.text;
    case K::kIndex:
      return ScriptToString(*n.receiver) + "[" + ScriptToString(*n.items[0]) + "]";
  }
  return "?";
}

std::string ScriptToString(const DataFrameScript& script) {
  std::string out;
  for (const ScriptStatement& st : script.statements) {
    if (!out.empty()) out += "\n";
    if (!st.assign_to.empty()) out += st.assign_to + " = ";
    out += ScriptToString(*st.expr);
  }
  return out;
}

}  // namespace sluice::scenario
