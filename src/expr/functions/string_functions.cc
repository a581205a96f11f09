// String functions with Spark 4 semantics: case mapping, concatenation, substrings, padding and
// trimming, searching, regular expressions (Java syntax translated to RE2), LIKE/ILIKE, encodings
// (base64, hex), digests, format_number and format_string. Character positions and lengths count
// Unicode code points of the UTF-8 text, as Spark's UTF8String does.
#include <clocale>
#include <cwctype>
#include <limits>
#include <locale.h>

#include "expr/functions/builtin_functions.h"
#include "expr/functions/digest.h"
#include "expr/functions/regex_cache.h"
#include "expr/functions/scalar_kernel.h"
#include "types/value_format.h"

namespace sluice {
namespace {

using namespace scalar;

// ---------------------------------------------------------------------------------------------
// Case mapping

locale_t Utf8Locale() {
  static locale_t loc = [] {
    locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
    if (!l) l = newlocale(LC_CTYPE_MASK, "C.utf8", static_cast<locale_t>(0));
    return l;
  }();
  return loc;
}

uint32_t LowerCp(uint32_t cp) {
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  locale_t l = Utf8Locale();
  return l ? static_cast<uint32_t>(towlower_l(static_cast<wint_t>(cp), l)) : cp;
}

uint32_t UpperCp(uint32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
  locale_t l = Utf8Locale();
  return l ? static_cast<uint32_t>(towupper_l(static_cast<wint_t>(cp), l)) : cp;
}

void MapCase(std::string_view s, bool upper, std::string* out) {
  out->reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out->push_back(static_cast<char>(upper ? UpperCp(c) : LowerCp(c)));
      ++i;
      continue;
    }
    uint32_t cp = Utf8Decode(s, &i);
    if (upper && cp == 0xDF) {  // Java maps sharp s to "SS"
      out->append("SS");
      continue;
    }
    Utf8Append(upper ? UpperCp(cp) : LowerCp(cp), out);
  }
}

// ---------------------------------------------------------------------------------------------
// Bind shapes

/// All arguments implicitly cast to STRING; result `result`.
BindFn BindStrings(size_t min_args, size_t max_args, TypePtr result) {
  return [=](Expr& call, const EvalContext& ctx) {
    CheckArgCount(call, min_args, max_args);
    for (size_t i = 0; i < call.children.size(); ++i) CoerceString(call, i, ctx);
    return result;
  };
}

/// Argument kinds for BindArgs: 'S' string, 'I' int, 'L' bigint, 'B' binary, 'X' string or binary.
BindFn BindArgs(std::string kinds, size_t min_args, TypePtr result) {
  return [=](Expr& call, const EvalContext& ctx) {
    CheckArgCount(call, min_args, kinds.size());
    for (size_t i = 0; i < call.children.size(); ++i) {
      switch (kinds[i]) {
        case 'S': CoerceString(call, i, ctx); break;
        case 'I': CoerceIntegral(call, i, DataType::Int(), ctx); break;
        case 'L': CoerceIntegral(call, i, DataType::Long(), ctx); break;
        case 'B': CoerceBinary(call, i, ctx); break;
        case 'X': CoerceStringOrBinary(call, i, ctx); break;
      }
    }
    return result;
  };
}

std::string_view Str(const KernelArgs& a, size_t i, size_t row) { return a.args[i]->GetString(row); }
int32_t Int(const KernelArgs& a, size_t i, size_t row) { return a.args[i]->Get<int32_t>(row); }

template <typename F>
void RegisterUnaryString(FunctionRegistry& r, const std::string& name, F f) {
  RegisterFn(r, name, BindStrings(1, 1, DataType::String()),
             [f](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
                 f(Str(a, 0, row), out);
                 return true;
               });
             });
}

// ---------------------------------------------------------------------------------------------
// substring

/// Spark's UTF8String.substringSQL on characters (or bytes for BINARY).
std::string_view SubstringSql(std::string_view s, int64_t pos, int64_t len, bool bytes) {
  int64_t n = bytes ? static_cast<int64_t>(s.size()) : Utf8Length(s);
  int64_t start = pos > 0 ? pos - 1 : (pos < 0 ? n + pos : 0);
  int64_t end = start + len;
  if (end > std::numeric_limits<int32_t>::max()) end = std::numeric_limits<int32_t>::max();
  start = std::max<int64_t>(start, 0);
  if (start >= end) return {};
  end = std::min(end, n);
  if (start >= end) return {};
  if (bytes) return s.substr(start, end - start);
  return Utf8Substr(s, start, end);
}

// ---------------------------------------------------------------------------------------------
// trim

bool InSet(const std::vector<uint32_t>& set, uint32_t cp) {
  for (uint32_t c : set)
    if (c == cp) return true;
  return false;
}

/// mode: 0 both, 1 leading, 2 trailing. Without `chars` only spaces are trimmed (as Spark).
std::string_view TrimChars(std::string_view s, const std::vector<uint32_t>* chars, int mode) {
  size_t b = 0, e = s.size();
  if (!chars) {
    if (mode != 2)
      while (b < e && s[b] == ' ') ++b;
    if (mode != 1)
      while (e > b && s[e - 1] == ' ') --e;
    return s.substr(b, e - b);
  }
  if (mode != 2) {
    while (b < e) {
      size_t p = b;
      uint32_t cp = Utf8Decode(s, &p);
      if (!InSet(*chars, cp)) break;
      b = p;
    }
  }
  if (mode != 1) {
    while (e > b) {
      size_t start = e - 1;
      while (start > b && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
      size_t p = start;
      uint32_t cp = Utf8Decode(s, &p);
      if (!InSet(*chars, cp)) break;
      e = start;
    }
  }
  return s.substr(b, e - b);
}

void RegisterTrim(FunctionRegistry& r, const std::string& name, int mode) {
  RegisterFn(r, name, BindStrings(1, 2, DataType::String()),
             [mode](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               std::vector<uint32_t> set;
               return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
                 std::string_view s = Str(a, 0, row);
                 if (a.args.size() == 1) {
                   out->append(TrimChars(s, nullptr, mode));
                 } else {
                   set = Utf8CodePoints(Str(a, 1, row));
                   out->append(TrimChars(s, &set, mode));
                 }
                 return true;
               });
             });
}

// ---------------------------------------------------------------------------------------------
// search

/// Character index of `needle` in `hay` at or after character `start`, or -1 (UTF8String.indexOf).
int64_t IndexOfChars(std::string_view hay, std::string_view needle, int64_t start) {
  if (needle.empty()) return 0;
  size_t off = Utf8Offset(hay, start);
  if (start > 0 && off >= hay.size() && Utf8Length(hay) < start) return -1;
  size_t found = hay.find(needle, off);
  if (found == std::string_view::npos) return -1;
  return Utf8Length(hay.substr(0, found));
}

// ---------------------------------------------------------------------------------------------
// Regular expressions

/// Per-call state: the compiled pattern when the pattern argument is a literal.
struct RegexState {
  std::shared_ptr<const RE2> re;
};

