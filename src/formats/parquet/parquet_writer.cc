#include "formats/parquet/parquet_writer.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <unordered_map>

#include "formats/parquet/parquet_codec.h"
#include "formats/parquet/parquet_encoding.h"
#include "formats/parquet/parquet_schema.h"
#include "sluice/exception.h"

namespace sluice {

using namespace parquet;  // NOLINT

ParquetWriteOptions ParquetWriteOptions::FromMap(const OptionMap& options) {
  ParquetWriteOptions o;
  std::string codec = GetString(options, "compression", GetString(options, "codec", "snappy"));
  if (!ParseCodecName(codec, &o.codec)) {
    throw AnalysisError(fmt::format(
        "[CODEC_NOT_AVAILABLE] The codec {} is not available. Available codecs are none, "
        "uncompressed, snappy, gzip, zstd, lz4_raw. SQLSTATE: 56038",
        codec));
  }
  o.row_group_bytes = std::max<int64_t>(1, GetInt(options, "parquet.block.size", o.row_group_bytes));
  o.page_bytes = std::max<int64_t>(1, GetInt(options, "parquet.page.size", o.page_bytes));
  o.dictionary_page_bytes =
      std::max<int64_t>(0, GetInt(options, "parquet.dictionary.page.size", o.dictionary_page_bytes));
  o.dictionary = GetBool(options, "parquet.enable.dictionary", true);
  return o;
}

namespace {

// Write-side plan node (mirrors ToParquetSchema's layout).
struct WNode {
  enum Kind : uint8_t { kLeaf, kStruct, kList, kMap } kind = kLeaf;
  TypePtr type;
  bool nullable = true;
  int def = 0;       // level when present
  int elem_def = 0;  // LIST/MAP: level when an element exists
  int rep = 0;       // LIST/MAP: repetition level of the repeated group
  std::vector<WNode> children;
  int leaf = -1;
  std::vector<int> leaves;  // leaf indexes under this node
};

struct LeafBuffer {
  const SchemaElement* element = nullptr;
  std::string path_name;
  std::vector<std::string> path;
  TypePtr type;
  int max_def = 0, max_rep = 0;
  std::vector<uint8_t> def, rep;
  const Vector* source = nullptr;
  SelectionVector rows;  // rows of `source` holding the non-null values
};

WNode BuildNode(const TypePtr& type, bool nullable, int parent_def, int parent_rep,
                std::vector<std::string> path, std::vector<LeafBuffer>* leaves) {
  WNode n;
  n.type = type;
  n.nullable = nullable;
  n.def = parent_def + (nullable ? 1 : 0);
  switch (type->id()) {
    case TypeId::kStruct:
      n.kind = WNode::kStruct;
      for (const StructField& f : type->fields()) {
        auto p = path;
        p.push_back(f.name);
        n.children.push_back(BuildNode(f.type, f.nullable, n.def, parent_rep, p, leaves));
      }
      break;
    case TypeId::kArray: {
      n.kind = WNode::kList;
      n.elem_def = n.def + 1;
      n.rep = parent_rep + 1;
      auto p = path;
      p.push_back("list");
      p.push_back("element");
      n.children.push_back(
          BuildNode(type->element_type(), type->contains_null(), n.elem_def, n.rep, p, leaves));
      break;
    }
    case TypeId::kMap: {
      n.kind = WNode::kMap;
      n.elem_def = n.def + 1;
      n.rep = parent_rep + 1;
      auto p = path;
      p.push_back("key_value");
      auto kp = p, vp = p;
      kp.push_back("key");
      vp.push_back("value");
      n.children.push_back(BuildNode(type->key_type(), false, n.elem_def, n.rep, kp, leaves));
      n.children.push_back(
          BuildNode(type->value_type(), type->contains_null(), n.elem_def, n.rep, vp, leaves));
      break;
    }
    default: {
      n.kind = WNode::kLeaf;
      n.leaf = static_cast<int>(leaves->size());
      LeafBuffer lb;
      lb.type = type;
      lb.max_def = n.def;
      lb.max_rep = parent_rep;
      lb.path = path;
      for (size_t i = 0; i < path.size(); ++i) lb.path_name += (i ? "." : "") + path[i];
      leaves->push_back(std::move(lb));
    }
  }
  if (n.kind == WNode::kLeaf) {
    n.leaves.push_back(n.leaf);
  } else {
    for (const WNode& c : n.children) n.leaves.insert(n.leaves.end(), c.leaves.begin(), c.leaves.end());
  }
  return n;
}

void EmitEmpty(const WNode& n, int rep, int def, std::vector<LeafBuffer>* leaves) {
  for (int l : n.leaves) {
    LeafBuffer& b = (*leaves)[static_cast<size_t>(l)];
    if (b.max_rep > 0) b.rep.push_back(static_cast<uint8_t>(rep));
    if (b.max_def > 0) b.def.push_back(static_cast<uint8_t>(def));
  }
}

void Shred(const WNode& n, const Vector& v, size_t row, int rep, int parent_def,
           std::vector<LeafBuffer>* leaves) {
  if (v.IsNull(row)) {
    if (!n.nullable) {
      throw ExecutionError("Cannot write a NULL into the non-nullable Parquet column " +
                           (*leaves)[static_cast<size_t>(n.leaves[0])].path_name);
    }
    EmitEmpty(n, rep, parent_def, leaves);
    return;
  }
  switch (n.kind) {
    case WNode::kLeaf: {
      LeafBuffer& b = (*leaves)[static_cast<size_t>(n.leaf)];
      if (b.max_rep > 0) b.rep.push_back(static_cast<uint8_t>(rep));
      if (b.max_def > 0) b.def.push_back(static_cast<uint8_t>(n.def));
      b.source = &v;
      b.rows.push_back(static_cast<uint32_t>(row));
      return;
    }
    case WNode::kStruct:
      for (size_t k = 0; k < n.children.size(); ++k) {
        Shred(n.children[k], *v.child(k), row, rep, n.def, leaves);
      }
      return;
    case WNode::kList:
    case WNode::kMap: {
      int64_t b = v.ListBegin(row), e = v.ListEnd(row);
      if (b == e) {
        EmitEmpty(n, rep, n.def, leaves);
        return;
      }
      for (int64_t k = b; k < e; ++k) {
        int r = k == b ? rep : n.rep;
        Shred(n.children[0], *v.child(0), static_cast<size_t>(k), r, n.elem_def, leaves);
        if (n.kind == WNode::kMap) {
          Shred(n.children[1], *v.child(1), static_cast<size_t>(k), r, n.elem_def, leaves);
        }
      }
      return;
    }
  }
}

// Physical bytes of the leaf's non-null values.
void ToPhysical(const LeafBuffer& b, PhysicalValues* pv) {
  const SchemaElement& e = *b.element;
  PhysicalType pt = *e.type;
  pv->Clear();
  size_t n = b.rows.size();
  const Vector* v = b.source;
  auto put = [&](const void* p, size_t w) {
    const auto* u = static_cast<const uint8_t*>(p);
    pv->fixed.insert(pv->fixed.end(), u, u + w);
  };
  switch (pt) {
    case PhysicalType::kBoolean:
      pv->width = 1;
      for (uint32_t r : b.rows) pv->fixed.push_back(v->Get<uint8_t>(r) ? 1 : 0);
      break;
    case PhysicalType::kInt32:
      pv->width = 4;
      pv->fixed.reserve(n * 4);
      for (uint32_t r : b.rows) {
        int32_t x = 0;
        switch (b.type->id()) {
          case TypeId::kByte: x = v->Get<int8_t>(r); break;
          case TypeId::kShort: x = v->Get<int16_t>(r); break;
          case TypeId::kDecimal: x = static_cast<int32_t>(v->Get<__int128>(r)); break;
          default: x = v->Get<int32_t>(r);
        }
        put(&x, 4);
      }
      break;
    case PhysicalType::kInt64:
      pv->width = 8;
      pv->fixed.reserve(n * 8);
      for (uint32_t r : b.rows) {
        int64_t x = b.type->id() == TypeId::kDecimal ? static_cast<int64_t>(v->Get<__int128>(r))
                                                     : v->Get<int64_t>(r);
        put(&x, 8);
      }
      break;
    case PhysicalType::kFloat:
      pv->width = 4;
      for (uint32_t r : b.rows) { float x = v->Get<float>(r); put(&x, 4); }
      break;
    case PhysicalType::kDouble:
      pv->width = 8;
      for (uint32_t r : b.rows) { double x = v->Get<double>(r); put(&x, 8); }
      break;
    case PhysicalType::kFixedLenByteArray: {
      pv->width = e.type_length;
      for (uint32_t r : b.rows) {
        __int128 x = v->Get<__int128>(r);
        for (int k = e.type_length - 1; k >= 0; --k) {
          pv->fixed.push_back(static_cast<uint8_t>(static_cast<unsigned __int128>(x) >> (8 * k)));
        }
      }
      break;
    }
    case PhysicalType::kByteArray:
      pv->width = 0;
      for (uint32_t r : b.rows) {
        std::string_view s = v->GetString(r);
        pv->AppendBytes(s.data(), s.size());
      }
      return;
    case PhysicalType::kInt96:
      break;
  }
  pv->count = n;
}

std::string_view ValueBytes(const PhysicalValues& pv, size_t i) {
  if (pv.width == 0) {
    return std::string_view(pv.chars.data() + pv.offsets[i],
                            static_cast<size_t>(pv.offsets[i + 1] - pv.offsets[i]));
  }
  return std::string_view(reinterpret_cast<const char*>(pv.fixed.data()) + i * pv.width,
                          static_cast<size_t>(pv.width));
}

void AppendPlain(const PhysicalValues& pv, PhysicalType pt, size_t begin, size_t end, std::string* out) {
  if (pt == PhysicalType::kBoolean) {
    size_t n = end - begin;
    size_t base = out->size();
    out->resize(base + (n + 7) / 8, '\0');
    for (size_t i = 0; i < n; ++i) {
      if (pv.fixed[begin + i]) (*out)[base + i / 8] |= static_cast<char>(1 << (i % 8));
    }
    return;
  }
  if (pv.width == 0) {
    for (size_t i = begin; i < end; ++i) {
      std::string_view s = ValueBytes(pv, i);
      uint32_t len = static_cast<uint32_t>(s.size());
      out->append(reinterpret_cast<const char*>(&len), 4);
      out->append(s.data(), s.size());
    }
    return;
  }
  out->append(reinterpret_cast<const char*>(pv.fixed.data()) + begin * pv.width,
              (end - begin) * pv.width);
}

// Min/max statistics in the column's sort order.
void ComputeStatistics(const PhysicalValues& pv, PhysicalType pt, const TypePtr& type,
                       Statistics* s) {
  if (pv.count == 0) return;
  if (pt == PhysicalType::kFixedLenByteArray) return;  // decimals: signed order not implemented
  auto enc = [](auto x) { return std::string(reinterpret_cast<const char*>(&x), sizeof(x)); };
  switch (pt) {
    case PhysicalType::kBoolean: {
      uint8_t lo = 1, hi = 0;
      for (uint8_t x : pv.fixed) lo = std::min(lo, x), hi = std::max(hi, x);
      s->min_value = std::string(1, static_cast<char>(lo));
      s->max_value = std::string(1, static_cast<char>(hi));
      return;
    }
    case PhysicalType::kInt32: {
      const auto* d = reinterpret_cast<const int32_t*>(pv.fixed.data());
      int32_t lo = d[0], hi = d[0];
      for (size_t i = 1; i < pv.count; ++i) lo = std::min(lo, d[i]), hi = std::max(hi, d[i]);
      s->min_value = enc(lo);
      s->max_value = enc(hi);
      return;
    }
    case PhysicalType::kInt64: {
      const auto* d = reinterpret_cast<const int64_t*>(pv.fixed.data());
      int64_t lo = d[0], hi = d[0];
      for (size_t i = 1; i < pv.count; ++i) lo = std::min(lo, d[i]), hi = std::max(hi, d[i]);
      s->min_value = enc(lo);
      s->max_value = enc(hi);
      return;
    }
    case PhysicalType::kFloat:
    case PhysicalType::kDouble: {
      bool any = false;
      double lo = 0, hi = 0;
      for (size_t i = 0; i < pv.count; ++i) {
        double x;
        if (pt == PhysicalType::kFloat) {
          float f;
          std::memcpy(&f, pv.fixed.data() + 4 * i, 4);
          x = f;
        } else {
          std::memcpy(&x, pv.fixed.data() + 8 * i, 8);
        }
        if (std::isnan(x)) continue;
        if (!any) lo = hi = x, any = true;
        lo = std::min(lo, x);
        hi = std::max(hi, x);
      }
      if (!any) return;
      if (lo == 0) lo = -0.0;
      if (hi == 0) hi = 0.0;
      if (pt == PhysicalType::kFloat) {
        s->min_value = enc(static_cast<float>(lo));
        s->max_value = enc(static_cast<float>(hi));
      } else {
        s->min_value = enc(lo);
        s->max_value = enc(hi);
      }
      return;
    }
    case PhysicalType::kByteArray: {
      std::string_view lo = ValueBytes(pv, 0), hi = lo;
      for (size_t i = 1; i < pv.count; ++i) {
        std::string_view x = ValueBytes(pv, i);
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      s->min_value = std::string(lo);
      s->max_value = std::string(hi);
      return;
    }
    default: return;
  }
}

}  // namespace

struct ParquetWriter::Impl {
  std::vector<SchemaElement> schema;
  std::vector<WNode> fields;
  std::vector<LeafBuffer> leaves;
};

ParquetWriter::ParquetWriter(TypePtr schema, ParquetWriteOptions options)
    : schema_(std::move(schema)), options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  impl_->schema = ToParquetSchema(schema_);
  for (const StructField& f : schema_->fields()) {
    impl_->fields.push_back(BuildNode(f.type, f.nullable, 0, 0, {f.name}, &impl_->leaves));
  }
  size_t li = 0;
  for (const SchemaElement& e : impl_->schema) {
    if (e.type) impl_->leaves[li++].element = nullptr;  // set below (vector may not move later)
  }
  li = 0;
  for (size_t i = 0; i < impl_->schema.size(); ++i) {
    if (impl_->schema[i].type) impl_->leaves[li++].element = &impl_->schema[i];
  }
  metadata_.version = 1;
  metadata_.schema = impl_->schema;
  metadata_.created_by = "parquet-sluice version 0.1.0 (build sluice)";
  metadata_.has_column_orders = true;
  out_ = "PAR1";
}

ParquetWriter::~ParquetWriter() = default;

void ParquetWriter::Write(const RecordBatchPtr& batch) {
  if (!batch || batch->num_rows() == 0) return;
  int64_t bytes = 0;
  std::vector<const Vector*> stack;
  for (const VectorPtr& c : batch->columns()) stack.push_back(c.get());
  while (!stack.empty()) {
    const Vector* v = stack.back();
    stack.pop_back();
    bytes += static_cast<int64_t>(v->size()) * std::max(1, v->type()->FixedWidth()) +
             static_cast<int64_t>(v->chars().size());
    for (size_t i = 0; i < v->num_children(); ++i) stack.push_back(v->child(i).get());
  }
  pending_.push_back(batch);
  pending_bytes_ += bytes;
  rows_ += static_cast<int64_t>(batch->num_rows());
  if (pending_bytes_ >= options_.row_group_bytes) FlushRowGroup();
}

void ParquetWriter::FlushRowGroup() {
  if (pending_.empty()) return;
  RecordBatchPtr batch =
      pending_.size() == 1 ? pending_[0] : RecordBatch::Concat(schema_, pending_);
  pending_.clear();
  pending_bytes_ = 0;
  size_t rows = batch->num_rows();
  std::vector<LeafBuffer>& leaves = impl_->leaves;
  for (LeafBuffer& b : leaves) {
    b.def.clear();
    b.rep.clear();
    b.rows.clear();
    b.source = nullptr;
  }
  for (size_t f = 0; f < impl_->fields.size(); ++f) {
    const WNode& node = impl_->fields[f];
    const Vector& col = *batch->column(f);
    if (node.kind == WNode::kLeaf) {
      // Flat fast path.
      LeafBuffer& b = leaves[static_cast<size_t>(node.leaf)];
      b.source = &col;
      b.rows.reserve(rows);
      if (b.max_def > 0) b.def.resize(rows);
      for (size_t r = 0; r < rows; ++r) {
        bool valid = col.IsValid(r);
        if (!valid && !node.nullable) {
          throw ExecutionError("Cannot write a NULL into the non-nullable Parquet column " + b.path_name);
        }
        if (b.max_def > 0) b.def[r] = valid ? 1 : 0;
        if (valid) b.rows.push_back(static_cast<uint32_t>(r));
      }
      continue;
    }
    for (size_t r = 0; r < rows; ++r) Shred(node, col, r, 0, 0, &leaves);
  }

  RowGroup rg;
  rg.num_rows = static_cast<int64_t>(rows);
  rg.file_offset = static_cast<int64_t>(out_.size());
  int64_t group_compressed = 0;
  PhysicalValues pv;
  std::string page, compressed, header;
  for (LeafBuffer& b : leaves) {
    const SchemaElement& e = *b.element;
    PhysicalType pt = *e.type;
    ToPhysical(b, &pv);
    size_t num_levels = b.max_def > 0 ? b.def.size() : (b.max_rep > 0 ? b.rep.size() : pv.count);
    ColumnMetaData md;
    md.type = pt;
    md.path_in_schema = b.path;
    md.codec = options_.codec;
    md.num_values = static_cast<int64_t>(num_levels);
    Statistics stats;
    int64_t nulls = static_cast<int64_t>(num_levels - pv.count);
    stats.null_count = nulls;
    ComputeStatistics(pv, pt, b.type, &stats);
    md.statistics = stats;
    int64_t chunk_start = static_cast<int64_t>(out_.size());
    int64_t uncompressed_total = 0;

    // Dictionary.
    std::vector<uint32_t> indexes;
    PhysicalValues dict;
    dict.width = pv.width;
    bool use_dict = options_.dictionary && pt != PhysicalType::kBoolean && pv.count > 0;
    if (use_dict) {
      std::unordered_map<std::string_view, uint32_t> ids;
      ids.reserve(1024);
      indexes.resize(pv.count);
      int64_t dict_bytes = 0;
      for (size_t i = 0; i < pv.count && use_dict; ++i) {
        std::string_view key = ValueBytes(pv, i);
        auto [it, inserted] = ids.try_emplace(key, static_cast<uint32_t>(ids.size()));
        if (inserted) {
          dict_bytes += static_cast<int64_t>(key.size()) + (pv.width == 0 ? 4 : 0);
          if (dict_bytes > options_.dictionary_page_bytes) use_dict = false;
          if (pv.width == 0) {
            dict.AppendBytes(key.data(), key.size());
          } else {
            dict.fixed.insert(dict.fixed.end(), key.begin(), key.end());
            ++dict.count;
          }
        }
        indexes[i] = it->second;
      }
      // A dictionary that saves nothing (all values distinct) is not worth it either.
      if (use_dict && dict.count == pv.count && pv.count > 16) use_dict = false;
    }
    auto write_page = [&](PageHeader& h, const std::string& body) {
      compressed.clear();
      Compress(options_.codec, body, &compressed, options_.compression_level);
      h.uncompressed_page_size = static_cast<int32_t>(body.size());
      h.compressed_page_size = static_cast<int32_t>(compressed.size());
      header.clear();
      WritePageHeader(h, &header);
      uncompressed_total += static_cast<int64_t>(header.size() + body.size());
      out_ += header;
      out_ += compressed;
    };
    if (use_dict) {
      md.dictionary_page_offset = static_cast<int64_t>(out_.size());
      page.clear();
      AppendPlain(dict, pt, 0, dict.count, &page);
      PageHeader h;
      h.type = PageType::kDictionaryPage;
      h.dictionary_page = DictionaryPageHeader{static_cast<int32_t>(dict.count), Encoding::kPlain, false};
      write_page(h, page);
      md.encodings = {Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary};
    } else {
      md.encodings = {Encoding::kPlain, Encoding::kRle};
    }
    md.data_page_offset = static_cast<int64_t>(out_.size());
    int bw = use_dict ? BitWidth(dict.count > 0 ? dict.count - 1 : 0) : 0;
    // Pages: cut at row starts once the estimated value bytes reach page_bytes.
    size_t level = 0, value = 0;
    while (level < num_levels || (num_levels == 0 && level == 0)) {
      size_t lvl_begin = level, val_begin = value;
      int64_t est = 0;
      while (level < num_levels) {
        bool present = b.max_def == 0 || b.def[level] == b.max_def;
        if (present) {
          est += use_dict ? std::max(1, bw) : (pv.width == 0 ? 4 + static_cast<int64_t>(ValueBytes(pv, value).size()) : pv.width);
          ++value;
        }
        ++level;
        if (est * (use_dict ? 1 : 8) >= options_.page_bytes * 8 &&
            (b.max_rep == 0 || level >= num_levels || b.rep[level] == 0)) {
          break;
        }
      }
      size_t n = level - lvl_begin;
      page.clear();
      std::vector<uint32_t> tmp;
      auto levels = [&](const std::vector<uint8_t>& src, int max_level) {
        tmp.assign(src.begin() + lvl_begin, src.begin() + level);
        std::string enc;
        EncodeRleBitPacked(tmp.data(), tmp.size(), BitWidth(max_level), &enc);
        uint32_t len = static_cast<uint32_t>(enc.size());
        page.append(reinterpret_cast<const char*>(&len), 4);
        page += enc;
      };
      if (b.max_rep > 0) levels(b.rep, b.max_rep);
      if (b.max_def > 0) levels(b.def, b.max_def);
      PageHeader h;
      h.type = PageType::kDataPage;
      DataPageHeader dp;
      dp.num_values = static_cast<int32_t>(n);
      if (use_dict) {
        dp.encoding = Encoding::kRleDictionary;
        page.push_back(static_cast<char>(bw));
        EncodeRleBitPacked(indexes.data() + val_begin, value - val_begin, bw, &page);
      } else {
        dp.encoding = Encoding::kPlain;
        AppendPlain(pv, pt, val_begin, value, &page);
      }
      h.data_page = dp;
      write_page(h, page);
      if (num_levels == 0) break;
    }
    md.total_compressed_size = static_cast<int64_t>(out_.size()) - chunk_start;
    md.total_uncompressed_size = uncompressed_total;
    group_compressed += md.total_compressed_size;
    ColumnChunk cc;
    cc.file_offset = chunk_start;
    cc.meta_data = std::move(md);
    rg.total_byte_size += uncompressed_total;
    rg.columns.push_back(std::move(cc));
  }
  rg.total_compressed_size = group_compressed;
  metadata_.num_rows += rg.num_rows;
  metadata_.row_groups.push_back(std::move(rg));
}

std::string ParquetWriter::Finish() {
  FlushRowGroup();
  metadata_.key_value_metadata.clear();
  metadata_.key_value_metadata.push_back({"org.apache.spark.version", std::string("3.5.0")});
  metadata_.key_value_metadata.push_back(
      {"org.apache.spark.sql.parquet.row.metadata", SparkSchemaJson(schema_)});
  for (const auto& [k, v] : options_.extra_metadata) metadata_.key_value_metadata.push_back({k, v});
  std::string footer;
  WriteFileMetaData(metadata_, &footer);
  out_ += footer;
  uint32_t len = static_cast<uint32_t>(footer.size());
  out_.append(reinterpret_cast<const char*>(&len), 4);
  out_ += "PAR1";
  return std::move(out_);
}

}  // namespace sluice
