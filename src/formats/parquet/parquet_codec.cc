#include "formats/parquet/parquet_codec.h"

#include <lz4.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <cctype>
#include <cstring>

#ifdef SLUICE_HAVE_BROTLI
#include <brotli/decode.h>
#endif

#include "formats/parquet/snappy_block.h"

namespace sluice::parquet {

namespace {

[[noreturn]] void Corrupt(Codec codec, const std::string& what) {
  throw ParquetFormatError(std::string("corrupt ") + CodecName(codec) + " page: " + what);
}

uint32_t LoadBigEndian32(const char* p) {
  const auto* u = reinterpret_cast<const uint8_t*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}

// Inflates gzip or zlib data, including concatenated gzip members.
void Inflate(std::string_view in, size_t size, std::string* out) {
  out->resize(size);
  size_t produced = 0;
  size_t consumed = 0;
  while (consumed < in.size() && (produced < size || size == 0)) {
    z_stream zs;
    std::memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, 15 + 32) != Z_OK) Corrupt(Codec::kGzip, "inflateInit failed");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + consumed));
    zs.avail_in = static_cast<uInt>(in.size() - consumed);
    zs.next_out = reinterpret_cast<Bytef*>(out->data() + produced);
    zs.avail_out = static_cast<uInt>(size - produced);
    int rc = inflate(&zs, Z_FINISH);
    size_t used_in = zs.total_in, used_out = zs.total_out;
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) {
      if (rc == Z_BUF_ERROR && zs.avail_out == 0) Corrupt(Codec::kGzip, "more data than declared");
      Corrupt(Codec::kGzip, "inflate failed");
    }
    consumed += used_in;
    produced += used_out;
    if (used_in == 0) break;
    // Trailing zero padding after the last member is tolerated.
    size_t rest = consumed;
    while (rest < in.size() && in[rest] == 0) ++rest;
    if (rest == in.size()) break;
  }
  if (produced != size) Corrupt(Codec::kGzip, "decompressed size differs from the page header");
}

void Lz4Raw(std::string_view in, char* dst, size_t size, Codec codec) {
  int n = LZ4_decompress_safe(in.data(), dst, static_cast<int>(in.size()), static_cast<int>(size));
  if (n < 0 || static_cast<size_t>(n) != size) Corrupt(codec, "lz4 block is corrupt or has the wrong size");
}

// Hadoop's LZ4 codec frames blocks as [u32 BE uncompressed][u32 BE compressed][lz4 block]...
bool TryHadoopLz4(std::string_view in, size_t size, std::string* out) {
  out->resize(size);
  size_t ip = 0, op = 0;
  while (ip < in.size()) {
    if (in.size() - ip < 8) return false;
    uint32_t raw = LoadBigEndian32(in.data() + ip);
    uint32_t comp = LoadBigEndian32(in.data() + ip + 4);
    ip += 8;
    if (comp > in.size() - ip || raw > size - op) return false;
    int n = LZ4_decompress_safe(in.data() + ip, out->data() + op, static_cast<int>(comp),
                                static_cast<int>(raw));
    if (n < 0 || static_cast<uint32_t>(n) != raw) return false;
    ip += comp;
    op += raw;
  }
  return op == size;
}

// One zstd context of each kind per thread, reused for every page: creating a context per call
// allocates and initializes its workspace each time.
struct ZstdContexts {
  ZSTD_CCtx* cctx = nullptr;
  ZSTD_DCtx* dctx = nullptr;
  ~ZstdContexts() {
    ZSTD_freeCCtx(cctx);
    ZSTD_freeDCtx(dctx);
  }
};

ZstdContexts& Zstd() {
  thread_local ZstdContexts contexts;
  return contexts;
}

ZSTD_CCtx* ZstdCompressor() {
  ZstdContexts& z = Zstd();
  if (z.cctx == nullptr) z.cctx = ZSTD_createCCtx();
  if (z.cctx == nullptr) throw ParquetFormatError("cannot create a zstd compression context");
  return z.cctx;
}

ZSTD_DCtx* ZstdDecompressor() {
  ZstdContexts& z = Zstd();
  if (z.dctx == nullptr) z.dctx = ZSTD_createDCtx();
  if (z.dctx == nullptr) throw ParquetFormatError("cannot create a zstd decompression context");
  return z.dctx;
}

// Upper bound of the compressed size of n bytes for the codecs Compress writes.
size_t MaxCompressedLength(Codec codec, size_t n) {
  switch (codec) {
    case Codec::kSnappy: return snappy::MaxCompressedLength(n);
    case Codec::kZstd: return ZSTD_compressBound(n);
    case Codec::kLz4Raw: return static_cast<size_t>(LZ4_compressBound(static_cast<int>(n)));
    default: return n;
  }
}

// Compresses `in` into dst (at least MaxCompressedLength bytes); returns the compressed size.
// REQUIRES: codec is SNAPPY, ZSTD or LZ4_RAW.
size_t CompressRaw(Codec codec, std::string_view in, char* dst, size_t cap, int level) {
  switch (codec) {
    case Codec::kSnappy: {
      size_t n = 0;
      snappy::RawCompress(in.data(), in.size(), dst, &n);
      return n;
    }
    case Codec::kZstd: {
      size_t n = ZSTD_compressCCtx(ZstdCompressor(), dst, cap, in.data(), in.size(),
                                   level > 0 ? level : 3);
      if (ZSTD_isError(n)) throw ParquetFormatError(std::string("zstd: ") + ZSTD_getErrorName(n));
      return n;
    }
    case Codec::kLz4Raw: {
      int n = LZ4_compress_default(in.data(), dst, static_cast<int>(in.size()), static_cast<int>(cap));
      if (n <= 0) throw ParquetFormatError("lz4 compression failed");
      return static_cast<size_t>(n);
    }
    default:
      throw ParquetFormatError(std::string("writing codec ") + CodecName(codec) + " is not supported");
  }
}

}  // namespace

