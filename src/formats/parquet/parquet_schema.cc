#include "formats/parquet/parquet_schema.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "sluice/exception.h"

namespace sluice::parquet {

namespace {

constexpr int kMaxLevel = 250;  // levels are stored as bytes

[[noreturn]] void Fail(const std::string& what) { throw ParquetFormatError(what); }

struct TreeNode {
  const SchemaElement* e = nullptr;
  std::vector<TreeNode> children;
  int def = 0, rep = 0;
  std::string path;
};

class TreeBuilder {
 public:
  explicit TreeBuilder(const FileMetaData& md) : md_(md) {}

  TreeNode Root() {
    if (md_.schema.empty()) Fail("the schema is empty");
    TreeNode root;
    root.e = &md_.schema[0];
    next_ = 1;
    if (md_.schema[0].num_children < 0) Fail("negative child count in the schema root");
    for (int i = 0; i < md_.schema[0].num_children; ++i) root.children.push_back(Build(0, 0, "", 1));
    if (next_ != md_.schema.size()) {
      Fail(fmt::format("the schema has {} elements but its tree uses {}", md_.schema.size(), next_));
    }
    return root;
  }

 private:
  TreeNode Build(int parent_def, int parent_rep, const std::string& parent_path, int depth) {
    if (depth > 100) Fail("the schema is nested too deeply");
    if (next_ >= md_.schema.size()) Fail("the schema tree refers to more elements than it has");
    TreeNode n;
    n.e = &md_.schema[next_++];
    Repetition r = n.e->repetition.value_or(Repetition::kOptional);
    n.def = parent_def + (r != Repetition::kRequired ? 1 : 0);
    n.rep = parent_rep + (r == Repetition::kRepeated ? 1 : 0);
    if (n.def > kMaxLevel || n.rep > kMaxLevel) Fail("the schema is nested too deeply");
    n.path = parent_path.empty() ? n.e->name : parent_path + "." + n.e->name;
    if (!n.e->type) {
      if (n.e->num_children < 0 || static_cast<size_t>(n.e->num_children) > md_.schema.size()) {
        Fail(fmt::format("group '{}' has an invalid child count {}", n.path, n.e->num_children));
      }
      if (n.e->num_children == 0) Fail(fmt::format("group '{}' has no fields", n.path));
      for (int i = 0; i < n.e->num_children; ++i) {
        n.children.push_back(Build(n.def, n.rep, n.path, depth + 1));
      }
    }
    return n;
  }

  const FileMetaData& md_;
  size_t next_ = 0;
};

bool IsList(const SchemaElement& e) {
  return e.logical.kind == LogicalType::kList ||
         (e.logical.kind == LogicalType::kNone && e.converted_type == converted::kList);
}
bool IsMap(const SchemaElement& e) {
  return e.logical.kind == LogicalType::kMap ||
         (e.logical.kind == LogicalType::kNone && (e.converted_type == converted::kMap ||
                                                   e.converted_type == converted::kMapKeyValue));
}

TypePtr CheckedDecimal(int precision, int scale, const std::string& path) {
  if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
    Fail(fmt::format("column '{}' has an unsupported DECIMAL({}, {})", path, precision, scale));
  }
  return DecimalType(precision, scale);
}

class Converter {
 public:
  explicit Converter(FileSchema* out) : out_(out) {}

  // Converts `n`; `as_element` ignores its REPEATED repetition (it is the element of a list).
  PlanNode Convert(const TreeNode& n, bool as_element) {
    const SchemaElement& e = *n.e;
    Repetition r = e.repetition.value_or(Repetition::kOptional);
    if (r == Repetition::kRepeated && !as_element) {
      // An un-annotated repeated field: a non-null ARRAY of required elements.
      PlanNode list;
      list.kind = PlanNode::kList;
      list.name = e.name;
      list.def = n.def - 1;
      list.elem_def = n.def;
      list.rep = n.rep;
      list.first_leaf = static_cast<int>(out_->leaves.size());
      list.children.push_back(Convert(n, true));
      list.type = ArrayType(list.children[0].type, false);
      return list;
    }
    if (!e.type) return ConvertGroup(n);
    return ConvertLeaf(n);
  }

