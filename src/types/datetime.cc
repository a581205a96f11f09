// Calendar arithmetic, time zones and datetime text conversion (see datetime.h).
//
// Time zones are read from the system tz database (/usr/share/zoneinfo TZif files, version 2+
// 64-bit data plus the POSIX TZ footer rule for instants after the last transition), so no
// process-global state (TZ environment variable) is touched. Parsed zones are cached for the life
// of the process behind a mutex; each thread also keeps its last zone to avoid locking per row.
#include "types/datetime.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "sluice/exception.h"

namespace sluice {

// ---------------------------------------------------------------------------------------------
// Civil calendar
// ---------------------------------------------------------------------------------------------

int32_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int32_t>(era * 146097 + static_cast<int64_t>(doe) - 719468);
}

void CivilFromDays(int64_t z, int64_t* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (m <= 2);
  *month = m;
  *day = d;
}

namespace {

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

// 0 = Sunday ... 6 = Saturday. 1970-01-01 was a Thursday.
int DayOfWeek(int64_t days) { return static_cast<int>(FloorMod(days + 4, 7)); }

// ---------------------------------------------------------------------------------------------
// Time zones
// ---------------------------------------------------------------------------------------------

struct LocalTimeType {
  int32_t utoff = 0;  // seconds east of UTC
  bool is_dst = false;
  std::string abbr;
};

// A POSIX TZ rule date: Mm.w.d, Jn or n.
struct RuleDate {
  char kind = 'M';  // 'M', 'J' (1..365, no Feb 29), 'N' (0..365)
  int month = 0, week = 0, wday = 0, day = 0;
  int32_t time = 7200;  // seconds after local midnight
};

struct PosixRule {
  LocalTimeType std_type;
  LocalTimeType dst_type;
  bool has_dst = false;
  RuleDate start, end;
};

class Zone {
 public:
  // Offset type in effect at the UTC instant `secs`.
  const LocalTimeType& Lookup(int64_t secs) const;
  bool IsFixedUtc() const { return fixed_ && fixed_type_.utoff == 0; }

  bool fixed_ = false;
  LocalTimeType fixed_type_;
  std::vector<int64_t> transitions_;
  std::vector<uint8_t> type_index_;
  std::vector<LocalTimeType> types_;
  bool has_rule_ = false;
  PosixRule rule_;

 private:
  const LocalTimeType& LookupRule(int64_t secs) const;
};

// Days since epoch of the rule date in `year`.
int64_t RuleDay(const RuleDate& r, int64_t year) {
  if (r.kind == 'J') {
    int d = r.day;  // 1..365, Feb 29 never counted
    int64_t base = DaysFromCivil(year, 1, 1);
    int64_t off = d - 1;
    if (IsLeap(year) && d >= 60) off += 1;
    return base + off;
  }
  if (r.kind == 'N') return DaysFromCivil(year, 1, 1) + r.day;
  // Mm.w.d: day d (0=Sunday) of week w (1..5, 5 = last) of month m.
  int64_t first = DaysFromCivil(year, static_cast<unsigned>(r.month), 1);
  int dow = DayOfWeek(first);
  int64_t day = first + ((r.wday - dow + 7) % 7) + 7 * (r.week - 1);
  int64_t dim = DaysInMonth(year, static_cast<unsigned>(r.month));
  while (day >= first + dim) day -= 7;
  return day;
}

const LocalTimeType& Zone::LookupRule(int64_t secs) const {
  if (!rule_.has_dst) return rule_.std_type;
  int64_t y;
  unsigned m, d;
  CivilFromDays(FloorDiv(secs + rule_.std_type.utoff, 86400), &y, &m, &d);
  // Transition instants (UTC) in year y: start is given in standard local time, end in DST time.
  int64_t start = RuleDay(rule_.start, y) * 86400 + rule_.start.time - rule_.std_type.utoff;
  int64_t end = RuleDay(rule_.end, y) * 86400 + rule_.end.time - rule_.dst_type.utoff;
  bool dst;
  if (start < end) {
    dst = secs >= start && secs < end;
  } else {
    dst = !(secs >= end && secs < start);
  }
  return dst ? rule_.dst_type : rule_.std_type;
}

const LocalTimeType& Zone::Lookup(int64_t secs) const {
  if (fixed_) return fixed_type_;
  if (transitions_.empty()) {
    if (has_rule_) return LookupRule(secs);
    return types_.empty() ? fixed_type_ : types_[0];
  }
  if (secs < transitions_.front()) {
    // Before the first transition: the first standard-time type (RFC 8536 uses type 0).
    return types_[0];
  }
  if (secs >= transitions_.back() && has_rule_) return LookupRule(secs);
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), secs);
  size_t idx = static_cast<size_t>(it - transitions_.begin()) - 1;
  return types_[type_index_[idx]];
}

// ---- POSIX TZ string ----

bool ParsePosixName(const std::string& s, size_t* pos, std::string* name) {
  size_t p = *pos;
  if (p < s.size() && s[p] == '<') {
    size_t e = s.find('>', p);
    if (e == std::string::npos) return false;
    *name = s.substr(p + 1, e - p - 1);
    *pos = e + 1;
    return true;
  }
  size_t b = p;
  while (p < s.size() && std::isalpha(static_cast<unsigned char>(s[p]))) ++p;
  if (p - b < 3) return false;
  *name = s.substr(b, p - b);
  *pos = p;
  return true;
}

// [+-]hh[:mm[:ss]] -> seconds.
bool ParsePosixTime(const std::string& s, size_t* pos, int32_t* out) {
  size_t p = *pos;
  int sign = 1;
  if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    if (s[p] == '-') sign = -1;
    ++p;
  }
  int32_t parts[3] = {0, 0, 0};
  for (int i = 0; i < 3; ++i) {
    if (i > 0) {
      if (p < s.size() && s[p] == ':') {
        ++p;
      } else {
        break;
      }
    }
    size_t b = p;
    int v = 0;
    while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) v = v * 10 + (s[p++] - '0');
    if (p == b) return false;
    parts[i] = v;
  }
  *out = sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
  *pos = p;
  return true;
}

