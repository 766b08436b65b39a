#include "store_bench.hpp"

#include "bench_node.hpp"
#include "bench_util.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>
#include <random>
#include <vector>

#include "messages/candle.hpp"
#include "messages/interval.hpp"
#include "messages/partition_snapshot.hpp"
#include "runtime/config/config.hpp"
#include "runtime/postgres/client.hpp"
#include "runtime/postgres/connection_params.hpp"
#include "runtime/postgres/store/candle_store.hpp"
#include "runtime/postgres/store/checkpoint_batch.hpp"
#include "runtime/postgres/store/pg_copy.hpp"

namespace cs::bench {
namespace {

constexpr const char* ceiling_table = "pg_temp.cs_bench_ceiling";
constexpr std::uint64_t seed_base = 0x5eed;
constexpr double start_price = 100.0;
constexpr double price_step = 1e-4;      // relative random-walk step per candle
constexpr std::uint64_t max_events = 50; // events per candle (volume)
constexpr std::uint64_t max_size_units = 1'000'000'000'000; // 10,000 at 8 decimals

// The candles of one run, batch by batch: row i is symbol i % symbols in second i / symbols after
// `start`, so a batch is a slice of the market's seconds (a sparse market: one 1s candle per
// symbol and second). Prices random-walk per symbol and carry many significant digits; the same
// seed gives the same rows, so the store and the ceiling write identical data.
class row_source {
public:
  row_source(const store_bench_options& opt, const std::vector<std::string>& symbols, timestamp_ns start, std::uint64_t seed)
    : opt_(opt), symbols_(symbols), start_(start), rng_(seed), mid_(symbols.size(), start_price) {}

