#include <catch2/catch.hpp>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>

#include "actors/live_push/session_state.hpp"

using namespace cs;
using namespace cs::live;
using nlohmann::json;

namespace {

const candle_key btc{"BTCUSD", interval::fixed(ns_per_min)};
const candle_key eth{"ETHUSD", interval::fixed(ns_per_min)};
constexpr timestamp_ns base = 1'732'536'000 * ns_per_s; // a minute boundary
constexpr timestamp_ns t0 = base + 5 * ns_per_s;        // wall time
constexpr duration_ns ms = ns_per_ms;

timestamp_ns bucket(int i) { return base + i * ns_per_min; }

// Bucket i of `key`; `price` tells the states of one bucket apart.
candle make(const candle_key& key, int i, bool closed, double price = 100) {
  candle c;
  c.symbol = key.symbol;
  c.iv = key.iv;
  c.open_time = bucket(i);
  c.close_time = bucket(i + 1);
  c.bar = ohlcv::of_event(price, 1, 1, {bucket(i) + 1, i});
  c.closed = closed;
  return c;
}
candle upd(int i, double price = 100, const candle_key& key = btc) { return make(key, i, false, price); }
candle fin(int i, const candle_key& key = btc) { return make(key, i, true); }

struct frame {
  std::string symbol;
  timestamp_ns open_time;
  bool closed;
  double close;
  bool operator==(const frame&) const = default;
};

std::vector<frame> drain(session_state& s) {
  std::vector<frame> out;
  while (s.has_output()) {
    const auto j = json::parse(s.pop_output());
    REQUIRE(j["type"] == "candle");
    out.push_back({j["symbol"], j["openTimeNs"], j["closed"], j["close"]});
  }
  CHECK(s.queued_bytes() == 0);
  return out;
}

frame F(int i) { return {"BTCUSD", bucket(i), true, 100}; }
frame L(int i, double price) { return {"BTCUSD", bucket(i), false, price}; }

// session_limits has no defaults (the node sets it from the ws.* keys): the tests' own values,
// those keys' defaults at the time of writing.
session_limits test_limits() {
  session_limits limits;
  limits.live_interval = 250 * ms;
  limits.max_queue_bytes = 1 << 20;
  limits.max_subscriptions = 1000;
  return limits;
}

session_state fresh(duration_ns live_interval = 250 * ms) {
  auto limits = test_limits();
  limits.live_interval = live_interval;
  session_state s(limits);
  REQUIRE(s.subscribe(btc, std::nullopt) == session_state::add_result::added);
  return s;
}

} // namespace

TEST_CASE("ws session: live updates are coalesced per key, newest sent when due", "[ws]") {
  auto s = fresh();
  REQUIRE(s.subscribe(eth, std::nullopt) == session_state::add_result::added);
  s.on_live(upd(0, 1), t0); // nothing sent yet: goes out now
  for (int k = 2; k <= 5; ++k) s.on_live(upd(0, k), t0 + k * 10 * ms);
  s.on_live(upd(0, 1, eth), t0 + 20 * ms); // another key has its own throttle
  CHECK(s.next_due() == t0 + 250 * ms);
  s.on_tick(t0 + 249 * ms);
  CHECK(drain(s) == std::vector<frame>{L(0, 1), {"ETHUSD", bucket(0), false, 1}});
  s.on_tick(t0 + 250 * ms);
  CHECK(drain(s) == std::vector<frame>{L(0, 5)});
  CHECK_FALSE(s.next_due());
  CHECK(s.stats().live_sent == 3);
  CHECK(s.stats().live_coalesced == 3);

  // Throttled from the last send: 100 ms later is too early, and a late tick loses nothing.
  s.on_live(upd(1, 6), t0 + 350 * ms);
  CHECK(s.next_due() == t0 + 500 * ms);
  s.on_live(upd(1, 7), t0 + 900 * ms); // no tick came: the newer state goes out, the pending one is dropped
  CHECK(drain(s) == std::vector<frame>{L(1, 7)});
  CHECK_FALSE(s.next_due());
  CHECK(s.stats().live_coalesced == 4);
}