bool ParseRuleDate(const std::string& s, size_t* pos, RuleDate* r) {
  size_t p = *pos;
  auto num = [&](int* v) {
    size_t b = p;
    *v = 0;
    while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) *v = *v * 10 + (s[p++] - '0');
    return p > b;
  };
  if (p < s.size() && s[p] == 'M') {
    ++p;
    r->kind = 'M';
    if (!num(&r->month) || p >= s.size() || s[p++] != '.') return false;
    if (!num(&r->week) || p >= s.size() || s[p++] != '.') return false;
    if (!num(&r->wday)) return false;
  } else if (p < s.size() && s[p] == 'J') {
    ++p;
    r->kind = 'J';
    if (!num(&r->day)) return false;
  } else {
    r->kind = 'N';
    if (!num(&r->day)) return false;
  }
  r->time = 7200;
  if (p < s.size() && s[p] == '/') {
    ++p;
    if (!ParsePosixTime(s, &p, &r->time)) return false;
  }
  *pos = p;
  return true;
}

bool ParsePosixRule(const std::string& s, PosixRule* rule) {
  size_t p = 0;
  int32_t off;
  if (!ParsePosixName(s, &p, &rule->std_type.abbr)) return false;
  if (!ParsePosixTime(s, &p, &off)) return false;
  rule->std_type.utoff = -off;
  rule->std_type.is_dst = false;
  if (p >= s.size()) return true;
  if (!ParsePosixName(s, &p, &rule->dst_type.abbr)) return false;
  rule->dst_type.is_dst = true;
  rule->dst_type.utoff = rule->std_type.utoff + 3600;
  if (p < s.size() && s[p] != ',') {
    if (!ParsePosixTime(s, &p, &off)) return false;
    rule->dst_type.utoff = -off;
  }
  if (p >= s.size() || s[p] != ',') {
    // No rule given: US rules by POSIX default.
    rule->start = RuleDate{'M', 3, 2, 0, 0, 7200};
    rule->end = RuleDate{'M', 11, 1, 0, 0, 7200};
    rule->has_dst = true;
    return true;
  }
  ++p;
  if (!ParseRuleDate(s, &p, &rule->start)) return false;
  if (p >= s.size() || s[p] != ',') return false;
  ++p;
  if (!ParseRuleDate(s, &p, &rule->end)) return false;
  rule->has_dst = true;
  return true;
}

// ---- TZif ----

