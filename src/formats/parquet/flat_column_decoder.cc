#include "formats/parquet/flat_column_decoder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "formats/parquet/page_values.h"

namespace sluice::parquet {

bool FlatColumnDecoder::Supports(const PlanNode& leaf, int width, int max_def, int max_rep) {
  if (max_rep != 0 || max_def > 1) return false;
  switch (leaf.conversion) {
    case LeafConversion::kBoolean: return width == 1;
    case LeafConversion::kInt32:
    case LeafConversion::kDate:
    case LeafConversion::kFloat: return width == 4;
    case LeafConversion::kInt64:
    case LeafConversion::kTimestampMicros:
    case LeafConversion::kDouble: return width == 8;
    case LeafConversion::kString:
    case LeafConversion::kBinary: return width == 0;
    default: return false;
  }
}

FlatColumnDecoder::FlatColumnDecoder(ColumnPageReader pages, TypePtr type)
    : pages_(std::move(pages)), type_(std::move(type)),
      width_(static_cast<size_t>(PhysicalWidth(pages_.physical_type(), 0))) {
  dense_.width = static_cast<int>(width_);
}

void FlatColumnDecoder::NextPage() {
  DataPage page;
  do {
    def_.clear();
    if (!pages_.Next(&page, &def_, &rep_unused_)) {
      pages_.Finish();  // fewer rows than the row group declares: throws
      Corrupt("the column chunk ends before the rows asked for");
    }
  } while (page.num_levels == 0);
  num_levels_ = page.num_levels;
  level_pos_ = 0;
  value_pos_ = 0;
  if (page.num_values == page.num_levels) def_.clear();  // no nulls: no per-row checks
  const PhysicalType t = pages_.physical_type();
  const size_t nv = page.num_values;
  const bool dict_encoded =
      page.encoding == Encoding::kPlainDictionary || page.encoding == Encoding::kRleDictionary;
  if (dict_encoded && nv > 0) {
    const PhysicalValues* dict = pages_.dictionary();
    if (dict == nullptr) Corrupt("a dictionary-encoded page has no dictionary page before it");
    DecodeDictIndexes(page.values, page.values_size, nv, dict->count, &idx_);
    source_ = Source::kDictionary;
    return;
  }
  if (page.encoding == Encoding::kPlain && t != PhysicalType::kBoolean && width_ > 0) {
    if (nv > page.values_size / width_) Corrupt(fmt::format("PLAIN page holds fewer than {} values", nv));
    plain_ = page.values;
    source_ = Source::kPlain;
    return;
  }
  dense_.Clear();
  DecodeValues(page.encoding, page.values, page.values_size, nv, t, pages_.dictionary(), &dense_);
  if (dense_.count != nv) Corrupt("level and value counts disagree");
  source_ = Source::kDense;
}

VectorPtr FlatColumnDecoder::Read(size_t n) {
  auto v = std::make_shared<Vector>(type_);
  v->Resize(n);
  size_t row = 0;
  while (row < n) {
    if (level_pos_ == num_levels_) NextPage();
    size_t k = std::min(n - row, num_levels_ - level_pos_);
    if (width_ > 0) {
      PlaceFixed(k, v.get(), row);
    } else {
      PlaceBytes(k, v.get(), row);
    }
    row += k;
    level_pos_ += k;
  }
  return v;
}

void FlatColumnDecoder::Finish() {
  if (level_pos_ != num_levels_) Corrupt("the column chunk holds more rows than the row group");
  pages_.Finish();
}

void FlatColumnDecoder::PlaceFixed(size_t k, Vector* out, size_t row) {
  const size_t w = width_;
  uint8_t* dst = out->data<uint8_t>() + row * w;
  const uint8_t* src = nullptr;
  if (source_ == Source::kPlain) src = plain_;
  if (source_ == Source::kDense) src = dense_.fixed.data();
  if (def_.empty()) {
    if (src != nullptr) {
      std::memcpy(dst, src + value_pos_ * w, k * w);
    } else {
      const uint8_t* dict = pages_.dictionary()->fixed.data();
      const uint32_t* idx = idx_.data() + value_pos_;
      if (w == 8) {
        for (size_t i = 0; i < k; ++i) std::memcpy(dst + i * 8, dict + size_t{idx[i]} * 8, 8);
      } else if (w == 4) {
        for (size_t i = 0; i < k; ++i) std::memcpy(dst + i * 4, dict + size_t{idx[i]} * 4, 4);
      } else {
        for (size_t i = 0; i < k; ++i) std::memcpy(dst + i * w, dict + size_t{idx[i]} * w, w);
      }
    }
    value_pos_ += k;
    return;
  }
  const uint8_t* def = def_.data() + level_pos_;
  const uint8_t* dict = source_ == Source::kDictionary ? pages_.dictionary()->fixed.data() : nullptr;
  size_t j = value_pos_;
  for (size_t i = 0; i < k; ++i) {
    if (def[i] == 0) {
      out->SetNull(row + i);
      continue;
    }
    const uint8_t* from = dict != nullptr ? dict + size_t{idx_[j]} * w : src + j * w;
    std::memcpy(dst + i * w, from, w);
    ++j;
  }
  value_pos_ = j;
}

void FlatColumnDecoder::PlaceBytes(size_t k, Vector* out, size_t row) {
  // Where value j's bytes are: the dictionary's entry idx_[j] or the dense page values' j.
  const bool dict = source_ == Source::kDictionary;
  const PhysicalValues& vals = dict ? *pages_.dictionary() : dense_;
  const int64_t* voff = vals.offsets.data();
  const char* vchars = vals.chars.data();
  auto entry = [&](size_t j) -> size_t { return dict ? idx_[j] : j; };
  const uint8_t* def = def_.empty() ? nullptr : def_.data() + level_pos_;
  // Two passes: size the bytes once, then copy.
  size_t total = 0;
  for (size_t i = 0, j = value_pos_; i < k; ++i) {
    if (def != nullptr && def[i] == 0) continue;
    size_t e = entry(j++);
    total += static_cast<size_t>(voff[e + 1] - voff[e]);
  }
  int64_t* off = out->mutable_offsets().data() + row;
  std::vector<char>& chars = out->mutable_chars();
  size_t pos = chars.size();
  // A dictionary's chars carry kDictPadding readable bytes past the end: short values are copied
  // 16 bytes at a time into the 16 spare bytes reserved here.
  chars.resize(pos + total + 16);
  char* dst = chars.data();
  size_t j = value_pos_;
  for (size_t i = 0; i < k; ++i) {
    if (def != nullptr && def[i] == 0) {
      out->SetNull(row + i);
      off[i + 1] = static_cast<int64_t>(pos);
      continue;
    }
    size_t e = entry(j++);
    const char* from = vchars + voff[e];
    size_t len = static_cast<size_t>(voff[e + 1] - voff[e]);
    if (dict && len <= 16) {
      std::memcpy(dst + pos, from, 16);
    } else {
      std::memcpy(dst + pos, from, len);
    }
    pos += len;
    off[i + 1] = static_cast<int64_t>(pos);
  }
  chars.resize(pos);
  value_pos_ = j;
}

}  // namespace sluice::parquet
