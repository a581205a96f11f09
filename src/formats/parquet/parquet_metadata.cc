#include "formats/parquet/parquet_metadata.h"

namespace sluice::parquet {

const char* CodecName(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed: return "UNCOMPRESSED";
    case Codec::kSnappy: return "SNAPPY";
    case Codec::kGzip: return "GZIP";
    case Codec::kLzo: return "LZO";
    case Codec::kBrotli: return "BROTLI";
    case Codec::kLz4: return "LZ4";
    case Codec::kZstd: return "ZSTD";
    case Codec::kLz4Raw: return "LZ4_RAW";
  }
  return "UNKNOWN";
}

namespace {

using R = CompactReader;

int32_t I32(R& r, CType t) {
  int64_t v = r.ReadInt(t);
  if (v < INT32_MIN || v > INT32_MAX) r.Fail("i32 out of range");
  return static_cast<int32_t>(v);
}

// Reads a list of elements, each through `read_elem(type)`.
template <typename F>
void ReadList(R& r, CType t, F&& read_elem) {
  if (t != CType::kList && t != CType::kSet) r.Fail("expected a list");
  CType et;
  size_t n = r.ReadListHeader(&et);
  for (size_t i = 0; i < n; ++i) read_elem(et);
}

void ExpectStruct(R& r, CType t) {
  if (t != CType::kStruct) r.Fail("expected a struct");
}

Statistics ReadStatistics(R& r) {
  Statistics s;
  r.ReadStruct([&](int16_t id, CType t) {
    switch (id) {
      case 1: s.max = r.ReadBinary(); break;
      case 2: s.min = r.ReadBinary(); break;
      case 3: s.null_count = r.ReadInt(t); break;
      case 4: s.distinct_count = r.ReadInt(t); break;
      case 5: s.max_value = r.ReadBinary(); break;
      case 6: s.min_value = r.ReadBinary(); break;
      default: r.Skip(t);
    }
  });
  return s;
}

void ReadTimeUnit(R& r, int* unit) {
  r.ReadStruct([&](int16_t id, CType t) {
    *unit = id;
    r.Skip(t);
  });
}

LogicalType ReadLogicalType(R& r) {
  LogicalType lt;
  r.ReadStruct([&](int16_t id, CType t) {
    if (t != CType::kStruct) { r.Skip(t); return; }
    lt.kind = id;
    switch (id) {
      case LogicalType::kDecimal:
        r.ReadStruct([&](int16_t f, CType ft) {
          if (f == 1) lt.scale = I32(r, ft);
          else if (f == 2) lt.precision = I32(r, ft);
          else r.Skip(ft);
        });
        break;
      case LogicalType::kTime:
      case LogicalType::kTimestamp:
        r.ReadStruct([&](int16_t f, CType ft) {
          if (f == 1) lt.adjusted_to_utc = r.ReadBool(ft);
          else if (f == 2 && ft == CType::kStruct) ReadTimeUnit(r, &lt.unit);
          else r.Skip(ft);
        });
        break;
      case LogicalType::kInteger:
        r.ReadStruct([&](int16_t f, CType ft) {
          if (f == 1) lt.bit_width = static_cast<int>(r.ReadInt(ft));
          else if (f == 2) lt.is_signed = r.ReadBool(ft);
          else r.Skip(ft);
        });
        break;
      default:
        r.Skip(t);
        if (id > LogicalType::kFloat16) lt.kind = LogicalType::kNone;  // unknown: ignore
    }
  });
  return lt;
}

SchemaElement ReadSchemaElement(R& r) {
  SchemaElement e;
  bool has_name = false;
  r.ReadStruct([&](int16_t id, CType t) {
    switch (id) {
      case 1: {
        int32_t v = I32(r, t);
        if (v < 0 || v > 7) r.Fail("invalid physical type " + std::to_string(v));
        e.type = static_cast<PhysicalType>(v);
        break;
      }
      case 2: e.type_length = I32(r, t); break;
      case 3: {
        int32_t v = I32(r, t);
        if (v < 0 || v > 2) r.Fail("invalid repetition type " + std::to_string(v));
        e.repetition = static_cast<Repetition>(v);
        break;
      }
      case 4: e.name = r.ReadBinary(); has_name = true; break;
      case 5: e.num_children = I32(r, t); break;
      case 6: e.converted_type = I32(r, t); break;
      case 7: e.scale = I32(r, t); break;
      case 8: e.precision = I32(r, t); break;
      case 9: e.field_id = I32(r, t); break;
      case 10:
        if (t == CType::kStruct) e.logical = ReadLogicalType(r); else r.Skip(t);
        break;
      default: r.Skip(t);
    }
  });
  if (!has_name) r.Fail("schema element without a name");
  return e;
}

std::vector<KeyValue> ReadKeyValues(R& r, CType t) {
  std::vector<KeyValue> out;
  ReadList(r, t, [&](CType et) {
    ExpectStruct(r, et);
    KeyValue kv;
    r.ReadStruct([&](int16_t id, CType ft) {
      if (id == 1) kv.key = r.ReadBinary();
      else if (id == 2) kv.value = r.ReadBinary();
      else r.Skip(ft);
    });
    out.push_back(std::move(kv));
  });
  return out;
}

Encoding ToEncoding(R& r, int64_t v) {
  if (v < 0 || v > 9 || v == 1) r.Fail("invalid encoding " + std::to_string(v));
  return static_cast<Encoding>(v);
}

ColumnMetaData ReadColumnMetaData(R& r) {
  ColumnMetaData m;
  r.ReadStruct([&](int16_t id, CType t) {
    switch (id) {
      case 1: {
        int32_t v = I32(r, t);
        if (v < 0 || v > 7) r.Fail("invalid physical type " + std::to_string(v));
        m.type = static_cast<PhysicalType>(v);
        break;
      }
      case 2:
        ReadList(r, t, [&](CType et) {
          int64_t v = r.ReadInt(et);
          // Unknown encodings in this informational list are ignored.
          if (v >= 0 && v <= 9 && v != 1) m.encodings.push_back(static_cast<Encoding>(v));
        });
        break;
      case 3:
        ReadList(r, t, [&](CType) { m.path_in_schema.push_back(r.ReadBinary()); });
        break;
      case 4: {
        int32_t v = I32(r, t);
        if (v < 0 || v > 7) r.Fail("invalid compression codec " + std::to_string(v));
        m.codec = static_cast<Codec>(v);
        break;
      }
      case 5: m.num_values = r.ReadInt(t); break;
      case 6: m.total_uncompressed_size = r.ReadInt(t); break;
      case 7: m.total_compressed_size = r.ReadInt(t); break;
      case 8: m.key_value_metadata = ReadKeyValues(r, t); break;
      case 9: m.data_page_offset = r.ReadInt(t); break;
      case 10: m.index_page_offset = r.ReadInt(t); break;
      case 11: m.dictionary_page_offset = r.ReadInt(t); break;
      case 12:
        ExpectStruct(r, t);
        m.statistics = ReadStatistics(r);
        break;
      default: r.Skip(t);
    }
  });
  return m;
}

ColumnChunk ReadColumnChunk(R& r) {
  ColumnChunk c;
  r.ReadStruct([&](int16_t id, CType t) {
    switch (id) {
      case 1: c.file_path = r.ReadBinary(); break;
      case 2: c.file_offset = r.ReadInt(t); break;
      case 3:
        ExpectStruct(r, t);
        c.meta_data = ReadColumnMetaData(r);
        break;
      case 8:
      case 9:
        c.encrypted = true;
        r.Skip(t);
        break;
      default: r.Skip(t);
    }
  });
  return c;
}

RowGroup ReadRowGroup(R& r) {
  RowGroup g;
  r.ReadStruct([&](int16_t id, CType t) {
    switch (id) {
      case 1:
        ReadList(r, t, [&](CType et) {
          ExpectStruct(r, et);
          g.columns.push_back(ReadColumnChunk(r));
        });
        break;
      case 2: g.total_byte_size = r.ReadInt(t); break;
      case 3: g.num_rows = r.ReadInt(t); break;
      case 5: g.file_offset = r.ReadInt(t); break;
      case 6: g.total_compressed_size = r.ReadInt(t); break;
      default: r.Skip(t);
    }
  });
  return g;
}

Encoding ReadEncodingField(R& r, CType t) { return ToEncoding(r, r.ReadInt(t)); }

}  // namespace

