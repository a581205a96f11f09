// Date and time functions with Spark 4 semantics: field extraction (year .. second) in the session
// time zone, truncation (date_trunc, trunc), parsing and formatting with Spark datetime patterns
// (to_timestamp, to_date, date_format, unix_timestamp, from_unixtime), epoch conversions, the
// current time (constant per batch, from EvalContext), calendar arithmetic and zone shifts.
// ANSI mode (EvalContext::ansi_enabled) turns unparsable input into errors instead of NULLs.
#include <cmath>
#include <limits>

#include "expr/functions/builtin_functions.h"
#include "expr/functions/scalar_kernel.h"
#include "types/datetime.h"

namespace sluice {
namespace {

using namespace scalar;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
unsigned DaysInMonth(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

/// Wall-clock micros of a TIMESTAMP (in tz) or TIMESTAMP_NTZ value.
int64_t WallMicros(const Vector& v, size_t row, std::string_view tz) {
  int64_t t = v.Get<int64_t>(row);
  return v.type_id() == TypeId::kTimestamp ? UtcToLocal(tz, t) : t;
}

// ---- argument coercion ----

/// DATE argument: TIMESTAMP(_NTZ)/STRING/NULL are cast to DATE (in the session zone).
void CoerceDate(Expr& call, size_t i, const EvalContext& ctx) {
  TypeId id = call.children[i]->type->id();
  if (id == TypeId::kDate) return;
  if (id == TypeId::kTimestamp || id == TypeId::kTimestampNtz || id == TypeId::kString ||
      id == TypeId::kNull) {
    call.children[i] = CastTo(call.children[i], DataType::Date(), ctx);
    return;
  }
  ThrowUnexpectedType(call, i, "\"DATE\"");
}

/// TIMESTAMP argument; TIMESTAMP_NTZ kept when `allow_ntz`; DATE/STRING/NULL cast to TIMESTAMP.
void CoerceTimestamp(Expr& call, size_t i, const EvalContext& ctx, bool allow_ntz) {
  TypeId id = call.children[i]->type->id();
  if (id == TypeId::kTimestamp) return;
  if (id == TypeId::kTimestampNtz && allow_ntz) return;
  if (id == TypeId::kDate || id == TypeId::kString || id == TypeId::kNull ||
      id == TypeId::kTimestampNtz) {
    call.children[i] = CastTo(call.children[i], DataType::Timestamp(), ctx);
    return;
  }
  ThrowUnexpectedType(call, i, "\"TIMESTAMP\"");
}

// ---- fields ----

struct Civil {
  int64_t year;
  unsigned month, day;
};
Civil CivilOf(int64_t days) {
  Civil c;
  CivilFromDays(days, &c.year, &c.month, &c.day);
  return c;
}

int DayOfYear(int64_t days) {
  Civil c = CivilOf(days);
  return static_cast<int>(days - DaysFromCivil(c.year, 1, 1) + 1);
}

/// ISO-8601 week of year (weeks start on Monday; week 1 holds the year's first Thursday).
int IsoWeek(int64_t days) {
  int64_t monday_based = FloorMod(days + 3, 7);  // 0 = Monday
  int64_t thursday = days - monday_based + 3;
  Civil c = CivilOf(thursday);
  int64_t doy = thursday - DaysFromCivil(c.year, 1, 1);
  return static_cast<int>(doy / 7 + 1);
}

void RegisterDateField(FunctionRegistry& r, const std::string& name, int (*field)(int64_t days)) {
  RegisterFn(
      r, name,
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 1, 1);
        CoerceDate(call, 0, ctx);
        return DataType::Int();
      },
      [field](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        const Vector& v = *a.args[0];
        return BuildFixed<int32_t>(call.type, a, [&](size_t row, int32_t* out) {
          *out = field(v.Get<int32_t>(row));
          return true;
        });
      });
}

void RegisterTimeField(FunctionRegistry& r, const std::string& name, int64_t unit, int64_t modulo) {
  RegisterFn(
      r, name,
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 1, 1);
        CoerceTimestamp(call, 0, ctx, true);
        return DataType::Int();
      },
      [unit, modulo](const Expr& call, const KernelArgs& a, const FunctionState&,
                     const EvalContext& ctx) {
        const Vector& v = *a.args[0];
        return BuildFixed<int32_t>(call.type, a, [&](size_t row, int32_t* out) {
          *out = static_cast<int32_t>(FloorMod(FloorDiv(WallMicros(v, row, ctx.time_zone), unit), modulo));
          return true;
        });
      });
}

// ---- truncation ----