PrepareFn PrepareRegex(size_t pattern_arg, const char* fn_name) {
  return [=](const Expr& call, const EvalContext& ctx) -> FunctionState {
    if (call.children.size() <= pattern_arg) return nullptr;
    auto v = ConstantValue(*call.children[pattern_arg], ctx);
    if (!v || v->is_null()) return nullptr;
    auto st = std::make_shared<RegexState>();
    st->re = CompileJavaRegex(v->GetString(), fn_name);
    return st;
  };
}

const RE2& PatternFor(const FunctionState& st, RegexCache& cache, std::string_view pattern) {
  if (st) return *static_cast<const RegexState*>(st.get())->re;
  return cache.Get(pattern);
}

/// Finds the next match of `re` in `s` at or after byte `from`; fills `groups` (n groups + 1).
bool FindAt(const RE2& re, std::string_view s, size_t from, std::vector<re2::StringPiece>* groups) {
  if (from > s.size()) return false;
  return re.Match(re2::StringPiece(s.data(), s.size()), from, s.size(), RE2::UNANCHORED,
                  groups->data(), static_cast<int>(groups->size()));
}

/// Next search start after a match [start, end): after an empty match, skip one character.
size_t NextSearch(std::string_view s, size_t match_begin, size_t match_end) {
  if (match_end > match_begin) return match_end;
  if (match_end >= s.size()) return s.size() + 1;
  return match_end + Utf8SeqLen(static_cast<unsigned char>(s[match_end]));
}

[[noreturn]] void ThrowGroupIndex(const char* fn, int groups, int64_t idx) {
  throw ExecutionError(fmt::format(
      "[INVALID_PARAMETER_VALUE.REGEX_GROUP_INDEX] The value of parameter(s) `idx` in `{}` is "
      "invalid: Expects group index between 0 and {}, but got {}.",
      fn, groups, idx));
}

/// Java's String.split(regex, limit) with Spark's adjustments (limit 0 -> -1, empty regex splits
/// characters).
void SplitJava(std::string_view s, const RE2& re, bool empty_pattern, int32_t limit,
               std::vector<std::string_view>* parts) {
  parts->clear();
  if (limit == 0) limit = -1;
  if (empty_pattern && !s.empty()) {
    int64_t nchars = Utf8Length(s);
    int64_t n = (limit > nchars || limit <= 0) ? nchars : limit;
    size_t pos = 0;
    for (int64_t i = 0; i < n - 1; ++i) {
      size_t len = Utf8SeqLen(static_cast<unsigned char>(s[pos]));
      parts->push_back(s.substr(pos, len));
      pos += len;
    }
    parts->push_back(s.substr(pos));
    return;
  }
  bool limited = limit > 0;
  size_t index = 0, search = 0;
  std::vector<re2::StringPiece> g(1);
  while (FindAt(re, s, search, &g)) {
    size_t mb = g[0].data() - s.data(), me = mb + g[0].size();
    search = NextSearch(s, mb, me);
    if (!limited || static_cast<int64_t>(parts->size()) < limit - 1) {
      if (index == 0 && mb == 0 && me == 0) continue;  // no leading empty string for a zero-width match
      parts->push_back(s.substr(index, mb - index));
      index = me;
    } else {
      break;
    }
  }
  if (index == 0 && parts->empty()) {
    parts->push_back(s);
    return;
  }
  parts->push_back(s.substr(index));
}

/// Expands a Java replacement string ($n, ${name}, \x) for one match.
void AppendReplacement(std::string_view rep, const RE2& re, const std::vector<re2::StringPiece>& g,
                       std::string* out) {
  for (size_t i = 0; i < rep.size(); ++i) {
    char c = rep[i];
    if (c == '\\' && i + 1 < rep.size()) {
      out->push_back(rep[++i]);
    } else if (c == '$' && i + 1 < rep.size()) {
      if (rep[i + 1] == '{') {
        size_t close = rep.find('}', i + 2);
        if (close == std::string_view::npos)
          throw ExecutionError("[INVALID_PARAMETER_VALUE] named capturing group is missing trailing '}'");
        std::string name(rep.substr(i + 2, close - i - 2));
        auto it = re.NamedCapturingGroups().find(name);
        if (it == re.NamedCapturingGroups().end())
          throw ExecutionError(fmt::format("No group with name {{{}}}", name));
        out->append(g[it->second].data(), g[it->second].size());
        i = close;
      } else if (rep[i + 1] >= '0' && rep[i + 1] <= '9') {
        // Java reads as many digits as form a valid group number.
        int num = rep[i + 1] - '0';
        if (num >= static_cast<int>(g.size()))
          throw ExecutionError(fmt::format("No group {}", num));
        size_t j = i + 2;
        while (j < rep.size() && rep[j] >= '0' && rep[j] <= '9') {
          int next = num * 10 + (rep[j] - '0');
          if (next >= static_cast<int>(g.size())) break;
          num = next;
          ++j;
        }
        if (g[num].data()) out->append(g[num].data(), g[num].size());
        i = j - 1;
      } else {
        throw ExecutionError("Illegal group reference in replacement string");
      }
    } else {
      out->push_back(c);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// LIKE

/// A compiled LIKE pattern: a fast path for patterns without '_' and with '%' only at the ends,
/// otherwise an RE2 regex.
struct LikeMatcher {
  enum Kind { kEquals, kPrefix, kSuffix, kContains, kRegex } kind = kRegex;
  std::string literal;
  std::shared_ptr<const RE2> re;

  bool Matches(std::string_view s) const {
    switch (kind) {
      case kEquals: return s == literal;
      case kPrefix: return s.substr(0, literal.size()) == literal;
      case kSuffix:
        return s.size() >= literal.size() && s.substr(s.size() - literal.size()) == literal;
      case kContains: return s.find(literal) != std::string_view::npos;
      case kRegex: return RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *re);
    }
    return false;
  }
};

LikeMatcher CompileLike(std::string_view pattern, char escape) {
  // Parse into tokens: literal runs, '%' and '_'.
  std::string regex = "(?s)";
  std::string literal;
  bool has_underscore = false;
  std::vector<std::pair<char, std::string>> tokens;  // ('L', text) | ('%', "") | ('_', "")
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == escape) {
      if (i + 1 >= pattern.size() ||
          (pattern[i + 1] != '_' && pattern[i + 1] != '%' && pattern[i + 1] != escape)) {
        throw ExecutionError(fmt::format(
            "[INVALID_FORMAT.ESCAPE_CHARACTER] The format is invalid: '{}'. Escape character is "
            "'{}' in the pattern '{}'.",
            pattern, escape, pattern));
      }
      literal.push_back(pattern[++i]);
      continue;
    }
    if (c == '%' || c == '_') {
      if (!literal.empty()) tokens.emplace_back('L', std::move(literal));
      literal.clear();
      tokens.emplace_back(c, "");
      if (c == '_') has_underscore = true;
      continue;
    }
    literal.push_back(c);
  }
  if (!literal.empty()) tokens.emplace_back('L', literal);
  LikeMatcher m;
  if (!has_underscore) {
    size_t n = tokens.size();
    if (n == 0) {
      m.kind = LikeMatcher::kEquals;
      return m;
    }
    if (n == 1 && tokens[0].first == 'L') {
      m.kind = LikeMatcher::kEquals;
      m.literal = tokens[0].second;
      return m;
    }
    if (n == 2 && tokens[0].first == 'L' && tokens[1].first == '%') {
      m.kind = LikeMatcher::kPrefix;
      m.literal = tokens[0].second;
      return m;
    }
    if (n == 2 && tokens[0].first == '%' && tokens[1].first == 'L') {
      m.kind = LikeMatcher::kSuffix;
      m.literal = tokens[1].second;
      return m;
    }
    if (n == 3 && tokens[0].first == '%' && tokens[1].first == 'L' && tokens[2].first == '%') {
      m.kind = LikeMatcher::kContains;
      m.literal = tokens[1].second;
      return m;
    }
    if (n == 1 && tokens[0].first == '%') {
      m.kind = LikeMatcher::kContains;
      return m;
    }
  }
  for (const auto& [kind, text] : tokens) {
    if (kind == 'L') regex += RE2::QuoteMeta(text);
    else if (kind == '%') regex += ".*";
    else regex += ".";
  }
  RE2::Options opts;
  opts.set_log_errors(false);
  m.re = std::make_shared<RE2>(regex, opts);
  m.kind = LikeMatcher::kRegex;
  return m;
}

