#include "api/show_table.h"

#include <algorithm>

#include "types/value_format.h"

namespace sluice {

std::string RenderShowTable(const std::vector<std::string>& names, const std::vector<Row>& rows,
                            const std::string& time_zone, int truncate) {
  std::vector<std::vector<std::string>> cells;
  cells.push_back(names);
  for (const auto& r : rows) {
    std::vector<std::string> line;
    for (size_t c = 0; c < r.size(); ++c) {
      std::string s = r[c].is_null() ? "NULL" : FormatCastString(r[c], time_zone);
      if (truncate > 0 && static_cast<int>(s.size()) > truncate) {
        s = truncate < 4 ? s.substr(0, truncate) : s.substr(0, truncate - 3) + "...";
      }
      line.push_back(s);
    }
    cells.push_back(line);
  }
  std::vector<size_t> width(names.size(), 3);
  for (const auto& line : cells) {
    for (size_t c = 0; c < line.size(); ++c) width[c] = std::max(width[c], line[c].size());
  }
  std::string sep = "+";
  for (size_t w : width) sep += std::string(w, '-') + "+";
  sep += "\n";
  std::string out = sep;
  for (size_t r = 0; r < cells.size(); ++r) {
    out += "|";
    for (size_t c = 0; c < cells[r].size(); ++c) {
      const std::string& s = cells[r][c];
      std::string pad(width[c] - s.size(), ' ');
      out += (truncate > 0 ? pad + s : s + pad) + "|";
    }
    out += "\n";
    if (r == 0) out += sep;
  }
  out += sep;
  return out;
}

}  // namespace sluice