int64_t ReadBe(const unsigned char* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  if (n == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

std::shared_ptr<Zone> LoadTzif(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::vector<unsigned char> buf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (buf.size() < 44 || std::memcmp(buf.data(), "TZif", 4) != 0) return nullptr;
  auto counts = [&](size_t at, int64_t c[6]) {
    for (int i = 0; i < 6; ++i) c[i] = ReadBe(buf.data() + at + 20 + 4 * i, 4);
  };
  int64_t c[6];
  counts(0, c);
  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  size_t v1_len = static_cast<size_t>(c[3] * 4 + c[3] + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
  size_t base = 44;
  int time_size = 4;
  char version = static_cast<char>(buf[4]);
  if (version >= '2' && buf.size() >= 44 + v1_len + 44) {
    base = 44 + v1_len + 44;
    counts(44 + v1_len, c);
    time_size = 8;
  }
  int64_t timecnt = c[3], typecnt = c[4], charcnt = c[5];
  size_t need = static_cast<size_t>(timecnt * time_size + timecnt + typecnt * 6 + charcnt);
  if (buf.size() < base + need || typecnt <= 0) return nullptr;
  auto zone = std::make_shared<Zone>();
  const unsigned char* p = buf.data() + base;
  zone->transitions_.resize(static_cast<size_t>(timecnt));
  for (int64_t i = 0; i < timecnt; ++i) zone->transitions_[i] = ReadBe(p + i * time_size, time_size);
  p += timecnt * time_size;
  zone->type_index_.assign(p, p + timecnt);
  p += timecnt;
  const unsigned char* types = p;
  const char* chars = reinterpret_cast<const char*>(p + typecnt * 6);
  for (int64_t i = 0; i < typecnt; ++i) {
    LocalTimeType t;
    t.utoff = static_cast<int32_t>(ReadBe(types + i * 6, 4));
    t.is_dst = types[i * 6 + 4] != 0;
    unsigned ai = types[i * 6 + 5];
    if (ai < charcnt) t.abbr = std::string(chars + ai, strnlen(chars + ai, charcnt - ai));
    zone->types_.push_back(std::move(t));
  }
  for (auto& ti : zone->type_index_) {
    if (ti >= typecnt) ti = 0;
  }
  if (time_size == 8) {
    // Footer: "\n<POSIX TZ>\n" after the v2 data block.
    size_t data_end = base + need + static_cast<size_t>(c[2] * 12 + c[1] + c[0]);
    if (data_end < buf.size() && buf[data_end] == '\n') {
      size_t e = data_end + 1;
      while (e < buf.size() && buf[e] != '\n') ++e;
      std::string tz(reinterpret_cast<const char*>(buf.data()) + data_end + 1, e - data_end - 1);
      if (!tz.empty() && ParsePosixRule(tz, &zone->rule_)) zone->has_rule_ = true;
    }
  }
  return zone;
}

std::shared_ptr<Zone> MakeFixed(int32_t seconds, std::string abbr) {
  auto z = std::make_shared<Zone>();
  z->fixed_ = true;
  z->fixed_type_.utoff = seconds;
  z->fixed_type_.abbr = std::move(abbr);
  return z;
}

std::string OffsetId(int32_t secs) {
  if (secs == 0) return "Z";
  char buf[16];
  int a = secs < 0 ? -secs : secs;
  if (a % 60 != 0) {
    std::snprintf(buf, sizeof(buf), "%c%02d:%02d:%02d", secs < 0 ? '-' : '+', a / 3600, a / 60 % 60,
                  a % 60);
  } else {
    std::snprintf(buf, sizeof(buf), "%c%02d:%02d", secs < 0 ? '-' : '+', a / 3600, a / 60 % 60);
  }
  return buf;
}

// Parses "+h", "+hh", "+hh:mm", "+hhmm", "+hh:mm:ss" (sign required). Returns false if malformed.
bool ParseOffset(std::string_view s, int32_t* out) {
  if (s.empty() || (s[0] != '+' && s[0] != '-')) return false;
  int sign = s[0] == '-' ? -1 : 1;
  s.remove_prefix(1);
  int parts[3] = {0, 0, 0};
  int np = 0;
  size_t i = 0;
  if (s.find(':') != std::string_view::npos) {
    while (np < 3) {
      size_t b = i;
      int v = 0;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) v = v * 10 + (s[i++] - '0');
      if (i == b || i - b > 2) return false;
      parts[np++] = v;
      if (i == s.size()) break;
      if (s[i] != ':') return false;
      ++i;
    }
    if (i != s.size()) return false;
  } else {
    for (char ch : s) {
      if (!std::isdigit(static_cast<unsigned char>(ch))) return false;
    }
    if (s.size() == 1 || s.size() == 2) {
      parts[0] = std::stoi(std::string(s));
    } else if (s.size() == 4) {
      parts[0] = (s[0] - '0') * 10 + (s[1] - '0');
      parts[1] = (s[2] - '0') * 10 + (s[3] - '0');
    } else if (s.size() == 6) {
      parts[0] = (s[0] - '0') * 10 + (s[1] - '0');
      parts[1] = (s[2] - '0') * 10 + (s[3] - '0');
      parts[2] = (s[4] - '0') * 10 + (s[5] - '0');
    } else {
      return false;
    }
  }
  if (parts[0] > 18 || parts[1] > 59 || parts[2] > 59) return false;
  int32_t v = parts[0] * 3600 + parts[1] * 60 + parts[2];
  if (v > 18 * 3600) return false;
  *out = sign * v;
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

// Java's ZoneId.SHORT_IDS, which Spark applies to session time zones.
const char* ShortIdTarget(std::string_view id) {
  static const std::pair<const char*, const char*> kShortIds[] = {
      {"ACT", "Australia/Darwin"},  {"AET", "Australia/Sydney"},     {"AGT", "America/Argentina/Buenos_Aires"},
      {"ART", "Africa/Cairo"},      {"AST", "America/Anchorage"},    {"BET", "America/Sao_Paulo"},
      {"BST", "Asia/Dhaka"},        {"CAT", "Africa/Harare"},        {"CNT", "America/St_Johns"},
      {"CST", "America/Chicago"},   {"CTT", "Asia/Shanghai"},        {"EAT", "Africa/Addis_Ababa"},
      {"ECT", "Europe/Paris"},      {"IET", "America/Indiana/Indianapolis"}, {"IST", "Asia/Kolkata"},
      {"JST", "Asia/Tokyo"},        {"MIT", "Pacific/Apia"},         {"NET", "Asia/Yerevan"},
      {"NST", "Pacific/Auckland"},  {"PLT", "Asia/Karachi"},         {"PNT", "America/Phoenix"},
      {"PRT", "America/Puerto_Rico"}, {"PST", "America/Los_Angeles"}, {"SST", "Pacific/Guadalcanal"},
      {"VST", "Asia/Ho_Chi_Minh"},
  };
  for (const auto& [k, v] : kShortIds) {
    if (id == k) return v;
  }
  return nullptr;
}

std::shared_ptr<Zone> ResolveZoneUncached(std::string_view raw) {
  std::string_view id = raw;
  while (!id.empty() && std::isspace(static_cast<unsigned char>(id.front()))) id.remove_prefix(1);
  while (!id.empty() && std::isspace(static_cast<unsigned char>(id.back()))) id.remove_suffix(1);
  if (id.empty()) return nullptr;
  if (EqualsIgnoreCase(id, "UTC") || EqualsIgnoreCase(id, "Z") || EqualsIgnoreCase(id, "GMT") ||
      EqualsIgnoreCase(id, "UT") || id == "Etc/UTC" || id == "Etc/GMT" || id == "Zulu" ||
      id == "Etc/Universal" || id == "Universal" || id == "UCT" || id == "Etc/UCT") {
    return MakeFixed(0, "UTC");
  }
  if (id == "EST") return MakeFixed(-5 * 3600, "EST");
  if (id == "MST") return MakeFixed(-7 * 3600, "MST");
  if (id == "HST") return MakeFixed(-10 * 3600, "HST");
  int32_t off;
  if (id[0] == '+' || id[0] == '-') {
    if (!ParseOffset(id, &off)) return nullptr;
    return MakeFixed(off, OffsetId(off));
  }
  for (std::string_view prefix : {"UTC", "GMT", "UT"}) {
    if (id.size() > prefix.size() && EqualsIgnoreCase(id.substr(0, prefix.size()), prefix) &&
        (id[prefix.size()] == '+' || id[prefix.size()] == '-')) {
      if (!ParseOffset(id.substr(prefix.size()), &off)) return nullptr;
      return MakeFixed(off, std::string(prefix) + OffsetId(off));
    }
  }
  if (const char* target = ShortIdTarget(id)) id = target;
  // Region id: letters, digits, '/', '_', '-', '+'; never "..".
  if (id.find("..") != std::string_view::npos || id.front() == '/') return nullptr;
  for (char ch : id) {
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '/' || ch == '_' || ch == '-' ||
          ch == '+'))
      return nullptr;
  }
  auto z = LoadTzif("/usr/share/zoneinfo/" + std::string(id));
  return z;
}

std::shared_ptr<const Zone> FindZone(std::string_view name) {
  thread_local std::string last_name;
  thread_local std::shared_ptr<const Zone> last_zone;
  if (last_zone && last_name == name) return last_zone;
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const Zone>> cache;
  std::shared_ptr<const Zone> z;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(std::string(name));
    if (it != cache.end()) z = it->second;
  }
  if (!z) {
    z = ResolveZoneUncached(name);
    if (!z) {
      throw ExecutionError("[INVALID_TIMEZONE] The timezone: " + std::string(name) +
                           " is invalid. The timezone must be either a region-based zone ID or a "
                           "zone offset. Region IDs must have the form 'area/city', such as "
                           "'America/Los_Angeles'. Zone offsets must be in the format '(+|-)HH', "
                           "'(+|-)HH:mm' or '(+|-)HH:mm:ss', e.g '-08', '+01:00' or '-13:33:33'.");
    }
    std::lock_guard<std::mutex> lock(mu);
    cache.emplace(std::string(name), z);
  }
  last_name = std::string(name);
  last_zone = z;
  return z;
}