char LikeEscapeOf(const Expr& call, const EvalContext& ctx) {
  if (call.children.size() < 3) return '\\';
  auto v = ConstantValue(*call.children[2], ctx);
  if (!v || v->is_null() || Utf8Length(v->GetString()) != 1 || v->GetString().size() != 1) {
    throw AnalysisError(fmt::format(
        "[INVALID_ESCAPE_CHAR] The escape character must be a string literal of length one, got "
        "\"{}\".",
        v && !v->is_null() ? v->GetString() : call.children[2]->ToSql()));
  }
  return v->GetString()[0];
}

void RegisterLike(FunctionRegistry& r, const std::string& name, bool ignore_case) {
  RegisterFn(
      r, name,
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 2, 3);
        CoerceString(call, 0, ctx);
        CoerceString(call, 1, ctx);
        if (call.children.size() == 3) {
          CoerceString(call, 2, ctx);
          LikeEscapeOf(call, ctx);
        }
        return DataType::Boolean();
      },
      [ignore_case](const Expr& call, const KernelArgs& a, const FunctionState& st,
                    const EvalContext& ctx) {
        char esc = LikeEscapeOf(call, ctx);
        const LikeMatcher* fixed = st ? static_cast<const LikeMatcher*>(st.get()) : nullptr;
        LikeMatcher row_matcher;
        std::string last_pattern;
        bool have_last = false;
        std::string lowered;
        return BuildFixed<uint8_t>(call.type, a, [&](size_t row, uint8_t* out) {
          std::string_view s = Str(a, 0, row);
          if (ignore_case) {
            lowered.clear();
            MapCase(s, false, &lowered);
            s = lowered;
          }
          const LikeMatcher* m = fixed;
          if (!m) {
            std::string p(Str(a, 1, row));
            if (ignore_case) {
              std::string lp;
              MapCase(p, false, &lp);
              p = lp;
            }
            if (!have_last || p != last_pattern) {
              row_matcher = CompileLike(p, esc);
              last_pattern = p;
              have_last = true;
            }
            m = &row_matcher;
          }
          *out = m->Matches(s);
          return true;
        });
      },
      true,
      [ignore_case](const Expr& call, const EvalContext& ctx) -> FunctionState {
        auto v = ConstantValue(*call.children[1], ctx);
        if (!v || v->is_null()) return nullptr;
        std::string p = v->GetString();
        if (ignore_case) {
          std::string lp;
          MapCase(p, false, &lp);
          p = lp;
        }
        return std::make_shared<LikeMatcher>(CompileLike(p, LikeEscapeOf(call, ctx)));
      });
}

// ---------------------------------------------------------------------------------------------
// format_number / format_string

std::string GroupThousands(std::string_view int_digits) {
  std::string out;
  size_t n = int_digits.size();
  for (size_t i = 0; i < n; ++i) {
    out.push_back(int_digits[i]);
    size_t rest = n - 1 - i;
    if (rest > 0 && rest % 3 == 0) out.push_back(',');
  }
  return out;
}

/// Formats plain decimal text "-123.456" (already rounded to `d` places) with grouping.
std::string GroupDecimalText(std::string_view text) {
  bool neg = !text.empty() && text[0] == '-';
  if (neg) text.remove_prefix(1);
  size_t dot = text.find('.');
  std::string_view ip = text.substr(0, dot);
  std::string out = neg ? "-" : "";
  out += GroupThousands(ip.empty() ? "0" : ip);
  if (dot != std::string_view::npos) out += text.substr(dot);
  return out;
}