enum TruncLevel {
  kTruncInvalid = -1,
  kTruncMicrosecond,
  kTruncMillisecond,
  kTruncSecond,
  kTruncMinute,
  kTruncHour,
  kTruncDay,
  kTruncWeek,
  kTruncMonth,
  kTruncQuarter,
  kTruncYear
};

TruncLevel ParseTruncLevel(std::string_view s) {
  std::string u;
  for (char c : s) u.push_back(static_cast<char>(toupper(static_cast<unsigned char>(c))));
  if (u == "MICROSECOND") return kTruncMicrosecond;
  if (u == "MILLISECOND") return kTruncMillisecond;
  if (u == "SECOND") return kTruncSecond;
  if (u == "MINUTE") return kTruncMinute;
  if (u == "HOUR") return kTruncHour;
  if (u == "DAY" || u == "DD") return kTruncDay;
  if (u == "WEEK") return kTruncWeek;
  if (u == "MON" || u == "MONTH" || u == "MM") return kTruncMonth;
  if (u == "QUARTER") return kTruncQuarter;
  if (u == "YEAR" || u == "YYYY" || u == "YY") return kTruncYear;
  return kTruncInvalid;
}

/// Truncates a date (days) to WEEK (Monday), MONTH, QUARTER or YEAR.
int64_t TruncDays(int64_t days, TruncLevel level) {
  Civil c = CivilOf(days);
  switch (level) {
    case kTruncWeek: return days - FloorMod(days + 3, 7);
    case kTruncMonth: return DaysFromCivil(c.year, c.month, 1);
    case kTruncQuarter: return DaysFromCivil(c.year, ((c.month - 1) / 3) * 3 + 1, 1);
    case kTruncYear: return DaysFromCivil(c.year, 1, 1);
    default: return days;
  }
}

/// Local wall time -> UTC, preferring `preferred_offset` when the local time is ambiguous (as
/// java.time's ZonedDateTime.truncatedTo does).
int64_t LocalToUtcPreferring(std::string_view tz, int64_t local, int64_t preferred_offset) {
  int64_t candidate = local - preferred_offset;
  if (ZoneOffsetMicros(tz, candidate) == preferred_offset) return candidate;
  return LocalToUtc(tz, local);
}

/// Spark's DateTimeUtils.truncTimestamp.
int64_t TruncTimestamp(int64_t micros, TruncLevel level, std::string_view tz) {
  switch (level) {
    case kTruncMicrosecond: return micros;
    case kTruncMillisecond: return micros - FloorMod(micros, 1000);
    case kTruncSecond: return micros - FloorMod(micros, kMicrosPerSecond);
    case kTruncMinute:
    case kTruncHour:
    case kTruncDay: {
      int64_t offset = ZoneOffsetMicros(tz, micros);
      int64_t local = micros + offset;
      int64_t unit = level == kTruncMinute ? kMicrosPerMinute
                     : level == kTruncHour ? kMicrosPerHour
                                           : kMicrosPerDay;
      return LocalToUtcPreferring(tz, local - FloorMod(local, unit), offset);
    }
    default: {
      int64_t days = FloorDiv(UtcToLocal(tz, micros), kMicrosPerDay);
      return LocalToUtc(tz, TruncDays(days, level) * kMicrosPerDay);
    }
  }
}

struct TruncState {
  TruncLevel level;
};

PrepareFn PrepareTrunc(size_t fmt_arg) {
  return [fmt_arg](const Expr& call, const EvalContext& ctx) -> FunctionState {
    auto v = ConstantValue(*call.children[fmt_arg], ctx);
    if (!v || v->is_null()) return nullptr;
    return std::make_shared<TruncState>(TruncState{ParseTruncLevel(v->GetString())});
  };
}

TruncLevel LevelOf(const FunctionState& st, const Vector& fmt, size_t row) {
  if (st) return static_cast<const TruncState*>(st.get())->level;
  return ParseTruncLevel(fmt.GetString(row));
}

// ---- parsing ----

[[noreturn]] void ThrowCannotParse(std::string_view text, std::string_view fn) {
  throw ExecutionError(fmt::format(
      "[CANNOT_PARSE_TIMESTAMP] Text '{}' could not be parsed. Use `try_{}` to tolerate invalid "
      "input string and return NULL instead. If necessary set \"spark.sql.ansi.enabled\" to "
      "\"false\" to bypass this error.",
      text, fn));
}

constexpr std::string_view kDefaultPattern = "yyyy-MM-dd HH:mm:ss";

