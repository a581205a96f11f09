// Allocator tuning for batch-sized buffers. Column vectors of a micro-batch are megabytes each and
// are freed at the end of the batch; with glibc's defaults such blocks are mmap'ed and unmapped
// (or trimmed from the heap) every time, so each batch pays page faults and zeroing of fresh
// pages again. RetainFreedMemory() raises glibc's mmap and trim thresholds and has every thread
// allocate from the main heap (process-wide, once), so freed batch memory is reused by the next
// batch: resident memory stays at the high-water mark of a batch instead of being returned to the
// system after each one.
//
// Called when a session is created unless spark.sluice.allocator.retainFreedMemory is false.
// Thread-safe; a no-op on C libraries other than glibc.
#pragma once

namespace sluice {

void RetainFreedMemory();

}  // namespace sluice
