#include "platform/allocator_tuning.h"

#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace sluice {

void RetainFreedMemory() {
#if defined(__GLIBC__)
  static std::once_flag once;
  std::call_once(once, [] {
    // Blocks below 256 MiB come from the heap and are reused; the heap is trimmed only when 1 GiB
    // is free at its top.
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    // Every thread allocates from the main heap. Other arenas grow in heaps of at most 64 MiB,
    // so a larger block (a micro-batch's column of a few million rows) would be mapped afresh and
    // unmapped again every time, its pages faulted in anew: a fifth of the CPU time of a
    // million-key windowed aggregation. Small blocks still come from per-thread caches.
    mallopt(M_ARENA_MAX, 1);
  });
#endif
}

}  // namespace sluice
