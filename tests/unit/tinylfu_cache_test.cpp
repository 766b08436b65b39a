#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <list>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/cache/tinylfu_cache.hpp"

using namespace cs;

namespace {

using cache = tinylfu_cache<std::uint64_t, std::uint64_t>;

constexpr duration_ns hour = ns_per_hour;

// The counter identity the cache promises at every moment.
bool counters_add_up(const cache& c) {
  const l1_counters& k = c.counters();
  return k.inserts == c.size() + k.evictions + k.rejections + k.expirations + k.erases;
}

// Plain LRU, the baseline: what the L1 would be without W-TinyLFU.
class lru_cache {
public:
  explicit lru_cache(std::size_t max_entries) : max_(max_entries) {}

  bool get(std::uint64_t k) {
    const auto it = index_.find(k);
    if (it == index_.end()) return false;
    order_.splice(order_.begin(), order_, it->second);
    return true;
  }
  void put(std::uint64_t k) {
    if (get(k)) return;
    order_.push_front(k);
    index_[k] = order_.begin();
    if (order_.size() > max_) {
      index_.erase(order_.back());
      order_.pop_back();
    }
  }
  bool contains(std::uint64_t k) const { return index_.count(k) != 0; }

private:
  std::size_t max_;
  std::list<std::uint64_t> order_;
  std::unordered_map<std::uint64_t, std::list<std::uint64_t>::iterator> index_;
};

// Read-through, as the cache actor does it: get, and on a miss load and put. True on a hit.
bool read_through(cache& c, std::uint64_t k, timestamp_ns now) {
  if (c.get(k, now) != nullptr) return true;
  c.put(k, k, now);
  return false;
}
bool read_through(lru_cache& c, std::uint64_t k) {
  if (c.get(k)) return true;
  c.put(k);
  return false;
}

} // namespace

TEST_CASE("tinylfu: limits are checked and split into window, probation and protected", "[tinylfu]") {
  CHECK_THROWS_AS(cache(l1_limits{0, hour}), std::invalid_argument);
  CHECK_THROWS_AS(cache(l1_limits{10, 0}), std::invalid_argument);
  CHECK_THROWS_AS(cache(l1_limits{10, -1}), std::invalid_argument);

  const cache big(l1_limits{1000, hour});
  CHECK(big.segments().window_max == 10);
  CHECK(big.segments().main_max == 990);
  CHECK(big.segments().protected_max == 792);
  CHECK(big.limits().max_entries == 1000);
  CHECK(big.limits().ttl == hour);

  const cache one(l1_limits{1, hour});
  CHECK(one.segments().window_max == 1);
  CHECK(one.segments().main_max == 0);
}

TEST_CASE("tinylfu: get, put, replace, erase and the counters", "[tinylfu]") {
  cache c(l1_limits{100, hour});
  CHECK(c.get(1, 0) == nullptr);
  CHECK(c.put(1, 10, 0));
  const std::uint64_t* v = c.get(1, 1);
  REQUIRE(v != nullptr);
  CHECK(*v == 10);
  CHECK(c.put(1, 11, 2)); // replace
  REQUIRE(c.get(1, 3) != nullptr);
  CHECK(*c.get(1, 3) == 11);
  CHECK(c.size() == 1);
  CHECK(c.erase(1));
  CHECK_FALSE(c.erase(1));
  CHECK(c.get(1, 4) == nullptr);
  CHECK(c.size() == 0);

  const l1_counters& k = c.counters();
  CHECK(k.hits == 3);
  CHECK(k.misses == 2);
  CHECK(k.inserts == 1);
  CHECK(k.erases == 1);
  CHECK(k.evictions == 0);
  CHECK(k.rejections == 0);
  CHECK(k.expirations == 0);
  CHECK(counters_add_up(c));
  CHECK(c.invariants_hold());
}

