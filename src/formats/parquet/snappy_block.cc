#include "formats/parquet/snappy_block.h"

#include <cstring>

namespace sluice::parquet {

namespace {

inline size_t LoadLE(const uint8_t* p, size_t bytes) {
  size_t v = 0;
  for (size_t i = 0; i < bytes; ++i) v |= static_cast<size_t>(p[i]) << (8 * i);
  return v;
}

// Parses the varint preamble; returns its byte count, 0 when malformed.
size_t ReadPreamble(const uint8_t* in, size_t n, size_t* length) {
  uint64_t v = 0;
  for (size_t i = 0; i < n && i < 5; ++i) {
    v |= static_cast<uint64_t>(in[i] & 0x7f) << (7 * i);
    if ((in[i] & 0x80) == 0) {
      if (v > UINT32_MAX) return 0;
      *length = static_cast<size_t>(v);
      return i + 1;
    }
  }
  return 0;
}

}  // namespace

bool SnappyUncompressedLength(const uint8_t* in, size_t n, size_t* length) {
  return ReadPreamble(in, n, length) != 0;
}

bool SnappyDecompressBlock(const uint8_t* in, size_t n, uint8_t* out, size_t out_size) {
  size_t length = 0;
  size_t used = ReadPreamble(in, n, &length);
  if (used == 0 || length != out_size) return false;
  const uint8_t* ip = in + used;
  const uint8_t* const ip_end = in + n;
  uint8_t* op = out;
  uint8_t* const op_end = out + out_size;
  while (ip < ip_end) {
    const uint8_t tag = *ip++;
    const unsigned kind = tag & 3;
    if (kind == 0) {
      // Literal: (tag >> 2) + 1 bytes, or for 60..63 a 1..4-byte length after the tag.
      size_t len = (tag >> 2) + 1;
      if (len > 60) {
        size_t bytes = len - 60;
        if (static_cast<size_t>(ip_end - ip) < bytes) return false;
        len = LoadLE(ip, bytes) + 1;
        ip += bytes;
      }
      if (static_cast<size_t>(ip_end - ip) < len || static_cast<size_t>(op_end - op) < len) return false;
      if (len <= 16 && ip_end - ip >= 16) {
        std::memcpy(op, ip, 16);  // into the slack past len; later elements overwrite it
      } else {
        std::memcpy(op, ip, len);
      }
      op += len;
      ip += len;
      continue;
    }
    // Copy of len bytes from offset bytes back in the output.
    size_t len, offset;
    if (kind == 1) {
      if (ip == ip_end) return false;
      len = ((tag >> 2) & 7) + 4;
      offset = (static_cast<size_t>(tag >> 5) << 8) | *ip++;
    } else if (kind == 2) {
      if (ip_end - ip < 2) return false;
      len = (tag >> 2) + 1;
      offset = LoadLE(ip, 2);
      ip += 2;
    } else {
      if (ip_end - ip < 4) return false;
      len = (tag >> 2) + 1;
      offset = LoadLE(ip, 4);
      ip += 4;
    }
    if (offset == 0 || offset > static_cast<size_t>(op - out) || len > static_cast<size_t>(op_end - op)) {
      return false;
    }
    const uint8_t* src = op - offset;
    // Each step reads bytes already written (the source range ends at or before the step's
    // destination), so overlapping copies repeat the pattern as the format requires. Steps may
    // write up to 15 bytes past len, into the slack.
    if (offset >= 16) {
      for (size_t i = 0; i < len; i += 16) std::memcpy(op + i, src + i, 16);
    } else if (offset >= 8) {
      for (size_t i = 0; i < len; i += 8) std::memcpy(op + i, src + i, 8);
    } else {
      // A period shorter than 8: the first bytes one at a time, then 8-byte steps from a whole
      // number of periods back (8..14 bytes).
      size_t i = 0;
      for (; i < len && i < 16; ++i) op[i] = src[i];
      const size_t back = offset * ((8 + offset - 1) / offset);
      for (; i < len; i += 8) std::memcpy(op + i, op + i - back, 8);
    }
    op += len;
  }
  return op == op_end;
}

}  // namespace sluice::parquet
