#pragma once
#include <cstddef>
#include <ostream>
#include <string>

namespace cs::bench {

struct store_bench_options {
  bool json = false;
  std::size_t rows = 1'000'000;  // candle rows per measured run
  std::size_t batch = 10'000;    // rows per checkpoint (and per COPY transaction of the ceiling)
  std::size_t symbols = 10'000;  // distinct bench symbols; a batch walks them round-robin
  // Stores writing at once, each on its own partition and share of the symbols, as the node's
  // postgres.writers do; the ceiling then uses as many connections.
  std::size_t writers = 1;
  int rounds = 3;                // interleaved (store, ceiling) rounds; medians are reported
  // Every this-many-th row is a live candle (closed = false), the rest are final: a sparse market
  // whose checkpoints mostly write closed buckets. 0: all final.
  std::size_t live_every = 10;
  // store_options::copy_min_rows of the store under test: batches this big or bigger take the
  // COPY + staging path. 0: the store's default.
  std::size_t copy_min_rows = 0;
  std::string config_file;       // postgres.* keys; "" = defaults
  bool keep = false;             // keep the bench's rows, series and checkpoint row
};

// Writes rows (split over the writers) through the real candle_store::commit_checkpoint (fenced, idempotent, one
// transaction per batch) into the configured PostgreSQL, and in the same run the same rows with a
// bare COPY into a scratch table with the candles columns (the ceiling), interleaved.
int run_store(const store_bench_options& opt, std::ostream& out);

// A bare COPY of `rows` generated candle rows, `batch` per transaction, into a temp table like
// candles (no index, no WAL) on a connection of its own: the rows/s PostgreSQL takes in bulk here,
// the ceiling of candle writes. -1 when it failed (the reason in `log`).
double copy_ceiling_rows_per_sec(const std::string& conn_string, std::size_t rows, std::size_t batch, std::ostream& log);

} // namespace cs::bench
