// Vector: one column of a RecordBatch, a typed array of values with a validity bitmap.
//
// Physical layout by TypeId (all buffers owned by the vector; no heap allocation per value):
//   BOOLEAN            uint8_t per value (0/1)
//   TINYINT/SMALLINT   int8_t / int16_t
//   INT, DATE          int32_t (DATE: days since epoch)
//   BIGINT, TIMESTAMP, TIMESTAMP_NTZ, INTERVAL   int64_t (microseconds for the time types)
//   FLOAT / DOUBLE     float / double
//   DECIMAL            int128_t unscaled value (any precision)
//   STRING / BINARY    offsets_ (size+1 int64 entries) into chars_
//   STRUCT             one child vector per field, each of the same size as this vector
//   ARRAY              offsets_ into child 0 (the elements)
//   MAP                offsets_ into child 0 (keys) and child 1 (values)
// A null slot still occupies storage (zero / empty), so children of a null STRUCT row exist.
//
// Validity: a bit per row, 1 = valid. An empty bitmap means "no nulls".
// Thread-compatible: concurrent reads are safe, writes need external synchronization.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/types.h"
#include "sluice/value.h"

namespace sluice {

class Vector;
using VectorPtr = std::shared_ptr<Vector>;

/// Allocator whose value-less construct() default-initializes: a std::vector of bytes using it
/// grows without zero-filling, for buffers whose new bytes are written before they are read.
template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  using std::allocator<T>::allocator;
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

/// Row indexes selected from a batch (a selection vector).
using SelectionVector = std::vector<uint32_t>;

class Vector {
 public:
  explicit Vector(TypePtr type);
  /// A vector of `size` rows, all NULL (storage zeroed).
  static VectorPtr MakeNull(TypePtr type, size_t size);
  /// A vector of `size` copies of `value`.
  static VectorPtr MakeConstant(const Value& value, size_t size);

  const TypePtr& type() const { return type_; }
  TypeId type_id() const { return type_->id(); }
  size_t size() const { return size_; }

  // ---- validity ----
  bool IsNull(size_t i) const {
    return !validity_.empty() && ((validity_[i >> 6] >> (i & 63)) & 1) == 0;
  }
  bool IsValid(size_t i) const { return !IsNull(i); }
  bool MayHaveNulls() const { return !validity_.empty(); }
  /// Marks row i null or valid. REQUIRES: i < size().
  void SetNull(size_t i, bool is_null = true);
  size_t CountNulls() const;

  // ---- fixed-width values ----
  template <typename T>
  T* data() { return reinterpret_cast<T*>(data_.data()); }
  template <typename T>
  const T* data() const { return reinterpret_cast<const T*>(data_.data()); }
  template <typename T>
  T Get(size_t i) const { return data<T>()[i]; }

  // ---- strings / binary ----
  std::string_view GetString(size_t i) const {
    return std::string_view(chars_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
  }
  const std::vector<int64_t>& offsets() const { return offsets_; }
  std::vector<int64_t>& mutable_offsets() { return offsets_; }
  std::vector<char>& mutable_chars() { return chars_; }
  const std::vector<char>& chars() const { return chars_; }

  // ---- nested ----
  size_t num_children() const { return children_.size(); }
  const VectorPtr& child(size_t i) const { return children_[i]; }
  VectorPtr& mutable_child(size_t i) { return children_[i]; }
  /// ARRAY/MAP: element range of row i in the child vector(s).
  int64_t ListBegin(size_t i) const { return offsets_[i]; }
  int64_t ListEnd(size_t i) const { return offsets_[i + 1]; }

  // ---- building ----
  /// Ensures room for `n` rows without reallocation of fixed-width/offset buffers.
  void Reserve(size_t n);
  /// Sets the size to n; new rows are zero/empty and valid. For strings/lists new rows are empty.
  void Resize(size_t n);
  /// As Resize for a fixed-width, non-nested type, but new rows' values are left unspecified: the
  /// caller writes every new row's value, null rows included (null slots are read by hashing of
  /// packed keys and by copies).
  void ResizeForOverwrite(size_t n);
  void AppendNull();
  template <typename T>
  void Append(T v) {
    size_t n = size_;
    GrowFixed(n + 1);
    data<T>()[n] = v;
  }
  /// STRING/BINARY.
  void AppendString(std::string_view s);
  /// ARRAY/MAP: closes row `size()` after its elements were appended to the child vector(s).
  void AppendListEnd();
  /// STRUCT: closes a row whose fields were appended to every child.
  void AppendStructRow();
  /// Appends any value (slow path; converts by type). REQUIRES: value's type is this type or NULL.
  void AppendValue(const Value& v);
  /// Appends row `row` of `other` (same type).
  void AppendFrom(const Vector& other, size_t row);
  /// Appends rows [begin, end) of `other` (same type).
  void AppendRange(const Vector& other, size_t begin, size_t end);
  /// Appends rows sel[0], sel[1], ... of `other` (same type), copying each once (Take is this into
  /// a new vector).
  void AppendSelected(const Vector& other, const SelectionVector& sel);
  /// Keeps only rows `keep` (ascending), renumbered 0, 1, ... in that order; fixed-width values,
  /// strings and structs are moved in place, keeping the buffers' capacity.
  void KeepRows(const SelectionVector& keep);

  // ---- reading ----
  /// Row i as a Value (slow path).
  Value GetValue(size_t i) const;
  /// A new vector with the rows named by `sel`, in that order.
  VectorPtr Take(const SelectionVector& sel) const;
  /// A new vector with rows [begin, begin + count).
  VectorPtr Slice(size_t begin, size_t count) const;

  /// 64-bit hash of row i (equal values hash equally; NULL has a fixed hash).
  uint64_t HashRow(size_t i, uint64_t seed = 0) const;
  /// Column-at-a-time HashRow: hashes[k] = HashRow(begin + k, hashes[k]) for k in [0, n) (each
  /// entry is the seed on input). Same results as HashRow, with the type dispatch outside the loop.
  void HashRows(size_t begin, size_t n, uint64_t* hashes) const;
  /// True if row i of this equals row j of other (NULL equals NULL: grouping semantics).
  bool RowEquals(size_t i, const Vector& other, size_t j) const;
  /// Three-way comparison for sorting; NULLs compare by `nulls_first`.
  int CompareRows(size_t i, const Vector& other, size_t j, bool nulls_first = true) const;

 private:
  void GrowFixed(size_t n);
  void EnsureValidity();

  TypePtr type_;
  size_t size_ = 0;
  int width_ = 0;                  // bytes per value for fixed-width types
  /// Fixed-width values. Grows without zero-filling: every path that adds rows writes them.
  std::vector<uint8_t, DefaultInitAllocator<uint8_t>> data_;
  std::vector<uint64_t> validity_; // empty = all valid
  std::vector<int64_t> offsets_;   // strings, arrays, maps: size_ + 1 entries
  std::vector<char> chars_;        // string bytes
  std::vector<VectorPtr> children_;
};

}  // namespace sluice