/// Binds f(str[, fmt]) whose first argument is a string/date/timestamp and second a pattern.
TypePtr BindParse(Expr& call, const EvalContext& ctx, TypePtr result) {
  CheckArgCount(call, 1, 2);
  TypeId id = call.children[0]->type->id();
  if (!(id == TypeId::kString || id == TypeId::kDate || id == TypeId::kTimestamp ||
        id == TypeId::kTimestampNtz || id == TypeId::kNull || call.children[0]->type->IsNumeric()))
    ThrowUnexpectedType(call, 0, "(\"STRING\" or \"DATE\" or \"TIMESTAMP\" or \"TIMESTAMP_NTZ\")");
  if (id == TypeId::kNull) call.children[0] = CastTo(call.children[0], DataType::String(), ctx);
  if (call.children.size() == 2) CoerceString(call, 1, ctx);
  return result;
}

/// Parses string rows of `a.args[0]` with the pattern argument into UTC micros; non-string input is
/// cast. `fail` selects ANSI errors over NULLs.
VectorPtr ParseToTimestampVector(const Expr& call, const KernelArgs& a, const EvalContext& ctx,
                                 bool fail, std::string_view fn_for_error) {
  const VectorPtr& in = a.args[0];
  if (a.args.size() == 1 || in->type_id() != TypeId::kString) {
    return CastVector(in, DataType::Timestamp(), ctx, !fail);
  }
  return BuildFixed<int64_t>(DataType::Timestamp(), a, [&](size_t row, int64_t* out) {
    std::string_view s = in->GetString(row);
    auto t = ParseTimestampWithPattern(s, a.args[1]->GetString(row), ctx.time_zone);
    if (!t) {
      if (fail) ThrowCannotParse(s, fn_for_error);
      return false;
    }
    *out = *t;
    return true;
  });
}

/// Seconds since the epoch for unix_timestamp / to_unix_timestamp.
VectorPtr UnixTimestampKernel(const Expr& call, const KernelArgs& a, const EvalContext& ctx) {
  if (a.args.empty()) {
    auto out = MakeFixedResult(call.type, a.num_rows);
    for (size_t i = 0; i < a.num_rows; ++i)
      out->data<int64_t>()[i] = FloorDiv(ctx.current_timestamp_micros, kMicrosPerSecond);
    return out;
  }
  const VectorPtr& in = a.args[0];
  VectorPtr ts;
  if (in->type_id() == TypeId::kString) {
    KernelArgs pa;
    pa.args = {in};
    pa.num_rows = a.num_rows;
    VectorPtr pattern = a.args.size() == 2 ? a.args[1]
                                           : Vector::MakeConstant(Value::String(std::string(kDefaultPattern)), a.num_rows);
    pa.args.push_back(pattern);
    pa.constant = {false, true};
    ts = ParseToTimestampVector(call, pa, ctx, ctx.ansi_enabled, "to_timestamp");
  } else if (in->type_id() == TypeId::kTimestamp) {
    ts = in;
  } else {
    ts = CastVector(in, DataType::Timestamp(), ctx, !ctx.ansi_enabled);
  }
  auto out = MakeFixedResult(call.type, a.num_rows);
  for (size_t i = 0; i < a.num_rows; ++i) {
    if (ts->IsNull(i) || AnyNull(a, i)) {
      out->SetNull(i);
      continue;
    }
    out->data<int64_t>()[i] = FloorDiv(ts->Get<int64_t>(i), kMicrosPerSecond);
  }
  return out;
}

