#include "formats/parquet/parquet_reader.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "formats/parquet/parquet_codec.h"
#include "formats/parquet/parquet_encoding.h"
#include "formats/parquet/column_page_reader.h"
#include "formats/parquet/flat_column_decoder.h"
#include "formats/parquet/page_values.h"
#include "sluice/exception.h"

namespace sluice {

using namespace parquet;  // NOLINT: the implementation works in Parquet's terms throughout

namespace {

constexpr char kMagic[] = "PAR1";

__int128 BigEndianToInt128(const char* p, size_t n) {
  if (n == 0) return 0;
  if (n > 16) {
    // Accept only sign-extension bytes beyond 16.
    for (size_t i = 0; i + 16 < n; ++i) {
      uint8_t expect = (static_cast<uint8_t>(p[n - 16]) & 0x80) ? 0xff : 0;
      if (static_cast<uint8_t>(p[i]) != expect) Corrupt("DECIMAL value does not fit 16 bytes");
    }
    p += n - 16;
    n = 16;
  }
  unsigned __int128 v = (static_cast<uint8_t>(p[0]) & 0x80) ? ~static_cast<unsigned __int128>(0) : 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return static_cast<__int128>(v);
}

float HalfToFloat(uint16_t h) {
  uint32_t sign = (h >> 15) & 1, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float v;
  if (exp == 0) {
    v = std::ldexp(static_cast<float>(mant), -24);
  } else if (exp == 31) {
    v = mant == 0 ? INFINITY : NAN;
  } else {
    v = std::ldexp(static_cast<float>(mant | 0x400), static_cast<int>(exp) - 25);
  }
  return sign ? -v : v;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Dense physical values -> a Sluice vector of the leaf's type.
VectorPtr ToVector(PhysicalValues& pv, const PlanNode& leaf) {
  auto v = std::make_shared<Vector>(leaf.type);
  size_t n = pv.count;
  const uint8_t* src = pv.fixed.data();
  auto fixed_copy = [&](size_t width) {
    v->Resize(n);
    if (n) std::memcpy(v->data<uint8_t>(), src, n * width);
  };
  auto each32 = [&](auto fn) {
    v->Resize(n);
    for (size_t i = 0; i < n; ++i) {
      int32_t x;
      std::memcpy(&x, src + 4 * i, 4);
      fn(i, x);
    }
  };
  auto each64 = [&](auto fn) {
    v->Resize(n);
    for (size_t i = 0; i < n; ++i) {
      int64_t x;
      std::memcpy(&x, src + 8 * i, 8);
      fn(i, x);
    }
  };
  auto bytes_at = [&](size_t i) -> std::string_view {
    if (pv.width == 0) {
      return std::string_view(pv.chars.data() + pv.offsets[i],
                              static_cast<size_t>(pv.offsets[i + 1] - pv.offsets[i]));
    }
    return std::string_view(reinterpret_cast<const char*>(src) + i * pv.width,
                            static_cast<size_t>(pv.width));
  };
  switch (leaf.conversion) {
    case LeafConversion::kBoolean: fixed_copy(1); break;
    case LeafConversion::kInt32:
    case LeafConversion::kDate: fixed_copy(4); break;
    case LeafConversion::kInt8: each32([&](size_t i, int32_t x) { v->data<int8_t>()[i] = static_cast<int8_t>(x); }); break;
    case LeafConversion::kInt16: each32([&](size_t i, int32_t x) { v->data<int16_t>()[i] = static_cast<int16_t>(x); }); break;
    case LeafConversion::kUint8: each32([&](size_t i, int32_t x) { v->data<int16_t>()[i] = static_cast<uint8_t>(x); }); break;
    case LeafConversion::kUint16: each32([&](size_t i, int32_t x) { v->data<int32_t>()[i] = static_cast<uint16_t>(x); }); break;
    case LeafConversion::kUint32: each32([&](size_t i, int32_t x) { v->data<int64_t>()[i] = static_cast<uint32_t>(x); }); break;
    case LeafConversion::kInt64:
    case LeafConversion::kTimestampMicros: fixed_copy(8); break;
    case LeafConversion::kTimestampMillis:
      each64([&](size_t i, int64_t x) {
        v->data<int64_t>()[i] = static_cast<int64_t>(static_cast<uint64_t>(x) * 1000);
      });
      break;
    case LeafConversion::kTimestampNanos:
      each64([&](size_t i, int64_t x) { v->data<int64_t>()[i] = FloorDiv(x, 1000); });
      break;
    case LeafConversion::kUint64ToDecimal:
      each64([&](size_t i, int64_t x) { v->data<__int128>()[i] = static_cast<uint64_t>(x); });
      break;
    case LeafConversion::kDecimalInt32: each32([&](size_t i, int32_t x) { v->data<__int128>()[i] = x; }); break;
    case LeafConversion::kDecimalInt64: each64([&](size_t i, int64_t x) { v->data<__int128>()[i] = x; }); break;
    case LeafConversion::kInt96:
      v->Resize(n);
      for (size_t i = 0; i < n; ++i) {
        int64_t nanos;
        int32_t day;
        std::memcpy(&nanos, src + 12 * i, 8);
        std::memcpy(&day, src + 12 * i + 8, 4);
        uint64_t micros = static_cast<uint64_t>(static_cast<int64_t>(day) - 2440588) * 86400000000ULL +
                          static_cast<uint64_t>(FloorDiv(nanos, 1000));
        v->data<int64_t>()[i] = static_cast<int64_t>(micros);
      }
      break;
    case LeafConversion::kFloat: fixed_copy(4); break;
    case LeafConversion::kDouble: fixed_copy(8); break;
    case LeafConversion::kFloat16:
      v->Resize(n);
      for (size_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        v->data<float>()[i] = HalfToFloat(h);
      }
      break;
    case LeafConversion::kDecimalBytes:
      v->Resize(n);
      for (size_t i = 0; i < n; ++i) {
        std::string_view b = bytes_at(i);
        v->data<__int128>()[i] = BigEndianToInt128(b.data(), b.size());
      }
      break;
    case LeafConversion::kString:
    case LeafConversion::kBinary:
      if (pv.width == 0) {
        v->mutable_offsets() = std::move(pv.offsets);
        v->mutable_chars() = std::move(pv.chars);
        v->Resize(n);
      } else {
        for (size_t i = 0; i < n; ++i) v->AppendString(bytes_at(i));
      }
      break;
    case LeafConversion::kUuid:
      for (size_t i = 0; i < n; ++i) {
        std::string_view b = bytes_at(i);
        std::string s;
        static const char* kHex = "0123456789abcdef";
        for (size_t k = 0; k < b.size(); ++k) {
          if (k == 4 || k == 6 || k == 8 || k == 10) s.push_back('-');
          s.push_back(kHex[static_cast<uint8_t>(b[k]) >> 4]);
          s.push_back(kHex[static_cast<uint8_t>(b[k]) & 15]);
        }
        v->AppendString(s);
      }
      break;
  }
  return v;
}

}  // namespace

struct ParquetReader::ColumnData {
  std::vector<uint8_t> def, rep;
  size_t num_levels = 0;
  int max_def = 0, max_rep = 0;
  VectorPtr values;  // dense: one entry per level at max_def
};

struct ParquetReader::RowGroupCursor {
  int rg = 0;
  size_t rows = 0, next_row = 0, batch_rows = 0;
  // Per output column, one of: a flat decoder reading batch by batch, the whole column (nested
  // and converted columns, sliced per batch), or nothing (a column missing from the file).
  std::vector<std::unique_ptr<FlatColumnDecoder>> flat;
  std::vector<VectorPtr> whole;
};

ParquetReader::~ParquetReader() {
  if (fd_ >= 0) ::close(fd_);
}

void ParquetReader::Fail(const std::string& what) const {
  throw IoError(fmt::format("Cannot read Parquet file {}: {}", input_->source_name(), what));
}

const uint8_t* ParquetReader::ReadRange(int64_t offset, size_t n, std::string* buf) const {
  if (fd_ < 0) return reinterpret_cast<const uint8_t*>(input_->data()) + offset;
  if (buf->size() < n) buf->resize(n);
  size_t done = 0;
  while (done < n) {
    ssize_t got = ::pread(fd_, buf->data() + done, n - done, static_cast<off_t>(offset) + static_cast<off_t>(done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) Fail(fmt::format("read error: {}", std::strerror(errno)));
    if (got == 0) Fail("the file is shorter than when it was opened");
    done += static_cast<size_t>(got);
  }
  return reinterpret_cast<const uint8_t*>(buf->data());
}

ParquetReader::ParquetReader(InputBufferPtr input) : input_(std::move(input)) {
  // A file not loaded yet is read with pread: the footer now, one column chunk at a time later.
  if (input_->IsUnloadedFile()) {
    fd_ = input_->OpenStream();
    struct stat st {};
    if (::fstat(fd_, &st) != 0) Fail(fmt::format("cannot stat: {}", std::strerror(errno)));
    file_size_ = static_cast<int64_t>(st.st_size);
  } else {
    file_size_ = static_cast<int64_t>(input_->size());
  }
  size_t size = static_cast<size_t>(file_size_);
  if (size < 12) Fail(fmt::format("file is too small ({} bytes) to be a Parquet file", size));
  std::string head_buf, tail_buf, footer_buf;
  const uint8_t* head = ReadRange(0, 4, &head_buf);
  if (std::memcmp(head, kMagic, 4) != 0) Fail("missing the PAR1 magic bytes at the start");
  const uint8_t* tail = ReadRange(file_size_ - 8, 8, &tail_buf);
  if (std::memcmp(tail + 4, kMagic, 4) != 0) {
    if (std::memcmp(tail + 4, "PARE", 4) == 0) {
      Fail("the file is encrypted (PARE footer); encrypted Parquet is not supported");
    }
    Fail("missing the PAR1 magic bytes at the end (truncated file?)");
  }
  uint32_t footer_len = Load32(tail);
  footer_length_ = footer_len;
  if (footer_len > size - 12) {
    Fail(fmt::format("footer length {} exceeds the file size {}", footer_len, size));
  }
  try {
    const uint8_t* footer = ReadRange(file_size_ - 8 - footer_len, footer_len, &footer_buf);
    metadata_ = ReadFileMetaData(footer, footer_len);
    if (metadata_.encrypted) Fail("the file is encrypted; encrypted Parquet is not supported");
    file_schema_ = ConvertFileSchema(metadata_);
  } catch (const ParquetFormatError& e) {
    Fail(e.what());
  }
  if (metadata_.num_rows < 0) Fail("negative row count in the footer");
  for (size_t g = 0; g < metadata_.row_groups.size(); ++g) {
    const RowGroup& rg = metadata_.row_groups[g];
    if (rg.columns.size() != file_schema_.leaves.size()) {
      Fail(fmt::format("row group {} has {} column chunks but the schema has {} columns", g,
                       rg.columns.size(), file_schema_.leaves.size()));
    }
    if (rg.num_rows < 0) Fail(fmt::format("row group {} has a negative row count", g));
  }
  read_schema_ = file_schema_.type;
  for (size_t i = 0; i < file_schema_.fields.size(); ++i) read_fields_.push_back(static_cast<int>(i));
}

const TypePtr& ParquetReader::file_schema() const { return file_schema_.type; }

std::string ParquetReader::KeyValue(const std::string& key) const {
  for (const auto& kv : metadata_.key_value_metadata) {
    if (kv.key == key) return kv.value.value_or("");
  }
  return "";
}

namespace {

int WideningRank(TypeId id) {
  switch (id) {
    case TypeId::kByte: return 1;
    case TypeId::kShort: return 2;
    case TypeId::kInt: return 3;
    case TypeId::kLong: return 4;
    default: return 0;
  }
}

// Whether a file column of type `from` may be read as `to`: integer widening (TINYINT < SMALLINT <
// INT < BIGINT) and FLOAT -> DOUBLE, as Spark's Parquet reader allows for widened tables.
bool CanWiden(const DataType& from, const DataType& to) {
  int f = WideningRank(from.id());
  int t = WideningRank(to.id());
  if (f > 0 && t > 0) return f < t;
  return from.id() == TypeId::kFloat && to.id() == TypeId::kDouble;
}

VectorPtr Widen(const Vector& v, const TypePtr& to) {
  auto out = std::make_shared<Vector>(to);
  out->Reserve(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    if (v.IsNull(i)) {
      out->AppendNull();
      continue;
    }
    if (v.type_id() == TypeId::kFloat) {
      out->Append<double>(static_cast<double>(v.Get<float>(i)));
      continue;
    }
    int64_t x = 0;
    switch (v.type_id()) {
      case TypeId::kByte: x = v.Get<int8_t>(i); break;
      case TypeId::kShort: x = v.Get<int16_t>(i); break;
      case TypeId::kInt: x = v.Get<int32_t>(i); break;
      default: x = v.Get<int64_t>(i); break;
    }
    switch (to->id()) {
      case TypeId::kShort: out->Append<int16_t>(static_cast<int16_t>(x)); break;
      case TypeId::kInt: out->Append<int32_t>(static_cast<int32_t>(x)); break;
      default: out->Append<int64_t>(x); break;
    }
  }
  return out;
}

}  // namespace

void ParquetReader::SetReadSchema(TypePtr schema) {
  read_fields_.clear();
  for (const StructField& f : schema->fields()) {
    int idx = file_schema_.type->FieldIndex(f.name);
    if (idx >= 0) {
      const TypePtr& file_type = file_schema_.fields[static_cast<size_t>(idx)].type;
      if (!file_type->SameShape(*f.type) && !CanWiden(*file_type, *f.type)) {
        throw AnalysisError(fmt::format(
            "Parquet column `{}` in {} has type {} but {} was requested", f.name,
            input_->source_name(), file_type->Sql(), f.type->Sql()));
      }
    }
    read_fields_.push_back(idx);
  }
  read_schema_ = std::move(schema);
}

FileRangeReader ParquetReader::FileRanges() const {
  FileRangeReader f;
  f.read = [this](int64_t offset, size_t n, std::string* buf) { return ReadRange(offset, n, buf); };
  f.data_end = file_size_ - 8 - footer_length_;
  f.loaded = fd_ < 0;
  return f;
}

const PlanNode& ParquetReader::Leaf(int column) const {
  std::vector<const PlanNode*> stack;
  for (const PlanNode& f : file_schema_.fields) stack.push_back(&f);
  while (!stack.empty()) {
    const PlanNode* p = stack.back();
    stack.pop_back();
    if (p->kind == PlanNode::kLeaf && p->column == column) return *p;
    for (const PlanNode& c : p->children) stack.push_back(&c);
  }
  throw InternalError(fmt::format("Parquet column {} has no schema leaf", column));
}

ColumnPageReader ParquetReader::OpenColumnChunk(int rg_index, int column) const {
  const RowGroup& rg = metadata_.row_groups[static_cast<size_t>(rg_index)];
  const ColumnChunk& cc = rg.columns[static_cast<size_t>(column)];
  const SchemaElement& se = *file_schema_.leaves[static_cast<size_t>(column)];
  if (cc.encrypted) Corrupt("the column chunk is encrypted");
  if (cc.file_path) Corrupt("column chunks in other files are not supported");
  if (!cc.meta_data) Corrupt("the column chunk has no metadata");
  const ColumnMetaData& md = *cc.meta_data;
  if (md.type != *se.type) Corrupt("the column chunk's physical type differs from the schema");
  return ColumnPageReader(FileRanges(), md, PhysicalWidth(md.type, se.type_length),
                          file_schema_.leaf_max_def[static_cast<size_t>(column)],
                          file_schema_.leaf_max_rep[static_cast<size_t>(column)], rg.num_rows);
}

void ParquetReader::ReadColumnChunk(int rg_index, int column, ColumnData* out) {
  ColumnPageReader pages = OpenColumnChunk(rg_index, column);
  out->max_def = pages.max_def();
  out->max_rep = pages.max_rep();
  const SchemaElement& se = *file_schema_.leaves[static_cast<size_t>(column)];
  PhysicalValues values;
  values.width = PhysicalWidth(pages.physical_type(), se.type_length);
  DataPage page;
  while (pages.Next(&page, &out->def, &out->rep)) {
    DecodeValues(page.encoding, page.values, page.values_size, page.num_values, pages.physical_type(),
                 pages.dictionary(), &values);
    out->num_levels += page.num_levels;
  }
  pages.Finish();
  out->values = ToVector(values, Leaf(column));
}

VectorPtr ParquetReader::Assemble(const PlanNode& node, int slot_rep, int slot_def) {
  const ColumnData& c = *columns_[static_cast<size_t>(node.first_leaf)];
  auto def_at = [&](size_t i) -> int { return c.max_def == 0 ? 0 : c.def[i]; };
  auto rep_at = [&](size_t i) -> int { return c.max_rep == 0 ? 0 : c.rep[i]; };
  auto is_slot = [&](size_t i) { return rep_at(i) <= slot_rep && def_at(i) >= slot_def; };
  switch (node.kind) {
    case PlanNode::kLeaf: {
      if (c.max_def == 0 && c.max_rep == 0) return c.values;
      SelectionVector sel;
      std::vector<uint32_t> nulls;
      sel.reserve(c.num_levels);
      uint32_t cursor = 0;
      for (size_t i = 0; i < c.num_levels; ++i) {
        if (!is_slot(i)) continue;
        if (def_at(i) == c.max_def) {
          sel.push_back(cursor++);
        } else {
          if (def_at(i) >= node.def) Corrupt("a leaf level between its own and the maximum");
          nulls.push_back(static_cast<uint32_t>(sel.size()));
          sel.push_back(0);
        }
      }
      if (cursor != c.values->size()) Corrupt("level and value counts disagree");
      if (nulls.empty() && sel.size() == c.values->size()) return c.values;
      if (c.values->size() == 0) return Vector::MakeNull(node.type, sel.size());
      VectorPtr out = c.values->Take(sel);
      for (uint32_t r : nulls) out->SetNull(r);
      return out;
    }
    case PlanNode::kStruct: {
      size_t n = 0;
      std::vector<uint32_t> nulls;
      for (size_t i = 0; i < c.num_levels; ++i) {
        if (!is_slot(i)) continue;
        if (def_at(i) < node.def) nulls.push_back(static_cast<uint32_t>(n));
        ++n;
      }
      auto v = std::make_shared<Vector>(node.type);
      for (size_t k = 0; k < node.children.size(); ++k) {
        VectorPtr child = Assemble(node.children[k], slot_rep, slot_def);
        if (child->size() != n) Corrupt("the fields of a struct have different value counts");
        v->mutable_child(k) = std::move(child);
      }
      v->Resize(n);
      for (uint32_t r : nulls) v->SetNull(r);
      return v;
    }
    case PlanNode::kList:
    case PlanNode::kMap: {
      std::vector<int64_t> offsets{0};
      std::vector<uint32_t> nulls;
      for (size_t i = 0; i < c.num_levels; ++i) {
        int d = def_at(i), r = rep_at(i);
        if (r <= slot_rep && d >= slot_def) {
          offsets.push_back(offsets.back());
          if (d < node.def) nulls.push_back(static_cast<uint32_t>(offsets.size() - 2));
        }
        if (r <= node.rep && d >= node.elem_def) {
          if (offsets.size() < 2) Corrupt("a repeated value before the first row");
          ++offsets.back();
        }
      }
      size_t n = offsets.size() - 1;
      auto v = std::make_shared<Vector>(node.type);
      VectorPtr first = Assemble(node.children[0], node.rep, node.elem_def);
      if (static_cast<int64_t>(first->size()) != offsets.back()) {
        Corrupt("repeated values disagree with their repetition levels");
      }
      v->mutable_child(0) = first;
      if (node.kind == PlanNode::kMap) {
        VectorPtr second = node.children.size() > 1
                               ? Assemble(node.children[1], node.rep, node.elem_def)
                               : Vector::MakeNull(NullType(), first->size());
        if (second->size() != first->size()) Corrupt("map keys and values have different counts");
        v->mutable_child(1) = second;
      }
      v->mutable_offsets() = std::move(offsets);
      v->Resize(n);
      for (uint32_t r : nulls) v->SetNull(r);
      return v;
    }
  }
  return nullptr;
}

VectorPtr ParquetReader::ReadField(int rg, const PlanNode& node) {
  // Read every leaf column under `node`, then assemble.
  std::vector<const PlanNode*> stack{&node};
  while (!stack.empty()) {
    const PlanNode* p = stack.back();
    stack.pop_back();
    if (p->kind == PlanNode::kLeaf) {
      auto data = std::make_unique<ColumnData>();
      try {
        ReadColumnChunk(rg, p->column, data.get());
      } catch (const ParquetFormatError& e) {
        Fail(fmt::format("column '{}' in row group {}: {}",
                         file_schema_.leaf_paths[static_cast<size_t>(p->column)], rg, e.what()));
      }
      columns_[static_cast<size_t>(p->column)] = std::move(data);
    }
    for (const PlanNode& c : p->children) stack.push_back(&c);
  }
  try {
    return Assemble(node, 0, 0);
  } catch (const ParquetFormatError& e) {
    Fail(fmt::format("column '{}' in row group {}: {}", node.name, rg, e.what()));
  }
}

void ParquetReader::StartRowGroup(int rg, size_t batch_rows) {
  if (rg < 0 || rg >= num_row_groups()) Fail(fmt::format("no row group {}", rg));
  auto c = std::make_unique<RowGroupCursor>();
  c->rg = rg;
  c->rows = static_cast<size_t>(metadata_.row_groups[static_cast<size_t>(rg)].num_rows);
  c->batch_rows = std::max<size_t>(batch_rows, 1);
  const auto& fields = read_schema_->fields();
  c->flat.resize(fields.size());
  c->whole.resize(fields.size());
  columns_.clear();
  columns_.resize(file_schema_.leaves.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    int idx = read_fields_[i];
    if (idx < 0 || c->rows == 0) continue;  // read as NULL / no batches
    const PlanNode& node = file_schema_.fields[static_cast<size_t>(idx)];
    if (node.kind == PlanNode::kLeaf) {
      size_t col = static_cast<size_t>(node.column);
      const SchemaElement& se = *file_schema_.leaves[col];
      int width = PhysicalWidth(*se.type, se.type_length);
      if (FlatColumnDecoder::Supports(node, width, file_schema_.leaf_max_def[col],
                                      file_schema_.leaf_max_rep[col])) {
        try {
          c->flat[i] = std::make_unique<FlatColumnDecoder>(OpenColumnChunk(rg, node.column), node.type);
        } catch (const ParquetFormatError& e) {
          Fail(fmt::format("column '{}' in row group {}: {}", node.name, rg, e.what()));
        }
        continue;
      }
    }
    VectorPtr v = ReadField(rg, node);
    if (v->size() != c->rows) {
      Fail(fmt::format("column '{}' in row group {} has {} rows, expected {}", fields[i].name, rg,
                       v->size(), c->rows));
    }
    c->whole[i] = std::move(v);
  }
  columns_.clear();
  cursor_ = std::move(c);
}

RecordBatchPtr ParquetReader::NextBatch() {
  RowGroupCursor* c = cursor_.get();
  if (c == nullptr) return nullptr;
  const auto& fields = read_schema_->fields();
  if (c->next_row >= c->rows) {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (c->flat[i] == nullptr) continue;
      try {
        c->flat[i]->Finish();
      } catch (const ParquetFormatError& e) {
        Fail(fmt::format("column '{}' in row group {}: {}", fields[i].name, c->rg, e.what()));
      }
    }
    cursor_.reset();
    return nullptr;
  }
  size_t begin = c->next_row;
  size_t n = std::min(c->batch_rows, c->rows - begin);
  c->next_row = begin + n;
  std::vector<VectorPtr> out;
  out.reserve(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    VectorPtr v;
    if (c->flat[i] != nullptr) {
      try {
        v = c->flat[i]->Read(n);
      } catch (const ParquetFormatError& e) {
        Fail(fmt::format("column '{}' in row group {}: {}", fields[i].name, c->rg, e.what()));
      }
    } else if (c->whole[i] != nullptr) {
      v = n == c->rows ? c->whole[i] : c->whole[i]->Slice(begin, n);
    } else {
      v = Vector::MakeNull(fields[i].type, n);  // not in the file
    }
    if (v->type_id() != fields[i].type->id() && CanWiden(*v->type(), *fields[i].type)) {
      v = Widen(*v, fields[i].type);
    }
    out.push_back(std::move(v));
  }
  return RecordBatch::Make(read_schema_, std::move(out), n);
}

int64_t ParquetReader::RowGroupMidpoint(int rg) const {
  const RowGroup& g = metadata_.row_groups[static_cast<size_t>(rg)];
  int64_t start = -1, bytes = 0;
  for (const ColumnChunk& cc : g.columns) {
    if (!cc.meta_data) continue;
    const ColumnMetaData& md = *cc.meta_data;
    int64_t s = md.data_page_offset;
    if (md.dictionary_page_offset && *md.dictionary_page_offset > 0 && *md.dictionary_page_offset < s) {
      s = *md.dictionary_page_offset;
    }
    if (start < 0 || s < start) start = s;
    bytes += std::max<int64_t>(md.total_compressed_size, 0);
  }
  if (start < 0) start = g.file_offset.value_or(4);
  return start + bytes / 2;
}

std::vector<RecordBatchPtr> ParquetReader::ReadAll(int* skipped) {
  std::vector<RecordBatchPtr> out;
  if (skipped) *skipped = 0;
  for (int g = 0; g < num_row_groups(); ++g) {
    if (!RowGroupMayMatch(g)) {
      if (skipped) ++*skipped;
      continue;
    }
    StartRowGroup(g, batch_rows_);
    while (RecordBatchPtr b = NextBatch()) out.push_back(std::move(b));
  }
  return out;
}

// ---- statistics ----

namespace {

// A statistic bound decoded as a Value of the leaf's type, when the conversion is order-preserving.
std::optional<Value> DecodeStat(const std::string& bytes, const PlanNode& leaf) {
  PhysicalValues pv;
  const SchemaElement& e = *leaf.element;
  pv.width = PhysicalWidth(*e.type, e.type_length);
  switch (leaf.conversion) {
    case LeafConversion::kString:
    case LeafConversion::kBinary:
      if (pv.width != 0) return std::nullopt;
      pv.AppendBytes(bytes.data(), bytes.size());
      break;
    case LeafConversion::kInt96:
    case LeafConversion::kUuid:
    case LeafConversion::kFloat16:
    case LeafConversion::kDecimalBytes:
    case LeafConversion::kBoolean:
      return std::nullopt;
    default:
      if (bytes.size() != static_cast<size_t>(pv.width)) return std::nullopt;
      pv.fixed.assign(bytes.begin(), bytes.end());
      pv.count = 1;
  }
  VectorPtr v = ToVector(pv, leaf);
  Value out = v->GetValue(0);
  if (out.type()->IsFractional() && std::isnan(out.GetDouble())) return std::nullopt;
  return out;
}

// Three-way comparison of a statistic with a literal; nullopt when not comparable.
std::optional<int> CompareStat(const Value& stat, const Value& lit) {
  const TypePtr& st = stat.type();
  const TypePtr& lt = lit.type();
  auto cmp = [](auto a, auto b) { return a < b ? -1 : (a > b ? 1 : 0); };
  bool s_int = st->IsIntegral() || st->IsDatetime();
  bool l_int = lt->IsIntegral() || lt->IsDatetime();
  if (s_int && l_int) {
    if (st->IsDatetime() != lt->IsDatetime() || (st->IsDatetime() && st->id() != lt->id())) {
      return std::nullopt;
    }
    return cmp(stat.GetInt64(), lit.GetInt64());
  }
  if ((st->IsNumeric() || st->id() == TypeId::kDecimal) && (lt->IsNumeric() || lt->id() == TypeId::kDecimal)) {
    if (st->id() == TypeId::kDecimal && lt->id() == TypeId::kDecimal && st->scale() == lt->scale()) {
      return cmp(stat.GetDecimal(), lit.GetDecimal());
    }
    if (st->id() == TypeId::kDecimal || lt->id() == TypeId::kDecimal) return std::nullopt;
    return cmp(stat.AsDouble(), lit.AsDouble());
  }
  if (st->IsStringLike() && lt->IsStringLike()) {
    int c = stat.GetString().compare(lit.GetString());
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return std::nullopt;
}

}  // namespace

bool ParquetReader::RowGroupMayMatch(int rg) const {
  if (filters_.empty()) return true;
  const RowGroup& group = metadata_.row_groups[static_cast<size_t>(rg)];
  for (const ParquetPredicate& p : filters_) {
    int idx = file_schema_.type->FieldIndex(p.column);
    if (idx < 0) continue;
    const PlanNode& node = file_schema_.fields[static_cast<size_t>(idx)];
    if (node.kind != PlanNode::kLeaf) continue;
    const ColumnChunk& cc = group.columns[static_cast<size_t>(node.column)];
    if (!cc.meta_data || !cc.meta_data->statistics) continue;
    const Statistics& s = *cc.meta_data->statistics;
    if (p.op == ParquetPredicate::Op::kIsNull) {
      if (s.null_count && *s.null_count == 0) return false;
      continue;
    }
    if (p.op == ParquetPredicate::Op::kIsNotNull) {
      if (s.null_count && *s.null_count == group.num_rows) return false;
      continue;
    }
    if (p.literal.is_null()) return false;  // a comparison with NULL is never true
    if (s.null_count && *s.null_count == group.num_rows && group.num_rows > 0) return false;
    // min_value/max_value use the column's order; the deprecated min/max only for signed ints/floats.
    std::optional<std::string> min_b = s.min_value, max_b = s.max_value;
    if (!min_b || !max_b) {
      bool signed_ok = node.conversion == LeafConversion::kInt32 ||
                       node.conversion == LeafConversion::kInt64 ||
                       node.conversion == LeafConversion::kDate ||
                       node.conversion == LeafConversion::kFloat ||
                       node.conversion == LeafConversion::kDouble;
      if (!signed_ok) continue;
      min_b = s.min;
      max_b = s.max;
    }
    if (!min_b || !max_b) continue;
    std::optional<Value> lo, hi;
    try {
      lo = DecodeStat(*min_b, node);
      hi = DecodeStat(*max_b, node);
    } catch (const std::exception&) {
      continue;
    }
    if (!lo || !hi) continue;
    auto c_lo = CompareStat(*lo, p.literal);
    auto c_hi = CompareStat(*hi, p.literal);
    if (!c_lo || !c_hi) continue;
    bool may = true;
    switch (p.op) {
      case ParquetPredicate::Op::kEq: may = *c_lo <= 0 && *c_hi >= 0; break;
      case ParquetPredicate::Op::kNe: may = !(*c_lo == 0 && *c_hi == 0); break;
      case ParquetPredicate::Op::kLt: may = *c_lo < 0; break;
      case ParquetPredicate::Op::kLe: may = *c_lo <= 0; break;
      case ParquetPredicate::Op::kGt: may = *c_hi > 0; break;
      case ParquetPredicate::Op::kGe: may = *c_hi >= 0; break;
      default: break;
    }
    if (!may) return false;
  }
  return true;
}

}  // namespace sluice
