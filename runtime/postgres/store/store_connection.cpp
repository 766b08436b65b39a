#include "runtime/postgres/store/store_connection.hpp"

namespace cs::runtime {

result<store_connection, pg_error> store_connection::open(const std::string& conn_string,
                                                          std::chrono::milliseconds statement_timeout) {
  auto client = pg_client::connect(conn_string);
  if (!client)
    return client.error();
  store_connection conn{std::move(client).value(), statement_timeout};
  if (auto settings = conn.apply_session_settings(); !settings)
    return settings.error();
  return conn;
}

result<void, pg_error> store_connection::apply_session_settings() {
  try {
    auto& c = client_.connection();
    // Any value > 0 makes PostgreSQL 12+ print float8 in the shortest form that reads back to the
    // same double, so prices survive the text protocol bit for bit, whatever the server default.
    // set_variable (not a plain SET) because libpqxx restores these when it reactivates a
    // connection by itself.
    constexpr const char* exact_float_digits = "3";
    c.set_variable("extra_float_digits", exact_float_digits);
    c.set_variable("statement_timeout", std::to_string(statement_timeout_.count()));
  } catch (...) {
    const pg_error error = pg_client::classify_current_exception();
    note(error);
    return error;
  }
  return {};
}

result<void, pg_error> store_connection::prepare(std::string name, std::string sql) {
  if (auto connected = ensure_connected(); !connected)
    return connected;
  auto prepared = client_.prepare(std::move(name), std::move(sql));
  if (!prepared)
    note(prepared.error());
  return prepared;
}

result<int, pg_error> store_connection::backend_pid() {
  if (auto connected = ensure_connected(); !connected)
    return connected.error();
  try {
    return client_.connection().backendpid();
  } catch (...) {
    return pg_client::classify_current_exception();
  }
}

result<void, pg_error> store_connection::ensure_connected() {
  if (!broken_ && client_.is_open())
    return {};
  if (auto fresh = client_.reconnect(); !fresh)
    return fresh;
  broken_ = false;
  ++generation_;
  return apply_session_settings();
}

void store_connection::note(const pg_error& error) {
  // in_doubt also means the connection broke (during COMMIT).
  if (error.code == pg_errc::connection || error.code == pg_errc::in_doubt)
    broken_ = true;
}

} // namespace cs::runtime