void RegisterParsing(FunctionRegistry& r) {
  for (bool is_try : {false, true}) {
    RegisterFn(
        r, is_try ? "try_to_timestamp" : "to_timestamp",
        [](Expr& call, const EvalContext& ctx) { return BindParse(call, ctx, DataType::Timestamp()); },
        [is_try](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
          return ParseToTimestampVector(call, a, ctx, !is_try && ctx.ansi_enabled, "to_timestamp");
        });
  }
  for (bool is_try : {false, true}) {
    RegisterFn(
        r, is_try ? "try_to_date" : "to_date",
        [](Expr& call, const EvalContext& ctx) { return BindParse(call, ctx, DataType::Date()); },
        [is_try](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
          bool fail = !is_try && ctx.ansi_enabled;
          if (a.args.size() == 1 || a.args[0]->type_id() != TypeId::kString)
            return CastVector(a.args[0], DataType::Date(), ctx, !fail);
          VectorPtr ts = ParseToTimestampVector(call, a, ctx, fail, "to_date");
          auto out = MakeFixedResult(call.type, a.num_rows);
          for (size_t i = 0; i < a.num_rows; ++i) {
            if (ts->IsNull(i) || AnyNull(a, i)) {
              out->SetNull(i);
              continue;
            }
            out->data<int32_t>()[i] = static_cast<int32_t>(
                FloorDiv(UtcToLocal(ctx.time_zone, ts->Get<int64_t>(i)), kMicrosPerDay));
          }
          return VectorPtr(out);
        });
  }
  RegisterFn(
      r, "unix_timestamp",
      [](Expr& call, const EvalContext& ctx) -> TypePtr {
        CheckArgCount(call, 0, 2);
        if (!call.children.empty()) BindParse(call, ctx, nullptr);
        return DataType::Long();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
        return UnixTimestampKernel(call, a, ctx);
      });
  RegisterFn(
      r, "to_unix_timestamp",
      [](Expr& call, const EvalContext& ctx) -> TypePtr {
        BindParse(call, ctx, nullptr);
        return DataType::Long();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
        return UnixTimestampKernel(call, a, ctx);
      });

  RegisterFn(
      r, "date_format",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 2, 2);
        CoerceTimestamp(call, 0, ctx, true);
        CoerceString(call, 1, ctx);
        return DataType::String();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
        const Vector& v = *a.args[0];
        bool ntz = v.type_id() == TypeId::kTimestampNtz;
        return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
          *out = FormatTimestampWithPattern(v.Get<int64_t>(row), a.args[1]->GetString(row),
                                            ntz ? std::string_view("UTC") : ctx.time_zone);
          return true;
        });
      });
  RegisterFn(
      r, "from_unixtime",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 1, 2);
        CoerceIntegral(call, 0, DataType::Long(), ctx);
        if (call.children.size() == 2) CoerceString(call, 1, ctx);
        return DataType::String();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
        return BuildStrings(call.type, a, [&](size_t row, std::string* out) {
          std::string_view pattern = a.args.size() == 2 ? a.args[1]->GetString(row) : kDefaultPattern;
          int64_t secs = a.args[0]->Get<int64_t>(row);
          *out = FormatTimestampWithPattern(secs * kMicrosPerSecond, pattern, ctx.time_zone);
          return true;
        });
      });
}

// ---- epoch conversions ----

[[noreturn]] void ThrowOverflow() {
  throw ExecutionError(
      "[ARITHMETIC_OVERFLOW] long overflow. If necessary set \"spark.sql.ansi.enabled\" to "
      "\"false\" to bypass this error.");
}

// BIGINT values times `mul` (a timestamp from seconds / millis / micros), in one pass without
// per-row dispatch; null rows are NULL with a zero value; an overflowing valid row raises.
VectorPtr ScaleLongs(const TypePtr& type, const Vector& v, size_t n, int64_t mul) {
  auto out = std::make_shared<Vector>(type);
  out->ResizeForOverwrite(n);
  const int64_t* x = v.data<int64_t>();
  int64_t* o = out->data<int64_t>();
  bool overflow = false;
  for (size_t i = 0; i < n; ++i) overflow |= __builtin_mul_overflow(x[i], mul, &o[i]);
  if (v.MayHaveNulls()) {
    for (size_t i = 0; i < n; ++i) {
      if (!v.IsNull(i)) continue;
      out->SetNull(i);
      o[i] = 0;
    }
  }
  if (overflow) {
    int64_t ignored;
    for (size_t i = 0; i < n; ++i) {
      if (!v.IsNull(i) && __builtin_mul_overflow(x[i], mul, &ignored)) ThrowOverflow();
    }
  }
  return out;
}

