// bench_gen_nexmark: writes Nexmark-like bid events as JSON lines, for the JSON pipeline benchmark.
//
//   bench_gen_nexmark OUT_DIR [SIZE_MB=1024] [FILE_MB=64]
//
// Writes about SIZE_MB MiB into OUT_DIR/bids-00000.json, bids-00001.json, ... (each at most FILE_MB
// MiB, whole lines only). One event per line, fields in this order:
//
//   {"auction":1234,"bidder":5678,"price":1234567,"channel":"Google",
//    "url":"https://www.nexmark.com/abcde/fghij/klmno/item.htm?query=1","dateTime":
//    "2024-01-01T10:00:00.123Z","extra":"..."}
//
// The output depends only on the arguments (a fixed-seed xorshift generator), so every run and
// every machine benchmarks the same bytes. Distributions (chosen so the benchmark filter
// `price > 1000000 OR channel = 'Google'` keeps about 60% of the rows):
//   auction  1000 + uniform [0, 10000)   bidder  1000 + uniform [0, 100000)
//   price    uniform [100, 2000100) (cents)
//   channel  Google / Facebook / Baidu / Apple (22.5% each), else "channel-<n>" (10%)
//   dateTime 2024-01-01T00:00:00.000Z plus a rising event time (0..3 ms per event)
//   extra    0..48 random lowercase letters (Nexmark's padding field)
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

namespace {

/// xorshift64*: small, fast and fully deterministic.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545F4914F6CDD1DULL;
  }
  /// Uniform in [0, n).
  uint64_t Below(uint64_t n) { return Next() % n; }

 private:
  uint64_t state_;
};

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, res.ptr);
}

void AppendDigits(std::string& out, int64_t v, int width) {
  char buf[8];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(buf, width);
}

void AppendLetters(std::string& out, Rng& rng, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>('a' + rng.Below(26)));
}

/// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
void CivilFromDays(int64_t z, int64_t* y, int64_t* m, int64_t* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

/// "YYYY-MM-DDTHH:MM:SS.mmmZ" for milliseconds since the epoch (UTC).
void AppendTimestamp(std::string& out, int64_t epoch_ms) {
  int64_t days = epoch_ms / 86400000;
  int64_t ms_of_day = epoch_ms % 86400000;
  int64_t y, m, d;
  CivilFromDays(days, &y, &m, &d);
  AppendDigits(out, y, 4);
  out.push_back('-');
  AppendDigits(out, m, 2);
  out.push_back('-');
  AppendDigits(out, d, 2);
  out.push_back('T');
  AppendDigits(out, ms_of_day / 3600000, 2);
  out.push_back(':');
  AppendDigits(out, ms_of_day / 60000 % 60, 2);
  out.push_back(':');
  AppendDigits(out, ms_of_day / 1000 % 60, 2);
  out.push_back('.');
  AppendDigits(out, ms_of_day % 1000, 3);
  out.push_back('Z');
}

constexpr const char* kChannels[] = {"Google", "Facebook", "Baidu", "Apple"};
constexpr int64_t kStartMs = 1704067200000;  // 2024-01-01T00:00:00.000Z

void AppendBid(std::string& out, Rng& rng, int64_t event_ms) {
  out += "{\"auction\":";
  AppendInt(out, 1000 + static_cast<int64_t>(rng.Below(10000)));
  out += ",\"bidder\":";
  AppendInt(out, 1000 + static_cast<int64_t>(rng.Below(100000)));
  out += ",\"price\":";
  AppendInt(out, 100 + static_cast<int64_t>(rng.Below(2000000)));
  out += ",\"channel\":\"";
  uint64_t c = rng.Below(1000);
  if (c < 900) {
    out += kChannels[c % 4];
  } else {
    out += "channel-";
    AppendInt(out, static_cast<int64_t>(rng.Below(10000)));
  }
  out += "\",\"url\":\"https://www.nexmark.com/";
  AppendLetters(out, rng, 5);
  out.push_back('/');
  AppendLetters(out, rng, 5);
  out.push_back('/');
  AppendLetters(out, rng, 5);
  out += "/item.htm?query=1";
  if (c >= 900) {
    out += "&channel_id=";
    AppendInt(out, static_cast<int64_t>(rng.Below(1 << 20)));
  }
  out += "\",\"dateTime\":\"";
  AppendTimestamp(out, event_ms);
  out += "\",\"extra\":\"";
  AppendLetters(out, rng, static_cast<int>(rng.Below(49)));
  out += "\"}\n";
}

bool ParseMb(const char* text, int64_t* out) {
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v <= 0) return false;
  *out = v;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) {
    std::fprintf(stderr, "usage: %s OUT_DIR [SIZE_MB=1024] [FILE_MB=64]\n", argv[0]);
    return 2;
  }
  std::filesystem::path dir = argv[1];
  int64_t size_mb = 1024;
  int64_t file_mb = 64;
  if ((argc > 2 && !ParseMb(argv[2], &size_mb)) || (argc > 3 && !ParseMb(argv[3], &file_mb))) {
    std::fprintf(stderr, "SIZE_MB and FILE_MB must be positive integers\n");
    return 2;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
    return 1;
  }

  const int64_t total_bytes = size_mb << 20;
  const int64_t file_bytes = file_mb << 20;
  Rng rng(0x5eed5eed12345678ULL);
  int64_t event_ms = kStartMs;
  int64_t written = 0;
  int64_t rows = 0;
  int file_index = 0;
  std::string buf;
  buf.reserve(1 << 20);
  std::string line;
  constexpr int64_t kMinFileBytes = 4096;  // a shorter remainder is not worth a file
  while (total_bytes - written >= kMinFileBytes) {
    char name[32];
    std::snprintf(name, sizeof(name), "bids-%05d.json", file_index++);
    std::filesystem::path path = dir / name;
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) {
      std::fprintf(stderr, "cannot write %s: %s\n", path.c_str(), std::strerror(errno));
      return 1;
    }
    int64_t in_file = 0;
    const int64_t limit = std::min(file_bytes, total_bytes - written);
    while (true) {
      line.clear();
      AppendBid(line, rng, event_ms);
      if (in_file + static_cast<int64_t>(buf.size() + line.size()) > limit) break;
      buf += line;
      ++rows;
      event_ms += static_cast<int64_t>(rng.Below(4));
      if (buf.size() >= (1 << 20)) {
        in_file += static_cast<int64_t>(std::fwrite(buf.data(), 1, buf.size(), f));
        buf.clear();
      }
    }
    in_file += static_cast<int64_t>(std::fwrite(buf.data(), 1, buf.size(), f));
    buf.clear();
    if (std::fclose(f) != 0) {
      std::fprintf(stderr, "cannot write %s: %s\n", path.c_str(), std::strerror(errno));
      return 1;
    }
    written += in_file;
  }
  std::printf("wrote %lld rows, %lld bytes in %d files to %s\n", static_cast<long long>(rows),
              static_cast<long long>(written), file_index, dir.c_str());
  return 0;
}
