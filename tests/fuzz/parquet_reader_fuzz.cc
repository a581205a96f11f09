// libFuzzer target over the Parquet reader: any input must either read or fail with IoError —
// never crash, hang or read out of bounds (build with -DSLUICE_BUILD_FUZZERS=ON and clang; seed
// corpus: ../shared/testdata/parquet-testing/data/*.parquet).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/parquet/parquet_reader.h"
#include "sluice/exception.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    sluice::ParquetReader reader(sluice::InputBuffer::FromString(
        std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.parquet"));
    reader.ReadAll();
  } catch (const sluice::IoError&) {
  }
  return 0;
}