void RegisterEpoch(FunctionRegistry& r) {
  RegisterFn(
      r, "timestamp_seconds",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 1, 1);
        const TypePtr& t = call.children[0]->type;
        if (t->IsIntegral() || t->id() == TypeId::kNull) {
          call.children[0] = CastTo(call.children[0], DataType::Long(), ctx);
        } else if (t->id() == TypeId::kFloat) {
          call.children[0] = CastTo(call.children[0], DataType::Double(), ctx);
        } else if (t->id() != TypeId::kDouble && t->id() != TypeId::kDecimal) {
          ThrowUnexpectedType(call, 0, "\"NUMERIC\"");
        }
        return DataType::Timestamp();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        const Vector& v = *a.args[0];
        if (v.type_id() == TypeId::kLong) return ScaleLongs(call.type, v, a.num_rows, kMicrosPerSecond);
        return BuildFixed<int64_t>(call.type, a, [&](size_t row, int64_t* out) {
          switch (v.type_id()) {
            case TypeId::kLong:
              if (__builtin_mul_overflow(v.Get<int64_t>(row), kMicrosPerSecond, out)) ThrowOverflow();
              return true;
            case TypeId::kDouble: {
              double d = v.Get<double>(row);
              if (std::isnan(d) || std::isinf(d)) return false;
              double m = d * static_cast<double>(kMicrosPerSecond);
              if (m >= 9.2233720368547758e18 || m < -9.2233720368547758e18) ThrowOverflow();
              *out = static_cast<int64_t>(m);
              return true;
            }
            default: {  // DECIMAL
              int128_t u = v.Get<int128_t>(row);
              int scale = v.type()->scale();
              int128_t micros;
              if (scale <= 6) {
                int128_t mul = 1;
                for (int i = scale; i < 6; ++i) mul *= 10;
                micros = u * mul;
              } else {
                int128_t div = 1;
                for (int i = 6; i < scale; ++i) div *= 10;
                if (u % div != 0)
                  throw ExecutionError("[ARITHMETIC_OVERFLOW] Rounding necessary.");
                micros = u / div;
              }
              if (micros > std::numeric_limits<int64_t>::max() ||
                  micros < std::numeric_limits<int64_t>::min())
                ThrowOverflow();
              *out = static_cast<int64_t>(micros);
              return true;
            }
          }
        });
      });
  for (auto [name, mul] : {std::pair<const char*, int64_t>{"timestamp_millis", 1000},
                           std::pair<const char*, int64_t>{"timestamp_micros", 1}}) {
    int64_t m = mul;
    RegisterFn(
        r, name,
        [](Expr& call, const EvalContext& ctx) {
          CheckArgCount(call, 1, 1);
          CoerceIntegral(call, 0, DataType::Long(), ctx);
          return DataType::Timestamp();
        },
        [m](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
          return ScaleLongs(call.type, *a.args[0], a.num_rows, m);
        });
  }
  for (auto [name, div] : {std::pair<const char*, int64_t>{"unix_seconds", kMicrosPerSecond},
                           std::pair<const char*, int64_t>{"unix_millis", 1000},
                           std::pair<const char*, int64_t>{"unix_micros", 1}}) {
    int64_t d = div;
    RegisterFn(
        r, name,
        [](Expr& call, const EvalContext& ctx) {
          CheckArgCount(call, 1, 1);
          CoerceTimestamp(call, 0, ctx, false);
          return DataType::Long();
        },
        [d](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
          return BuildFixed<int64_t>(call.type, a, [&](size_t row, int64_t* out) {
            *out = FloorDiv(a.args[0]->Get<int64_t>(row), d);
            return true;
          });
        });
  }
  RegisterFn(
      r, "unix_date",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 1, 1);
        CoerceDate(call, 0, ctx);
        return DataType::Int();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        return BuildFixed<int32_t>(call.type, a, [&](size_t row, int32_t* out) {
          *out = a.args[0]->Get<int32_t>(row);
          return true;
        });
      });
  RegisterFn(
      r, "date_from_unix_date",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 1, 1);
        CoerceIntegral(call, 0, DataType::Int(), ctx);
        return DataType::Date();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        return BuildFixed<int32_t>(call.type, a, [&](size_t row, int32_t* out) {
          *out = a.args[0]->Get<int32_t>(row);
          return true;
        });
      });

  // The current time: constant for a batch (the batch timestamp).
  auto no_args = [](TypePtr t) {
    return [t](Expr& call, const EvalContext&) {
      CheckArgCount(call, 0, 0);
      return t;
    };
  };
  RegisterFn(r, "current_timestamp", no_args(DataType::Timestamp()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
               auto out = MakeFixedResult(call.type, a.num_rows);
               std::fill_n(out->data<int64_t>(), a.num_rows, ctx.current_timestamp_micros);
               return VectorPtr(out);
             });
  r.Alias("now", "current_timestamp");
  RegisterFn(r, "localtimestamp", no_args(DataType::TimestampNtz()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
               auto out = MakeFixedResult(call.type, a.num_rows);
               std::fill_n(out->data<int64_t>(), a.num_rows,
                           UtcToLocal(ctx.time_zone, ctx.current_timestamp_micros));
               return VectorPtr(out);
             });
  RegisterFn(r, "current_date", no_args(DataType::Date()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
               auto out = MakeFixedResult(call.type, a.num_rows);
               int32_t day = static_cast<int32_t>(
                   FloorDiv(UtcToLocal(ctx.time_zone, ctx.current_timestamp_micros), kMicrosPerDay));
               std::fill_n(out->data<int32_t>(), a.num_rows, day);
               return VectorPtr(out);
             });
  r.Alias("curdate", "current_date");
  RegisterFn(r, "current_timezone", no_args(DataType::String()),
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
               auto out = MakeResult(call.type, a.num_rows);
               for (size_t i = 0; i < a.num_rows; ++i) out->AppendString(ctx.time_zone);
               return VectorPtr(out);
             });
}

// ---- calendar arithmetic ----

int32_t AddMonths(int32_t days, int64_t months) {
  Civil c = CivilOf(days);
  int64_t total = c.year * 12 + (c.month - 1) + months;
  int64_t y = FloorDiv(total, 12);
  unsigned m = static_cast<unsigned>(FloorMod(total, 12) + 1);
  unsigned d = std::min(c.day, DaysInMonth(y, m));
  return DaysFromCivil(y, m, d);
}