TEST_CASE("ws session: the newest state is last", "[ws]") {
  auto s = fresh();
  s.on_live(upd(5, 1), t0);
  s.on_live(upd(5, 2), t0 + 10 * ms);
  REQUIRE(s.next_due());
  s.on_final(fin(5)); // supersedes the pending update of its bucket
  CHECK_FALSE(s.next_due());
  s.on_tick(t0 + 1000 * ms);
  CHECK(drain(s) == std::vector<frame>{L(5, 1), F(5)});

  s.on_live(upd(5, 3), t0 + 2000 * ms); // an update of a final bucket, or an earlier one: stale
  s.on_live(upd(4, 3), t0 + 2000 * ms);
  CHECK_FALSE(s.has_output());
  CHECK(s.stats().dropped_stale == 3);

  s.on_live(upd(6, 1), t0 + 2000 * ms);
  s.on_live(upd(7, 1), t0 + 2010 * ms);
  s.on_final(fin(6)); // an older bucket's final keeps the pending update of a newer one
  s.on_tick(t0 + 2250 * ms);
  CHECK(drain(s) == std::vector<frame>{L(6, 1), F(6), L(7, 1)});
}

TEST_CASE("ws session: a repeat of the live state sent is not sent and does not hold back the next change", "[ws]") {
  auto s = fresh();
  s.on_live(upd(0, 1), t0);
  s.on_live(upd(0, 1), t0 + 300 * ms); // due, but the client has it already
  CHECK(drain(s) == std::vector<frame>{L(0, 1)});
  CHECK(s.stats().live_repeated == 1);
  // The repeat did not restart the throttle: a change 300 ms after the first send goes out at once.
  s.on_live(upd(0, 2), t0 + 301 * ms);
  CHECK(drain(s) == std::vector<frame>{L(0, 2)});
  CHECK(s.stats().live_sent == 2);
}

TEST_CASE("ws session: finals go out exactly once, in order", "[ws]") {
  auto s = fresh();
  for (int i : {1, 2, 2, 1, 3, 0, 3, 5, 4}) s.on_final(fin(i));
  CHECK(drain(s) == std::vector<frame>{F(1), F(2), F(3), F(5)});
  CHECK(s.stats().finals_sent == 4);
  CHECK(s.stats().finals_deduped == 5);
  // Not a final, another key, or not subscribed: ignored.
  s.on_final(upd(9));
  s.on_live(fin(9), t0);
  s.on_final(fin(9, eth));
  s.on_live(upd(9, 1, eth), t0);
  CHECK_FALSE(s.has_output());
}

TEST_CASE("ws session: resume merges history and held candles without gap or duplicate", "[ws]") {
  auto s = fresh();
  REQUIRE(s.subscribe(eth, bucket(2)) == session_state::add_result::added);
  CHECK(s.resuming(eth));
  CHECK_FALSE(s.resuming(btc));
  s.on_final(fin(4, eth));
  s.on_live(upd(6, 1, eth), t0);
  s.on_final(fin(5, eth));
  s.on_final(fin(3, eth));
  s.on_final(fin(2, eth)); // the client has it
  s.on_live(upd(6, 2, eth), t0 + 10 * ms); // replaces the held update
  CHECK_FALSE(s.has_output());

  // The cache answers in any order, the bucket of `since` included, overlapping the held finals.
  s.on_history(eth, {fin(5, eth), fin(2, eth), fin(3, eth), fin(4, eth), fin(1, eth)}, t0 + 20 * ms);
  CHECK_FALSE(s.resuming(eth));
  std::vector<frame> got;
  while (s.has_output()) {
    const auto j = json::parse(s.pop_output());
    got.push_back({j["symbol"], j["openTimeNs"], j["closed"], j["close"]});
  }
  const std::vector<frame> want{{"ETHUSD", bucket(3), true, 100}, {"ETHUSD", bucket(4), true, 100},
                                {"ETHUSD", bucket(5), true, 100}, {"ETHUSD", bucket(6), false, 2}};
  CHECK(got == want);

  s.on_history(eth, {fin(7, eth)}, t0); // no longer resuming: ignored
  CHECK_FALSE(s.has_output());
  s.on_final(fin(6, eth));
  CHECK(s.has_output());
}