void Decompress(Codec codec, std::string_view in, size_t size, std::string* out) {
  // Every codec below overwrites all `size` bytes, so a reused buffer is resized, not cleared:
  // growing zero-fills only the new part, shrinking writes nothing.
  switch (codec) {
    case Codec::kUncompressed:
      if (in.size() != size) Corrupt(codec, "page size differs from the page header");
      out->assign(in);
      return;
    case Codec::kSnappy: {
      const auto* data = reinterpret_cast<const uint8_t*>(in.data());
      size_t n = 0;
      if (!SnappyUncompressedLength(data, in.size(), &n)) Corrupt(codec, "bad header");
      if (n != size) Corrupt(codec, "decompressed size differs from the page header");
      out->resize(n + kSnappyOutputSlack);  // the decoder writes into slack past the end
      if (!SnappyDecompressBlock(data, in.size(), reinterpret_cast<uint8_t*>(out->data()), n)) {
        Corrupt(codec, "bad data");
      }
      out->resize(n);
      return;
    }
    case Codec::kGzip:
      out->clear();
      Inflate(in, size, out);
      return;
    case Codec::kZstd: {
      out->resize(size);
      size_t n = ZSTD_decompressDCtx(ZstdDecompressor(), out->data(), size, in.data(), in.size());
      if (ZSTD_isError(n)) Corrupt(codec, ZSTD_getErrorName(n));
      if (n != size) Corrupt(codec, "decompressed size differs from the page header");
      return;
    }
    case Codec::kLz4Raw:
      out->resize(size);
      Lz4Raw(in, out->data(), size, codec);
      return;
    case Codec::kLz4:
      // Parquet's deprecated LZ4 is Hadoop-framed in practice; some writers used raw blocks.
      out->clear();
      if (TryHadoopLz4(in, size, out)) return;
      out->resize(size);
      Lz4Raw(in, out->data(), size, codec);
      return;
    case Codec::kBrotli: {
#ifdef SLUICE_HAVE_BROTLI
      out->resize(size);
      size_t n = size;
      if (BrotliDecoderDecompress(in.size(), reinterpret_cast<const uint8_t*>(in.data()), &n,
                                  reinterpret_cast<uint8_t*>(out->data())) !=
              BROTLI_DECODER_RESULT_SUCCESS ||
          n != size) {
        Corrupt(codec, "brotli data is corrupt or has the wrong size");
      }
      return;
#else
      break;
#endif
    }
    case Codec::kLzo:
      break;
  }
  throw ParquetFormatError(std::string("unsupported compression codec ") + CodecName(codec));
}

void Compress(Codec codec, std::string_view in, std::string* out, int level) {
  size_t base = out->size();
  switch (codec) {
    case Codec::kUncompressed:
      out->append(in);
      return;
    case Codec::kSnappy:
    case Codec::kZstd:
    case Codec::kLz4Raw: {
      size_t cap = MaxCompressedLength(codec, in.size());
      out->resize(base + cap);
      out->resize(base + CompressRaw(codec, in, out->data() + base, cap, level));
      return;
    }
    case Codec::kGzip: {
      z_stream zs;
      std::memset(&zs, 0, sizeof(zs));
      deflateInit2(&zs, level > 0 ? level : 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
      out->resize(base + deflateBound(&zs, in.size()) + 32);
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      zs.avail_in = static_cast<uInt>(in.size());
      zs.next_out = reinterpret_cast<Bytef*>(out->data() + base);
      zs.avail_out = static_cast<uInt>(out->size() - base);
      deflate(&zs, Z_FINISH);
      out->resize(base + zs.total_out);
      deflateEnd(&zs);
      return;
    }
    default:
      throw ParquetFormatError(std::string("writing codec ") + CodecName(codec) +
                               " is not supported");
  }
}

std::string_view CompressInto(Codec codec, std::string_view in, std::vector<char>* scratch,
                              int level) {
  if (codec == Codec::kUncompressed) return in;
  if (codec == Codec::kGzip) {
    std::string tmp;
    Compress(codec, in, &tmp, level);
    if (scratch->size() < tmp.size()) scratch->resize(tmp.size());
    std::memcpy(scratch->data(), tmp.data(), tmp.size());
    return std::string_view(scratch->data(), tmp.size());
  }
  size_t cap = MaxCompressedLength(codec, in.size());
  if (scratch->size() < cap) scratch->resize(cap);
  size_t n = CompressRaw(codec, in, scratch->data(), scratch->size(), level);
  return std::string_view(scratch->data(), n);
}

bool ParseCodecName(std::string_view name, Codec* codec) {
  std::string s;
  for (char c : name) s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (s == "none" || s == "uncompressed") *codec = Codec::kUncompressed;
  else if (s == "snappy") *codec = Codec::kSnappy;
  else if (s == "gzip") *codec = Codec::kGzip;
  else if (s == "zstd") *codec = Codec::kZstd;
  else if (s == "lz4_raw" || s == "lz4raw") *codec = Codec::kLz4Raw;
  else return false;
  return true;
}

}  // namespace sluice::parquet