bool IsLastDayOfMonth(const Civil& c) { return c.day == DaysInMonth(c.year, c.month); }

/// Spark's DateTimeUtils.monthsBetween on wall-clock micros.
double MonthsBetween(int64_t local1, int64_t local2, bool round_off) {
  int64_t d1 = FloorDiv(local1, kMicrosPerDay), d2 = FloorDiv(local2, kMicrosPerDay);
  Civil c1 = CivilOf(d1), c2 = CivilOf(d2);
  int64_t months = (c1.year - c2.year) * 12 + static_cast<int64_t>(c1.month) - c2.month;
  if (c1.day == c2.day || (IsLastDayOfMonth(c1) && IsLastDayOfMonth(c2)))
    return static_cast<double>(months);
  int64_t sec1 = FloorMod(local1, kMicrosPerDay) / kMicrosPerSecond;
  int64_t sec2 = FloorMod(local2, kMicrosPerDay) / kMicrosPerSecond;
  int64_t seconds_diff =
      (static_cast<int64_t>(c1.day) - static_cast<int64_t>(c2.day)) * 86400 + sec1 - sec2;
  double diff = months + static_cast<double>(seconds_diff) / (31.0 * 86400);
  if (round_off) return std::floor(diff * 1e8 + 0.5) / 1e8;
  return diff;
}

int ParseDayOfWeek(std::string_view s) {  // 0 = Monday .. 6 = Sunday, -1 invalid
  std::string u;
  for (char c : s) u.push_back(static_cast<char>(toupper(static_cast<unsigned char>(c))));
  static const char* const kNames[7][3] = {
      {"MO", "MON", "MONDAY"},   {"TU", "TUE", "TUESDAY"}, {"WE", "WED", "WEDNESDAY"},
      {"TH", "THU", "THURSDAY"}, {"FR", "FRI", "FRIDAY"},  {"SA", "SAT", "SATURDAY"},
      {"SU", "SUN", "SUNDAY"}};
  for (int d = 0; d < 7; ++d)
    for (const char* n : kNames[d])
      if (u == n) return d;
  return -1;
}