FileMetaData ReadFileMetaData(const uint8_t* data, size_t size) {
  R r(data, size);
  FileMetaData md;
  r.ReadStruct([&](int16_t id, CType t) {
    switch (id) {
      case 1: md.version = I32(r, t); break;
      case 2:
        ReadList(r, t, [&](CType et) {
          ExpectStruct(r, et);
          md.schema.push_back(ReadSchemaElement(r));
        });
        break;
      case 3: md.num_rows = r.ReadInt(t); break;
      case 4:
        ReadList(r, t, [&](CType et) {
          ExpectStruct(r, et);
          md.row_groups.push_back(ReadRowGroup(r));
        });
        break;
      case 5: md.key_value_metadata = ReadKeyValues(r, t); break;
      case 6: md.created_by = r.ReadBinary(); break;
      case 7: md.has_column_orders = true; r.Skip(t); break;
      case 8: md.encrypted = true; r.Skip(t); break;
      default: r.Skip(t);
    }
  });
  return md;
}

PageHeader ReadPageHeader(const uint8_t* data, size_t size, size_t* header_size) {
  R r(data, size);
  PageHeader h;
  r.ReadStruct([&](int16_t id, CType t) {
    switch (id) {
      case 1: {
        int32_t v = I32(r, t);
        if (v < 0 || v > 3) r.Fail("invalid page type " + std::to_string(v));
        h.type = static_cast<PageType>(v);
        break;
      }
      case 2: h.uncompressed_page_size = I32(r, t); break;
      case 3: h.compressed_page_size = I32(r, t); break;
      case 4: h.crc = I32(r, t); break;
      case 5: {
        ExpectStruct(r, t);
        DataPageHeader d;
        r.ReadStruct([&](int16_t f, CType ft) {
          switch (f) {
            case 1: d.num_values = I32(r, ft); break;
            case 2: d.encoding = ReadEncodingField(r, ft); break;
            case 3: d.definition_level_encoding = ReadEncodingField(r, ft); break;
            case 4: d.repetition_level_encoding = ReadEncodingField(r, ft); break;
            case 5: ExpectStruct(r, ft); d.statistics = ReadStatistics(r); break;
            default: r.Skip(ft);
          }
        });
        h.data_page = d;
        break;
      }
      case 7: {
        ExpectStruct(r, t);
        DictionaryPageHeader d;
        r.ReadStruct([&](int16_t f, CType ft) {
          switch (f) {
            case 1: d.num_values = I32(r, ft); break;
            case 2: d.encoding = ReadEncodingField(r, ft); break;
            case 3: d.is_sorted = r.ReadBool(ft); break;
            default: r.Skip(ft);
          }
        });
        h.dictionary_page = d;
        break;
      }
      case 8: {
        ExpectStruct(r, t);
        DataPageHeaderV2 d;
        r.ReadStruct([&](int16_t f, CType ft) {
          switch (f) {
            case 1: d.num_values = I32(r, ft); break;
            case 2: d.num_nulls = I32(r, ft); break;
            case 3: d.num_rows = I32(r, ft); break;
            case 4: d.encoding = ReadEncodingField(r, ft); break;
            case 5: d.definition_levels_byte_length = I32(r, ft); break;
            case 6: d.repetition_levels_byte_length = I32(r, ft); break;
            case 7: d.is_compressed = r.ReadBool(ft); break;
            case 8: ExpectStruct(r, ft); d.statistics = ReadStatistics(r); break;
            default: r.Skip(ft);
          }
        });
        h.data_page_v2 = d;
        break;
      }
      default: r.Skip(t);
    }
  });
  *header_size = r.position();
  return h;
}

