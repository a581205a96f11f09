#include "formats/parquet/column_page_reader.h"

#include <fmt/format.h>

#include <algorithm>

#include "formats/parquet/page_values.h"
#include "formats/parquet/parquet_codec.h"

namespace sluice::parquet {

namespace {

// A window holds about a page; it reaches kSlack bytes further so that the next page's header is
// usually in it too.
constexpr int64_t kSlack = 64 << 10;
constexpr int64_t kWindow = 1 << 20;

}  // namespace

ColumnPageReader::ColumnPageReader(FileRangeReader file, const ColumnMetaData& md, int width,
                                   int max_def, int max_rep, int64_t num_rows)
    : file_(std::move(file)), md_(&md), max_def_(max_def), max_rep_(max_rep),
      num_rows_(num_rows), values_left_(md.num_values) {
  int64_t start = md.data_page_offset;
  if (md.dictionary_page_offset && *md.dictionary_page_offset > 0 &&
      *md.dictionary_page_offset < start) {
    start = *md.dictionary_page_offset;
  }
  int64_t len = md.total_compressed_size;
  // Pages may not reach into the footer; the declared chunk length only says where to stop (some
  // old writers understated it, e.g. leaving out the dictionary page).
  int64_t limit = file_.data_end;
  if (start < 4 || start >= limit || len < 0 || len > limit - start) {
    Corrupt(fmt::format("column chunk range [{}, {} bytes) lies outside the file's data", start, len));
  }
  if (md.type == PhysicalType::kFixedLenByteArray && width <= 0) Corrupt("invalid fixed length");
  pos_ = start;
  end_ = start + len;
  dict_.width = width;
  Load(start, file_.loaded ? limit : WindowEnd(start, 0));
}

void ColumnPageReader::Load(int64_t from, int64_t to) {
  base_ = file_.read(from, static_cast<size_t>(to - from), &window_);
  buf_begin_ = from;
  buf_end_ = to;
}

int64_t ColumnPageReader::WindowEnd(int64_t from, int64_t need) const {
  return std::min(file_.data_end, std::max(from + need, std::min(end_, from + kWindow)) + kSlack);
}

std::string_view ColumnPageReader::Decompress(const uint8_t* p, size_t n, size_t raw) {
  if (md_->codec == Codec::kUncompressed || (raw == 0 && n == 0)) {
    if (n != raw) Corrupt("page size differs from its uncompressed size");
    return std::string_view(reinterpret_cast<const char*>(p), n);
  }
  parquet::Decompress(md_->codec, std::string_view(reinterpret_cast<const char*>(p), n), raw, &page_buf_);
  return page_buf_;
}

bool ColumnPageReader::Next(DataPage* page, std::vector<uint8_t>* def, std::vector<uint8_t>* rep) {
  const int64_t limit = file_.data_end;
  while (pos_ < end_) {
    if (max_rep_ == 0 && rows_ >= num_rows_) return false;
    size_t header_size = 0;
    if (pos_ >= buf_end_) Load(pos_, WindowEnd(pos_, 0));
    PageHeader h;
    while (true) {
      try {
        h = ReadPageHeader(base_ + (pos_ - buf_begin_), static_cast<size_t>(buf_end_ - pos_), &header_size);
        break;
      } catch (const ParquetFormatError&) {
        if (buf_end_ >= limit) throw;  // the header is malformed, not cut off by the window
        Load(pos_, std::min(limit, pos_ + 2 * (buf_end_ - pos_) + kSlack));
      }
    }
    pos_ += static_cast<int64_t>(header_size);
    if (h.compressed_page_size < 0 || h.compressed_page_size > limit - pos_) {
      Corrupt(fmt::format("page of {} bytes exceeds the column chunk", h.compressed_page_size));
    }
    if (h.uncompressed_page_size < 0) Corrupt("negative uncompressed page size");
    if (pos_ + h.compressed_page_size > buf_end_) Load(pos_, WindowEnd(pos_, h.compressed_page_size));
    const uint8_t* data = base_ + (pos_ - buf_begin_);
    size_t page_size = static_cast<size_t>(h.compressed_page_size);
    pos_ += h.compressed_page_size;
    if (h.type == PageType::kDictionaryPage) {
      if (!h.dictionary_page) Corrupt("dictionary page without its header");
      if (has_dict_) Corrupt("a second dictionary page in one column chunk");
      int32_t nv = h.dictionary_page->num_values;
      if (nv < 0) Corrupt(fmt::format("dictionary page has a negative value count {}", nv));
      std::string_view body = Decompress(data, page_size, static_cast<size_t>(h.uncompressed_page_size));
      if (md_->type == PhysicalType::kBoolean) Corrupt("BOOLEAN columns cannot be dictionary-encoded");
      DecodePlain(reinterpret_cast<const uint8_t*>(body.data()), body.size(), static_cast<size_t>(nv),
                  md_->type, &dict_);
      // Zero padding past the last value (no offset points into it), for 16-byte copies.
      dict_.chars.resize(dict_.chars.size() + kDictPadding);
      has_dict_ = true;
      continue;
    }
    if (h.type != PageType::kDataPage && h.type != PageType::kDataPageV2) continue;  // index page
    int64_t nv;
    std::string_view body;
    const uint8_t* levels = nullptr;
    size_t levels_size = 0;
    if (h.type == PageType::kDataPage) {
      if (!h.data_page) Corrupt("data page without its header");
      nv = h.data_page->num_values;
      page->encoding = h.data_page->encoding;
      body = Decompress(data, page_size, static_cast<size_t>(h.uncompressed_page_size));
    } else {
      if (!h.data_page_v2) Corrupt("data page v2 without its header");
      const DataPageHeaderV2& v2 = *h.data_page_v2;
      nv = v2.num_values;
      page->encoding = v2.encoding;
      int64_t lvl = int64_t{v2.definition_levels_byte_length} + v2.repetition_levels_byte_length;
      if (v2.definition_levels_byte_length < 0 || v2.repetition_levels_byte_length < 0 ||
          lvl > static_cast<int64_t>(page_size) || lvl > h.uncompressed_page_size) {
        Corrupt("data page v2 level lengths exceed the page");
      }
      levels = data;
      levels_size = static_cast<size_t>(lvl);
      size_t raw = static_cast<size_t>(h.uncompressed_page_size - lvl);
      if (v2.is_compressed && md_->codec != Codec::kUncompressed && page_size > static_cast<size_t>(lvl)) {
        body = Decompress(data + lvl, page_size - lvl, raw);
      } else {
        if (page_size - lvl != raw) Corrupt("page size differs from its uncompressed size");
        body = std::string_view(reinterpret_cast<const char*>(data + lvl), raw);
      }
    }
    int64_t cap = max_rep_ == 0 ? num_rows_ - rows_ : std::min(values_left_, kMaxPageValues);
    if (nv < 0 || nv > cap || nv > kMaxPageValues) {
      Corrupt(fmt::format("data page declares {} values; at most {} remain in the column chunk", nv,
                          std::max<int64_t>(cap, 0)));
    }
    values_left_ -= nv;
    size_t n = static_cast<size_t>(nv);
    size_t def_pos = def->size();
    size_t rep_pos = rep->size();
    const auto* b = reinterpret_cast<const uint8_t*>(body.data());
    size_t bsize = body.size();
    if (h.type == PageType::kDataPage) {
      size_t used = 0;
      if (max_rep_ > 0) {
        used += DecodeLevels(h.data_page->repetition_level_encoding, b, bsize, n, max_rep_, true, rep,
                             &level_tmp_);
      }
      if (max_def_ > 0) {
        used += DecodeLevels(h.data_page->definition_level_encoding, b + used, bsize - used, n,
                             max_def_, true, def, &level_tmp_);
      }
      b += used;
      bsize -= used;
    } else {
      size_t rl = static_cast<size_t>(h.data_page_v2->repetition_levels_byte_length);
      if (max_rep_ > 0) DecodeLevels(Encoding::kRle, levels, rl, n, max_rep_, false, rep, &level_tmp_);
      if (max_def_ > 0) {
        DecodeLevels(Encoding::kRle, levels + rl, levels_size - rl, n, max_def_, false, def, &level_tmp_);
      }
    }
    size_t non_null = n;
    if (max_def_ > 0) {
      non_null = 0;
      const uint8_t* d = def->data();
      for (size_t i = def_pos; i < def->size(); ++i) non_null += d[i] == max_def_;
    }
    if (max_rep_ > 0) {
      if (rows_ == 0 && n > 0 && (*rep)[rep_pos] != 0) {
        Corrupt("the first repetition level is not 0");
      }
      for (size_t i = rep_pos; i < rep->size(); ++i) rows_ += (*rep)[i] == 0;
    } else {
      rows_ += nv;
    }
    page->values = b;
    page->values_size = bsize;
    page->num_levels = n;
    page->num_values = non_null;
    return true;
  }
  return false;
}

void ColumnPageReader::Finish() const {
  if (rows_ != num_rows_) {
    Corrupt(fmt::format("the column chunk holds {} rows but the row group has {}", rows_, num_rows_));
  }
}

}  // namespace sluice::parquet
