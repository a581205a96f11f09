#include "sluice/row.h"

#include <fmt/format.h>

#include "sluice/exception.h"

namespace sluice {

const Value& Row::get(const std::string& name) const {
  int i = schema_->FieldIndex(name);
  if (i < 0) throw AnalysisError(fmt::format("[FIELD_NOT_FOUND] No such field `{}` in the row.", name));
  return values_[i];
}

std::string Row::ToString() const {
  std::string s = "Row(";
  for (size_t i = 0; i < values_.size(); ++i) {
    if (i) s += ", ";
    const Value& v = values_[i];
    std::string text = v.is_null() ? "None" : v.ToString();
    if (!v.is_null() && v.type()->id() == TypeId::kString) text = "'" + text + "'";
    s += schema_->fields()[i].name + "=" + text;
  }
  return s + ")";
}

}  // namespace sluice