// Zone lookup that returns null instead of throwing (for zone suffixes inside parsed text).
std::shared_ptr<const Zone> TryFindZone(std::string_view name) {
  try {
    return FindZone(name);
  } catch (const ExecutionError&) {
    return nullptr;
  }
}

const LocalTimeType& TypeAt(const Zone& z, int64_t utc_micros) {
  return z.Lookup(FloorDiv(utc_micros, kMicrosPerSecond));
}

int64_t LocalToUtcZone(const Zone& z, int64_t local_micros) {
  if (z.fixed_) return local_micros - static_cast<int64_t>(z.fixed_type_.utoff) * kMicrosPerSecond;
  int64_t local_secs = FloorDiv(local_micros, kMicrosPerSecond);
  // Candidate offsets: those in effect a day before and a day after this wall time.
  int32_t early = z.Lookup(local_secs - 86400).utoff;
  int32_t late = z.Lookup(local_secs + 86400).utoff;
  int64_t u1 = local_secs - early;
  if (z.Lookup(u1).utoff == early) {
    // Valid (for an overlap, Java keeps the earlier offset, i.e. the earlier instant).
    return local_micros - static_cast<int64_t>(early) * kMicrosPerSecond;
  }
  int64_t u2 = local_secs - late;
  if (z.Lookup(u2).utoff == late) return local_micros - static_cast<int64_t>(late) * kMicrosPerSecond;
  // In a gap: Java moves the wall time forward by the gap length (uses the offset before it).
  return local_micros - static_cast<int64_t>(early) * kMicrosPerSecond;
}

}  // namespace

int64_t ZoneOffsetMicros(std::string_view tz, int64_t utc_micros) {
  auto z = FindZone(tz);
  if (z->IsFixedUtc()) return 0;
  return static_cast<int64_t>(TypeAt(*z, utc_micros).utoff) * kMicrosPerSecond;
}

int64_t LocalToUtc(std::string_view tz, int64_t local_micros) {
  auto z = FindZone(tz);
  return LocalToUtcZone(*z, local_micros);
}

// ---------------------------------------------------------------------------------------------
// Parsing (CAST from string)
// ---------------------------------------------------------------------------------------------

namespace {

bool IsTrimmable(char c) {
  // Spark's trimAll: whitespace and ISO control characters.
  unsigned char u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7f;
}

std::string_view TrimAll(std::string_view s) {
  while (!s.empty() && IsTrimmable(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsTrimmable(s.back())) s.remove_suffix(1);
  return s;
}

struct DateParts {
  int64_t year = 1970;
  unsigned month = 1, day = 1;
};

// Parses the date part "[+-]yyyy*[-[m]m[-[d]d]]" starting at *pos. Stops at ' ' or 'T' after the
// day. Returns false if malformed.
bool ParseDatePart(std::string_view s, size_t* pos, DateParts* out) {
  size_t i = *pos;
  int sign = 1;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    sign = s[i] == '-' ? -1 : 1;
    ++i;
  }
  int64_t seg[3] = {1, 1, 1};
  int nseg = 0;
  while (true) {
    size_t b = i;
    int64_t v = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && i - b < 8) v = v * 10 + (s[i++] - '0');
    size_t digits = i - b;
    if (nseg == 0 ? (digits < 4 || digits > 7) : (digits < 1 || digits > 2)) return false;
    seg[nseg++] = v;
    if (nseg < 3 && i < s.size() && s[i] == '-') {
      ++i;
      continue;
    }
    break;
  }
  if (i < s.size()) {
    // Only a full date may be followed by more text (' ' or 'T').
    if (nseg < 3 || (s[i] != ' ' && s[i] != 'T')) return false;
  }
  int64_t y = sign * seg[0];
  if (seg[1] < 1 || seg[1] > 12) return false;
  if (seg[2] < 1 || seg[2] > DaysInMonth(y, static_cast<unsigned>(seg[1]))) return false;
  out->year = y;
  out->month = static_cast<unsigned>(seg[1]);
  out->day = static_cast<unsigned>(seg[2]);
  *pos = i;
  return true;
}

struct TimestampParts {
  DateParts date;
  int64_t time_micros = 0;  // since local midnight
  bool has_zone = false;
  std::string zone;
};

