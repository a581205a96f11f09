#include "exec/windowed_group_state.h"

#include <fmt/format.h>

#include <algorithm>

#include "sluice/exception.h"

namespace sluice {

SelectionVector WindowedGroupState::Window::Touched() const {
  SelectionVector sel;
  sel.reserve(num_touched);
  for (size_t g = 0; g < touched.size(); ++g) {
    if (touched[g]) sel.push_back(static_cast<uint32_t>(g));
  }
  return sel;
}

WindowedGroupState::WindowedGroupState(std::vector<TypePtr> key_types, size_t window_key,
                                       AccumulatorFactory make_accs)
    : key_types_(std::move(key_types)), window_key_(window_key), make_accs_(std::move(make_accs)) {
  for (size_t k = 0; k < key_types_.size(); ++k) {
    if (k != window_key_) other_key_types_.push_back(key_types_[k]);
  }
}

void WindowedGroupState::BeginBatch() {
  for (auto& [start, w] : windows_) {
    std::fill(w->touched.begin(), w->touched.end(), 0);
    w->num_touched = 0;
  }
}

WindowedGroupState::Window& WindowedGroupState::WindowOf(int64_t start, int64_t end) {
  auto it = windows_.find(start);
  if (it == windows_.end()) {
    auto w = std::make_unique<Window>(start, end, other_key_types_, make_accs_());
    // Windows of a stream tend to hold as many groups as the one before: size the table for the
    // largest so far rather than regrowing it from empty.
    if (largest_window_ > 0) w->table.Reserve(largest_window_);
    it = windows_.emplace(start, std::move(w)).first;
  } else if (it->second->end != end) {
    throw InternalError(fmt::format("windows starting at {} end at {} and at {}", start, it->second->end, end));
  }
  return *it->second;
}

void WindowedGroupState::Merge(const RecordBatch& rows) {
  const size_t n = rows.num_rows();
  if (n == 0) return;
  const Vector& window = *rows.column(window_key_);
  if (window.MayHaveNulls() && window.CountNulls() > 0) throw InternalError("a NULL window in windowed state");
  const int64_t* starts = window.child(0)->data<int64_t>();
  const int64_t* ends = window.child(1)->data<int64_t>();
  // Rows by window: a micro-batch's rows fall in few windows.
  struct Route {
    int64_t start, end;
    SelectionVector rows;
  };
  std::vector<Route> routes;
  size_t last = 0;
  for (size_t i = 0; i < n; ++i) {
    if (routes.empty() || routes[last].start != starts[i]) {
      last = 0;
      while (last < routes.size() && routes[last].start != starts[i]) ++last;
      if (last == routes.size()) routes.push_back({starts[i], ends[i], {}});
    }
    routes[last].rows.push_back(static_cast<uint32_t>(i));
  }
  const size_t nk = key_types_.size();
  std::vector<uint32_t> ids;
  for (const Route& r : routes) {
    Window& w = WindowOf(r.start, r.end);
    const bool all = r.rows.size() == n;
    auto column = [&](size_t c) { return all ? rows.column(c) : rows.column(c)->Take(r.rows); };
    std::vector<VectorPtr> keys;
    for (size_t k = 0; k < nk; ++k) {
      if (k != window_key_) keys.push_back(column(k));
    }
    const size_t m = r.rows.size();
    w.table.FindOrInsert(keys, m, &ids);
    size_t col = nk;
    for (auto& acc : w.accs) {
      acc->Resize(w.table.size());
      size_t ns = acc->StateTypes().size();
      std::vector<VectorPtr> state;
      for (size_t s = 0; s < ns; ++s) state.push_back(column(col + s));
      acc->Merge(state, ids.data(), m);
      col += ns;
    }
    w.touched.resize(w.table.size(), 0);
    largest_window_ = std::max(largest_window_, w.table.size());
    for (uint32_t g : ids) {
      w.num_touched += w.touched[g] == 0;
      w.touched[g] = 1;
    }
  }
}

std::vector<std::unique_ptr<WindowedGroupState::Window>> WindowedGroupState::Evict(int64_t watermark_ms) {
  std::vector<std::unique_ptr<Window>> out;
  for (auto it = windows_.begin(); it != windows_.end();) {
    if (it->second->end / 1000 <= watermark_ms) {
      out.push_back(std::move(it->second));
      it = windows_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::vector<VectorPtr> WindowedGroupState::Keys(const Window& w, const SelectionVector* sel) const {
  const size_t n = sel ? sel->size() : w.table.size();
  std::vector<VectorPtr> out;
  size_t other = 0;
  for (size_t k = 0; k < key_types_.size(); ++k) {
    if (k != window_key_) {
      const VectorPtr& v = w.table.keys()[other++];
      out.push_back(sel ? v->Take(*sel) : v);
      continue;
    }
    const TypePtr& type = key_types_[k];
    auto window = std::make_shared<Vector>(type);
    for (size_t f = 0; f < 2; ++f) {
      auto bound = std::make_shared<Vector>(type->fields()[f].type);
      bound->ResizeForOverwrite(n);
      std::fill_n(bound->data<int64_t>(), n, f == 0 ? w.start : w.end);
      window->mutable_child(f) = std::move(bound);
    }
    window->Resize(n);
    out.push_back(std::move(window));
  }
  return out;
}

size_t WindowedGroupState::num_groups() const {
  size_t n = 0;
  for (const auto& [start, w] : windows_) n += w->table.size();
  return n;
}

size_t WindowedGroupState::num_touched() const {
  size_t n = 0;
  for (const auto& [start, w] : windows_) n += w->num_touched;
  return n;
}

}  // namespace sluice