  // Rows [first, first + count): finals and live ones split by opt.live_every.
  void next_batch(std::size_t first, std::size_t count, std::vector<candle>& finals, std::vector<candle>& live) {
    finals.clear();
    live.clear();
    std::uniform_real_distribution<double> step(-price_step, price_step);
    std::uniform_int_distribution<std::uint64_t> events(1, max_events), units(0, max_size_units);
    std::uniform_int_distribution<timestamp_ns> within(0, ns_per_s / 2 - 1);
    for (std::size_t i = first; i < first + count; ++i) {
      const std::size_t s = i % symbols_.size();
      candle c;
      c.symbol = symbols_[s];
      c.iv = one_second_;
      c.open_time = start_ + static_cast<timestamp_ns>(i / symbols_.size()) * ns_per_s;
      c.close_time = c.open_time + ns_per_s;
      auto& b = c.bar;
      b.open = mid_[s];
      mid_[s] *= 1.0 + step(rng_);
      b.close = mid_[s];
      b.high = std::max(b.open, b.close) * (1.0 + std::abs(step(rng_)));
      b.low = std::min(b.open, b.close) * (1.0 - std::abs(step(rng_)));
      b.volume = events(rng_);
      b.bid_size = size_sum::of(units(rng_));
      b.ask_size = size_sum::of(units(rng_));
      b.first = {c.open_time + within(rng_), static_cast<std::int64_t>(next_offset_)};
      next_offset_ += b.volume;
      b.last = {b.first.ts + within(rng_), static_cast<std::int64_t>(next_offset_ - 1)};
      const bool is_live = opt_.live_every > 0 && i % opt_.live_every == 0;
      c.closed = !is_live;
      (is_live ? live : finals).push_back(std::move(c));
    }
  }
  std::int64_t next_offset() const { return static_cast<std::int64_t>(next_offset_); }

private:
  const store_bench_options& opt_;
  const std::vector<std::string>& symbols_;
  timestamp_ns start_;
  std::mt19937_64 rng_;
  std::vector<double> mid_;
  std::uint64_t next_offset_ = 0;
  interval one_second_ = interval::fixed(ns_per_s);
};

// One writer: a candle_store on its own partition and symbols (as the node's postgres.writers
// are), and a plain connection with its own ceiling table.
struct writer {
  std::int32_t partition = 0;
  std::vector<std::string> symbols;
  std::optional<runtime::candle_store> store;
  std::optional<runtime::pg_client> ceiling;
  std::int64_t epoch = 0;
  std::uint64_t seed = 0;
  std::int64_t offset_base = 0; // checkpoint offsets keep growing across runs
  struct batch_rows {
    std::vector<candle> finals, live;
    std::int64_t next_offset = 0;
  };
  std::vector<batch_rows> batches; // the current run's rows, generated before the clock starts
};

timestamp_ns run_start(timestamp_ns base, int run, std::size_t seconds_per_run) {
  return base + static_cast<timestamp_ns>(run) * static_cast<timestamp_ns>(seconds_per_run + 1) * ns_per_s;
}

void generate(const store_bench_options& opt, writer& w, std::size_t rows, timestamp_ns start, std::uint64_t seed) {
  row_source source(opt, w.symbols, start, seed);
  w.batches.clear();
  for (std::size_t first = 0; first < rows; first += opt.batch) {
    auto& b = w.batches.emplace_back();
    source.next_batch(first, std::min(opt.batch, rows - first), b.finals, b.live);
    b.next_offset = w.offset_base + source.next_offset();
  }
  w.offset_base += source.next_offset();
}

// Runs body(writer) on one thread per writer; wall seconds until all are done, negative when one
// failed (its reason in `log`).
template <class F>
double timed_parallel(std::vector<writer>& writers, std::ostream& log, F body) {
  std::mutex mutex;
  std::string failure;
  std::vector<std::thread> threads;
  const auto t0 = clock_type::now();
  for (auto& w : writers)
    threads.emplace_back([&, wp = &w] {
      if (std::string why = body(*wp); !why.empty()) {
        const std::lock_guard lock(mutex);
        failure = why;
      }
    });
  for (auto& t : threads) t.join();
  const double spent = seconds_since(t0);
  if (!failure.empty()) {
    log << failure << "\n";
    return -1;
  }
  return spent;
}

// Every batch of every writer through commit_checkpoint.
double store_run(std::vector<writer>& writers, const std::string& topic, std::ostream& log) {
  return timed_parallel(writers, log, [&](writer& w) -> std::string {
    for (const auto& b : w.batches) {
      partition_snapshot state;
      state.partition = w.partition;
      state.next_offset = b.next_offset;
      const auto r = w.store->commit_checkpoint(topic, w.partition, w.epoch, state, b.finals, b.live);
      if (!r || *r != runtime::checkpoint_outcome::committed)
        return "commit_checkpoint: " + (r ? std::string{"fenced"} : r.error().reason);
    }
    return {};
  });
}

// The same rows encoded, COPYed and committed into each writer's ceiling table, one transaction
// per batch.
double ceiling_run(std::vector<writer>& writers, std::ostream& log) {
  for (auto& w : writers)
    if (auto emptied = w.ceiling->transact([](pqxx::work& tx) { tx.exec(std::string{"TRUNCATE "} + ceiling_table); }); !emptied) {
      log << "ceiling truncate: " << emptied.error().reason << "\n";
      return -1;
    }
  const std::string target = std::string{ceiling_table} + " (" + std::string{runtime::candle_copy_columns} + ")";
  return timed_parallel(writers, log, [&](writer& w) -> std::string {
    std::vector<runtime::checkpoint_row> rows;
    std::string data;
    for (const auto& b : w.batches) {
      rows.clear();
      for (const auto& c : b.finals) rows.push_back({&c, true});
      for (const auto& c : b.live) rows.push_back({&c, false});
      runtime::encode_copy_rows(data, rows);
      const auto copied = w.ceiling->transact([&](pqxx::work& tx) { return runtime::copy_rows_in(tx, target, data); });
      if (!copied || *copied != rows.size())
        return "ceiling COPY: " + (copied ? std::string{"row count differs"} : copied.error().reason);
    }
    return {};
  });
}

// A writer with only a ceiling connection and its temp table; false with the reason in `log`.
bool open_ceiling(writer& w, const std::string& conn_string, std::ostream& log) {
  auto ceiling = runtime::pg_client::connect(conn_string);
  if (!ceiling) {
    log << "PostgreSQL: " << ceiling.error().reason << "\n";
    return false;
  }
  w.ceiling.emplace(std::move(ceiling).value());
  if (auto made = w.ceiling->transact([](pqxx::work& tx) {
        tx.exec(std::string{"CREATE TEMP TABLE "} + ceiling_table + " (LIKE candles INCLUDING DEFAULTS)");
      });
      !made) {
    log << "ceiling table: " << made.error().reason << "\n";
    return false;
  }
  return true;
}

} // namespace

double copy_ceiling_rows_per_sec(const std::string& conn_string, std::size_t rows, std::size_t batch, std::ostream& log) {
  store_bench_options opt;
  opt.rows = rows;
  opt.batch = batch;
  std::vector<writer> writers(1);
  const std::string prefix = "BC" + bench_id() + ".";
  for (std::size_t s = 0; s < opt.symbols; ++s) writers[0].symbols.push_back(prefix + std::to_string(s));
  if (!open_ceiling(writers[0], conn_string, log)) return -1;
  const timestamp_ns now_s = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count() * ns_per_s;
  generate(opt, writers[0], std::min(batch, rows), now_s, seed_base); // warm-up: catalog, buffers
  if (ceiling_run(writers, log) < 0) return -1;
  generate(opt, writers[0], rows, now_s, seed_base + 1);
  const double s = ceiling_run(writers, log);
  return s > 0 ? static_cast<double>(rows) / s : -1;
}

int run_store(const store_bench_options& opt, std::ostream& out) {
  const auto cfg = load_bench_config(opt.config_file);
  const std::string conn_string = runtime::pg_connection_string(runtime::pg_params_from_config(cfg));
  std::ostream& log = std::cerr;

  runtime::store_options store_opt;
  if (opt.copy_min_rows > 0) store_opt.copy_min_rows = opt.copy_min_rows;
  auto admin = runtime::pg_client::connect(conn_string);
  if (!admin) {
    log << "PostgreSQL: " << admin.error().reason << "\n";
    return 1;
  }
  const std::string id = bench_id();
  const std::string topic = "bench-store-" + id;
  // "BS<pid>-<time>.": bench symbols never collide with tests ("IT...") or other benches.
  const std::string prefix = "BS" + id + ".";
  auto cleanup = [&] {
    if (!opt.keep) delete_rows(*admin, topic, log, prefix);
  };

  const std::size_t writer_count = std::min(opt.writers, opt.symbols);
  std::vector<writer> writers(writer_count);
  for (std::size_t s = 0; s < opt.symbols; ++s) writers[s % writer_count].symbols.push_back(prefix + std::to_string(s));
  for (std::size_t i = 0; i < writer_count; ++i) {
    writer& w = writers[i];
    w.partition = static_cast<std::int32_t>(i);
    w.seed = seed_base + i * 1000;
    auto store = runtime::candle_store::open(conn_string, store_opt);
    if (!store) {
      log << "PostgreSQL: " << store.error().reason << "\n";
      return cleanup(), 1;
    }
    w.store.emplace(std::move(store).value());
    const auto claim = w.store->claim_partition(topic, w.partition, "candle-bench-" + id);
    if (!claim) {
      log << "claim_partition: " << claim.error().reason << "\n";
      return cleanup(), 1;
    }
    w.epoch = claim->epoch;
    if (!open_ceiling(w, conn_string, log)) return cleanup(), 1;
  }

  const std::size_t rows_per_writer = (opt.rows + writer_count - 1) / writer_count;
  const std::size_t rows_total = rows_per_writer * writer_count;
  const std::size_t seconds_per_run = (rows_per_writer + writers.back().symbols.size() - 1) / writers.back().symbols.size();
  // Recent event time (today's partition), one stretch per run so every run inserts new rows,
  // as a live market does; run 0 is the warm-up.
  const timestamp_ns now_s = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count() * ns_per_s;
  const timestamp_ns base = now_s - static_cast<timestamp_ns>(opt.rounds + 2) * static_cast<timestamp_ns>(seconds_per_run + 1) * ns_per_s;
  auto generate_all = [&](std::size_t rows, int run) {
    for (auto& w : writers) generate(opt, w, rows, run_start(base, run, seconds_per_run), w.seed + static_cast<std::uint64_t>(run));
  };

  // Warm-up: one batch each way (catalog caches, prepared statements, staging table).
  generate_all(std::min(opt.batch, rows_per_writer), 0);
  if (store_run(writers, topic, log) < 0 || ceiling_run(writers, log) < 0) return cleanup(), 1;

  std::vector<double> store_s, copy_s;
  nlohmann::json runs = nlohmann::json::array();
  const double rows = static_cast<double>(rows_total);
  for (int round = 0; round < opt.rounds; ++round) {
    generate_all(rows_per_writer, round + 1);
    // Alternate which goes first, so neither always runs on the other's leftovers (checkpoint
    // WAL, dirty buffers being written out).
    double s = -1, c = -1;
    for (int k = 0; k < 2; ++k) {
      if ((round + k) % 2 == 0)
        s = store_run(writers, topic, log);
      else
        c = ceiling_run(writers, log);
    }
    if (s <= 0 || c <= 0) return cleanup(), 1;
    store_s.push_back(s);
    copy_s.push_back(c);
    runs.push_back({{"round", round}, {"store_seconds", s}, {"store_rows_per_sec", rows / s},
                    {"copy_seconds", c}, {"copy_rows_per_sec", rows / c}, {"store_vs_copy", c / s}});
    log << "round " << round << ": store " << rows / s << " rows/s (" << s << " s), COPY ceiling " << rows / c << " rows/s ("
        << c << " s)\n";
  }
  for (auto& w : writers) w.batches.clear();
  cleanup();

  const double store_med = median(store_s), copy_med = median(copy_s);
  const double store_rate = rows / store_med, copy_rate = rows / copy_med;
  if (opt.json) {
    nlohmann::json j{{"rows", rows_total}, {"batch_rows", opt.batch}, {"symbols", opt.symbols}, {"writers", writer_count},
                     {"rounds", opt.rounds}, {"live_every", opt.live_every}, {"copy_min_rows", store_opt.copy_min_rows},
                     {"store_rows_per_sec", store_rate}, {"store_seconds", store_med},
                     {"copy_rows_per_sec", copy_rate}, {"copy_seconds", copy_med}, {"store_vs_copy", store_rate / copy_rate},
                     {"ceiling", "COPY (binary) into TEMP TABLE (LIKE candles INCLUDING DEFAULTS), one transaction per batch"},
                     {"runs", runs}};
    out << j.dump() << "\n";
  } else {
    out << "store:    " << store_rate << " rows/s through commit_checkpoint (" << rows_total << " rows in batches of " << opt.batch
        << ", " << writer_count << " writer(s), median of " << opt.rounds << " runs: " << store_med << " s)\n"
        << "ceiling:  " << copy_rate << " rows/s bare COPY of the same rows into a temp table like candles (" << copy_med << " s)\n"
        << "ratio:    " << 100.0 * store_rate / copy_rate << " % of the ceiling\n";
  }
  return 0;
}

} // namespace cs::bench
