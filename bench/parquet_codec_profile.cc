// Parquet writer / reader profile driver: times ParquetWriter and ParquetReader alone, on one
// thread, over generated rows, so that `perf record` sees only the Parquet code. Not part of
// `make bench`; see docs/formats/parquet.md "Performance" for how it was used.
//
//   bench_parquet_profile OUT.parquet [--rows N] [--shape wide|mixed] [--codec snappy|zstd|none]
//                         [--mode write|read|both|snappy] [--repeat K]
//
// `--mode snappy` compares snappy decompression alone: each generated batch's fixed-width column
// buffer (64 Ki values, as a page) is compressed with libsnappy and decompressed by libsnappy's
// RawUncompress and by Sluice's block decoder (snappy_block.h), printing GB/s per column.
//
// Shapes: `mixed` = id BIGINT, user_id INT, amount DOUBLE, category STRING, ts TIMESTAMP;
// `wide` = id BIGINT, user_id BIGINT, amount BIGINT, category STRING, ts TIMESTAMP. Batches of
// 64 Ki rows are generated untimed. `write` times Write() of every batch + Finish() + writing the
// file; `read` times opening the file and ReadAll() (the whole file, as the file scan does), and
// then, separately, a checksum over the decoded vectors (so decoding cannot be skipped). MB/s
// counts the rows' in-memory bytes (fixed widths + string bytes).
#include <fmt/format.h>
#include <snappy.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "columnar/record_batch.h"
#include "formats/parquet/parquet_codec.h"
#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "formats/parquet/snappy_block.h"
#include "sluice/types.h"

