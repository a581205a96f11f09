// SnappyDecompressBlock against libsnappy's compressor: generated inputs of many shapes decode to
// the original bytes; hand-built blocks cover the element kinds libsnappy's compressor never
// emits (4-byte offsets, long literal lengths); truncated and mutated blocks are rejected or
// decoded without touching memory outside the buffers (the ASan build checks the latter).
#include "formats/parquet/snappy_block.h"

#include <gtest/gtest.h>
#include <snappy.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace sluice::parquet {
namespace {

// Decodes `block` into a buffer sized exactly as the contract requires (so ASan sees overruns).
bool Decode(const std::string& block, size_t out_size, std::string* out) {
  std::vector<uint8_t> buf(out_size + kSnappyOutputSlack);
  bool ok = SnappyDecompressBlock(reinterpret_cast<const uint8_t*>(block.data()), block.size(),
                                  buf.data(), out_size);
  out->assign(reinterpret_cast<const char*>(buf.data()), out_size);
  return ok;
}

std::string Generate(std::mt19937_64& rng, int shape, size_t n) {
  std::string s(n, '\0');
  switch (shape) {
    case 0:  // random bytes: literals
      for (auto& c : s) c = static_cast<char>(rng());
      break;
    case 1:  // a small alphabet: short copies at many offsets
      for (auto& c : s) c = static_cast<char>('a' + rng() % 4);
      break;
    case 2: {  // a repeated period of 1..20 bytes: overlapping copies
      size_t period = 1 + rng() % 20;
      for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(i < period ? rng() : s[i - period]);
      break;
    }
    case 3:  // sequential little-endian integers, as a BIGINT page
      for (size_t i = 0; i + 8 <= n; i += 8) {
        uint64_t v = 1000000 + i / 8;
        std::memcpy(&s[i], &v, 8);
      }
      break;
    default: {  // runs of random length mixed with noise
      size_t i = 0;
      while (i < n) {
        size_t run = 1 + rng() % 300;
        char c = static_cast<char>(rng());
        for (size_t k = 0; k < run && i < n; ++k, ++i) s[i] = rng() % 8 == 0 ? static_cast<char>(rng()) : c;
      }
    }
  }
  return s;
}

TEST(SnappyBlock, DecodesWhatLibsnappyCompresses) {
  std::mt19937_64 rng(42);
  std::vector<size_t> sizes = {0, 1, 2, 15, 16, 17, 63, 64, 65, 100, 1000, 65535, 65536, 65537, 200000};
  for (int i = 0; i < 40; ++i) sizes.push_back(rng() % 70000);
  for (size_t n : sizes) {
    for (int shape = 0; shape < 5; ++shape) {
      std::string raw = Generate(rng, shape, n);
      std::string block;
      snappy::Compress(raw.data(), raw.size(), &block);
      size_t length = 0;
      ASSERT_TRUE(SnappyUncompressedLength(reinterpret_cast<const uint8_t*>(block.data()), block.size(), &length));
      ASSERT_EQ(length, n);
      std::string out;
      ASSERT_TRUE(Decode(block, n, &out)) << "size " << n << " shape " << shape;
      ASSERT_EQ(out, raw) << "size " << n << " shape " << shape;
    }
  }
}

std::string Varint(size_t v) {
  std::string s;
  while (v >= 0x80) {
    s += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  return s + static_cast<char>(v);
}

TEST(SnappyBlock, LongLiteralsAndFourByteOffsets) {
  std::mt19937_64 rng(7);
  std::string lit(70000, '\0');
  for (auto& c : lit) c = static_cast<char>(rng());
  // A literal with a 3-byte length (tag 62), then a copy of 10 bytes from 70000 back (4-byte
  // offset, tag kind 3), then a literal with a 1-byte length (tag 60).
  std::string block = Varint(70000 + 10 + 100);
  block += static_cast<char>(62 << 2);
  size_t len = lit.size() - 1;
  block += std::string{static_cast<char>(len & 0xff), static_cast<char>((len >> 8) & 0xff),
                       static_cast<char>(len >> 16)};
  block += lit;
  block += static_cast<char>(((10 - 1) << 2) | 3);
  uint32_t off = 70000;
  block.append(reinterpret_cast<const char*>(&off), 4);
  block += static_cast<char>(60 << 2);
  block += static_cast<char>(100 - 1);
  std::string tail(100, 'z');
  block += tail;
  std::string out;
  ASSERT_TRUE(Decode(block, 70110, &out));
  EXPECT_EQ(out, lit + lit.substr(0, 10) + tail);
  // The same block claiming another size, or cut short, is rejected.
  EXPECT_FALSE(Decode(block, 70109, &out));
  EXPECT_FALSE(Decode(block.substr(0, block.size() - 1), 70110, &out));
}

TEST(SnappyBlock, RejectsCopiesOutsideTheOutput) {
  std::string out;
  // A copy before anything is written.
  std::string block = Varint(4) + static_cast<char>(((4 - 4) << 2) | 1) + static_cast<char>(1);
  EXPECT_FALSE(Decode(block, 4, &out));
  // A copy with offset 0.
  block = Varint(5) + static_cast<char>(0) + "a" + static_cast<char>(((4 - 4) << 2) | 1) + static_cast<char>(0);
  EXPECT_FALSE(Decode(block, 5, &out));
  // A copy running past the declared length.
  block = Varint(5) + static_cast<char>(0) + "a" + static_cast<char>(((8 - 4) << 2) | 1) + static_cast<char>(1);
  EXPECT_FALSE(Decode(block, 5, &out));
  // A literal longer than the input.
  block = Varint(10) + static_cast<char>((10 - 1) << 2) + "abc";
  EXPECT_FALSE(Decode(block, 10, &out));
  // A malformed preamble.
  EXPECT_FALSE(Decode(std::string(6, '\xff'), 0, &out));
}

TEST(SnappyBlock, TruncatedAndMutatedBlocksNeverOverrun) {
  std::mt19937_64 rng(99);
  for (int round = 0; round < 300; ++round) {
    std::string raw = Generate(rng, static_cast<int>(rng() % 5), rng() % 3000);
    std::string block;
    snappy::Compress(raw.data(), raw.size(), &block);
    std::string bad = block;
    if (rng() % 2 == 0 && !bad.empty()) {
      bad.resize(rng() % bad.size());
    } else {
      for (int k = 0; k < 4 && !bad.empty(); ++k) bad[rng() % bad.size()] = static_cast<char>(rng());
    }
    size_t length = 0;
    if (!SnappyUncompressedLength(reinterpret_cast<const uint8_t*>(bad.data()), bad.size(), &length)) continue;
    if (length > (1 << 20)) continue;
    std::string out;
    Decode(bad, length, &out);  // any result, but no out-of-bounds access
  }
}

}  // namespace
}  // namespace sluice::parquet
