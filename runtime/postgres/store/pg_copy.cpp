#include "runtime/postgres/store/pg_copy.hpp"

#include <libpq-fe.h>

#include <bit>
#include <cstdlib>
#include <memory>
#include <type_traits>

#include "messages/size_units.hpp"

namespace cs::runtime {

namespace {

// libpqxx 6.4 keeps the libpq handle private; largeobject hands it to its subclasses (a static
// protected accessor of the public API), which is all this needs. The COPY runs on the same
// connection and inside the same transaction as every other statement of tx.
struct raw_handle : pqxx::largeobject {
  static PGconn* of(const pqxx::dbtransaction& tx) { return pqxx::largeobject::raw_connection(tx); }
};

// Large enough that the per-call overhead vanishes, small enough that the server starts parsing
// while later chunks are still on the way.
constexpr std::size_t copy_chunk_bytes = 256 * 1024;
// Binary size of one candle row with short texts, to reserve once.
constexpr std::size_t bytes_per_row_estimate = 220;

// PostgreSQL's binary COPY format: a signature, a flags word and a header extension length
// (both 0); then per row a field count and per field its length and bytes, all integers in
// network byte order; then a field count of -1.
constexpr char copy_signature[] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n', '\0'};

template <class Int>
void append_be(std::string& out, Int v) {
  using U = std::make_unsigned_t<Int>;
  const auto u = static_cast<U>(v);
  for (int shift = 8 * static_cast<int>(sizeof(U) - 1); shift >= 0; shift -= 8)
    out += static_cast<char>((u >> shift) & 0xff);
}

void append_field(std::string& out, std::string_view bytes) {
  append_be(out, static_cast<std::int32_t>(bytes.size()));
  out.append(bytes);
}

void append_field(std::string& out, std::int64_t v) {
  append_be(out, std::int32_t{8});
  append_be(out, v);
}

void append_field(std::string& out, double v) {
  append_be(out, std::int32_t{8});
  append_be(out, std::bit_cast<std::uint64_t>(v));
}

void append_field(std::string& out, bool v) {
  append_be(out, std::int32_t{1});
  out += v ? '\1' : '\0';
}

// numeric_recv's input: digit count, weight (of the first digit, in powers of 10000), sign,
// display scale, then base-10000 digits, most significant first. A sum of size units is an
// integer of 1e-8 sizes, so its fraction is exactly two base-10000 digits; the server strips
// zero digits and checks numeric(40,8) as for any other input.
void append_size_field(std::string& out, const size_sum& s) {
  constexpr unsigned __int128 units_per_size = 100'000'000;
  constexpr std::uint16_t base = 10'000;
  const unsigned __int128 units = s.value();
  unsigned __int128 whole = units / units_per_size;
  const auto fraction = static_cast<std::uint32_t>(units % units_per_size);
  std::uint16_t digits[12]; // 2^128 / 1e8 < 10000^8: at most 8 whole digits, then 2 fraction
  int whole_digits = 0;
  for (; whole != 0; whole /= base) digits[whole_digits++] = static_cast<std::uint16_t>(whole % base);
  const int count = whole_digits + 2;
  append_be(out, static_cast<std::int32_t>(8 + 2 * count));
  append_be(out, static_cast<std::int16_t>(count));
  append_be(out, static_cast<std::int16_t>(whole_digits - 1)); // weight
  append_be(out, std::uint16_t{0});                            // NUMERIC_POS
  append_be(out, static_cast<std::uint16_t>(size_fraction_digits));
  for (int i = whole_digits - 1; i >= 0; --i) append_be(out, digits[i]);
  append_be(out, static_cast<std::uint16_t>(fraction / base));
  append_be(out, static_cast<std::uint16_t>(fraction % base));
}

struct result_deleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using result_ptr = std::unique_ptr<PGresult, result_deleter>;

[[noreturn]] void throw_failure(PGconn* conn, const PGresult* res, std::string_view what) {
  std::string message{what};
  message += ": ";
  message += res != nullptr ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  if (PQstatus(conn) != CONNECTION_OK)
    throw pqxx::broken_connection{message};
  const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  throw pqxx::sql_error{message, std::string{what}, state};
}

} // namespace

void encode_copy_rows(std::string& out, const std::vector<checkpoint_row>& rows, fresh_column fresh) {
  out.clear();
  out.reserve(sizeof copy_signature + 10 + rows.size() * bytes_per_row_estimate);
  out.append(copy_signature, sizeof copy_signature);
  append_be(out, std::int32_t{0}); // flags
  append_be(out, std::int32_t{0}); // header extension length
  const auto fields = static_cast<std::int16_t>(fresh == fresh_column::append ? 17 : 16);
  for (const auto& row : rows) {
    const candle& c = *row.value;
    append_be(out, fields);
    append_field(out, std::string_view{c.symbol});
    append_field(out, std::string_view{c.iv.to_string()});
    append_field(out, std::int64_t{c.open_time});
    append_field(out, std::int64_t{c.close_time});
    for (const double v : {c.bar.open, c.bar.high, c.bar.low, c.bar.close}) append_field(out, v);
    append_field(out, static_cast<std::int64_t>(c.bar.volume));
    append_size_field(out, c.bar.bid_size);
    append_size_field(out, c.bar.ask_size);
    for (const std::int64_t v : {c.bar.first.ts, c.bar.first.offset, c.bar.last.ts, c.bar.last.offset})
      append_field(out, v);
    append_field(out, row.closed);
    if (fresh == fresh_column::append) append_field(out, row.fresh);
  }
  append_be(out, std::int16_t{-1});
}

std::size_t copy_rows_in(pqxx::dbtransaction& tx, std::string_view target, std::string_view data) {
  PGconn* conn = raw_handle::of(tx);
  if (conn == nullptr)
    throw pqxx::broken_connection{"COPY: no connection"};
  const std::string command = "COPY " + std::string{target} + " FROM STDIN (FORMAT binary)";
  result_ptr started{PQexec(conn, command.c_str())};
  if (!started || PQresultStatus(started.get()) != PGRES_COPY_IN)
    throw_failure(conn, started.get(), command);
  started.reset();

  bool sent = true;
  for (std::size_t at = 0; at < data.size() && sent; at += copy_chunk_bytes) {
    const std::string_view chunk = data.substr(at, copy_chunk_bytes);
    sent = PQputCopyData(conn, chunk.data(), static_cast<int>(chunk.size())) == 1;
  }
  // Ending the COPY is required even after a failed send: otherwise the connection stays in
  // COPY mode. A failed send is reported through the COPY's result or the connection state.
  const bool ended = PQputCopyEnd(conn, sent ? nullptr : "client failed to send COPY data") == 1;

  // Every result must be read before the connection takes another command.
  result_ptr failed;
  std::size_t copied = 0;
  for (result_ptr res{PQgetResult(conn)}; res; res.reset(PQgetResult(conn))) {
    if (PQresultStatus(res.get()) == PGRES_COMMAND_OK) {
      copied = static_cast<std::size_t>(std::strtoull(PQcmdTuples(res.get()), nullptr, 10));
    } else if (!failed) {
      failed = std::move(res);
    }
    if (PQstatus(conn) != CONNECTION_OK)
      break;
  }
  if (failed || !sent || !ended)
    throw_failure(conn, failed.get(), command);
  return copied;
}

} // namespace cs::runtime