/// Unscaled decimal rounded HALF_EVEN to `d` places, as text.
std::string DecimalToFixed(int128_t unscaled, int scale, int d) {
  bool neg = unscaled < 0;
  unsigned __int128 u = neg ? static_cast<unsigned __int128>(-unscaled) : unscaled;
  if (d < scale) {
    unsigned __int128 div = 1;
    for (int i = 0; i < scale - d; ++i) div *= 10;
    unsigned __int128 q = u / div, rem = u % div;
    unsigned __int128 half = div / 2;
    if (rem > half || (rem == half && (q & 1))) ++q;
    u = q;
    scale = d;
  }
  std::string digits;
  if (u == 0) digits = "0";
  while (u > 0) {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  while (static_cast<int>(digits.size()) <= scale) digits.insert(digits.begin(), '0');
  std::string out = digits.substr(0, digits.size() - scale);
  std::string frac = digits.substr(digits.size() - scale);
  while (static_cast<int>(frac.size()) < d) frac.push_back('0');
  bool all_zero = out.find_first_not_of('0') == std::string::npos &&
                  frac.find_first_not_of('0') == std::string::npos;
  std::string text = (neg && !all_zero ? "-" : "") + out;
  if (d > 0) text += "." + frac;
  return text;
}

std::string FormatNumber(const Vector& v, size_t row, int d) {
  switch (v.type_id()) {
    case TypeId::kFloat:
    case TypeId::kDouble: {
      double x = v.type_id() == TypeId::kFloat ? static_cast<double>(v.Get<float>(row))
                                               : v.Get<double>(row);
      if (std::isnan(x)) return "NaN";
      if (std::isinf(x)) return x > 0 ? "∞" : "-∞";
      std::string text = fmt::format("{:.{}f}", x, d);
      if (text[0] == '-' && text.find_first_not_of("-0.") == std::string::npos) text.erase(0, 1);
      return GroupDecimalText(text);
    }
    case TypeId::kDecimal:
      return GroupDecimalText(DecimalToFixed(v.Get<int128_t>(row), v.type()->scale(), d));
    default:
      return GroupDecimalText(DecimalToFixed(GetIntegral(v, row), 0, d));
  }
}

/// Java Formatter subset: %[index$][flags][width][.precision]conv for s S d x X o f e E g G c b B
/// h % n.
std::string FormatString(std::string_view fmt_text, const KernelArgs& a, size_t row,
                         const EvalContext& ctx) {
  std::string out;
  size_t next_arg = 1;
  for (size_t i = 0; i < fmt_text.size(); ++i) {
    char c = fmt_text[i];
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    size_t j = i + 1;
    // argument index
    size_t arg_index = 0;
    size_t k = j;
    while (k < fmt_text.size() && isdigit(static_cast<unsigned char>(fmt_text[k]))) ++k;
    if (k < fmt_text.size() && fmt_text[k] == '$' && k > j) {
      arg_index = std::stoul(std::string(fmt_text.substr(j, k - j)));
      j = k + 1;
    }
    std::string flags;
    while (j < fmt_text.size() && strchr("-#+ 0,(", fmt_text[j])) flags.push_back(fmt_text[j++]);
    std::string width;
    while (j < fmt_text.size() && isdigit(static_cast<unsigned char>(fmt_text[j])))
      width.push_back(fmt_text[j++]);
    std::string precision;
    if (j < fmt_text.size() && fmt_text[j] == '.') {
      ++j;
      while (j < fmt_text.size() && isdigit(static_cast<unsigned char>(fmt_text[j])))
        precision.push_back(fmt_text[j++]);
    }
    if (j >= fmt_text.size())
      throw ExecutionError(fmt::format("[FORMAT_STRING] UnknownFormatConversionException: '%'"));
    char conv = fmt_text[j];
    i = j;
    if (conv == '%') {
      out.push_back('%');
      continue;
    }
    if (conv == 'n') {
      out.push_back('\n');
      continue;
    }
    size_t ai = arg_index ? arg_index : next_arg++;
    if (ai >= a.args.size())
      throw ExecutionError(fmt::format("MissingFormatArgumentException: Format specifier '%{}'", conv));
    const Vector& v = *a.args[ai];
    bool is_null = v.IsNull(row);
    bool left = flags.find('-') != std::string::npos;
    bool group = flags.find(',') != std::string::npos;
    std::string cflags;
    for (char f : flags)
      if (f != ',' && f != '(') cflags.push_back(f);
    std::string body;
    char lc = static_cast<char>(tolower(conv));
    bool upper = conv != lc;
    auto pad = [&](std::string s) {
      size_t w = width.empty() ? 0 : std::stoul(width);
      size_t len = static_cast<size_t>(Utf8Length(s));
      if (len < w) {
        if (left)
          s.append(w - len, ' ');
        else
          s.insert(0, w - len, ' ');
      }
      return s;
    };
    switch (lc) {
      case 's':
      case 'b':
      case 'h':
      case 'c': {
        if (lc == 'b') {
          body = is_null ? "false"
                 : v.type_id() == TypeId::kBoolean ? (v.Get<uint8_t>(row) ? "true" : "false")
                                                   : "true";
        } else if (is_null) {
          body = "null";
        } else if (lc == 'c') {
          std::string s;
          Utf8Append(static_cast<uint32_t>(GetIntegral(v, row)), &s);
          body = s;
        } else if (lc == 'h') {
          body = fmt::format("{:x}", static_cast<uint32_t>(v.HashRow(row)));
        } else {
          Value val = v.GetValue(row);
          body = FormatCastString(val, ctx.time_zone);
        }
        if (!precision.empty()) body = std::string(Utf8Substr(body, 0, std::stoll(precision)));
        if (upper) {
          std::string u;
          MapCase(body, true, &u);
          body = u;
        }
        out += pad(body);
        break;
      }
      case 'd':
      case 'x':
      case 'o': {
        if (is_null) {
          out += pad("null");
          break;
        }
        if (!v.type()->IsIntegral())
          throw ExecutionError(fmt::format(
              "IllegalFormatConversionException: {} != {}", conv, v.type()->SimpleString()));
        int64_t x = GetIntegral(v, row);
        if (lc == 'd') {
          unsigned long long ux = x < 0 ? 0ULL - static_cast<unsigned long long>(x)
                                        : static_cast<unsigned long long>(x);
          std::string digits = std::to_string(ux);
          if (group) digits = GroupThousands(digits);
          std::string sign = x < 0 ? "-" : flags.find('+') != std::string::npos ? "+"
                                       : flags.find(' ') != std::string::npos   ? " "
                                                                                 : "";
          if (x < 0 && flags.find('(') != std::string::npos) {
            sign = "(";
            digits += ")";
          }
          size_t w = width.empty() ? 0 : std::stoul(width);
          if (flags.find('0') != std::string::npos && sign.size() + digits.size() < w)
            digits.insert(0, w - sign.size() - digits.size(), '0');
          out += pad(sign + digits);
        } else {
          std::string spec = "%" + cflags + width + (lc == 'x' ? (upper ? "llX" : "llx") : "llo");
          char buf[96];
          snprintf(buf, sizeof(buf), spec.c_str(), static_cast<unsigned long long>(x));
          out += buf;
        }
        break;
      }
      case 'f':
      case 'e':
      case 'g': {
        if (is_null) {
          out += pad("null");
          break;
        }
        double x;
        if (v.type_id() == TypeId::kDouble) x = v.Get<double>(row);
        else if (v.type_id() == TypeId::kFloat) x = v.Get<float>(row);
        else if (v.type_id() == TypeId::kDecimal) x = v.GetValue(row).AsDouble();
        else
          throw ExecutionError(fmt::format(
              "IllegalFormatConversionException: {} != {}", conv, v.type()->SimpleString()));
        if (std::isnan(x) || std::isinf(x)) {
          out += pad(std::isnan(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity");
          break;
        }
        std::string prec = precision.empty() ? "6" : precision;
        std::string spec = "%" + cflags + width + "." + prec + conv;
        char buf[512];
        snprintf(buf, sizeof(buf), spec.c_str(), x);
        std::string s = buf;
        if (group && lc == 'f') {
          size_t start = s.find_first_of("0123456789");
          size_t end = s.find_first_not_of("0123456789", start);
          if (end == std::string::npos) end = s.size();
          std::string grouped = GroupThousands(s.substr(start, end - start));
          s = s.substr(0, start) + grouped + s.substr(end);
          s = pad(s);
        }
        out += s;
        break;
      }
      default:
        throw ExecutionError(
            fmt::format("[FORMAT_STRING] UnknownFormatConversionException: Conversion = '{}'", conv));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// base64 / hex

const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void Base64Encode(std::string_view in, std::string* out) {
  size_t i = 0;
  auto b = [&](size_t k) { return static_cast<unsigned char>(in[k]); };
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (b(i) << 16) | (b(i + 1) << 8) | b(i + 2);
    out->push_back(kB64[(v >> 18) & 63]);
    out->push_back(kB64[(v >> 12) & 63]);
    out->push_back(kB64[(v >> 6) & 63]);
    out->push_back(kB64[v & 63]);
  }
  if (i + 1 == in.size()) {
    uint32_t v = b(i) << 16;
    out->push_back(kB64[(v >> 18) & 63]);
    out->push_back(kB64[(v >> 12) & 63]);
    out->append("==");
  } else if (i + 2 == in.size()) {
    uint32_t v = (b(i) << 16) | (b(i + 1) << 8);
    out->push_back(kB64[(v >> 18) & 63]);
    out->push_back(kB64[(v >> 12) & 63]);
    out->push_back(kB64[(v >> 6) & 63]);
    out->push_back('=');
  }
}

/// MIME-style decoding: characters outside the alphabet are ignored; stops at '='.
void Base64Decode(std::string_view in, std::string* out) {
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=') break;
    else continue;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
}

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// ---------------------------------------------------------------------------------------------

void RegisterCaseAndConcat(FunctionRegistry& r) {
  RegisterUnaryString(r, "lower", [](std::string_view s, std::string* o) { MapCase(s, false, o); });
  RegisterUnaryString(r, "upper", [](std::string_view s, std::string* o) { MapCase(s, true, o); });
  r.Alias("lcase", "lower");
  r.Alias("ucase", "upper");
  RegisterUnaryString(r, "initcap", [](std::string_view s, std::string* o) {
    bool start = true;
    for (size_t i = 0; i < s.size();) {
      uint32_t cp = Utf8Decode(s, &i);
      uint32_t m = start ? UpperCp(cp) : LowerCp(cp);
      Utf8Append(m, o);
      start = cp == ' ';
    }
  });

  // concat: strings, binaries or arrays; NULL if any argument is NULL.
  RegisterFn(
      r, "concat",
      [](Expr& call, const EvalContext& ctx) -> TypePtr {
        if (call.children.empty()) return DataType::String();
        bool all_arrays = true, all_binary = true;
        for (auto& c : call.children) {
          if (c->type->id() != TypeId::kArray) all_arrays = false;
          if (c->type->id() != TypeId::kBinary) all_binary = false;
        }
        if (all_arrays) {
          TypePtr t = call.children[0]->type;
          for (size_t i = 1; i < call.children.size(); ++i) {
            TypePtr w = WiderType(t, call.children[i]->type, ctx);
            if (!w) ThrowUnexpectedType(call, i, QuotedType(t));
            t = w;
          }
          for (auto& c : call.children) c = CastTo(c, t, ctx);
          return t;
        }
        if (all_binary) return DataType::Binary();
        for (size_t i = 0; i < call.children.size(); ++i) CoerceString(call, i, ctx);
        return DataType::String();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        if (call.type->id() == TypeId::kArray) {
          auto out = MakeResult(call.type, a.num_rows);
          for (size_t row = 0; row < a.num_rows; ++row) {
            if (AnyNull(a, row)) {
              out->AppendNull();
              continue;
            }
            for (const auto& v : a.args)
              out->mutable_child(0)->AppendRange(*v->child(0), v->ListBegin(row), v->ListEnd(row));
            out->AppendListEnd();
          }
          return VectorPtr(out);
        }
        return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
          for (const auto& v : a.args) out->append(v->GetString(row));
          return true;
        });
      });

  // concat_ws(sep, str|array<str>, ...): NULL arguments are skipped; NULL separator gives NULL.
  RegisterFn(
      r, "concat_ws",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 1, SIZE_MAX);
        CoerceString(call, 0, ctx);
        for (size_t i = 1; i < call.children.size(); ++i) {
          const TypePtr& t = call.children[i]->type;
          if (t->id() == TypeId::kArray) {
            if (t->element_type()->id() != TypeId::kString) {
              if (!IsAtomic(t->element_type())) ThrowUnexpectedType(call, i, "(\"ARRAY<STRING>\" or \"STRING\")");
              call.children[i] = CastTo(call.children[i], DataType::Array(DataType::String()), ctx);
            }
          } else {
            CoerceString(call, i, ctx);
          }
        }
        return DataType::String();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        return BuildStrings(
            call.type, a,
            [&](size_t row, std::string* out) {
              if (a.args[0]->IsNull(row)) return false;
              std::string_view sep = Str(a, 0, row);
              bool first = true;
              auto add = [&](std::string_view s) {
                if (!first) out->append(sep);
                out->append(s);
                first = false;
              };
              for (size_t i = 1; i < a.args.size(); ++i) {
                const Vector& v = *a.args[i];
                if (v.IsNull(row)) continue;
                if (v.type_id() == TypeId::kArray) {
                  const Vector& el = *v.child(0);
                  for (int64_t k = v.ListBegin(row); k < v.ListEnd(row); ++k)
                    if (!el.IsNull(k)) add(el.GetString(k));
                } else {
                  add(v.GetString(row));
                }
              }
              return true;
            },
            false);
      },
      false);
}

void RegisterSubstrings(FunctionRegistry& r) {
  RegisterFn(
      r, "substring",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 2, 3);
        CoerceStringOrBinary(call, 0, ctx);
        CoerceIntegral(call, 1, DataType::Int(), ctx);
        if (call.children.size() == 3) CoerceIntegral(call, 2, DataType::Int(), ctx);
        return call.children[0]->type;
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        bool bytes = call.type->id() == TypeId::kBinary;
        return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
          int64_t len = a.args.size() == 3 ? Int(a, 2, row) : std::numeric_limits<int32_t>::max();
          out->append(SubstringSql(Str(a, 0, row), Int(a, 1, row), len, bytes));
          return true;
        });
      });
  r.Alias("substr", "substring");

  RegisterFn(r, "left", BindArgs("XI", 2, DataType::String()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               bool bytes = call.children[0]->type->id() == TypeId::kBinary;
               return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
                 int32_t n = Int(a, 1, row);
                 if (n > 0) out->append(SubstringSql(Str(a, 0, row), 1, n, bytes));
                 return true;
               });
             });
  RegisterFn(r, "right", BindArgs("SI", 2, DataType::String()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
                 int32_t n = Int(a, 1, row);
                 if (n > 0) out->append(SubstringSql(Str(a, 0, row), -int64_t{n}, n, false));
                 return true;
               });
             });

  auto length_kernel = [](const Expr& call, const KernelArgs& a, const FunctionState&,
                          const EvalContext&) {
    bool bytes = call.children[0]->type->id() == TypeId::kBinary;
    return BuildFixed<int32_t>(call.type, a, [&](size_t row, int32_t* out) {
      std::string_view s = Str(a, 0, row);
      *out = static_cast<int32_t>(bytes ? s.size() : Utf8Length(s));
      return true;
    });
  };
  RegisterFn(r, "length", BindArgs("X", 1, DataType::Int()), length_kernel);
  r.Alias("char_length", "length");
  r.Alias("character_length", "length");
  r.Alias("len", "length");
  RegisterFn(r, "octet_length", BindArgs("X", 1, DataType::Int()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildFixed<int32_t>(call.type, a, [&](size_t row, int32_t* out) {
                 *out = static_cast<int32_t>(Str(a, 0, row).size());
                 return true;
               });
             });
  RegisterFn(r, "bit_length", BindArgs("X", 1, DataType::Int()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildFixed<int32_t>(call.type, a, [&](size_t row, int32_t* out) {
                 *out = static_cast<int32_t>(Str(a, 0, row).size() * 8);
                 return true;
               });
             });

  RegisterTrim(r, "trim", 0);
  r.Alias("btrim", "trim");
  RegisterTrim(r, "ltrim", 1);
  RegisterTrim(r, "rtrim", 2);

  auto pad_kernel = [](bool left_pad) {
    return [left_pad](const Expr& call, const KernelArgs& a, const FunctionState&,
                      const EvalContext&) {
      return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
        std::string_view s = Str(a, 0, row);
        int32_t len = Int(a, 1, row);
        std::string_view pad = a.args.size() == 3 ? Str(a, 2, row) : std::string_view(" ");
        if (len <= 0) return true;
        int64_t n = Utf8Length(s);
        int64_t spaces = len - n;
        if (spaces <= 0 || pad.empty()) {
          out->append(Utf8Substr(s, 0, len));
          return true;
        }
        std::vector<uint32_t> pcs = Utf8CodePoints(pad);
        std::string fill;
        for (int64_t i = 0; i < spaces; ++i) Utf8Append(pcs[i % pcs.size()], &fill);
        if (left_pad) {
          out->append(fill);
          out->append(s);
        } else {
          out->append(s);
          out->append(fill);
        }
        return true;
      });
    };
  };
  RegisterFn(r, "lpad", BindArgs("SIS", 2, DataType::String()), pad_kernel(true));
  RegisterFn(r, "rpad", BindArgs("SIS", 2, DataType::String()), pad_kernel(false));

  RegisterFn(r, "replace", BindStrings(2, 3, DataType::String()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
                 std::string_view s = Str(a, 0, row), search = Str(a, 1, row);
                 std::string_view rep = a.args.size() == 3 ? Str(a, 2, row) : std::string_view();
                 if (search.empty()) {
                   out->append(s);
                   return true;
                 }
                 size_t pos = 0;
                 while (true) {
                   size_t f = s.find(search, pos);
                   if (f == std::string_view::npos) break;
                   out->append(s.substr(pos, f - pos));
                   out->append(rep);
                   pos = f + search.size();
                 }
                 out->append(s.substr(pos));
                 return true;
               });
             });

  RegisterFn(r, "translate", BindStrings(3, 3, DataType::String()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
                 std::vector<uint32_t> from = Utf8CodePoints(Str(a, 1, row));
                 std::vector<uint32_t> to = Utf8CodePoints(Str(a, 2, row));
                 std::string_view s = Str(a, 0, row);
                 for (size_t i = 0; i < s.size();) {
                   uint32_t cp = Utf8Decode(s, &i);
                   size_t k = 0;
                   while (k < from.size() && from[k] != cp) ++k;
                   if (k == from.size()) Utf8Append(cp, out);
                   else if (k < to.size()) Utf8Append(to[k], out);
                 }
                 return true;
               });
             });

  RegisterFn(r, "instr", BindStrings(2, 2, DataType::Int()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildFixed<int32_t>(call.type, a, [&](size_t row, int32_t* out) {
                 *out = static_cast<int32_t>(IndexOfChars(Str(a, 0, row), Str(a, 1, row), 0) + 1);
                 return true;
               });
             });
  // locate(substr, str[, pos]): a NULL pos gives 0 (Hive compatibility), pos < 1 gives 0.
  RegisterFn(
      r, "locate", BindArgs("SSI", 2, DataType::Int()),
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        return BuildFixed<int32_t>(
            call.type, a,
            [&](size_t row, int32_t* out) {
              int32_t pos = 1;
              if (a.args.size() == 3) {
                if (a.args[2]->IsNull(row)) {
                  *out = 0;
                  return true;
                }
                pos = Int(a, 2, row);
              }
              if (a.args[0]->IsNull(row) || a.args[1]->IsNull(row)) return false;
              if (pos < 1) {
                *out = 0;
                return true;
              }
              *out = static_cast<int32_t>(IndexOfChars(Str(a, 1, row), Str(a, 0, row), pos - 1) + 1);
              return true;
            },
            false);
      },
      false);
  r.Alias("position", "locate");

  RegisterFn(
      r, "reverse",
      [](Expr& call, const EvalContext& ctx) -> TypePtr {
        CheckArgCount(call, 1, 1);
        if (call.children[0]->type->id() == TypeId::kArray) return call.children[0]->type;
        CoerceString(call, 0, ctx);
        return DataType::String();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        if (call.type->id() == TypeId::kArray) {
          auto out = MakeResult(call.type, a.num_rows);
          const Vector& v = *a.args[0];
          for (size_t row = 0; row < a.num_rows; ++row) {
            if (v.IsNull(row)) {
              out->AppendNull();
              continue;
            }
            for (int64_t k = v.ListEnd(row) - 1; k >= v.ListBegin(row); --k)
              out->mutable_child(0)->AppendFrom(*v.child(0), k);
            out->AppendListEnd();
          }
          return VectorPtr(out);
        }
        return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
          std::string_view s = Str(a, 0, row);
          size_t e = s.size();
          while (e > 0) {
            size_t b = e - 1;
            while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80) --b;
            out->append(s.substr(b, e - b));
            e = b;
          }
          return true;
        });
      });

  RegisterFn(r, "repeat", BindArgs("SI", 2, DataType::String()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
                 std::string_view s = Str(a, 0, row);
                 for (int32_t i = 0; i < Int(a, 1, row); ++i) out->append(s);
                 return true;
               });
             });
  RegisterFn(r, "space", BindArgs("I", 1, DataType::String()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
                 int32_t n = Int(a, 0, row);
                 if (n > 0) out->append(static_cast<size_t>(n), ' ');
                 return true;
               });
             });

  auto predicate = [](int kind) {
    return [kind](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
      return BuildFixed<uint8_t>(call.type, a, [&](size_t row, uint8_t* out) {
        std::string_view s = Str(a, 0, row), p = Str(a, 1, row);
        if (kind == 0) *out = s.substr(0, p.size()) == p;
        else if (kind == 1) *out = s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
        else *out = s.find(p) != std::string_view::npos;
        return true;
      });
    };
  };
  auto bind_pred = [](Expr& call, const EvalContext& ctx) {
    CheckArgCount(call, 2, 2);
    bool bin = call.children[0]->type->id() == TypeId::kBinary &&
               call.children[1]->type->id() == TypeId::kBinary;
    if (!bin) {
      CoerceString(call, 0, ctx);
      CoerceString(call, 1, ctx);
    }
    return DataType::Boolean();
  };
  RegisterFn(r, "startswith", bind_pred, predicate(0));
  RegisterFn(r, "endswith", bind_pred, predicate(1));
  RegisterFn(r, "contains", bind_pred, predicate(2));

  // split_part(str, delim, partNum)
  RegisterFn(r, "split_part", BindArgs("SSI", 3, DataType::String()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
                 std::string_view s = Str(a, 0, row), d = Str(a, 1, row);
                 int32_t idx = Int(a, 2, row);
                 if (idx == 0)
                   throw ExecutionError(
                       "[INVALID_INDEX_OF_ZERO] The index 0 is invalid. An index shall be either "
                       "< 0 or > 0 (the first element has index 1).");
                 std::vector<std::string_view> parts;
                 if (d.empty()) {
                   parts.push_back(s);
                 } else {
                   size_t pos = 0;
                   while (true) {
                     size_t f = s.find(d, pos);
                     if (f == std::string_view::npos) break;
                     parts.push_back(s.substr(pos, f - pos));
                     pos = f + d.size();
                   }
                   parts.push_back(s.substr(pos));
                 }
                 int64_t n = static_cast<int64_t>(parts.size());
                 int64_t k = idx > 0 ? idx - 1 : n + idx;
                 if (k >= 0 && k < n) out->append(parts[k]);
                 return true;
               });
             });

  // elt(n, s1, s2, ...): out-of-range n is an error in ANSI mode, NULL otherwise.
  RegisterFn(
      r, "elt",
      [](Expr& call, const EvalContext& ctx) -> TypePtr {
        CheckArgCount(call, 2, SIZE_MAX);
        CoerceIntegral(call, 0, DataType::Int(), ctx);
        bool all_binary = true;
        for (size_t i = 1; i < call.children.size(); ++i)
          if (call.children[i]->type->id() != TypeId::kBinary) all_binary = false;
        if (all_binary) return DataType::Binary();
        for (size_t i = 1; i < call.children.size(); ++i) CoerceString(call, i, ctx);
        return DataType::String();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
        return BuildStrings(
            call.type, a,
            [&](size_t row, std::string* out) {
              if (a.args[0]->IsNull(row)) return false;
              int32_t n = Int(a, 0, row);
              int32_t count = static_cast<int32_t>(a.args.size() - 1);
              if (n < 1 || n > count) {
                if (ctx.ansi_enabled)
                  throw ExecutionError(fmt::format(
                      "[INVALID_ARRAY_INDEX] The index {} is out of bounds. The array has {} "
                      "elements. Use the SQL function `get()` to tolerate accessing element at "
                      "invalid index and return NULL instead. If necessary set "
                      "\"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
                      n, count));
                return false;
              }
              if (a.args[n]->IsNull(row)) return false;
              out->append(a.args[n]->GetString(row));
              return true;
            },
            false);
      },
      false);
}

