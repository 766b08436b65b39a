#include "runtime/postgres/store/pg_copy.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <memory>

#include "messages/number_format.hpp"
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
// Rough text size of one candle line, to reserve once.
constexpr std::size_t bytes_per_row_estimate = 200;

void append_text(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
    case '\\': out += "\\\\"; break;
    case '\t': out += "\\t"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    default: out += c;
    }
  }
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

void append_copy_rows(std::string& out, const std::vector<checkpoint_row>& rows) {
  out.reserve(out.size() + rows.size() * bytes_per_row_estimate);
  for (const auto& row : rows) {
    const candle& c = *row.value;
    append_text(out, c.symbol);
    out += '\t';
    append_text(out, c.iv.to_string());
    for (const std::int64_t v : {c.open_time, c.close_time}) {
      out += '\t';
      append_number(out, v);
    }
    for (const double v : {c.bar.open, c.bar.high, c.bar.low, c.bar.close}) {
      out += '\t';
      append_number(out, v);
    }
    out += '\t';
    append_number(out, static_cast<std::int64_t>(c.bar.volume));
    out += '\t';
    out += format_size_sum(c.bar.bid_size);
    out += '\t';
    out += format_size_sum(c.bar.ask_size);
    for (const std::int64_t v : {c.bar.first.ts, c.bar.first.offset, c.bar.last.ts, c.bar.last.offset}) {
      out += '\t';
      append_number(out, v);
    }
    out += row.closed ? "\tt\n" : "\tf\n";
  }
}

std::size_t copy_from_text(pqxx::dbtransaction& tx, std::string_view target, std::string_view data) {
  PGconn* conn = raw_handle::of(tx);
  if (conn == nullptr)
    throw pqxx::broken_connection{"COPY: no connection"};
  const std::string command = "COPY " + std::string{target} + " FROM STDIN";
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
