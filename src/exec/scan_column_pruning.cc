#include "exec/scan_column_pruning.h"

#include <vector>

#include "exec/filter.h"
#include "exec/filter_project.h"
#include "exec/hash_aggregate.h"
#include "exec/project.h"
#include "exec/scan.h"

namespace sluice {

namespace {

// Marks the input columns `e` references (indexes past `used`'s size are not input columns).
void MarkColumns(const Expr& e, std::vector<bool>* used) {
  if (e.kind == ExprKind::kBoundColumn && e.index >= 0 && static_cast<size_t>(e.index) < used->size()) {
    (*used)[static_cast<size_t>(e.index)] = true;
  }
  for (const auto& c : e.children) MarkColumns(*c, used);
}

size_t Width(const PhysicalOperator& op) { return op.schema()->fields().size(); }

// The columns of `op`'s input that producing its output columns `required` needs, or false when
// `op` is not a filter or projection.
bool InputColumns(const PhysicalOperator& op, const std::vector<bool>& required, std::vector<bool>* out) {
  const PhysicalOperator& child = *op.children()[0];
  out->assign(Width(child), false);
  if (const auto* f = dynamic_cast<const Filter*>(&op)) {
    for (size_t i = 0; i < required.size() && i < out->size(); ++i) (*out)[i] = required[i];
    MarkColumns(*f->condition(), out);
    return true;
  }
  const std::vector<ExprPtr>* exprs = nullptr;
  if (const auto* p = dynamic_cast<const Project*>(&op)) exprs = &p->exprs();
  if (const auto* fp = dynamic_cast<const FilterProject*>(&op)) {
    exprs = &fp->exprs();
    MarkColumns(*fp->condition(), out);
  }
  if (exprs == nullptr) return false;
  for (size_t i = 0; i < exprs->size() && i < required.size(); ++i) {
    if (required[i]) MarkColumns(*(*exprs)[i], out);
  }
  return true;
}

void PruneBelowAggregate(HashAggregate& agg) {
  if (agg.streaming() || agg.children().size() != 1) return;
  PhysicalOperator* op = agg.children()[0].get();
  std::vector<bool> required(Width(*op), false);
  const AggregateSpec& spec = agg.spec();
  for (size_t k = 0; k < spec.keys.size(); ++k) {
    if (spec.window && k == spec.window->key_index) continue;  // the fused window: not an input column
    MarkColumns(*spec.keys[k], &required);
  }
  for (const auto& call : spec.aggregate_calls) MarkColumns(*call, &required);
  if (spec.window) MarkColumns(*spec.window->time, &required);
  while (true) {
    if (auto* scan = dynamic_cast<SourceScan*>(op)) {
      scan->SetRequiredColumns(std::move(required));
      return;
    }
    if (op->children().size() != 1) return;
    std::vector<bool> below;
    if (!InputColumns(*op, required, &below)) return;
    required = std::move(below);
    op = op->children()[0].get();
  }
}

}  // namespace

void PruneScanColumns(PhysicalOperator* root) {
  if (auto* agg = dynamic_cast<HashAggregate*>(root)) PruneBelowAggregate(*agg);
  for (const auto& c : root->children()) PruneScanColumns(c.get());
}

}  // namespace sluice