void RegisterRegexFunctions(FunctionRegistry& r) {
  // split(str, regex[, limit]) -> ARRAY<STRING>
  RegisterFn(
      r, "split", BindArgs("SSI", 2, DataType::Array(DataType::String())),
      [](const Expr& call, const KernelArgs& a, const FunctionState& st, const EvalContext&) {
        RegexCache cache("split");
        auto out = MakeResult(call.type, a.num_rows);
        Vector& el = *out->mutable_child(0);
        std::vector<std::string_view> parts;
        for (size_t row = 0; row < a.num_rows; ++row) {
          if (AnyNull(a, row)) {
            out->AppendNull();
            continue;
          }
          std::string_view pattern = Str(a, 1, row);
          int32_t limit = a.args.size() == 3 ? Int(a, 2, row) : -1;
          SplitJava(Str(a, 0, row), PatternFor(st, cache, pattern), pattern.empty(), limit, &parts);
          for (auto p : parts) el.AppendString(p);
          out->AppendListEnd();
        }
        return VectorPtr(out);
      },
      true, PrepareRegex(1, "split"));

  RegisterFn(
      r, "regexp_extract", BindArgs("SSI", 2, DataType::String()),
      [](const Expr& call, const KernelArgs& a, const FunctionState& st, const EvalContext&) {
        RegexCache cache("regexp_extract");
        std::vector<re2::StringPiece> g;
        return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
          const RE2& re = PatternFor(st, cache, Str(a, 1, row));
          int64_t idx = a.args.size() == 3 ? Int(a, 2, row) : 1;
          g.assign(re.NumberOfCapturingGroups() + 1, re2::StringPiece());
          std::string_view s = Str(a, 0, row);
          if (!FindAt(re, s, 0, &g)) return true;
          if (idx < 0 || idx > re.NumberOfCapturingGroups())
            ThrowGroupIndex("regexp_extract", re.NumberOfCapturingGroups(), idx);
          if (g[idx].data()) out->append(g[idx].data(), g[idx].size());
          return true;
        });
      },
      true, PrepareRegex(1, "regexp_extract"));

  RegisterFn(
      r, "regexp_extract_all", BindArgs("SSI", 2, DataType::Array(DataType::String())),
      [](const Expr& call, const KernelArgs& a, const FunctionState& st, const EvalContext&) {
        RegexCache cache("regexp_extract_all");
        std::vector<re2::StringPiece> g;
        auto out = MakeResult(call.type, a.num_rows);
        Vector& el = *out->mutable_child(0);
        for (size_t row = 0; row < a.num_rows; ++row) {
          if (AnyNull(a, row)) {
            out->AppendNull();
            continue;
          }
          const RE2& re = PatternFor(st, cache, Str(a, 1, row));
          int64_t idx = a.args.size() == 3 ? Int(a, 2, row) : 1;
          g.assign(re.NumberOfCapturingGroups() + 1, re2::StringPiece());
          std::string_view s = Str(a, 0, row);
          size_t from = 0;
          while (FindAt(re, s, from, &g)) {
            if (idx < 0 || idx > re.NumberOfCapturingGroups())
              ThrowGroupIndex("regexp_extract_all", re.NumberOfCapturingGroups(), idx);
            if (g[idx].data())
              el.AppendString(std::string_view(g[idx].data(), g[idx].size()));
            else
              el.AppendString("");
            size_t mb = g[0].data() - s.data();
            from = NextSearch(s, mb, mb + g[0].size());
          }
          out->AppendListEnd();
        }
        return VectorPtr(out);
      },
      true, PrepareRegex(1, "regexp_extract_all"));

  // regexp_replace(str, regexp, rep[, position])
  RegisterFn(
      r, "regexp_replace", BindArgs("SSSI", 3, DataType::String()),
      [](const Expr& call, const KernelArgs& a, const FunctionState& st, const EvalContext&) {
        RegexCache cache("regexp_replace");
        std::vector<re2::StringPiece> g;
        return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
          const RE2& re = PatternFor(st, cache, Str(a, 1, row));
          std::string_view s = Str(a, 0, row), rep = Str(a, 2, row);
          int32_t pos = a.args.size() == 4 ? Int(a, 3, row) : 1;
          if (pos <= 0)
            throw ExecutionError(fmt::format(
                "[INVALID_PARAMETER_VALUE.POSITION] The value of parameter(s) `position` in "
                "`regexp_replace` is invalid: Expects a positive value, but got {}.",
                pos));
          size_t start = Utf8Offset(s, pos - 1);
          if (static_cast<int64_t>(pos - 1) > Utf8Length(s)) {
            out->append(s);
            return true;
          }
          g.assign(re.NumberOfCapturingGroups() + 1, re2::StringPiece());
          out->append(s.substr(0, start));
          size_t last = start, from = start;
          while (FindAt(re, s, from, &g)) {
            size_t mb = g[0].data() - s.data(), me = mb + g[0].size();
            out->append(s.substr(last, mb - last));
            AppendReplacement(rep, re, g, out);
            last = me;
            from = NextSearch(s, mb, me);
            if (me == mb && from <= s.size()) {
              // An empty match: copy the skipped character.
              out->append(s.substr(me, from - me));
              last = from;
            }
          }
          if (last < s.size()) out->append(s.substr(last));
          return true;
        });
      },
      true, PrepareRegex(1, "regexp_replace"));

  auto like_kernel = [](const Expr& call, const KernelArgs& a, const FunctionState& st,
                        const EvalContext&) {
    RegexCache cache(call.name);
    return BuildFixed<uint8_t>(call.type, a, [&](size_t row, uint8_t* out) {
      const RE2& re = PatternFor(st, cache, Str(a, 1, row));
      std::string_view s = Str(a, 0, row);
      *out = RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), re);
      return true;
    });
  };
  RegisterFn(r, "rlike", BindStrings(2, 2, DataType::Boolean()), like_kernel, true,
             PrepareRegex(1, "rlike"));
  r.Alias("regexp_like", "rlike");
  r.Alias("regexp", "rlike");

  RegisterFn(
      r, "regexp_count", BindStrings(2, 2, DataType::Int()),
      [](const Expr& call, const KernelArgs& a, const FunctionState& st, const EvalContext&) {
        RegexCache cache("regexp_count");
        std::vector<re2::StringPiece> g(1);
        return BuildFixed<int32_t>(call.type, a, [&](size_t row, int32_t* out) {
          const RE2& re = PatternFor(st, cache, Str(a, 1, row));
          std::string_view s = Str(a, 0, row);
          size_t from = 0;
          int32_t n = 0;
          while (FindAt(re, s, from, &g)) {
            ++n;
            size_t mb = g[0].data() - s.data();
            from = NextSearch(s, mb, mb + g[0].size());
          }
          *out = n;
          return true;
        });
      },
      true, PrepareRegex(1, "regexp_count"));

  RegisterLike(r, "like", false);
  RegisterLike(r, "ilike", true);
}