// ---- writing ----

namespace {

using W = CompactWriter;

void WriteStatistics(W& w, const Statistics& s) {
  w.BeginStruct();
  if (s.max) w.FieldBinary(1, *s.max);
  if (s.min) w.FieldBinary(2, *s.min);
  if (s.null_count) w.FieldI64(3, *s.null_count);
  if (s.distinct_count) w.FieldI64(4, *s.distinct_count);
  if (s.max_value) w.FieldBinary(5, *s.max_value);
  if (s.min_value) w.FieldBinary(6, *s.min_value);
  w.EndStruct();
}

void WriteKeyValues(W& w, int16_t id, const std::vector<KeyValue>& kvs) {
  w.FieldHeader(id, CType::kList);
  w.ListHeader(kvs.size(), CType::kStruct);
  for (const KeyValue& kv : kvs) {
    w.BeginStruct();
    w.FieldBinary(1, kv.key);
    if (kv.value) w.FieldBinary(2, *kv.value);
    w.EndStruct();
  }
}

void WriteLogicalType(W& w, const LogicalType& lt) {
  w.BeginStruct();
  w.FieldHeader(lt.kind, CType::kStruct);
  w.BeginStruct();
  switch (lt.kind) {
    case LogicalType::kDecimal:
      w.FieldI32(1, lt.scale);
      w.FieldI32(2, lt.precision);
      break;
    case LogicalType::kTime:
    case LogicalType::kTimestamp:
      w.FieldBool(1, lt.adjusted_to_utc);
      w.FieldHeader(2, CType::kStruct);
      w.BeginStruct();
      w.FieldHeader(static_cast<int16_t>(lt.unit), CType::kStruct);
      w.BeginStruct();
      w.EndStruct();
      w.EndStruct();
      break;
    case LogicalType::kInteger:
      w.FieldI8(1, static_cast<int8_t>(lt.bit_width));
      w.FieldBool(2, lt.is_signed);
      break;
    default: break;
  }
  w.EndStruct();
  w.EndStruct();
}

void WriteSchemaElement(W& w, const SchemaElement& e) {
  w.BeginStruct();
  if (e.type) w.FieldI32(1, static_cast<int32_t>(*e.type));
  if (e.type && *e.type == PhysicalType::kFixedLenByteArray) w.FieldI32(2, e.type_length);
  if (e.repetition) w.FieldI32(3, static_cast<int32_t>(*e.repetition));
  w.FieldBinary(4, e.name);
  if (!e.type) w.FieldI32(5, e.num_children);
  if (e.converted_type) w.FieldI32(6, *e.converted_type);
  if (e.converted_type && *e.converted_type == converted::kDecimal) {
    w.FieldI32(7, e.scale);
    w.FieldI32(8, e.precision);
  }
  if (e.field_id) w.FieldI32(9, *e.field_id);
  if (e.logical.kind != LogicalType::kNone) {
    w.FieldHeader(10, CType::kStruct);
    WriteLogicalType(w, e.logical);
  }
  w.EndStruct();
}

void WriteColumnMetaData(W& w, const ColumnMetaData& m) {
  w.BeginStruct();
  w.FieldI32(1, static_cast<int32_t>(m.type));
  w.FieldHeader(2, CType::kList);
  w.ListHeader(m.encodings.size(), CType::kI32);
  for (Encoding e : m.encodings) w.WriteI32(static_cast<int32_t>(e));
  w.FieldHeader(3, CType::kList);
  w.ListHeader(m.path_in_schema.size(), CType::kBinary);
  for (const auto& p : m.path_in_schema) w.WriteBinary(p);
  w.FieldI32(4, static_cast<int32_t>(m.codec));
  w.FieldI64(5, m.num_values);
  w.FieldI64(6, m.total_uncompressed_size);
  w.FieldI64(7, m.total_compressed_size);
  if (!m.key_value_metadata.empty()) WriteKeyValues(w, 8, m.key_value_metadata);
  w.FieldI64(9, m.data_page_offset);
  if (m.index_page_offset) w.FieldI64(10, *m.index_page_offset);
  if (m.dictionary_page_offset) w.FieldI64(11, *m.dictionary_page_offset);
  if (m.statistics) {
    w.FieldHeader(12, CType::kStruct);
    WriteStatistics(w, *m.statistics);
  }
  w.EndStruct();
}

}  // namespace

