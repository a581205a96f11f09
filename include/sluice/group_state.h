// Arbitrary stateful processing (Spark's mapGroupsWithState / flatMapGroupsWithState): a user
// function sees, per key and micro-batch, the key, the new rows of the key and a GroupState<S>
// holding the key's state between batches, with optional processing-time or event-time timeouts.
//
// State values are user types, stored through StateCodec<S>: provided for arithmetic types,
// std::string, std::vector, std::map, std::pair and std::optional of those; specialize
// StateCodec<YourType> (static Encode/Decode) for your own types.
//
// The enum values keep Spark's names (GroupStateTimeout::ProcessingTimeTimeout) on purpose.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sluice/exception.h"

namespace sluice {

enum class GroupStateTimeout { NoTimeout, ProcessingTimeTimeout, EventTimeTimeout };

/// Type-erased state of one key during one function call (what GroupState<S> wraps). Semantics
/// are Spark's GroupStateImpl: the timeout must be set again on every call that wants one.
class GroupStateHandle {
 public:
  static constexpr int64_t kNoTimestamp = -1;

  GroupStateHandle(std::optional<std::string> value, int64_t batch_processing_time_ms,
                   int64_t watermark_ms, GroupStateTimeout timeout, bool has_timed_out,
                   bool watermark_present)
      : value_(std::move(value)), batch_time_ms_(batch_processing_time_ms),
        watermark_ms_(watermark_ms), timeout_(timeout), has_timed_out_(has_timed_out),
        watermark_present_(watermark_present) {}

  bool exists() const { return value_.has_value(); }
  /// REQUIRES: exists().
  const std::string& bytes() const { return *value_; }
  void Update(std::string bytes) {
    value_ = std::move(bytes);
    updated_ = true;
    removed_ = false;
  }
  void Remove() {
    value_.reset();
    removed_ = true;
    updated_ = false;
  }
  bool hasTimedOut() const { return has_timed_out_; }
  /// Processing-time timeout `duration_ms` after the batch's processing time.
  void SetTimeoutDuration(int64_t duration_ms);
  void SetTimeoutDuration(const std::string& duration);
  /// Event-time timeout at `timestamp_ms` (must be after the current watermark).
  void SetTimeoutTimestamp(int64_t timestamp_ms);
  int64_t getCurrentProcessingTimeMs() const { return batch_time_ms_; }
  /// Throws if the query has no watermark.
  int64_t getCurrentWatermarkMs() const;

  bool updated() const { return updated_; }
  bool removed() const { return removed_; }
  int64_t timeout_timestamp_ms() const { return timeout_ts_; }