TEST_CASE("ws session: a resume read in pages sends each page at once and the held candles after the last", "[ws]") {
  auto s = fresh();
  REQUIRE(s.subscribe(eth, bucket(0)) == session_state::add_result::added);
  s.on_final(fin(5, eth)); // live while resuming: held
  s.on_live(upd(6, 1, eth), t0);
  s.on_history(eth, {fin(2, eth), fin(1, eth)}, t0, false);
  CHECK(s.resuming(eth));
  s.on_history(eth, {fin(3, eth), fin(4, eth), fin(5, eth)}, t0, false); // overlaps what is held
  CHECK(s.resuming(eth));
  s.on_history(eth, {}, t0 + 10 * ms, true);
  CHECK_FALSE(s.resuming(eth));
  std::vector<timestamp_ns> opens;
  std::vector<bool> closed;
  while (s.has_output()) {
    const auto j = json::parse(s.pop_output());
    opens.push_back(j["openTimeNs"]);
    closed.push_back(j["closed"]);
  }
  CHECK(opens == std::vector<timestamp_ns>{bucket(1), bucket(2), bucket(3), bucket(4), bucket(5), bucket(6)});
  CHECK(closed == std::vector<bool>{true, true, true, true, true, false});
  CHECK(s.stats().finals_deduped == 1); // the held final 5, already sent from the second page
}

TEST_CASE("ws session: a refill after a lost watch fills the gap from history, once", "[ws]") {
  auto s = fresh();
  s.on_final(fin(1));
  s.on_final(fin(2));
  drain(s);
  CHECK(s.last_final(btc) == bucket(2));
  CHECK_FALSE(s.refill(eth, bucket(0))); // not subscribed
  s.on_live(upd(5, 7), t0);
  drain(s);
  s.on_live(upd(5, 8), t0 + ms); // pending (throttled) when the watch is lost
  REQUIRE(s.refill(btc, *s.last_final(btc)));
  CHECK(s.resuming(btc));
  CHECK_FALSE(s.refill(btc, bucket(2))); // already resuming
  s.on_final(fin(4)); // from the new actor, before the history came
  s.on_history(btc, {fin(2), fin(3), fin(4)}, t0 + 300 * ms);
  CHECK(drain(s) == std::vector<frame>{F(3), F(4), L(5, 8)});
  // Never sent anything: a refill takes `since` as the last final.
  auto e = fresh();
  REQUIRE(e.refill(btc, bucket(3)));
  e.on_history(btc, {fin(2), fin(3), fin(4)}, t0);
  CHECK(drain(e) == std::vector<frame>{F(4)});
}

TEST_CASE("ws session: a held live update of a bucket the history finished is dropped", "[ws]") {
  session_state s(test_limits());
  s.subscribe(btc, bucket(0));
  s.on_live(upd(3, 1), t0);
  s.on_history(btc, {fin(3), fin(1)}, t0);
  CHECK(drain(s) == std::vector<frame>{F(1), F(3)});
  CHECK(s.stats().dropped_stale == 1);
}

TEST_CASE("ws session: the queue is bounded; overflow stops it for good", "[ws]") {
  auto limits = test_limits();
  limits.max_queue_bytes = 25;
  session_state s(limits);
  s.push_control("0123456789");
  s.push_control("abcdefghij");
  CHECK(s.queued_bytes() == 20);
  CHECK_FALSE(s.overflowed());
  s.push_control("ABCDEF"); // 26 > 25
  CHECK(s.overflowed());
  CHECK(s.queued_bytes() == 20);
  CHECK(s.pop_output() == "0123456789");
  CHECK(s.queued_bytes() == 10);
  s.push_control("x"); // room again, but the client's stream already has a hole
  s.subscribe(btc, std::nullopt);
  s.on_final(fin(1));
  CHECK(s.pop_output() == "abcdefghij");
  CHECK_FALSE(s.has_output());
  CHECK(s.queued_bytes() == 0);
}