void RegisterArithmetic(FunctionRegistry& r) {
  auto date_int_bind = [](Expr& call, const EvalContext& ctx) {
    CheckArgCount(call, 2, 2);
    CoerceDate(call, 0, ctx);
    CoerceIntegral(call, 1, DataType::Int(), ctx);
    return DataType::Date();
  };
  RegisterFn(r, "date_add", date_int_bind,
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildFixed<int32_t>(call.type, a, [&](size_t row, int32_t* out) {
                 *out = a.args[0]->Get<int32_t>(row) + a.args[1]->Get<int32_t>(row);
                 return true;
               });
             });
  r.Alias("dateadd", "date_add");
  RegisterFn(r, "date_sub", date_int_bind,
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildFixed<int32_t>(call.type, a, [&](size_t row, int32_t* out) {
                 *out = a.args[0]->Get<int32_t>(row) - a.args[1]->Get<int32_t>(row);
                 return true;
               });
             });
  RegisterFn(
      r, "datediff",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 2, 2);
        CoerceDate(call, 0, ctx);
        CoerceDate(call, 1, ctx);
        return DataType::Int();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        return BuildFixed<int32_t>(call.type, a, [&](size_t row, int32_t* out) {
          *out = a.args[0]->Get<int32_t>(row) - a.args[1]->Get<int32_t>(row);
          return true;
        });
      });
  r.Alias("date_diff", "datediff");
  RegisterFn(r, "add_months", date_int_bind,
             [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
               return BuildFixed<int32_t>(call.type, a, [&](size_t row, int32_t* out) {
                 *out = AddMonths(a.args[0]->Get<int32_t>(row), a.args[1]->Get<int32_t>(row));
                 return true;
               });
             });
  RegisterFn(
      r, "months_between",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 2, 3);
        CoerceTimestamp(call, 0, ctx, false);
        CoerceTimestamp(call, 1, ctx, false);
        if (call.children.size() == 3) {
          if (call.children[2]->type->id() != TypeId::kBoolean) ThrowUnexpectedType(call, 2, "\"BOOLEAN\"");
        }
        return DataType::Double();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
        return BuildFixed<double>(call.type, a, [&](size_t row, double* out) {
          bool round_off = a.args.size() == 3 ? a.args[2]->Get<uint8_t>(row) != 0 : true;
          *out = MonthsBetween(WallMicros(*a.args[0], row, ctx.time_zone),
                               WallMicros(*a.args[1], row, ctx.time_zone), round_off);
          return true;
        });
      });
  RegisterFn(
      r, "last_day",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 1, 1);
        CoerceDate(call, 0, ctx);
        return DataType::Date();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        return BuildFixed<int32_t>(call.type, a, [&](size_t row, int32_t* out) {
          Civil c = CivilOf(a.args[0]->Get<int32_t>(row));
          *out = DaysFromCivil(c.year, c.month, DaysInMonth(c.year, c.month));
          return true;
        });
      });
  RegisterFn(
      r, "next_day",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 2, 2);
        CoerceDate(call, 0, ctx);
        CoerceString(call, 1, ctx);
        return DataType::Date();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
        return BuildFixed<int32_t>(call.type, a, [&](size_t row, int32_t* out) {
          std::string_view name = a.args[1]->GetString(row);
          int target = ParseDayOfWeek(name);
          if (target < 0) {
            if (ctx.ansi_enabled)
              throw ExecutionError(
                  fmt::format("[ILLEGAL_DAY_OF_WEEK] Illegal input for day of week: {}.", name));
            return false;
          }
          int64_t days = a.args[0]->Get<int32_t>(row);
          int64_t cur = FloorMod(days + 3, 7);
          int64_t delta = FloorMod(target - cur, 7);
          if (delta == 0) delta = 7;
          *out = static_cast<int32_t>(days + delta);
          return true;
        });
      });
  RegisterFn(
      r, "make_date",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 3, 3);
        for (size_t i = 0; i < 3; ++i) CoerceIntegral(call, i, DataType::Int(), ctx);
        return DataType::Date();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
        return BuildFixed<int32_t>(call.type, a, [&](size_t row, int32_t* out) {
          int32_t y = a.args[0]->Get<int32_t>(row), m = a.args[1]->Get<int32_t>(row),
                  d = a.args[2]->Get<int32_t>(row);
          std::string err;
          if (m < 1 || m > 12)
            err = fmt::format("Invalid value for MonthOfYear (valid values 1 - 12): {}", m);
          else if (d < 1 || d > 31)
            err = fmt::format("Invalid value for DayOfMonth (valid values 1 - 28/31): {}", d);
          else if (static_cast<unsigned>(d) > DaysInMonth(y, static_cast<unsigned>(m)))
            err = fmt::format("Invalid date '{} {}'", d, m);
          if (!err.empty()) {
            if (ctx.ansi_enabled)
              throw ExecutionError(fmt::format(
                  "[DATETIME_FIELD_OUT_OF_BOUNDS] {}. If necessary set \"spark.sql.ansi.enabled\" "
                  "to \"false\" to bypass this error.",
                  err));
            return false;
          }
          *out = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
          return true;
        });
      });
  RegisterFn(
      r, "make_timestamp",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 6, 7);
        for (size_t i = 0; i < 5; ++i) CoerceIntegral(call, i, DataType::Int(), ctx);
        const TypePtr& t = call.children[5]->type;
        if (!t->IsNumeric() && t->id() != TypeId::kNull && t->id() != TypeId::kString)
          ThrowUnexpectedType(call, 5, "\"DECIMAL(16,6)\"");
        call.children[5] = CastTo(call.children[5], DataType::Decimal(16, 6), ctx);
        if (call.children.size() == 7) CoerceString(call, 6, ctx);
        return DataType::Timestamp();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext& ctx) {
        return BuildFixed<int64_t>(call.type, a, [&](size_t row, int64_t* out) {
          int32_t f[5];
          for (int i = 0; i < 5; ++i) f[i] = a.args[i]->Get<int32_t>(row);
          int128_t sec_micros = a.args[5]->Get<int128_t>(row);
          std::string err;
          if (f[1] < 1 || f[1] > 12)
            err = fmt::format("Invalid value for MonthOfYear (valid values 1 - 12): {}", f[1]);
          else if (f[2] < 1 || static_cast<unsigned>(f[2]) > DaysInMonth(f[0], f[1]))
            err = fmt::format("Invalid value for DayOfMonth (valid values 1 - 28/31): {}", f[2]);
          else if (f[3] < 0 || f[3] > 23)
            err = fmt::format("Invalid value for HourOfDay (valid values 0 - 23): {}", f[3]);
          else if (f[4] < 0 || f[4] > 59)
            err = fmt::format("Invalid value for MinuteOfHour (valid values 0 - 59): {}", f[4]);
          else if (sec_micros < 0 || sec_micros > 60 * kMicrosPerSecond ||
                   (sec_micros >= 60 * kMicrosPerSecond && sec_micros != 60 * kMicrosPerSecond))
            err = "Invalid value for SecondOfMinute (valid values 0 - 59)";
          if (!err.empty()) {
            if (ctx.ansi_enabled)
              throw ExecutionError(fmt::format(
                  "[DATETIME_FIELD_OUT_OF_BOUNDS] {}. If necessary set \"spark.sql.ansi.enabled\" "
                  "to \"false\" to bypass this error.",
                  err));
            return false;
          }
          int64_t local = static_cast<int64_t>(DaysFromCivil(f[0], f[1], f[2])) * kMicrosPerDay +
                          f[3] * kMicrosPerHour + f[4] * kMicrosPerMinute +
                          static_cast<int64_t>(sec_micros);
          std::string_view tz = a.args.size() == 7 ? a.args[6]->GetString(row)
                                                   : std::string_view(ctx.time_zone);
          *out = LocalToUtc(tz, local);
          return true;
        });
      });

  RegisterFn(
      r, "from_utc_timestamp",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 2, 2);
        CoerceTimestamp(call, 0, ctx, false);
        CoerceString(call, 1, ctx);
        return DataType::Timestamp();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        return BuildFixed<int64_t>(call.type, a, [&](size_t row, int64_t* out) {
          int64_t t = a.args[0]->Get<int64_t>(row);
          *out = t + ZoneOffsetMicros(a.args[1]->GetString(row), t);
          return true;
        });
      });
  RegisterFn(
      r, "to_utc_timestamp",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 2, 2);
        CoerceTimestamp(call, 0, ctx, false);
        CoerceString(call, 1, ctx);
        return DataType::Timestamp();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState&, const EvalContext&) {
        return BuildFixed<int64_t>(call.type, a, [&](size_t row, int64_t* out) {
          *out = LocalToUtc(a.args[1]->GetString(row), a.args[0]->Get<int64_t>(row));
          return true;
        });
      });
}

