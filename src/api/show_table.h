// The text table DataFrame.show() prints (PySpark's layout): a header of column names, one line
// per row with values rendered as CAST(value AS STRING) in the session time zone and NULL for
// nulls, columns padded to their widest cell (right-aligned when truncating), framed by +---+
// lines. Shared by DataFrame::showString and the CLI, which prints rows it has already collected.
#pragma once

#include <string>
#include <vector>

#include "sluice/row.h"

namespace sluice {

/// `truncate` > 0 cuts cells longer than that to truncate - 3 characters plus "...".
std::string RenderShowTable(const std::vector<std::string>& names, const std::vector<Row>& rows,
                            const std::string& time_zone, int truncate);

}  // namespace sluice