 private:
  std::optional<std::string> value_;
  int64_t batch_time_ms_;
  int64_t watermark_ms_;
  GroupStateTimeout timeout_;
  bool has_timed_out_;
  bool watermark_present_;
  bool updated_ = false;
  bool removed_ = false;
  int64_t timeout_ts_ = kNoTimestamp;
};

// ---- state codecs ----
template <typename T, typename Enable = void>
struct StateCodec;

template <typename T>
struct StateCodec<T, std::enable_if_t<std::is_arithmetic_v<T>>> {
  static std::string Encode(const T& v) { return std::string(reinterpret_cast<const char*>(&v), sizeof v); }
  static T Decode(std::string_view s) {
    T v{};
    if (s.size() != sizeof v) throw IoError("corrupt state value: wrong size for an arithmetic state");
    std::memcpy(&v, s.data(), sizeof v);
    return v;
  }
};

template <>
struct StateCodec<std::string> {
  static std::string Encode(const std::string& v) { return v; }
  static std::string Decode(std::string_view s) { return std::string(s); }
};

namespace state_codec_internal {
inline void PutLength(std::string* out, uint64_t n) { out->append(reinterpret_cast<const char*>(&n), 8); }
inline std::string_view TakePiece(std::string_view* in) {
  if (in->size() < 8) throw IoError("corrupt state value: truncated");
  uint64_t n;
  std::memcpy(&n, in->data(), 8);
  in->remove_prefix(8);
  if (n > in->size()) throw IoError("corrupt state value: truncated");
  std::string_view piece = in->substr(0, n);
  in->remove_prefix(n);
  return piece;
}
}  // namespace state_codec_internal

template <typename T>
struct StateCodec<std::vector<T>> {
  static std::string Encode(const std::vector<T>& v) {
    std::string out;
    state_codec_internal::PutLength(&out, v.size());
    for (const auto& e : v) {
      std::string b = StateCodec<T>::Encode(e);
      state_codec_internal::PutLength(&out, b.size());
      out += b;
    }
    return out;
  }
  static std::vector<T> Decode(std::string_view s) {
    if (s.size() < 8) throw IoError("corrupt state value: truncated");
    uint64_t n;
    std::memcpy(&n, s.data(), 8);
    s.remove_prefix(8);
    std::vector<T> out;
    for (uint64_t i = 0; i < n; ++i) out.push_back(StateCodec<T>::Decode(state_codec_internal::TakePiece(&s)));
    return out;
  }
};

template <typename A, typename B>
struct StateCodec<std::pair<A, B>> {
  static std::string Encode(const std::pair<A, B>& v) {
    std::string out, a = StateCodec<A>::Encode(v.first), b = StateCodec<B>::Encode(v.second);
    state_codec_internal::PutLength(&out, a.size());
    out += a;
    state_codec_internal::PutLength(&out, b.size());
    return out + b;
  }
  static std::pair<A, B> Decode(std::string_view s) {
    auto a = state_codec_internal::TakePiece(&s);
    auto b = state_codec_internal::TakePiece(&s);
    return {StateCodec<A>::Decode(a), StateCodec<B>::Decode(b)};
  }
};

template <typename K, typename V>
struct StateCodec<std::map<K, V>> {
  static std::string Encode(const std::map<K, V>& m) {
    return StateCodec<std::vector<std::pair<K, V>>>::Encode(std::vector<std::pair<K, V>>(m.begin(), m.end()));
  }
  static std::map<K, V> Decode(std::string_view s) {
    auto v = StateCodec<std::vector<std::pair<K, V>>>::Decode(s);
    return std::map<K, V>(v.begin(), v.end());
  }
};

template <typename T>
struct StateCodec<std::optional<T>> {
  static std::string Encode(const std::optional<T>& v) { return v ? "1" + StateCodec<T>::Encode(*v) : "0"; }
  static std::optional<T> Decode(std::string_view s) {
    if (s.empty()) throw IoError("corrupt state value: empty optional");
    if (s[0] == '0') return std::nullopt;
    return StateCodec<T>::Decode(s.substr(1));
  }
};

/// The state of one key, typed (Spark's GroupState[S]).
template <typename S>
class GroupState {
 public:
  explicit GroupState(GroupStateHandle& handle) : h_(handle) {}

  bool exists() const { return h_.exists(); }
  /// Throws if the state does not exist (as Spark's NoSuchElementException).
  S get() const {
    if (!h_.exists()) {
      throw ExecutionError("State is either not defined or has already been removed");
    }
    return StateCodec<S>::Decode(h_.bytes());
  }
  std::optional<S> getOption() const {
    if (!h_.exists()) return std::nullopt;
    return get();
  }
  void update(const S& value) { h_.Update(StateCodec<S>::Encode(value)); }
  void remove() { h_.Remove(); }
  bool hasTimedOut() const { return h_.hasTimedOut(); }
  void setTimeoutDuration(int64_t duration_ms) { h_.SetTimeoutDuration(duration_ms); }
  void setTimeoutDuration(const std::string& duration) { h_.SetTimeoutDuration(duration); }
  void setTimeoutTimestamp(int64_t timestamp_ms) { h_.SetTimeoutTimestamp(timestamp_ms); }
  int64_t getCurrentProcessingTimeMs() const { return h_.getCurrentProcessingTimeMs(); }
  int64_t getCurrentWatermarkMs() const { return h_.getCurrentWatermarkMs(); }

 private:
  GroupStateHandle& h_;
};

}  // namespace sluice