  PlanNode ConvertGroup(const TreeNode& n) {
    const SchemaElement& e = *n.e;
    PlanNode p;
    p.name = e.name;
    p.def = n.def;
    p.first_leaf = static_cast<int>(out_->leaves.size());
    if (IsList(e) && n.children.size() == 1 &&
        n.children[0].e->repetition == Repetition::kRepeated) {
      const TreeNode& rp = n.children[0];
      p.kind = PlanNode::kList;
      p.elem_def = rp.def;
      p.rep = rp.rep;
      bool two_level = rp.e->type.has_value() || rp.children.size() > 1 || rp.e->name == "array" ||
                       rp.e->name == e.name + "_tuple";
      PlanNode elem = two_level ? Convert(rp, true) : Convert(rp.children[0], false);
      bool contains_null = !two_level && rp.children[0].e->repetition != Repetition::kRequired;
      p.type = ArrayType(elem.type, contains_null);
      p.children.push_back(std::move(elem));
      return p;
    }
    if (IsMap(e) && n.children.size() == 1 && n.children[0].e->repetition == Repetition::kRepeated &&
        !n.children[0].e->type && !n.children[0].children.empty() &&
        n.children[0].children.size() <= 2) {
      const TreeNode& kv = n.children[0];
      p.kind = PlanNode::kMap;
      p.elem_def = kv.def;
      p.rep = kv.rep;
      PlanNode key = Convert(kv.children[0], false);
      TypePtr value_type = NullType();
      bool value_null = true;
      p.children.push_back(std::move(key));
      if (kv.children.size() == 2) {
        PlanNode value = Convert(kv.children[1], false);
        value_type = value.type;
        value_null = kv.children[1].e->repetition != Repetition::kRequired;
        p.children.push_back(std::move(value));
      }
      p.type = MapType(p.children[0].type, value_type, value_null);
      return p;
    }
    p.kind = PlanNode::kStruct;
    std::vector<StructField> fields;
    for (const TreeNode& c : n.children) {
      PlanNode child = Convert(c, false);
      bool nullable = c.e->repetition.value_or(Repetition::kOptional) == Repetition::kOptional;
      fields.emplace_back(child.name, child.type, nullable);
      p.children.push_back(std::move(child));
    }
    p.type = StructType(std::move(fields));
    return p;
  }

  PlanNode ConvertLeaf(const TreeNode& n) {
    const SchemaElement& e = *n.e;
    PlanNode p;
    p.kind = PlanNode::kLeaf;
    p.name = e.name;
    p.def = n.def;
    p.column = static_cast<int>(out_->leaves.size());
    p.first_leaf = p.column;
    p.max_def = n.def;
    p.max_rep = n.rep;
    p.element = &e;
    SetConversion(e, n.path, &p);
    out_->leaves.push_back(&e);
    out_->leaf_max_def.push_back(n.def);
    out_->leaf_max_rep.push_back(n.rep);
    out_->leaf_paths.push_back(n.path);
    return p;
  }