TEST_CASE("ws session: subscriptions, limits and unsubscribe", "[ws]") {
  auto limits = test_limits();
  limits.max_subscriptions = 2;
  session_state s(limits);
  CHECK(s.subscribe(eth, std::nullopt) == session_state::add_result::added);
  CHECK(s.subscribe(btc, bucket(1)) == session_state::add_result::added);
  CHECK(s.subscribe(btc, std::nullopt) == session_state::add_result::already);
  CHECK(s.resuming(btc)); // unchanged
  CHECK(s.subscribe({"SOLUSD", btc.iv}, std::nullopt) == session_state::add_result::too_many);
  CHECK(s.subscription_count() == 2);
  CHECK(s.keys() == std::vector<candle_key>{btc, eth});

  // Unsubscribing drops the held and pending state.
  s.on_final(fin(3));
  s.on_live(upd(0, 1, eth), t0);
  s.on_live(upd(0, 2, eth), t0 + 1 * ms);
  REQUIRE(s.next_due());
  CHECK(s.unsubscribe(btc));
  CHECK(s.unsubscribe(eth));
  CHECK_FALSE(s.unsubscribe(eth));
  CHECK_FALSE(s.subscribed(btc));
  CHECK_FALSE(s.next_due());
  s.pop_output(); // the live update sent before
  s.on_tick(t0 + 10'000 * ms);
  CHECK(s.subscribe(btc, std::nullopt) == session_state::add_result::added);
  s.on_history(btc, {fin(2)}, t0); // not resuming: the old resume is gone
  s.on_final(fin(1));              // and so is its `since`
  CHECK(drain(s) == std::vector<frame>{F(1)});
}

// A client that reconnects with since = the openTime of the last final it got must end up with
// every final exactly once, in order, whatever the interleaving of stream, redeliveries, history,
// ticks and cuts (frames still queued at a cut are lost).
TEST_CASE("ws session: finals reach a reconnecting client exactly once, in order", "[ws]") {
  std::mt19937_64 rng(20241125);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int round = 0; round < 400; ++round) {
    INFO("round " << round);
    const int n = pick(0, 40);
    std::vector<timestamp_ns> got;            // open times of the finals the client received
    timestamp_ns newest_final = bucket(-1);   // the client's state before the sequence
    int published = pick(0, n);               // finals on the stream before the first connect
    timestamp_ns now = t0;
    auto limits = test_limits();
    limits.live_interval = pick(0, 3) * 100 * ms;
    for (int session = 0; session < 8; ++session) {
      const bool last = session == 7;
      session_state s(limits);
      const timestamp_ns since = got.empty() ? bucket(-1) : got.back();
      s.subscribe(btc, since);
      const int since_index = static_cast<int>((since - base) / ns_per_min);
      // The store holds at least what was published before the subscription.
      const int stored = pick(published, n);
      std::vector<candle> history;
      for (int i = std::max(since_index, 0); i < stored; ++i) history.push_back(fin(i));
      std::shuffle(history.begin(), history.end(), rng);
      bool history_sent = false;
      bool finished = false; // everything published, handed over and received

      auto receive = [&](std::size_t max_frames) {
        for (std::size_t k = 0; k < max_frames && s.has_output(); ++k) {
          const auto j = json::parse(s.pop_output());
          const timestamp_ns open = j["openTimeNs"];
          if (j["closed"]) {
            got.push_back(open);
            newest_final = open;
          } else {
            CHECK(open > newest_final); // newest state last
          }
        }
      };
      for (;;) {
        const int action = pick(0, 9);
        if (action <= 3 && published < n) {
          if (pick(0, 1)) s.on_live(upd(published, pick(1, 9)), now);
          s.on_final(fin(published++));
        } else if (action == 4 && published > 0) {
          s.on_final(fin(pick(0, published - 1))); // a redelivery
        } else if (action == 5 && !history_sent) {
          s.on_history(btc, history, now);
          history_sent = true;
        } else if (action == 6) {
          now += pick(0, 300) * ms;
          s.on_tick(now);
        } else if (action == 7) {
          receive(pick(0, 3));
        } else if (action == 8 && !last && pick(0, 3) == 0) {
          receive(pick(0, 5)); // the connection drops with frames still queued
          break;
        }
        if (published == n && history_sent && (action == 9 || last)) {
          now += ns_per_s;
          s.on_tick(now);
          receive(~std::size_t{0});
          finished = true;
          break;
        }
      }
      CHECK_FALSE(s.overflowed());
      if (finished) break;
      published = pick(published, n); // more finals while disconnected
    }
    std::vector<timestamp_ns> want;
    for (int i = 0; i < n; ++i) want.push_back(bucket(i));
    REQUIRE(got == want);
  }
}
