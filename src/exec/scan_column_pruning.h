// PruneScanColumns: tells batch file scans which columns their consumer reads, so that Parquet
// (and Delta) scans decode only those (Spark's column pruning for file sources).
//
// Handles the shape that pulls its input chunk by chunk: a batch HashAggregate over a chain of
// Filter / Project / FilterProject operators over a SourceScan. The columns the aggregation's keys,
// arguments and window time reference are traced down the chain (a projection's output column to
// the input columns of its expression, a filter adds its condition's) and set on the scan, which
// then returns NULL placeholders for the others. Other plans are left as they are.
#pragma once

#include "exec/physical_operator.h"

namespace sluice {

/// Applies the pruning to every matching subtree of `root`.
void PruneScanColumns(PhysicalOperator* root);

}  // namespace sluice