bool ParseTimestampParts(std::string_view s, TimestampParts* out) {
  s = TrimAll(s);
  if (s.empty()) return false;
  size_t i = 0;
  if (!ParseDatePart(s, &i, &out->date)) return false;
  if (i >= s.size()) return true;
  ++i;  // ' ' or 'T'
  if (i >= s.size()) return true;
  auto read_num = [&](int max_digits, int64_t* v) {
    size_t b = i;
    *v = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && static_cast<int>(i - b) < max_digits)
      *v = *v * 10 + (s[i++] - '0');
    return i > b;
  };
  int64_t h = 0, m = 0, sec = 0, frac = 0;
  if (!read_num(2, &h)) return false;
  if (i < s.size() && s[i] == ':') {
    ++i;
    if (!read_num(2, &m)) return false;
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!read_num(2, &sec)) return false;
      if (i < s.size() && s[i] == '.') {
        ++i;
        size_t b = i;
        int digits = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
          if (digits < 6) {
            frac = frac * 10 + (s[i] - '0');
            ++digits;
          }
          ++i;
        }
        if (i - b > 9) return false;
        while (digits < 6) {
          frac *= 10;
          ++digits;
        }
      }
    }
  } else {
    return false;  // hour alone is not a time
  }
  if (h > 23 || m > 59 || sec > 59) return false;
  out->time_micros = h * kMicrosPerHour + m * kMicrosPerMinute + sec * kMicrosPerSecond + frac;
  std::string_view rest = TrimAll(s.substr(i));
  if (!rest.empty()) {
    out->has_zone = true;
    out->zone = std::string(rest);
  }
  return true;
}

int64_t LocalMicros(const TimestampParts& p) {
  return static_cast<int64_t>(DaysFromCivil(p.date.year, p.date.month, p.date.day)) * kMicrosPerDay +
         p.time_micros;
}

}  // namespace

std::optional<int32_t> ParseDate(std::string_view s) {
  s = TrimAll(s);
  if (s.empty()) return std::nullopt;
  size_t i = 0;
  DateParts d;
  if (!ParseDatePart(s, &i, &d)) return std::nullopt;
  return DaysFromCivil(d.year, d.month, d.day);
}

std::optional<int64_t> ParseTimestamp(std::string_view s, std::string_view tz) {
  TimestampParts p;
  if (!ParseTimestampParts(s, &p)) return std::nullopt;
  int64_t local = LocalMicros(p);
  if (p.has_zone) {
    auto z = TryFindZone(p.zone);
    if (!z) return std::nullopt;
    return LocalToUtcZone(*z, local);
  }
  return LocalToUtc(tz, local);
}

std::optional<int64_t> ParseTimestampNtz(std::string_view s) {
  TimestampParts p;
  if (!ParseTimestampParts(s, &p) || p.has_zone) return std::nullopt;
  return LocalMicros(p);
}

// ---------------------------------------------------------------------------------------------
// Patterns
// ---------------------------------------------------------------------------------------------

