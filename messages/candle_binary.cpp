#include "messages/candle_binary.hpp"

#include <bit>
#include <cstdint>

#include "messages/symbol.hpp"

namespace cs {
namespace {

static_assert(std::endian::native == std::endian::little, "candle_binary assumes a little-endian host");

void put_u64(std::string& out, std::uint64_t v) {
  char b[sizeof v];
  for (std::size_t i = 0; i < sizeof v; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out.append(b, sizeof v);
}
void put_i64(std::string& out, std::int64_t v) { put_u64(out, static_cast<std::uint64_t>(v)); }
void put_f64(std::string& out, double v) { put_u64(out, std::bit_cast<std::uint64_t>(v)); }

class reader {
public:
  explicit reader(std::string_view b) : b_(b) {}
  bool u8(std::uint8_t& v) {
    if (b_.size() < 1) return false;
    v = static_cast<std::uint8_t>(b_[0]);
    b_.remove_prefix(1);
    return true;
  }
  bool u64(std::uint64_t& v) {
    if (b_.size() < sizeof v) return false;
    v = 0;
    for (std::size_t i = 0; i < sizeof v; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(b_[i])) << (8 * i);
    b_.remove_prefix(sizeof v);
    return true;
  }
  bool i64(std::int64_t& v) {
    std::uint64_t u;
    if (!u64(u)) return false;
    v = static_cast<std::int64_t>(u);
    return true;
  }
  bool f64(double& v) {
    std::uint64_t u;
    if (!u64(u)) return false;
    v = std::bit_cast<double>(u);
    return true;
  }
  bool bytes(std::size_t n, std::string_view& v) {
    if (b_.size() < n) return false;
    v = b_.substr(0, n);
    b_.remove_prefix(n);
    return true;
  }
  bool done() const { return b_.empty(); }

private:
  std::string_view b_;
};

} // namespace

std::string encode_candle_binary(const candle& c) {
  std::string out;
  out.reserve(3 + c.symbol.size() + 17 * sizeof(std::uint64_t));
  out.push_back(static_cast<char>(candle_binary_format));
  out.push_back(static_cast<char>(c.symbol.size()));
  out.append(c.symbol);
  out.push_back(static_cast<char>(static_cast<std::uint8_t>(c.iv.kind) | (c.closed ? 0x80 : 0)));
  put_i64(out, c.iv.length);
  put_i64(out, c.open_time);
  put_i64(out, c.close_time);
  put_f64(out, c.bar.open);
  put_f64(out, c.bar.high);
  put_f64(out, c.bar.low);
  put_f64(out, c.bar.close);
  put_u64(out, c.bar.volume);
  put_u64(out, c.bar.bid_size.hi);
  put_u64(out, c.bar.bid_size.lo);
  put_u64(out, c.bar.ask_size.hi);
  put_u64(out, c.bar.ask_size.lo);
  put_i64(out, c.bar.first.ts);
  put_i64(out, c.bar.first.offset);
  put_i64(out, c.bar.last.ts);
  put_i64(out, c.bar.last.offset);
  return out;
}

std::string decode_candle_binary(std::string_view bytes, candle& out) {
  reader r(bytes);
  std::uint8_t format = 0, len = 0, kind_flags = 0;
  std::string_view sym;
  if (!r.u8(format)) return "empty";
  if (format != candle_binary_format) return "unknown candle format " + std::to_string(format);
  if (!r.u8(len) || !r.bytes(len, sym) || !r.u8(kind_flags)) return "truncated";
  if (!is_valid_symbol(sym)) return "bad symbol";
  const auto kind = static_cast<std::uint8_t>(kind_flags & 0x7f);
  if (kind > static_cast<std::uint8_t>(interval_kind::month)) return "bad interval kind";
  out.symbol.assign(sym);
  out.iv.kind = static_cast<interval_kind>(kind);
  out.closed = (kind_flags & 0x80) != 0;
  const bool ok = r.i64(out.iv.length) && r.i64(out.open_time) && r.i64(out.close_time) && r.f64(out.bar.open) &&
                  r.f64(out.bar.high) && r.f64(out.bar.low) && r.f64(out.bar.close) && r.u64(out.bar.volume) &&
                  r.u64(out.bar.bid_size.hi) && r.u64(out.bar.bid_size.lo) && r.u64(out.bar.ask_size.hi) &&
                  r.u64(out.bar.ask_size.lo) && r.i64(out.bar.first.ts) && r.i64(out.bar.first.offset) &&
                  r.i64(out.bar.last.ts) && r.i64(out.bar.last.offset);
  if (!ok) return "truncated";
  if (!r.done()) return "trailing bytes";
  return check_candle(out);
}

} // namespace cs