 private:
  static void SetConversion(const SchemaElement& e, const std::string& path, PlanNode* p) {
    const LogicalType& lt = e.logical;
    int ct = e.converted_type.value_or(-1);
    bool has_lt = lt.kind != LogicalType::kNone;
    auto decimal = [&](LeafConversion c) {
      int precision = has_lt && lt.kind == LogicalType::kDecimal ? lt.precision : e.precision;
      int scale = has_lt && lt.kind == LogicalType::kDecimal ? lt.scale : e.scale;
      p->conversion = c;
      p->type = CheckedDecimal(precision, scale, path);
    };
    bool is_decimal = has_lt ? lt.kind == LogicalType::kDecimal : ct == converted::kDecimal;
    switch (*e.type) {
      case PhysicalType::kBoolean:
        p->conversion = LeafConversion::kBoolean;
        p->type = BooleanType();
        return;
      case PhysicalType::kInt32: {
        if (is_decimal) return decimal(LeafConversion::kDecimalInt32);
        int bits = 32;
        bool is_signed = true;
        if (has_lt && lt.kind == LogicalType::kInteger) {
          bits = lt.bit_width;
          is_signed = lt.is_signed;
        } else if (!has_lt) {
          if (ct == converted::kInt8) bits = 8;
          if (ct == converted::kInt16) bits = 16;
          if (ct == converted::kUint8) bits = 8, is_signed = false;
          if (ct == converted::kUint16) bits = 16, is_signed = false;
          if (ct == converted::kUint32) is_signed = false;
        }
        if ((has_lt && lt.kind == LogicalType::kDate) || (!has_lt && ct == converted::kDate)) {
          p->conversion = LeafConversion::kDate;
          p->type = DateType();
        } else if (bits == 8) {
          p->conversion = is_signed ? LeafConversion::kInt8 : LeafConversion::kUint8;
          p->type = is_signed ? ByteType() : ShortType();
        } else if (bits == 16) {
          p->conversion = is_signed ? LeafConversion::kInt16 : LeafConversion::kUint16;
          p->type = is_signed ? ShortType() : IntegerType();
        } else if (!is_signed) {
          p->conversion = LeafConversion::kUint32;
          p->type = LongType();
        } else {
          p->conversion = LeafConversion::kInt32;
          p->type = IntegerType();
        }
        return;
      }
      case PhysicalType::kInt64: {
        if (is_decimal) return decimal(LeafConversion::kDecimalInt64);
        if (has_lt && lt.kind == LogicalType::kTimestamp) {
          p->conversion = lt.unit == 1   ? LeafConversion::kTimestampMillis
                          : lt.unit == 3 ? LeafConversion::kTimestampNanos
                                         : LeafConversion::kTimestampMicros;
          p->type = lt.adjusted_to_utc ? TimestampType() : TimestampNTZType();
          return;
        }
        if (!has_lt && (ct == converted::kTimestampMillis || ct == converted::kTimestampMicros)) {
          p->conversion = ct == converted::kTimestampMillis ? LeafConversion::kTimestampMillis
                                                            : LeafConversion::kTimestampMicros;
          p->type = TimestampType();
          return;
        }
        bool is_unsigned = (has_lt && lt.kind == LogicalType::kInteger && !lt.is_signed) ||
                           (!has_lt && ct == converted::kUint64);
        if (is_unsigned) {
          p->conversion = LeafConversion::kUint64ToDecimal;
          p->type = DecimalType(20, 0);
          return;
        }
        p->conversion = LeafConversion::kInt64;
        p->type = LongType();
        return;
      }
      case PhysicalType::kInt96:
        p->conversion = LeafConversion::kInt96;
        p->type = TimestampType();
        return;
      case PhysicalType::kFloat:
        p->conversion = LeafConversion::kFloat;
        p->type = FloatType();
        return;
      case PhysicalType::kDouble:
        p->conversion = LeafConversion::kDouble;
        p->type = DoubleType();
        return;
      case PhysicalType::kByteArray: {
        if (is_decimal) return decimal(LeafConversion::kDecimalBytes);
        bool is_string = has_lt ? (lt.kind == LogicalType::kString || lt.kind == LogicalType::kEnum ||
                                   lt.kind == LogicalType::kJson)
                                : (ct == converted::kUtf8 || ct == converted::kEnum ||
                                   ct == converted::kJson);
        p->conversion = is_string ? LeafConversion::kString : LeafConversion::kBinary;
        p->type = is_string ? StringType() : BinaryType();
        return;
      }
      case PhysicalType::kFixedLenByteArray: {
        if (e.type_length < 0 || e.type_length > (1 << 20)) {
          Fail(fmt::format("column '{}' has an invalid fixed length {}", path, e.type_length));
        }
        if (is_decimal) {
          if (e.type_length < 1 || e.type_length > 16) {
            Fail(fmt::format("column '{}' is a DECIMAL of {} bytes (at most 16 are supported)",
                             path, e.type_length));
          }
          return decimal(LeafConversion::kDecimalBytes);
        }
        if (has_lt && lt.kind == LogicalType::kFloat16 && e.type_length == 2) {
          p->conversion = LeafConversion::kFloat16;
          p->type = FloatType();
          return;
        }
        if (has_lt && lt.kind == LogicalType::kUuid && e.type_length == 16) {
          p->conversion = LeafConversion::kUuid;
          p->type = StringType();
          return;
        }
        p->conversion = LeafConversion::kBinary;
        p->type = BinaryType();
        return;
      }
    }
  }

