// Row: one collected row of a DataFrame (PySpark's Row), values in schema order.
#pragma once

#include <string>
#include <vector>

#include "sluice/types.h"
#include "sluice/value.h"

namespace sluice {

class Row {
 public:
  Row(TypePtr schema, std::vector<Value> values)
      : schema_(std::move(schema)), values_(std::move(values)) {}

  size_t size() const { return values_.size(); }
  const Value& operator[](size_t i) const { return values_[i]; }
  /// Value of the field `name`; throws AnalysisError if there is no such field.
  const Value& get(const std::string& name) const;
  const std::vector<Value>& values() const { return values_; }
  const TypePtr& schema() const { return schema_; }
  /// "Row(user='a', n=2)".
  std::string ToString() const;

 private:
  TypePtr schema_;
  std::vector<Value> values_;
};

}  // namespace sluice
