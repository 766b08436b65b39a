#pragma once
// The store's one PostgreSQL connection, with the reconnect policy of candle_store: a call that
// fails because the connection is gone (pg_errc::connection or pg_errc::in_doubt) marks it broken, and
// the next call first replaces it with pg_client::reconnect() (which re-prepares every statement)
// and re-applies the session settings. The failing call itself is not retried: the caller owns
// the retry policy (db_writer backs off). Not thread-safe.
#include <pqxx/pqxx>

#include <chrono>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>

#include "runtime/postgres/client.hpp"
#include "runtime/result.hpp"

namespace cs::runtime {

class store_connection {
public:
  // statement_timeout: zero means none.
  static result<store_connection, pg_error> open(const std::string& conn_string,
                                                 std::chrono::milliseconds statement_timeout);

  // Declared now and again after every reconnect.
  result<void, pg_error> prepare(std::string name, std::string sql);

  // Runs body in one transaction and commits it; any exception rolls back and becomes a
  // pg_error. body is either `R(pqxx::work&)` or `R(pqxx::work&, bool& roll_back)`: setting
  // roll_back makes the transaction end in ROLLBACK while R is still returned.
  template <class F>
  auto transact(F&& body);

  // Server process id of the current connection (tests use it to kill the connection).
  result<int, pg_error> backend_pid();

  // Counts the connections this object opened (1 after open(), +1 per reconnect). Together with
  // backend_pid() it tells per-session state (temp tables) apart from one of an earlier session.
  std::uint64_t generation() const { return generation_; }

private:
  store_connection(pg_client client, std::chrono::milliseconds statement_timeout)
    : client_(std::move(client)), statement_timeout_(statement_timeout) {}

  result<void, pg_error> ensure_connected();
  result<void, pg_error> apply_session_settings();
  void note(const pg_error& error);

  pg_client client_;
  std::chrono::milliseconds statement_timeout_;
  bool broken_ = false;
  std::uint64_t generation_ = 1;
};

template <class F>
auto store_connection::transact(F&& body) {
  constexpr bool wants_roll_back = std::is_invocable_v<F&, pqxx::work&, bool&>;
  using value_type =
    typename std::conditional_t<wants_roll_back, std::invoke_result<F&, pqxx::work&, bool&>,
                                std::invoke_result<F&, pqxx::work&>>::type;
  using out = result<value_type, pg_error>;
  if (auto connected = ensure_connected(); !connected)
    return out{connected.error()};
  try {
    pqxx::work tx{client_.connection()};
    bool roll_back = false;
    auto finish = [&] {
      if (roll_back)
        tx.abort();
      else
        tx.commit();
    };
    if constexpr (std::is_void_v<value_type>) {
      if constexpr (wants_roll_back)
        body(tx, roll_back);
      else
        body(tx);
      finish();
      return out{};
    } else {
      value_type value = [&] {
        if constexpr (wants_roll_back)
          return body(tx, roll_back);
        else
          return body(tx);
      }();
      finish();
      return out{std::move(value)};
    }
  } catch (...) {
    const pg_error error = pg_client::classify_current_exception();
    note(error);
    return out{error};
  }
}

} // namespace cs::runtime