void RegisterEncodings(FunctionRegistry& r) {
  RegisterFn(r, "ascii", BindStrings(1, 1, DataType::Int()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildFixed<int32_t>(call.type, a, [&](size_t row, int32_t* out) {
                 std::string_view s = Str(a, 0, row);
                 size_t p = 0;
                 *out = s.empty() ? 0 : static_cast<int32_t>(Utf8Decode(s, &p));
                 return true;
               });
             });
  RegisterFn(r, "chr", BindArgs("L", 1, DataType::String()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
                 int64_t v = a.args[0]->Get<int64_t>(row);
                 if (v < 0) return true;
                 Utf8Append(static_cast<uint32_t>(v & 0xFF), out);
                 return true;
               });
             });
  r.Alias("char", "chr");
  RegisterFn(r, "base64", BindArgs("B", 1, DataType::String()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
                 Base64Encode(Str(a, 0, row), out);
                 return true;
               });
             });
  RegisterFn(r, "unbase64", BindArgs("S", 1, DataType::Binary()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
                 Base64Decode(Str(a, 0, row), out);
                 return true;
               });
             });
  RegisterFn(
      r, "hex",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 1, 1);
        const TypePtr& t = call.children[0]->type;
        if (t->IsIntegral()) call.children[0] = CastTo(call.children[0], DataType::Long(), ctx);
        else CoerceStringOrBinary(call, 0, ctx);
        return DataType::String();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        bool num = a.args[0]->type_id() == TypeId::kLong;
        return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
          if (num) {
            *out = fmt::format("{:X}", static_cast<uint64_t>(a.args[0]->Get<int64_t>(row)));
          } else {
            static const char* kDigits = "0123456789ABCDEF";
            for (unsigned char c : Str(a, 0, row)) {
              out->push_back(kDigits[c >> 4]);
              out->push_back(kDigits[c & 15]);
            }
          }
          return true;
        });
      });
  RegisterFn(r, "unhex", BindStrings(1, 1, DataType::Binary()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
                 std::string_view s = Str(a, 0, row);
                 size_t i = 0;
                 if (s.size() % 2 == 1) {
                   int v = HexVal(s[0]);
                   if (v < 0) return false;
                   out->push_back(static_cast<char>(v));
                   i = 1;
                 }
                 for (; i + 1 < s.size() + 1 && i < s.size(); i += 2) {
                   int hi = HexVal(s[i]), lo = HexVal(s[i + 1]);
                   if (hi < 0 || lo < 0) return false;
                   out->push_back(static_cast<char>(hi * 16 + lo));
                 }
                 return true;
               });
             });
  RegisterFn(r, "md5", BindArgs("B", 1, DataType::String()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
                 *out = ToHexLower(Md5(Str(a, 0, row)));
                 return true;
               });
             });
  RegisterFn(r, "sha1", BindArgs("B", 1, DataType::String()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
                 *out = ToHexLower(Sha1(Str(a, 0, row)));
                 return true;
               });
             });
  r.Alias("sha", "sha1");
  RegisterFn(r, "sha2", BindArgs("BI", 2, DataType::String()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
                 int32_t bits = Int(a, 1, row);
                 std::string_view s = Str(a, 0, row);
                 if (bits == 0 || bits == 256) *out = ToHexLower(Sha256(s, 256));
                 else if (bits == 224) *out = ToHexLower(Sha256(s, 224));
                 else if (bits == 384) *out = ToHexLower(Sha512(s, 384));
                 else if (bits == 512) *out = ToHexLower(Sha512(s, 512));
                 else return false;
                 return true;
               });
             });
  RegisterFn(r, "crc32", BindArgs("B", 1, DataType::Long()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildFixed<int64_t>(call.type, a, [&](size_t row, int64_t* out) {
                 *out = Crc32(Str(a, 0, row));
                 return true;
               });
             });

  // format_number(x, d): HALF_EVEN rounding with ',' grouping; d < 0 gives NULL.
  RegisterFn(
      r, "format_number",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 2, 2);
        const TypePtr& t = call.children[0]->type;
        if (!t->IsNumeric() && t->id() != TypeId::kNull) ThrowUnexpectedType(call, 0, "\"NUMERIC\"");
        if (t->id() == TypeId::kNull)
          call.children[0] = CastTo(call.children[0], DataType::Double(), ctx);
        CoerceIntegral(call, 1, DataType::Int(), ctx);
        return DataType::String();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
          int32_t d = Int(a, 1, row);
          if (d < 0) return false;
          *out = FormatNumber(*a.args[0], row, d);
          return true;
        });
      });

  RegisterFn(
      r, "format_string",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 1, SIZE_MAX);
        CoerceString(call, 0, ctx);
        return DataType::String();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
        return BuildStrings(
            call.type, a,
            [&](size_t row, std::string* out) {
              if (a.args[0]->IsNull(row)) return false;
              *out = FormatString(Str(a, 0, row), a, row, ctx);
              return true;
            },
            false);
      },
      false);
  r.Alias("printf", "format_string");
}

}  // namespace

void RegisterStringFunctions(FunctionRegistry& registry) {
  RegisterCaseAndConcat(registry);
  RegisterSubstrings(registry);
  RegisterRegexFunctions(registry);
  RegisterEncodings(registry);
}

}  // namespace sluice