void RegisterTruncation(FunctionRegistry& r) {
  RegisterFn(
      r, "date_trunc",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 2, 2);
        CoerceString(call, 0, ctx);
        CoerceTimestamp(call, 1, ctx, false);
        return DataType::Timestamp();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState& st, const EvalContext& ctx) {
        return BuildFixed<int64_t>(call.type, a, [&](size_t row, int64_t* out) {
          TruncLevel level = LevelOf(st, *a.args[0], row);
          if (level == kTruncInvalid) return false;
          *out = TruncTimestamp(a.args[1]->Get<int64_t>(row), level, ctx.time_zone);
          return true;
        });
      },
      true, PrepareTrunc(0));
  RegisterFn(
      r, "trunc",
      [](Expr& call, const EvalContext& ctx) {
        CheckArgCount(call, 2, 2);
        CoerceDate(call, 0, ctx);
        CoerceString(call, 1, ctx);
        return DataType::Date();
      },
      [](const Expr& call, const KernelArgs& a, const FunctionState& st, const EvalContext&) {
        return BuildFixed<int32_t>(call.type, a, [&](size_t row, int32_t* out) {
          TruncLevel level = LevelOf(st, *a.args[1], row);
          if (level < kTruncWeek) return false;
          *out = static_cast<int32_t>(TruncDays(a.args[0]->Get<int32_t>(row), level));
          return true;
        });
      },
      true, PrepareTrunc(1));
}

}  // namespace

void RegisterDatetimeFunctions(FunctionRegistry& registry) {
  auto& r = registry;
  RegisterDateField(r, "year", [](int64_t d) { return static_cast<int>(CivilOf(d).year); });
  RegisterDateField(r, "quarter", [](int64_t d) { return static_cast<int>((CivilOf(d).month - 1) / 3 + 1); });
  RegisterDateField(r, "month", [](int64_t d) { return static_cast<int>(CivilOf(d).month); });
  RegisterDateField(r, "day", [](int64_t d) { return static_cast<int>(CivilOf(d).day); });
  r.Alias("dayofmonth", "day");
  RegisterDateField(r, "dayofweek", [](int64_t d) { return static_cast<int>(FloorMod(d + 4, 7) + 1); });
  RegisterDateField(r, "weekday", [](int64_t d) { return static_cast<int>(FloorMod(d + 3, 7)); });
  RegisterDateField(r, "dayofyear", [](int64_t d) { return DayOfYear(d); });
  RegisterDateField(r, "weekofyear", [](int64_t d) { return IsoWeek(d); });
  RegisterTimeField(r, "hour", kMicrosPerHour, 24);
  RegisterTimeField(r, "minute", kMicrosPerMinute, 60);
  RegisterTimeField(r, "second", kMicrosPerSecond, 60);
  RegisterTruncation(r);
  RegisterParsing(r);
  RegisterEpoch(r);
  RegisterArithmetic(r);
}

}  // namespace sluice
