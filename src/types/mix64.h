// Mix64: a bijective 64-bit mixer (the splitmix64 finalizer): every input bit affects every output
// bit. Row hashing (columnar/vector.cc), the state batch checksum (columnar/batch_serde.cc) and
// the Parquet writer's dictionary table finish their values with it.
#pragma once

#include <cstdint>

namespace sluice {

inline uint64_t Mix64(uint64_t h) {
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

}  // namespace sluice