namespace {

using namespace sluice;  // NOLINT

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

TypePtr Schema(const std::string& shape) {
  std::vector<StructField> f;
  f.push_back({"id", LongType(), true});
  f.push_back({"user_id", shape == "wide" ? LongType() : IntegerType(), true});
  f.push_back({"amount", shape == "wide" ? LongType() : DoubleType(), true});
  f.push_back({"category", StringType(), true});
  f.push_back({"ts", TimestampType(), true});
  return StructType(std::move(f));
}

RecordBatchPtr MakeBatch(const TypePtr& schema, bool wide, int64_t from, int64_t to) {
  std::vector<VectorPtr> cols;
  for (const StructField& f : schema->fields()) cols.push_back(std::make_shared<Vector>(f.type));
  size_t n = static_cast<size_t>(to - from);
  for (auto& c : cols) c->Reserve(n);
  const int64_t base = 1704067200000000LL;  // 2024-01-01 00:00:00 UTC
  for (int64_t i = from; i < to; ++i) {
    cols[0]->Append<int64_t>(i);
    if (wide) {
      cols[1]->Append<int64_t>((i * 7919) % 1000000);
      cols[2]->Append<int64_t>(i % 100000);
    } else {
      cols[1]->Append<int32_t>(static_cast<int32_t>((i * 7919) % 1000000));
      cols[2]->Append<double>(static_cast<double>(i % 100000) / 100.0);
    }
    cols[3]->AppendString("cat" + std::to_string(i % 10));
    cols[4]->Append<int64_t>(base + i * 1000000);
  }
  return RecordBatch::Make(schema, std::move(cols), n);
}

int64_t Checksum(const std::vector<RecordBatchPtr>& batches) {
  int64_t sum = 0;
  for (const auto& b : batches) {
    for (const VectorPtr& c : b->columns()) {
      size_t n = c->size();
      switch (c->type_id()) {
        case TypeId::kInt:
          for (size_t i = 0; i < n; ++i) sum += c->Get<int32_t>(i);
          break;
        case TypeId::kDouble:
          for (size_t i = 0; i < n; ++i) sum += static_cast<int64_t>(c->Get<double>(i));
          break;
        case TypeId::kString:
          for (size_t i = 0; i < n; ++i) sum += static_cast<int64_t>(c->GetString(i).size());
          break;
        default:
          for (size_t i = 0; i < n; ++i) sum += c->Get<int64_t>(i);
      }
      sum += static_cast<int64_t>(c->CountNulls());
    }
  }
  return sum;
}

// Decompression throughput of libsnappy and of the block decoder over each fixed-width column's
// buffers, compressed one batch at a time.
void CompareSnappy(const TypePtr& schema, const std::vector<RecordBatchPtr>& data, int repeat) {
  for (size_t c = 0; c < schema->fields().size(); ++c) {
    if (schema->fields()[c].type->FixedWidth() <= 0) continue;
    std::vector<std::string> pages;
    std::vector<size_t> raw_sizes;
    size_t raw_total = 0, compressed_total = 0;
    for (const auto& b : data) {
      const Vector& v = *b->column(c);
      size_t n = v.size() * static_cast<size_t>(v.type()->FixedWidth());
      std::string out;
      snappy::Compress(reinterpret_cast<const char*>(v.data<uint8_t>()), n, &out);
      raw_total += n;
      compressed_total += out.size();
      raw_sizes.push_back(n);
      pages.push_back(std::move(out));
    }
    std::vector<uint8_t> buf(65536 * 16 + parquet::kSnappyOutputSlack);
    auto run = [&](bool own) {
      double t0 = Now();
      for (int r = 0; r < repeat; ++r) {
        for (size_t i = 0; i < pages.size(); ++i) {
          bool ok = own ? parquet::SnappyDecompressBlock(reinterpret_cast<const uint8_t*>(pages[i].data()),
                                                        pages[i].size(), buf.data(), raw_sizes[i])
                        : snappy::RawUncompress(pages[i].data(), pages[i].size(),
                                                reinterpret_cast<char*>(buf.data()));
          if (!ok) {
            std::cerr << "decompression failed\n";
            std::exit(1);
          }
        }
      }
      return static_cast<double>(raw_total) * repeat / (Now() - t0) / 1e9;
    };
    double lib = run(false), own = run(true);
    std::cout << fmt::format("snappy {:<10} ratio {:.2f}  libsnappy {:.2f} GB/s  block decoder {:.2f} GB/s ({:.2f}x)\n",
                             schema->fields()[c].name,
                             static_cast<double>(compressed_total) / static_cast<double>(raw_total), lib,
                             own, own / lib);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_parquet_profile OUT.parquet [--rows N] [--shape wide|mixed] "
                 "[--codec snappy|zstd|none] [--mode write|read|both|snappy] [--repeat K]\n";
    return 2;
  }
  std::string path = argv[1];
  int64_t rows = 20000000;
  std::string shape = "wide", codec = "snappy", mode = "both";
  int repeat = 1;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string a = argv[i], v = argv[i + 1];
    if (a == "--rows") rows = std::stoll(v);
    else if (a == "--shape") shape = v;
    else if (a == "--codec") codec = v;
    else if (a == "--mode") mode = v;
    else if (a == "--repeat") repeat = std::stoi(v);
  }
  TypePtr schema = Schema(shape);
  int64_t in_bytes = 0;
  std::vector<RecordBatchPtr> data;
  if (mode != "read") {
    for (int64_t from = 0; from < rows; from += 65536) {
      data.push_back(MakeBatch(schema, shape == "wide", from, std::min(rows, from + 65536)));
    }
  }
  auto row_bytes = [&](const std::vector<RecordBatchPtr>& bs) {
    int64_t total = 0;
    for (const auto& b : bs) {
      for (const VectorPtr& c : b->columns()) {
        total += static_cast<int64_t>(c->size()) * c->type()->FixedWidth() +
                 static_cast<int64_t>(c->chars().size());
      }
    }
    return total;
  };
  in_bytes = row_bytes(data);
  if (mode == "snappy") {
    CompareSnappy(schema, data, repeat);
    return 0;
  }
  for (int r = 0; r < repeat; ++r) {
    if (mode != "read") {
      ParquetWriteOptions o;
      if (!parquet::ParseCodecName(codec, &o.codec)) {
        std::cerr << "unknown codec " << codec << "\n";
        return 2;
      }
      double t0 = Now(), c0 = CpuSeconds();
      ParquetWriter w(schema, o);
      for (const auto& b : data) w.Write(b);
      std::string file = w.Finish();
      std::ofstream(path, std::ios::binary).write(file.data(), static_cast<std::streamsize>(file.size()));
      double secs = Now() - t0, cpu = CpuSeconds() - c0;
      std::cout << fmt::format(
          "write {} {} rows={} seconds={:.3f} cpu={:.3f} MB/s={:.1f} MB/s/cpu={:.1f} file_MiB={:.1f}\n",
          shape, codec, rows, secs, cpu, in_bytes / secs / 1048576.0, in_bytes / cpu / 1048576.0,
          file.size() / 1048576.0);
    }
    if (mode != "write") {
      double t0 = Now(), c0 = CpuSeconds();
      auto reader = ParquetReader::OpenFile(path);
      std::vector<RecordBatchPtr> out = reader->ReadAll();
      double secs = Now() - t0, cpu = CpuSeconds() - c0;
      double t1 = Now();
      int64_t sum = Checksum(out);
      double check_secs = Now() - t1;
      int64_t bytes = row_bytes(out);
      int64_t n = 0;
      for (const auto& b : out) n += static_cast<int64_t>(b->num_rows());
      std::cout << fmt::format(
          "read  {} rows={} seconds={:.3f} cpu={:.3f} MB/s={:.1f} MB/s/cpu={:.1f} row_groups={} "
          "checksum={} (checksum {:.3f} s)\n",
          path, n, secs, cpu, bytes / secs / 1048576.0, bytes / cpu / 1048576.0, out.size(), sum,
          check_secs);
    }
  }
  return 0;
}