namespace {

struct PatternToken {
  char letter = 0;  // 0 = literal
  int count = 0;
  std::string literal;
};

std::vector<PatternToken> TokenizePattern(std::string_view p) {
  std::vector<PatternToken> out;
  auto add_literal = [&](std::string_view text) {
    if (!out.empty() && out.back().letter == 0) {
      out.back().literal.append(text);
    } else {
      PatternToken t;
      t.literal = std::string(text);
      out.push_back(std::move(t));
    }
  };
  size_t i = 0;
  while (i < p.size()) {
    char c = p[i];
    if (c == '\'') {
      if (i + 1 < p.size() && p[i + 1] == '\'') {
        add_literal("'");
        i += 2;
        continue;
      }
      ++i;
      std::string text;
      while (i < p.size()) {
        if (p[i] == '\'') {
          if (i + 1 < p.size() && p[i + 1] == '\'') {
            text.push_back('\'');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        text.push_back(p[i++]);
      }
      add_literal(text);
    } else if (std::isalpha(static_cast<unsigned char>(c))) {
      size_t b = i;
      while (i < p.size() && p[i] == c) ++i;
      PatternToken t;
      t.letter = c;
      t.count = static_cast<int>(i - b);
      out.push_back(std::move(t));
    } else if (c == '[' || c == ']') {
      ++i;  // optional sections: treated as always present
    } else {
      add_literal(std::string_view(&p[i], 1));
      ++i;
    }
  }
  return out;
}

constexpr const char* kMonthShort[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* kMonthLong[] = {"January", "February", "March",     "April",   "May",      "June",
                                      "July",    "August",   "September", "October", "November", "December"};
constexpr const char* kDayShort[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kDayLong[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

void AppendPadded(std::string* out, int64_t v, int width) {
  if (v < 0) {
    out->push_back('-');
    v = -v;
  }
  std::string digits = std::to_string(v);
  for (int i = static_cast<int>(digits.size()); i < width; ++i) out->push_back('0');
  out->append(digits);
}

void AppendOffset(std::string* out, int32_t secs, int count, bool z_for_zero, bool colon_from_3) {
  if (secs == 0 && z_for_zero) {
    out->push_back('Z');
    return;
  }
  int a = secs < 0 ? -secs : secs;
  int hh = a / 3600, mm = a / 60 % 60, ss = a % 60;
  out->push_back(secs < 0 ? '-' : '+');
  AppendPadded(out, hh, 2);
  bool colon = colon_from_3 && (count == 3 || count == 5);
  if (count == 1) {
    if (mm != 0) AppendPadded(out, mm, 2);
    return;
  }
  if (colon) out->push_back(':');
  AppendPadded(out, mm, 2);
  if (count >= 4 && ss != 0) {
    if (colon) out->push_back(':');
    AppendPadded(out, ss, 2);
  }
}

bool IsNumericLetter(char c) {
  return std::strchr("yYuMLdDHhKkmsSwWQq", c) != nullptr && c != 0;
}

}  // namespace

std::string FormatTimestampWithPattern(int64_t utc_micros, std::string_view pattern,
                                       std::string_view tz) {
  auto zone = FindZone(tz);
  const LocalTimeType& lt = TypeAt(*zone, utc_micros);
  int64_t local = utc_micros + static_cast<int64_t>(lt.utoff) * kMicrosPerSecond;
  int64_t days = FloorDiv(local, kMicrosPerDay);
  int64_t tod = local - days * kMicrosPerDay;
  int64_t year;
  unsigned month, day;
  CivilFromDays(days, &year, &month, &day);
  int hour = static_cast<int>(tod / kMicrosPerHour);
  int minute = static_cast<int>(tod / kMicrosPerMinute % 60);
  int second = static_cast<int>(tod / kMicrosPerSecond % 60);
  int64_t micros = tod % kMicrosPerSecond;
  std::string out;
  for (const PatternToken& t : TokenizePattern(pattern)) {
    int n = t.count;
    switch (t.letter) {
      case 0:
        out.append(t.literal);
        break;
      case 'y':
      case 'u':
      case 'Y':
        if (n == 2) {
          AppendPadded(&out, FloorMod(year, 100), 2);
        } else {
          if (n >= 4 && year > 9999) out.push_back('+');
          AppendPadded(&out, year, n);
        }
        break;
      case 'M':
      case 'L':
        if (n >= 4) {
          out.append(kMonthLong[month - 1]);
        } else if (n == 3) {
          out.append(kMonthShort[month - 1]);
        } else {
          AppendPadded(&out, month, n);
        }
        break;
      case 'd':
        AppendPadded(&out, day, n);
        break;
      case 'D':
        AppendPadded(&out, days - DaysFromCivil(year, 1, 1) + 1, n);
        break;
      case 'H':
        AppendPadded(&out, hour, n);
        break;
      case 'k':
        AppendPadded(&out, hour == 0 ? 24 : hour, n);
        break;
      case 'K':
        AppendPadded(&out, hour % 12, n);
        break;
      case 'h':
        AppendPadded(&out, hour % 12 == 0 ? 12 : hour % 12, n);
        break;
      case 'm':
        AppendPadded(&out, minute, n);
        break;
      case 's':
        AppendPadded(&out, second, n);
        break;
      case 'S': {
        std::string frac = std::to_string(micros);
        frac.insert(0, 6 - frac.size(), '0');
        if (n <= 6) {
          out.append(frac.substr(0, n));
        } else {
          out.append(frac);
          out.append(n - 6, '0');
        }
        break;
      }
      case 'a':
        out.append(hour < 12 ? "AM" : "PM");
        break;
      case 'E':
      case 'e':
        out.append(n >= 4 ? kDayLong[DayOfWeek(days)] : kDayShort[DayOfWeek(days)]);
        break;
      case 'G':
        out.append(year > 0 ? "AD" : "BC");
        break;
      case 'z':
        if (zone->fixed_ && lt.abbr.empty()) {
          out.append(OffsetId(lt.utoff));
        } else {
          out.append(lt.abbr);
        }
        break;
      case 'V':
        out.append(tz);
        break;
      case 'O':
        out.append("GMT");
        if (lt.utoff != 0) {
          int a = lt.utoff < 0 ? -lt.utoff : lt.utoff;
          out.push_back(lt.utoff < 0 ? '-' : '+');
          if (n >= 4) {
            AppendPadded(&out, a / 3600, 2);
            out.push_back(':');
            AppendPadded(&out, a / 60 % 60, 2);
          } else {
            out.append(std::to_string(a / 3600));
            if (a / 60 % 60) {
              out.push_back(':');
              AppendPadded(&out, a / 60 % 60, 2);
            }
          }
        }
        break;
      case 'X':
        AppendOffset(&out, lt.utoff, n, true, true);
        break;
      case 'x':
        AppendOffset(&out, lt.utoff, n, false, true);
        break;
      case 'Z':
        if (n <= 3) {
          AppendOffset(&out, lt.utoff, 2, false, false);
        } else if (n == 4) {
          out.append("GMT");
          if (lt.utoff != 0) AppendOffset(&out, lt.utoff, 3, false, true);
        } else {
          AppendOffset(&out, lt.utoff, 3, true, true);
        }
        break;
      default:
        out.append(std::string(n, t.letter));
        break;
    }
  }
  return out;
}

std::optional<int64_t> ParseTimestampWithPattern(std::string_view s, std::string_view pattern,
                                                 std::string_view tz) {
  std::vector<PatternToken> tokens = TokenizePattern(pattern);
  int64_t year = 1970, month = 1, day = 1, doy = -1, hour = 0, minute = 0, second = 0, micros = 0;
  int hour12 = -1, ampm = -1;
  bool has_offset = false;
  int32_t offset = 0;
  std::shared_ptr<const Zone> parsed_zone;
  size_t i = 0;
  auto read_digits = [&](int min_d, int max_d, int64_t* v) {
    size_t b = i;
    *v = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && static_cast<int>(i - b) < max_d)
      *v = *v * 10 + (s[i++] - '0');
    return static_cast<int>(i - b) >= min_d;
  };
  auto match_word = [&](const char* const* words, int n, int* idx) {
    for (int k = 0; k < n; ++k) {
      size_t len = std::strlen(words[k]);
      if (s.size() - i >= len && EqualsIgnoreCase(s.substr(i, len), words[k])) {
        *idx = k;
        i += len;
        return true;
      }
    }
    return false;
  };
  for (size_t ti = 0; ti < tokens.size(); ++ti) {
    const PatternToken& t = tokens[ti];
    int n = t.count;
    bool next_numeric = ti + 1 < tokens.size() && tokens[ti + 1].letter != 0 &&
                        IsNumericLetter(tokens[ti + 1].letter);
    // Numeric field widths: a single letter takes 1..2 digits; more letters take exactly that many,
    // except years, which take 4+ digits unless an adjacent numeric field follows.
    auto field = [&](int64_t* v) {
      if (n == 1) return read_digits(1, next_numeric ? 1 : 2, v);
      return read_digits(n, n, v);
    };
    switch (t.letter) {
      case 0: {
        if (s.substr(i, t.literal.size()) != t.literal) return std::nullopt;
        i += t.literal.size();
        break;
      }
      case 'y':
      case 'u':
      case 'Y': {
        if (n == 2) {
          int64_t v;
          if (!read_digits(2, 2, &v)) return std::nullopt;
          year = 2000 + v;
        } else {
          int sign = 1;
          if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
            sign = s[i] == '-' ? -1 : 1;
            ++i;
          }
          int64_t v;
          if (!read_digits(n == 1 ? 1 : n, next_numeric ? std::max(n, 4) : 9, &v)) return std::nullopt;
          year = sign * v;
        }
        break;
      }
      case 'M':
      case 'L': {
        if (n >= 3) {
          int idx;
          if (n == 3 ? !match_word(kMonthShort, 12, &idx) : !match_word(kMonthLong, 12, &idx)) return std::nullopt;
          month = idx + 1;
        } else if (!field(&month)) {
          return std::nullopt;
        }
        break;
      }
      case 'd':
        if (!field(&day)) return std::nullopt;
        break;
      case 'D':
        if (!read_digits(n, 3, &doy)) return std::nullopt;
        break;
      case 'H':
      case 'k':
        if (!field(&hour)) return std::nullopt;
        if (t.letter == 'k' && hour == 24) hour = 0;
        break;
      case 'h':
      case 'K': {
        int64_t v;
        if (!field(&v)) return std::nullopt;
        hour12 = static_cast<int>(t.letter == 'h' && v == 12 ? 0 : v);
        break;
      }
      case 'm':
        if (!field(&minute)) return std::nullopt;
        break;
      case 's':
        if (!field(&second)) return std::nullopt;
        break;
      case 'S': {
        size_t b = i;
        int64_t frac = 0;
        int digits = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && static_cast<int>(i - b) < n) {
          if (digits < 6) {
            frac = frac * 10 + (s[i] - '0');
            ++digits;
          }
          ++i;
        }
        if (i == b) return std::nullopt;
        while (digits < 6) {
          frac *= 10;
          ++digits;
        }
        micros = frac;
        break;
      }
      case 'a': {
        static const char* const kAmPm[] = {"AM", "PM"};
        int idx;
        if (!match_word(kAmPm, 2, &idx)) return std::nullopt;
        ampm = idx;
        break;
      }
      case 'E':
      case 'e': {
        int idx;
        if (n >= 4 ? !match_word(kDayLong, 7, &idx) : !match_word(kDayShort, 7, &idx)) return std::nullopt;
        break;
      }
      case 'G': {
        static const char* const kEras[] = {"AD", "BC"};
        int idx;
        if (!match_word(kEras, 2, &idx)) return std::nullopt;
        break;
      }
      case 'X':
      case 'x':
      case 'Z':
      case 'O': {
        if ((t.letter == 'X' || (t.letter == 'Z' && n == 5)) && i < s.size() && s[i] == 'Z') {
          ++i;
          has_offset = true;
          offset = 0;
          break;
        }
        if ((t.letter == 'O' || (t.letter == 'Z' && n == 4)) && s.substr(i, 3) == "GMT") {
          i += 3;
          if (i >= s.size() || (s[i] != '+' && s[i] != '-')) {
            has_offset = true;
            offset = 0;
            break;
          }
        }
        size_t b = i;
        if (i >= s.size() || (s[i] != '+' && s[i] != '-')) return std::nullopt;
        ++i;
        while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == ':')) ++i;
        if (!ParseOffset(s.substr(b, i - b), &offset)) return std::nullopt;
        has_offset = true;
        break;
      }
      case 'z':
      case 'V': {
        size_t b = i;
        while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])) && s[i] != ')' && s[i] != ',')
          ++i;
        std::string name(s.substr(b, i - b));
        if (name == "PDT" || name == "PST") name = "America/Los_Angeles";
        else if (name == "EDT" || name == "EST") name = name == "EDT" ? "America/New_York" : "EST";
        else if (name == "CDT") name = "America/Chicago";
        else if (name == "MDT") name = "America/Denver";
        else if (name == "CET" || name == "CEST") name = "Europe/Paris";
        parsed_zone = TryFindZone(name);
        if (!parsed_zone) return std::nullopt;
        break;
      }
      default:
        return std::nullopt;
    }
  }
  if (i != s.size()) return std::nullopt;
  if (hour12 >= 0) {
    hour = hour12 + (ampm == 1 ? 12 : 0);
  } else if (ampm == 1 && hour < 12) {
    hour += 12;
  }
  int64_t days;
  if (doy >= 0) {
    if (doy < 1 || doy > (IsLeap(year) ? 366 : 365)) return std::nullopt;
    days = DaysFromCivil(year, 1, 1) + doy - 1;
  } else {
    if (month < 1 || month > 12) return std::nullopt;
    if (day < 1 || day > DaysInMonth(year, static_cast<unsigned>(month))) return std::nullopt;
    days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  }
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  int64_t local = days * kMicrosPerDay + hour * kMicrosPerHour + minute * kMicrosPerMinute +
                  second * kMicrosPerSecond + micros;
  if (has_offset) return local - static_cast<int64_t>(offset) * kMicrosPerSecond;
  if (parsed_zone) return LocalToUtcZone(*parsed_zone, local);
  return LocalToUtc(tz, local);
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