TEST_CASE("tinylfu: string keys and move-only values", "[tinylfu]") {
  tinylfu_cache<std::string, std::unique_ptr<std::vector<int>>> c(l1_limits{3, hour});
  for (int i = 0; i < 10; ++i) {
    std::string key("block:");
    key.append(std::to_string(i));
    CHECK(c.put(key, std::make_unique<std::vector<int>>(3, i), i));
  }
  CHECK(c.size() == 3);
  const auto* v = c.get("block:9", 10);
  REQUIRE(v != nullptr);
  CHECK((**v)[0] == 9);
  CHECK(c.invariants_hold());
}

TEST_CASE("tinylfu: peek_mut neither counts nor records frequency, and updates in place", "[tinylfu]") {
  cache c(l1_limits{100, hour});
  CHECK(c.peek_mut(7, 0) == nullptr);
  c.put(7, 70, 0);
  std::uint64_t* p = c.peek_mut(7, 1);
  REQUIRE(p != nullptr);
  *p = 71;
  CHECK(c.counters().hits == 0);
  CHECK(c.counters().misses == 0);
  CHECK(c.frequency(7) == 0);
  REQUIRE(c.get(7, 2) != nullptr);
  CHECK(*c.get(7, 2) == 71);
  CHECK(c.frequency(7) == 2);
}

TEST_CASE("tinylfu: an entry is gone at insert + ttl, counted as an expiration", "[tinylfu]") {
  constexpr duration_ns ttl = 100;
  cache c(l1_limits{10, ttl});
  c.put(1, 1, 1000);
  CHECK(c.get(1, 1000 + ttl - 1) != nullptr);
  CHECK(c.get(1, 1000 + ttl) == nullptr);
  CHECK(c.counters().expirations == 1);
  CHECK(c.counters().misses == 1);
  CHECK(c.size() == 0);

  SECTION("peek_mut removes an expired entry too") {
    c.put(2, 2, 0);
    CHECK(c.peek_mut(2, ttl - 1) != nullptr);
    CHECK(c.peek_mut(2, ttl) == nullptr);
    CHECK(c.counters().expirations == 2);
    CHECK(c.size() == 0);
  }
  SECTION("a read does not refresh the TTL") {
    c.put(3, 3, 0);
    CHECK(c.get(3, ttl / 2) != nullptr);
    CHECK(c.get(3, ttl) == nullptr);
  }
  SECTION("replacing refreshes the TTL") {
    c.put(4, 40, 0);
    c.put(4, 41, 50); // now lives until 150
    REQUIRE(c.get(4, 149) != nullptr);
    CHECK(*c.get(4, 149) == 41);
    CHECK(c.get(4, 150) == nullptr);
    CHECK(c.counters().inserts == 2); // key 1 and key 4 once; the replacement is no insert
  }
  SECTION("putting an expired key counts an expiration and a fresh insert") {
    c.put(5, 50, 0);
    c.put(5, 51, ttl);
    CHECK(c.counters().expirations == 2);
    CHECK(c.counters().inserts == 3);
    REQUIRE(c.get(5, ttl) != nullptr);
    CHECK(*c.get(5, ttl) == 51);
  }
  CHECK(counters_add_up(c));
  CHECK(c.invariants_hold());
}

TEST_CASE("tinylfu: put sweeps expired entries from the LRU ends", "[tinylfu]") {
  constexpr duration_ns ttl = 100;
  cache c(l1_limits{10, ttl});
  for (std::uint64_t k = 0; k < 10; ++k) c.put(k, k, 0);
  REQUIRE(c.size() == 10);
  c.put(100, 100, ttl); // every old entry is expired; a few are swept without being touched
  CHECK(c.counters().expirations > 0);
  CHECK(c.size() == 11 - c.counters().expirations);
  CHECK(counters_add_up(c));
  for (std::uint64_t k = 0; k < 10; ++k) CHECK(c.get(k, ttl) == nullptr);
  CHECK(c.counters().expirations == 10);
  CHECK(c.size() == 1);
  CHECK(counters_add_up(c));
  CHECK(c.invariants_hold());
}

