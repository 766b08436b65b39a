#pragma once
// A value or the reason it could not be produced. Calls on hot paths (produce, poll, queries)
// return this instead of throwing, so a dependency outage is an ordinary value the caller handles.
// std::expected would do, but it is C++23.
#include <string>
#include <utility>
#include <variant>

namespace cs::runtime {

// The error of a subsystem: a named code (an errc enum with a doc line per value, e.g.
// runtime/redis/errc.hpp) that callers act on, and a reason that names what failed, for logs.
template <class Errc>
struct coded_error {
  Errc code{};
  std::string reason;
};

// The error of edge code (command-line tools validating their input), where the only thing to
// do with a failure is to print it: a human-readable reason that names what failed.
struct failure {
  std::string reason;
};

template <class T, class E = failure>
class [[nodiscard]] result {
public:
  result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  result(E error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const E& error() const { return std::get<1>(state_); }

private:
  std::variant<T, E> state_;
};

// Success carries nothing.
template <class E>
class [[nodiscard]] result<void, E> {
public:
  result() = default;
  result(E error) : error_(std::move(error)), failed_(true) {}

  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const E& error() const { return error_; }

private:
  E error_{};
  bool failed_ = false;
};

using status = result<void>;

} // namespace cs::runtime