void WriteFileMetaData(const FileMetaData& md, std::string* out) {
  W w(out);
  w.BeginStruct();
  w.FieldI32(1, md.version);
  w.FieldHeader(2, CType::kList);
  w.ListHeader(md.schema.size(), CType::kStruct);
  for (const auto& e : md.schema) WriteSchemaElement(w, e);
  w.FieldI64(3, md.num_rows);
  w.FieldHeader(4, CType::kList);
  w.ListHeader(md.row_groups.size(), CType::kStruct);
  for (const RowGroup& g : md.row_groups) {
    w.BeginStruct();
    w.FieldHeader(1, CType::kList);
    w.ListHeader(g.columns.size(), CType::kStruct);
    for (const ColumnChunk& c : g.columns) {
      w.BeginStruct();
      if (c.file_path) w.FieldBinary(1, *c.file_path);
      w.FieldI64(2, c.file_offset);
      if (c.meta_data) {
        w.FieldHeader(3, CType::kStruct);
        WriteColumnMetaData(w, *c.meta_data);
      }
      w.EndStruct();
    }
    w.FieldI64(2, g.total_byte_size);
    w.FieldI64(3, g.num_rows);
    if (g.file_offset) w.FieldI64(5, *g.file_offset);
    if (g.total_compressed_size) w.FieldI64(6, *g.total_compressed_size);
    w.EndStruct();
  }
  if (!md.key_value_metadata.empty()) WriteKeyValues(w, 5, md.key_value_metadata);
  if (md.created_by) w.FieldBinary(6, *md.created_by);
  if (md.has_column_orders) {
    // One TypeDefinedOrder per leaf column.
    size_t leaves = 0;
    for (const auto& e : md.schema) leaves += e.type.has_value();
    w.FieldHeader(7, CType::kList);
    w.ListHeader(leaves, CType::kStruct);
    for (size_t i = 0; i < leaves; ++i) {
      w.BeginStruct();
      w.FieldHeader(1, CType::kStruct);
      w.BeginStruct();
      w.EndStruct();
      w.EndStruct();
    }
  }
  w.EndStruct();
}