TEST_CASE("tinylfu: capacity is never exceeded under random operations; counters add up", "[tinylfu]") {
  // inserts == size + evictions + rejections + expirations + erases, checked after every operation,
  // together with the segment links and bounds, and that a hit returns the value last put.
  const std::size_t capacity = GENERATE(1, 2, 3, 10, 64, 250);
  CAPTURE(capacity);
  // Time moves ~10 ns per operation: entries expire as well as get evicted, at every capacity.
  const duration_ns ttl = 20 * static_cast<duration_ns>(capacity) + 20;
  cache c(l1_limits{capacity, ttl});
  std::mt19937_64 rng(capacity * 7919);
  std::uniform_int_distribution<std::uint64_t> key(0, 4 * capacity + 8);
  std::uniform_int_distribution<int> op(0, 99);
  std::unordered_map<std::uint64_t, std::pair<std::uint64_t, timestamp_ns>> last_put; // value, time
  timestamp_ns now = 0;
  for (std::uint64_t i = 0; i < 20'000; ++i) {
    now += static_cast<timestamp_ns>(rng() % 20);
    const std::uint64_t k = key(rng);
    const int o = op(rng);
    if (o < 45) {
      c.put(k, i, now);
      last_put[k] = {i, now};
      // The new or replaced entry is always kept.
      REQUIRE(c.peek_mut(k, now) != nullptr);
      REQUIRE(*c.peek_mut(k, now) == i);
    } else if (o < 85) {
      const std::uint64_t* v = c.get(k, now);
      if (v != nullptr) {
        const auto it = last_put.find(k);
        REQUIRE(it != last_put.end());
        REQUIRE(*v == it->second.first);
        REQUIRE(now < it->second.second + ttl);
      }
    } else if (o < 95) {
      if (std::uint64_t* v = c.peek_mut(k, now); v != nullptr) {
        *v = i;
        last_put[k].first = i; // an update in place; the TTL stays that of the last put
      }
    } else {
      c.erase(k);
    }
    REQUIRE(c.size() <= capacity);
    REQUIRE(counters_add_up(c));
    REQUIRE(c.invariants_hold());
  }
  const l1_counters& k = c.counters();
  CHECK(k.hits > 0);
  CHECK(k.misses > 0);
  CHECK(k.expirations > 0);
  CHECK(k.erases > 0);
  CHECK(k.evictions + k.rejections > 0);
}

TEST_CASE("tinylfu: the frequency sketch counts, saturates at 15 and halves with age", "[tinylfu]") {
  frequency_sketch s(100);
  CHECK(s.sample_size() == 1000);
  CHECK(s.estimate(42) == 0);
  for (int i = 0; i < 5; ++i) s.increment(42);
  CHECK(s.estimate(42) == 5);
  for (int i = 0; i < 20; ++i) s.increment(42);
  CHECK(s.estimate(42) == frequency_sketch::max_count);
  CHECK(s.halvings() == 0);
  // Distinct other keys until the sample is full: one halving.
  for (std::uint64_t k = 1000; k < 1000 + 1000 - 25; ++k) s.increment(k);
  CHECK(s.halvings() == 1);
  CHECK(s.estimate(42) == 7);
  // A count-min estimate never undercounts: every key seen once still reads >= 1 before aging.
  frequency_sketch t(1000);
  for (std::uint64_t k = 0; k < 500; ++k) t.increment(k);
  std::size_t over = 0;
  for (std::uint64_t k = 0; k < 500; ++k) {
    REQUIRE(t.estimate(k) >= 1);
    over += t.estimate(k) > 1 ? 1 : 0;
  }
  CHECK(over < 10); // few collisions at half the capacity
}