std::string FormatDate(int32_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[32];
  if (y > 9999) {
    std::snprintf(buf, sizeof(buf), "+%lld-%02u-%02u", static_cast<long long>(y), m, d);
  } else if (y < 0) {
    std::snprintf(buf, sizeof(buf), "-%04lld-%02u-%02u", static_cast<long long>(-y), m, d);
  } else {
    std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  }
  return buf;
}

std::string FormatTimestampNtz(int64_t micros) {
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t tod = micros - days * kMicrosPerDay;
  std::string out = FormatDate(static_cast<int32_t>(days));
  char buf[32];
  std::snprintf(buf, sizeof(buf), " %02d:%02d:%02d", static_cast<int>(tod / kMicrosPerHour),
                static_cast<int>(tod / kMicrosPerMinute % 60), static_cast<int>(tod / kMicrosPerSecond % 60));
  out.append(buf);
  int64_t frac = tod % kMicrosPerSecond;
  if (frac != 0) {
    std::snprintf(buf, sizeof(buf), ".%06lld", static_cast<long long>(frac));
    std::string f(buf);
    while (f.back() == '0') f.pop_back();
    out.append(f);
  }
  return out;
}

std::string FormatTimestamp(int64_t utc_micros, std::string_view tz) {
  return FormatTimestampNtz(UtcToLocal(tz, utc_micros));
}