void WritePageHeader(const PageHeader& h, std::string* out) {
  W w(out);
  w.BeginStruct();
  w.FieldI32(1, static_cast<int32_t>(h.type));
  w.FieldI32(2, h.uncompressed_page_size);
  w.FieldI32(3, h.compressed_page_size);
  if (h.crc) w.FieldI32(4, *h.crc);
  if (h.data_page) {
    const auto& d = *h.data_page;
    w.FieldHeader(5, CType::kStruct);
    w.BeginStruct();
    w.FieldI32(1, d.num_values);
    w.FieldI32(2, static_cast<int32_t>(d.encoding));
    w.FieldI32(3, static_cast<int32_t>(d.definition_level_encoding));
    w.FieldI32(4, static_cast<int32_t>(d.repetition_level_encoding));
    if (d.statistics) {
      w.FieldHeader(5, CType::kStruct);
      WriteStatistics(w, *d.statistics);
    }
    w.EndStruct();
  }
  if (h.dictionary_page) {
    w.FieldHeader(7, CType::kStruct);
    w.BeginStruct();
    w.FieldI32(1, h.dictionary_page->num_values);
    w.FieldI32(2, static_cast<int32_t>(h.dictionary_page->encoding));
    w.EndStruct();
  }
  if (h.data_page_v2) {
    const auto& d = *h.data_page_v2;
    w.FieldHeader(8, CType::kStruct);
    w.BeginStruct();
    w.FieldI32(1, d.num_values);
    w.FieldI32(2, d.num_nulls);
    w.FieldI32(3, d.num_rows);
    w.FieldI32(4, static_cast<int32_t>(d.encoding));
    w.FieldI32(5, d.definition_levels_byte_length);
    w.FieldI32(6, d.repetition_levels_byte_length);
    w.FieldBool(7, d.is_compressed);
    w.EndStruct();
  }
  w.EndStruct();
}

}  // namespace sluice::parquet