TEST_CASE("tinylfu: a frequently read key survives a stream of one-hit newcomers, unlike in LRU", "[tinylfu]") {
  constexpr std::size_t capacity = 100;
  constexpr std::uint64_t hot = 1'000'000;
  cache c(l1_limits{capacity, hour});
  lru_cache lru(capacity);
  timestamp_ns now = 0;
  for (int i = 0; i < 10; ++i) {
    read_through(c, hot, ++now);
    read_through(lru, hot);
  }
  REQUIRE(c.frequency(hot) == 10);

  SECTION("never read again: admission keeps it while it is the more frequent probation victim") {
    for (std::uint64_t k = 0; k < 900; ++k) {
      read_through(c, k, ++now);
      read_through(lru, k);
    }
    CHECK_FALSE(lru.contains(hot));
    CHECK(c.peek_mut(hot, now) != nullptr);
    CHECK(c.counters().rejections > 0);
  }
  SECTION("read now and then: every read is a hit, while LRU misses every time") {
    int hits = 0, lru_hits = 0, reads = 0;
    for (std::uint64_t k = 0; k < 20'000; ++k) {
      read_through(c, k, ++now);
      read_through(lru, k);
      if (k % 200 == 199) {
        ++reads;
        hits += read_through(c, hot, ++now) ? 1 : 0;
        lru_hits += read_through(lru, hot) ? 1 : 0;
      }
    }
    CHECK(hits == reads);
    CHECK(lru_hits == 0);
  }
  CHECK(counters_add_up(c));
  CHECK(c.invariants_hold());
}

TEST_CASE("tinylfu: hit rate beats LRU on a Zipf workload with scans", "[tinylfu]") {
  // Read-through over one request sequence, identical for both caches (seeded mt19937_64): keys
  // drawn from Zipf(s = 1.0) over 100,000 keys, and after every 5,000 such reads a sequential scan
  // of 2,000 keys never seen before (an old range pulled once); 1,000,000 requests in all, cache of
  // 1,000 entries, TTL longer than the run.
  // Measured (g++ 12, Release): W-TinyLFU 0.4242, LRU 0.3411, and 0.4424 for a static oracle that
  // holds the 1,000 most popular keys (scans are ~2/7 of the requests and miss in every policy;
  // over the Zipf reads alone that is 0.594 vs 0.478). Required, with slack: at least 5 points
  // over LRU, and at least 90% of the oracle.
  constexpr std::size_t universe = 100'000;
  constexpr std::size_t capacity = 1'000;
  constexpr std::size_t total = 1'000'000;
  constexpr std::size_t zipf_run = 5'000;
  constexpr std::size_t scan_len = 2'000;

  std::vector<double> cdf(universe);
  double sum = 0;
  for (std::size_t r = 0; r < universe; ++r) {
    sum += 1.0 / static_cast<double>(r + 1);
    cdf[r] = sum;
  }
  std::mt19937_64 rng(20240601);
  std::uniform_real_distribution<double> u(0.0, sum);
  std::vector<std::uint64_t> requests;
  requests.reserve(total);
  std::uint64_t next_scan_key = 1'000'000'000;
  while (requests.size() < total) {
    for (std::size_t i = 0; i < zipf_run && requests.size() < total; ++i) {
      const auto r = static_cast<std::size_t>(std::upper_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin());
      requests.push_back(std::min(r, universe - 1));
    }
    for (std::size_t i = 0; i < scan_len && requests.size() < total; ++i) requests.push_back(next_scan_key++);
  }

  cache c(l1_limits{capacity, hour});
  lru_cache lru(capacity);
  std::size_t hits = 0, lru_hits = 0, top = 0;
  timestamp_ns now = 0;
  for (const std::uint64_t k : requests) {
    now += ns_per_us;
    hits += read_through(c, k, now) ? 1 : 0;
    lru_hits += read_through(lru, k) ? 1 : 0;
    top += k < capacity ? 1 : 0; // the most popular `capacity` keys: what a static oracle would keep
  }
  const double rate = static_cast<double>(hits) / static_cast<double>(total);
  const double lru_rate = static_cast<double>(lru_hits) / static_cast<double>(total);
  const double oracle_rate = static_cast<double>(top) / static_cast<double>(total);
  WARN("W-TinyLFU hit rate " << rate << ", LRU hit rate " << lru_rate << ", static top-" << capacity
                             << " oracle " << oracle_rate << " (" << total << " requests)");
  CHECK(c.counters().hits == hits);
  CHECK(c.counters().hits + c.counters().misses == total);
  CHECK(c.size() <= capacity);
  CHECK(counters_add_up(c));
  CHECK(c.invariants_hold());
  REQUIRE(rate > lru_rate + 0.05);
  CHECK(rate > 0.9 * oracle_rate);
}