std::string FormatInterval(int64_t micros) {
  std::string sign;
  uint64_t a;
  if (micros < 0) {
    sign = "-";
    a = static_cast<uint64_t>(-(micros + 1)) + 1;
  } else {
    a = static_cast<uint64_t>(micros);
  }
  uint64_t days = a / static_cast<uint64_t>(kMicrosPerDay);
  uint64_t rest = a % static_cast<uint64_t>(kMicrosPerDay);
  uint64_t hours = rest / kMicrosPerHour;
  rest %= kMicrosPerHour;
  uint64_t minutes = rest / kMicrosPerMinute;
  rest %= kMicrosPerMinute;
  uint64_t secs = rest / kMicrosPerSecond;
  uint64_t frac = rest % kMicrosPerSecond;
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%s%llu %02llu:%02llu:%02llu", sign.c_str(),
                static_cast<unsigned long long>(days), static_cast<unsigned long long>(hours),
                static_cast<unsigned long long>(minutes), static_cast<unsigned long long>(secs));
  std::string body(buf);
  if (frac != 0) {
    std::snprintf(buf, sizeof(buf), ".%06llu", static_cast<unsigned long long>(frac));
    std::string f(buf);
    while (f.back() == '0') f.pop_back();
    body.append(f);
  }
  return "INTERVAL '" + body + "' DAY TO SECOND";
}

// ---------------------------------------------------------------------------------------------
// Durations
// ---------------------------------------------------------------------------------------------

int64_t ParseDurationMicros(std::string_view text) {
  auto fail = [&](const std::string& why) -> ParseError {
    return ParseError("[INVALID_INTERVAL_FORMAT] Error parsing '" + std::string(text) +
                      "' to interval, " + why + ".");
  };
  std::string s;
  for (char c : text) s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  std::string_view v = TrimAll(s);
  if (v.empty()) throw fail("the input interval string cannot be empty");
  if (v.substr(0, 8) == "interval" && (v.size() == 8 || std::isspace(static_cast<unsigned char>(v[8])))) {
    v = TrimAll(v.substr(8));
    if (v.empty()) throw fail("interval string cannot be empty");
  }
  // Strip quotes of an interval literal: interval '10 minutes'.
  if (v.size() >= 2 && (v.front() == '\'' || v.front() == '"') && v.back() == v.front()) {
    v = TrimAll(v.substr(1, v.size() - 2));
  }
  __int128 total = 0;
  size_t i = 0;
  bool any = false;
  while (i < v.size()) {
    while (i < v.size() && std::isspace(static_cast<unsigned char>(v[i]))) ++i;
    if (i >= v.size()) break;
    int sign = 1;
    if (v[i] == '-' || v[i] == '+') {
      sign = v[i] == '-' ? -1 : 1;
      ++i;
    }
    size_t b = i;
    __int128 whole = 0;
    while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) {
      whole = whole * 10 + (v[i++] - '0');
      if (whole > static_cast<__int128>(1) << 80) throw fail("interval value overflows");
    }
    bool has_digits = i > b;
    int64_t frac = 0;  // nanoseconds
    bool has_frac = false;
    if (i < v.size() && v[i] == '.') {
      ++i;
      has_frac = true;
      int digits = 0;
      size_t fb = i;
      while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) {
        if (digits < 9) {
          frac = frac * 10 + (v[i] - '0');
          ++digits;
        }
        ++i;
      }
      if (i - fb > 9) throw fail("interval can only support nanosecond precision");
      has_digits = has_digits || i > fb;
      while (digits < 9) {
        frac *= 10;
        ++digits;
      }
    }
    if (!has_digits) throw fail("invalid value '" + std::string(v.substr(b)) + "'");
    while (i < v.size() && std::isspace(static_cast<unsigned char>(v[i]))) ++i;
    size_t ub = i;
    while (i < v.size() && std::isalpha(static_cast<unsigned char>(v[i]))) ++i;
    std::string_view unit = v.substr(ub, i - ub);
    if (unit.empty()) throw fail("missing unit");
    if (unit.size() > 1 && unit.back() == 's') unit.remove_suffix(1);
    int64_t unit_micros;
    if (unit == "week") {
      unit_micros = 7 * kMicrosPerDay;
    } else if (unit == "day") {
      unit_micros = kMicrosPerDay;
    } else if (unit == "hour") {
      unit_micros = kMicrosPerHour;
    } else if (unit == "minute") {
      unit_micros = kMicrosPerMinute;
    } else if (unit == "second") {
      unit_micros = kMicrosPerSecond;
    } else if (unit == "millisecond") {
      unit_micros = 1000;
    } else if (unit == "microsecond") {
      unit_micros = 1;
    } else if (unit == "month" || unit == "year") {
      throw fail("month and year intervals are not supported for day-time durations ('" +
                 std::string(unit) + "')");
    } else {
      throw fail("invalid unit '" + std::string(v.substr(ub, i - ub)) + "'");
    }
    if (has_frac && unit_micros < kMicrosPerSecond && unit != "millisecond") {
      throw fail("'" + std::string(unit) + "' cannot have fractional part");
    }
    if (has_frac && unit_micros > kMicrosPerSecond) {
      throw fail("'" + std::string(unit) + "' cannot have fractional part");
    }
    __int128 part = whole * unit_micros + (static_cast<__int128>(frac) * unit_micros) / 1000000000;
    total += sign * part;
    any = true;
    if (i < v.size() && !std::isspace(static_cast<unsigned char>(v[i]))) {
      throw fail("unexpected character '" + std::string(1, v[i]) + "'");
    }
  }
  if (!any) throw fail("the interval string cannot be empty");
  if (total > INT64_MAX || total < INT64_MIN) throw fail("interval value overflows");
  return static_cast<int64_t>(total);
}

}  // namespace sluice