  FileSchema* out_;
};

}  // namespace

FileSchema ConvertFileSchema(const FileMetaData& md) {
  TreeBuilder builder(md);
  TreeNode root = builder.Root();
  FileSchema out;
  Converter conv(&out);
  std::vector<StructField> fields;
  for (const TreeNode& c : root.children) {
    PlanNode p = conv.Convert(c, false);
    bool nullable = c.e->repetition.value_or(Repetition::kOptional) == Repetition::kOptional;
    fields.emplace_back(p.name, p.type, nullable);
    out.fields.push_back(std::move(p));
  }
  out.type = StructType(std::move(fields));
  return out;
}

// ---- Sluice -> Parquet ----

namespace {

int DecimalBytes(int precision) {
  int bytes = 1;
  while (bytes < 16) {
    // Largest unscaled value that fits in `bytes` signed bytes has floor(log10(2^(8b-1)-1)) digits.
    long double max = 1;
    for (int i = 0; i < 8 * bytes - 1; ++i) max *= 2;
    long double digits = 1;
    for (int i = 0; i < precision; ++i) digits *= 10;
    if (max - 1 >= digits - 1) break;
    ++bytes;
  }
  return bytes;
}

void AddField(const std::string& name, const TypePtr& type, bool nullable,
              std::vector<SchemaElement>* out) {
  SchemaElement e;
  e.name = name;
  e.repetition = nullable ? Repetition::kOptional : Repetition::kRequired;
  auto leaf = [&](PhysicalType pt) { e.type = pt; };
  switch (type->id()) {
    case TypeId::kBoolean: leaf(PhysicalType::kBoolean); break;
    case TypeId::kByte:
    case TypeId::kShort:
      leaf(PhysicalType::kInt32);
      e.converted_type = type->id() == TypeId::kByte ? converted::kInt8 : converted::kInt16;
      e.logical.kind = LogicalType::kInteger;
      e.logical.bit_width = type->id() == TypeId::kByte ? 8 : 16;
      e.logical.is_signed = true;
      break;
    case TypeId::kInt: leaf(PhysicalType::kInt32); break;
    case TypeId::kLong: leaf(PhysicalType::kInt64); break;
    case TypeId::kFloat: leaf(PhysicalType::kFloat); break;
    case TypeId::kDouble: leaf(PhysicalType::kDouble); break;
    case TypeId::kDecimal: {
      int p = type->precision();
      if (p <= 9) {
        leaf(PhysicalType::kInt32);
      } else if (p <= 18) {
        leaf(PhysicalType::kInt64);
      } else {
        leaf(PhysicalType::kFixedLenByteArray);
        e.type_length = DecimalBytes(p);
      }
      e.converted_type = converted::kDecimal;
      e.precision = p;
      e.scale = type->scale();
      e.logical.kind = LogicalType::kDecimal;
      e.logical.precision = p;
      e.logical.scale = type->scale();
      break;
    }
    case TypeId::kString:
      leaf(PhysicalType::kByteArray);
      e.converted_type = converted::kUtf8;
      e.logical.kind = LogicalType::kString;
      break;
    case TypeId::kBinary: leaf(PhysicalType::kByteArray); break;
    case TypeId::kDate:
      leaf(PhysicalType::kInt32);
      e.converted_type = converted::kDate;
      e.logical.kind = LogicalType::kDate;
      break;
    case TypeId::kTimestamp:
    case TypeId::kTimestampNtz:
      leaf(PhysicalType::kInt64);
      if (type->id() == TypeId::kTimestamp) e.converted_type = converted::kTimestampMicros;
      e.logical.kind = LogicalType::kTimestamp;
      e.logical.unit = 2;
      e.logical.adjusted_to_utc = type->id() == TypeId::kTimestamp;
      break;
    case TypeId::kStruct: {
      e.num_children = static_cast<int32_t>(type->fields().size());
      if (e.num_children == 0) {
        throw AnalysisError(fmt::format(
            "Parquet data source does not support an empty STRUCT (column `{}`).", name));
      }
      out->push_back(e);
      for (const StructField& f : type->fields()) AddField(f.name, f.type, f.nullable, out);
      return;
    }
    case TypeId::kArray: {
      e.num_children = 1;
      e.converted_type = converted::kList;
      e.logical.kind = LogicalType::kList;
      out->push_back(e);
      SchemaElement list;
      list.name = "list";
      list.repetition = Repetition::kRepeated;
      list.num_children = 1;
      out->push_back(list);
      AddField("element", type->element_type(), type->contains_null(), out);
      return;
    }
    case TypeId::kMap: {
      e.num_children = 1;
      e.converted_type = converted::kMap;
      e.logical.kind = LogicalType::kMap;
      out->push_back(e);
      SchemaElement kv;
      kv.name = "key_value";
      kv.repetition = Repetition::kRepeated;
      kv.num_children = 2;
      out->push_back(kv);
      AddField("key", type->key_type(), false, out);
      AddField("value", type->value_type(), type->contains_null(), out);
      return;
    }
    default:
      throw AnalysisError(fmt::format(
          "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The Parquet datasource doesn't support the "
          "column `{}` of the type \"{}\". SQLSTATE: 0A000",
          name, type->Sql()));
  }
  out->push_back(e);
}

nlohmann::ordered_json TypeJson(const TypePtr& t) {
  using J = nlohmann::ordered_json;
  switch (t->id()) {
    case TypeId::kBoolean: return "boolean";
    case TypeId::kByte: return "byte";
    case TypeId::kShort: return "short";
    case TypeId::kInt: return "integer";
    case TypeId::kLong: return "long";
    case TypeId::kFloat: return "float";
    case TypeId::kDouble: return "double";
    case TypeId::kDecimal: return fmt::format("decimal({},{})", t->precision(), t->scale());
    case TypeId::kString: return "string";
    case TypeId::kBinary: return "binary";
    case TypeId::kDate: return "date";
    case TypeId::kTimestamp: return "timestamp";
    case TypeId::kTimestampNtz: return "timestamp_ntz";
    case TypeId::kNull: return "void";
    case TypeId::kInterval: return "interval day to second";
    case TypeId::kArray: {
      J j;
      j["type"] = "array";
      j["elementType"] = TypeJson(t->element_type());
      j["containsNull"] = t->contains_null();
      return j;
    }
    case TypeId::kMap: {
      J j;
      j["type"] = "map";
      j["keyType"] = TypeJson(t->key_type());
      j["valueType"] = TypeJson(t->value_type());
      j["valueContainsNull"] = t->contains_null();
      return j;
    }
    case TypeId::kStruct: {
      J j;
      j["type"] = "struct";
      J fields = J::array();
      for (const StructField& f : t->fields()) {
        J fj;
        fj["name"] = f.name;
        fj["type"] = TypeJson(f.type);
        fj["nullable"] = f.nullable;
        fj["metadata"] = J::object();
        fields.push_back(fj);
      }
      j["fields"] = fields;
      return j;
    }
  }
  return "string";
}

}  // namespace

std::vector<SchemaElement> ToParquetSchema(const TypePtr& schema) {
  std::vector<SchemaElement> out;
  SchemaElement root;
  root.name = "spark_schema";
  root.num_children = static_cast<int32_t>(schema->fields().size());
  out.push_back(root);
  for (const StructField& f : schema->fields()) AddField(f.name, f.type, f.nullable, &out);
  return out;
}

std::string SparkSchemaJson(const TypePtr& schema) { return TypeJson(schema).dump(); }

}  // namespace sluice::parquet
