#include "runtime/postgres/store/pg_array.hpp"

#include <array>
#include <charconv>
#include <stdexcept>
#include <utility>

namespace cs::runtime {

namespace {
// Room for any int64 or shortest double text ("-1.2345678901234567e-308" is 24 characters).
constexpr std::size_t number_buffer_size = 32;
// Rough text size per element, to reserve once instead of growing many times.
constexpr std::size_t reserve_per_element = 20;

template <class T>
std::string_view to_text(std::array<char, number_buffer_size>& buffer, T value) {
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  if (ec != std::errc{})
    throw std::logic_error("pg_array_literal: number does not fit its buffer");
  return {buffer.data(), static_cast<std::size_t>(end - buffer.data())};
}
} // namespace

pg_array_literal::pg_array_literal(std::size_t expected_elements) {
  text_.reserve(2 + expected_elements * reserve_per_element);
  text_ += '{';
}

void pg_array_literal::separate() {
  if (!empty_)
    text_ += ',';
  empty_ = false;
}

void pg_array_literal::add(std::int64_t value) {
  std::array<char, number_buffer_size> buffer{};
  separate();
  text_ += to_text(buffer, value);
}

void pg_array_literal::add(double value) {
  std::array<char, number_buffer_size> buffer{};
  separate();
  text_ += to_text(buffer, value);
}

void pg_array_literal::add(bool value) {
  separate();
  text_ += value ? 't' : 'f';
}

void pg_array_literal::add_text(std::string_view value) {
  separate();
  text_ += '"';
  for (const char c : value) {
    if (c == '"' || c == '\\')
      text_ += '\\';
    text_ += c;
  }
  text_ += '"';
}

void pg_array_literal::add_raw(std::string_view literal) {
  separate();
  text_ += literal;
}

std::string pg_array_literal::take() {
  text_ += '}';
  std::string out = std::move(text_);
  // clear() + append rather than `= "{"`: GCC 12 warns falsely (-Wrestrict) on the latter.
  text_.clear();
  text_ += '{';
  empty_ = true;
  return out;
}

} // namespace cs::runtime
