#pragma once
// Shared helpers of the candle_store integration tests: opening the store (FAIL, never skip, when
// PostgreSQL is not there), names unique per run, candle builders, and a guard that removes what a
// test wrote from the shared database even when the test fails midway.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "messages/candle.hpp"
#include "messages/interval.hpp"
#include "messages/time.hpp"
#include "runtime/postgres/client.hpp"
#include "runtime/config/service_endpoints.hpp"
#include "runtime/postgres/store/candle_store.hpp"
#include "tests/integration/test_support.hpp"

namespace cs::test::store {

namespace rt = cs::runtime;
// Test files say `using namespace cs::test::store;`; these come with it.
using cs::candle;
using cs::interval;

// 2024-11-25 00:00:00 UTC, a Monday: a realistic recent bucket start for every interval but 1M.
inline constexpr timestamp_ns base_time = 1'732'492'800 * ns_per_s;
// 2100-01-01 00:00:00 UTC: far beyond any premade partition.
inline constexpr timestamp_ns year_2100 = 4'102'444'800 * ns_per_s;

inline const interval one_minute = interval::fixed(ns_per_min);

inline std::string where(const rt::service_endpoints& ep) {
  return ep.postgres_address();
}

// application_name lets a test find (and kill) the store's server process.
inline std::string connection_string(const std::string& database = {},
                                     const std::string& application_name = "candle-store-it") {
  auto params = rt::service_endpoints_from_env().postgres();
  if (!database.empty())
    params.database = database;
  params.application_name = application_name;
  return rt::pg_connection_string(params);
}

inline rt::candle_store open_store(const std::string& conn_string = connection_string(),
                                   rt::store_options options = {}) {
  auto store = rt::candle_store::open(conn_string, options);
  if (!store) {
    if (store.error().code == rt::pg_errc::connection)
      fail_service_unavailable("PostgreSQL", where(rt::service_endpoints_from_env()),
                               store.error().reason);
    FAIL("candle_store::open failed: " << store.error().reason);
  }
  return std::move(store).value();
}

// A plain connection for checks the store API does not offer (catalogs, cleanup, killing).
inline rt::pg_client admin_client(const std::string& conn_string = connection_string()) {
  auto client = rt::pg_client::connect(conn_string);
  if (!client)
    fail_service_unavailable("PostgreSQL", where(rt::service_endpoints_from_env()),
                             client.error().reason);
  return std::move(client).value();
}

// Names that no other run uses: "IT<suffix>" symbols (valid: [A-Za-z0-9._:/-]) and a topic.
struct run_names {
  std::string suffix = unique_suffix();
  std::string symbol_prefix = "IT" + suffix;
  std::string topic = "it-store-" + suffix;
  std::string symbol(const std::string& tail) const { return symbol_prefix + "." + tail; }
};

// Deletes the run's candles, series and checkpoint rows when the test ends, passed or failed.
class cleanup_guard {
public:
  explicit cleanup_guard(const run_names& names) : names_(names), admin_(admin_client()) {}
  cleanup_guard(const cleanup_guard&) = delete;
  cleanup_guard& operator=(const cleanup_guard&) = delete;
  ~cleanup_guard() {
    // Best effort: a failure here must not hide the test's own result.
    (void)admin_.transact([&](pqxx::work& tx) {
      tx.exec_params("DELETE FROM candles WHERE starts_with(symbol, $1)", names_.symbol_prefix);
      tx.exec_params("DELETE FROM candle_series WHERE starts_with(symbol, $1)", names_.symbol_prefix);
      tx.exec_params("DELETE FROM partition_checkpoint WHERE topic = $1", names_.topic);
    });
  }
  rt::pg_client& admin() { return admin_; }

private:
  run_names names_;
  rt::pg_client admin_;
};

struct candle_spec {
  double open = 100.0;
  double high = 101.0;
  double low = 99.0;
  double close = 100.5;
  std::uint64_t volume = 3;
  size_sum bid_size = size_sum::of(150'000'000);
  size_sum ask_size = size_sum::of(250'000'001);
  std::int64_t first_offset = 10;
  std::int64_t last_offset = 12;
};

// A sound candle of the bucket of `iv` that holds t (check_candle passes).
inline candle make_candle(const std::string& symbol, const interval& iv, timestamp_ns t,
                          const candle_spec& spec = {}, bool closed = false) {
  candle c;
  c.symbol = symbol;
  c.iv = iv;
  c.open_time = iv.bucket_start(t);
  c.close_time = iv.bucket_end(c.open_time);
  c.bar.open = spec.open;
  c.bar.high = spec.high;
  c.bar.low = spec.low;
  c.bar.close = spec.close;
  c.bar.volume = spec.volume;
  c.bar.bid_size = spec.bid_size;
  c.bar.ask_size = spec.ask_size;
  c.bar.first = {c.open_time, spec.first_offset};
  c.bar.last = {c.close_time - 1, spec.last_offset};
  c.closed = closed;
  return c;
}

inline candle as_closed(candle c, bool closed = true) {
  c.closed = closed;
  return c;
}

// The order claim_partition and all_candles return: symbol, interval text, open_time.
inline std::vector<candle> sorted(std::vector<candle> v) {
  std::sort(v.begin(), v.end(), [](const candle& a, const candle& b) {
    const auto ia = a.iv.to_string();
    const auto ib = b.iv.to_string();
    return std::tie(a.symbol, ia, a.open_time) < std::tie(b.symbol, ib, b.open_time);
  });
  return v;
}

template <class T>
T require_ok(rt::result<T, rt::pg_error> r) {
  REQUIRE(failure_reason(r) == "");
  return std::move(r).value();
}

inline void require_ok(const rt::result<void, rt::pg_error>& r) {
  REQUIRE(failure_reason(r) == "");
}

} // namespace cs::test::store

// Failure messages show every field, prices as hex floats so a one-bit difference is visible.
template <>
struct Catch::StringMaker<cs::candle> {
  static std::string convert(const cs::candle& c) {
    constexpr std::size_t price_text_size = 160;
    char prices[price_text_size];
    std::snprintf(prices, sizeof prices, "o=%a h=%a l=%a c=%a", c.bar.open, c.bar.high, c.bar.low,
                  c.bar.close);
    return "{" + c.symbol + " " + c.iv.to_string() + " [" + std::to_string(c.open_time) + ","
           + std::to_string(c.close_time) + ") " + prices + " v=" + std::to_string(c.bar.volume)
           + " bid=" + cs::format_size_sum(c.bar.bid_size) + " ask="
           + cs::format_size_sum(c.bar.ask_size) + " first=(" + std::to_string(c.bar.first.ts) + ","
           + std::to_string(c.bar.first.offset) + ") last=(" + std::to_string(c.bar.last.ts) + ","
           + std::to_string(c.bar.last.offset) + ")" + (c.closed ? " closed" : " live") + "}";
  }
};
