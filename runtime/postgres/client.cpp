#include "runtime/postgres/client.hpp"

#include <exception>

namespace cs::runtime {

namespace {

pg_error make_error(pg_errc code, std::string reason, std::string sqlstate = {}) {
  return pg_error{code, std::move(sqlstate), std::move(reason)};
}

} // namespace

pg_error pg_client::classify_current_exception() {
  // in_doubt is told apart from a plain lost connection: retrying blindly could apply the
  // transaction twice, so the caller must first check what the database holds.
  try {
    throw;
  } catch (const pqxx::in_doubt_error& e) {
    return make_error(pg_errc::in_doubt,
                      std::string{"postgres commit in doubt: "} + e.what());
  } catch (const pqxx::broken_connection& e) {
    return make_error(pg_errc::connection, std::string{"postgres connection: "} + e.what());
  } catch (const pqxx::sql_error& e) {
    return make_error(pg_errc::sql, std::string{"postgres: "} + e.what(), e.sqlstate());
  } catch (const std::exception& e) {
    return make_error(pg_errc::other, std::string{"postgres client: "} + e.what());
  } catch (...) {
    return make_error(pg_errc::other, "postgres client: unknown exception");
  }
}

pg_client::pg_client(std::string connection_string, std::unique_ptr<pqxx::connection> conn)
  : connection_string_(std::move(connection_string)), conn_(std::move(conn)) {}

pg_client::pg_client(pg_client&&) noexcept = default;
pg_client& pg_client::operator=(pg_client&&) noexcept = default;
pg_client::~pg_client() = default;

result<pg_client, pg_error> pg_client::connect(std::string connection_string) {
  try {
    auto conn = std::make_unique<pqxx::connection>(connection_string);
    return pg_client{std::move(connection_string), std::move(conn)};
  } catch (...) {
    return classify_current_exception();
  }
}

result<void, pg_error> pg_client::prepare(std::string name, std::string sql) {
  try {
    conn_->prepare(name, sql);
  } catch (...) {
    return classify_current_exception();
  }
  prepared_.emplace_back(std::move(name), std::move(sql));
  return {};
}

result<void, pg_error> pg_client::reconnect() {
  try {
    auto fresh = std::make_unique<pqxx::connection>(connection_string_);
    for (const auto& [name, sql] : prepared_)
      fresh->prepare(name, sql);
    conn_ = std::move(fresh);
  } catch (...) {
    return classify_current_exception();
  }
  return {};
}

bool pg_client::is_open() const {
  return conn_ && conn_->is_open();
}

} // namespace cs::runtime
