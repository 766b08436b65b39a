#pragma once
// A libpqxx connection that reports failures as values. libpqxx signals everything with
// exceptions; transact() is the boundary that turns them into a pg_error the caller can act on
// (retry with backoff on a lost connection, give up on bad SQL, re-check state when a commit's
// outcome is unknown). Not thread-safe: one connection per thread or actor.
#include <pqxx/pqxx>

#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "runtime/postgres/connection_params.hpp"
#include "runtime/result.hpp"

namespace cs::runtime {

// Why a PostgreSQL call failed; the code decides whether the caller retries.
enum class pg_errc : std::uint8_t {
  /// The connection was lost or refused: reconnect() and retry.
  connection,
  /// The server rejected a statement; sqlstate says why. Retrying the same statement will not help.
  sql,
  /// The connection broke during COMMIT: the transaction may or may not have committed.
  in_doubt,
  /// Misuse or a libpqxx conversion failure: a bug, retrying will not help.
  other,
};

struct pg_error {
  pg_errc code = pg_errc::other;
  std::string sqlstate; // five-character SQLSTATE for pg_errc::sql, e.g. "23505" (unique_violation)
  std::string reason;
};

class pg_client {
public:
  static result<pg_client, pg_error> connect(std::string connection_string);
  static result<pg_client, pg_error> connect(const pg_connection_params& params) {
    return connect(pg_connection_string(params));
  }

  pg_client(pg_client&&) noexcept;
  pg_client& operator=(pg_client&&) noexcept;
  ~pg_client();

  // Declares a prepared statement; it is declared again on every reconnect().
  result<void, pg_error> prepare(std::string name, std::string sql);
  // Replaces the connection with a fresh one (same string, same prepared statements).
  result<void, pg_error> reconnect();
  bool is_open() const;
  const std::string& connection_string() const { return connection_string_; }
  // For what this wrapper does not cover; exceptions from it are the caller's to catch.
  pqxx::connection& connection() { return *conn_; }

  // Runs `body(pqxx::work&)` in one transaction and commits it. Whatever body returns is the
  // value; any exception (from libpqxx or from body) rolls back and becomes a pg_error.
  template <class F>
  auto transact(F&& body) -> result<std::invoke_result_t<F&, pqxx::work&>, pg_error> {
    using value_type = std::invoke_result_t<F&, pqxx::work&>;
    try {
      pqxx::work tx{*conn_};
      if constexpr (std::is_void_v<value_type>) {
        body(tx);
        tx.commit();
        return {};
      } else {
        value_type value = body(tx);
        tx.commit();
        return value;
      }
    } catch (...) {
      return classify_current_exception();
    }
  }

  // Turns the exception being handled into a pg_error; only valid inside a catch block.
  static pg_error classify_current_exception();

private:
  pg_client(std::string connection_string, std::unique_ptr<pqxx::connection> conn);

  std::string connection_string_;
  std::unique_ptr<pqxx::connection> conn_;
  std::vector<std::pair<std::string, std::string>> prepared_; // name, sql; in declaration order
};

} // namespace cs::runtime
