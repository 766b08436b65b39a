#pragma once
// The PostgreSQL side of exactly-once candles (docs/design.md §4): partition checkpoints with epoch
// fencing, idempotent candle upserts, and candle queries, over one connection.
//
// Protocol for the owner of a market-events partition p:
//   1. On assignment: claim_partition(topic, p, me) -> {epoch, state}. Restore state.live and
//      state.clock, seek to state.next_offset.
//   2. Every checkpoint interval, on revoke and on shutdown: commit_checkpoint(topic, p, epoch,
//      state, finals, changed_live). `fenced` means another owner has claimed p since: stop
//      processing p and drop its state; nothing of this checkpoint was written.
//
// Errors: every call returns a pg_error instead of throwing.
//   connection  the connection is gone. The call did not take effect; the NEXT call first
//               reconnects (pg_client::reconnect(), statements re-prepared) and then runs, so
//               retrying the same call with backoff is all a caller does.
//   in_doubt    the connection broke during COMMIT: it may or may not have committed. Retrying
//               the same commit_checkpoint is safe (upserts are idempotent and the checkpoint
//               values absolute); retrying a claim bumps the epoch once more, also harmless.
//   sql         the server refused a statement (e.g. statement_timeout, disk full): retry later.
//   other       a bug (invalid candle passed in, corrupt row loaded): retrying will not help.
// Not thread-safe: one candle_store per actor or thread.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "messages/candle.hpp"
#include "messages/series_info.hpp"
#include "messages/shared_candles.hpp"
#include "messages/interval.hpp"
#include "messages/partition_snapshot.hpp"
#include "messages/time.hpp"
#include "runtime/postgres/client.hpp"
#include "runtime/result.hpp"
#include "runtime/postgres/store/checkpoint_batch.hpp"
#include "runtime/postgres/store/known_series.hpp"
#include "runtime/postgres/store/storage_kind.hpp"
#include "runtime/postgres/store/storage_setup.hpp"
#include "runtime/postgres/store/store_connection.hpp"
#include "runtime/postgres/store/store_options.hpp"
#include "runtime/postgres/store/stored_live_keys.hpp"

namespace cs::runtime {

struct partition_claim {
  std::int64_t epoch = 0;   // pass to every commit_checkpoint of this ownership
  partition_snapshot state; // partition, next_offset, clock and live candles (closed == false)
};

enum class checkpoint_outcome : std::uint8_t {
  committed, // candles and checkpoint are durable
  fenced,    // the epoch is no longer current: rolled back, nothing written
};

// A partition_checkpoint row as stored.
struct stored_checkpoint {
  std::int64_t epoch = 0;
  std::int64_t next_offset = 0;
  watermark_state clock; // NULL columns read as cs::no_watermark
  std::string owner;
};

// Which rows a query keeps when more than `limit` match. Results are ascending by open_time either
// way; `newest` suits "the last N candles before `to`" (TradingView countback).
enum class limit_keeps : std::uint8_t { oldest, newest };

class candle_store {
public:
  // Connects, applies pending migrations (serialised across nodes by an advisory lock), detects
  // the storage kind, applies the storage options and, if enabled, runs maintenance once.
  // Never throws; any failure is the pg_error of the step that failed.
  static result<candle_store, pg_error> open(const std::string& conn_string,
                                             store_options options = {});

  // In ONE transaction: creates the partition_checkpoint row if missing, bumps its epoch
  // (epoch = epoch + 1, owner = owner) and loads the partition's live candles (rows of this topic
  // and partition with closed = false; ordered by symbol, interval text (byte order), open_time).
  // Their keys are what this store then knows to be stored for the partition.
  result<partition_claim, pg_error> claim_partition(const std::string& topic, std::int32_t partition,
                                                    const std::string& owner);

  // In ONE transaction: first advances the checkpoint (next_offset, watermark, max_event_ts from
  // state; cs::no_watermark stored as NULL) WHERE epoch = `epoch`, so a stale owner is fenced
  // before it writes anything; then upserts `finals` as closed rows and `changed_live` as live
  // rows, tagged with topic and partition: in one statement of column arrays for a small batch,
  // or (store_options::copy_min_rows and more) COPYed into the connection's staging table and
  // moved from it by a plain INSERT of the rows not known to be stored and an upsert of the
  // others; should a row thought new be there, the whole batch is written again through the
  // upsert in a new transaction (fresh_conflicts()). state.live and
  // state.partition are not used (pass the changed live candles in changed_live). Each candle's
  // own `closed` flag is ignored: the list it is in decides. A key present more than once is
  // written once (final beats live; otherwise the later entry wins). A stored final row is never
  // turned back into a live one. Every candle must pass check_candle (else pg_errc::other, nothing
  // sent). Idempotent: the same call twice leaves the same rows.
  result<checkpoint_outcome, pg_error> commit_checkpoint(const std::string& topic,
                                                         std::int32_t partition, std::int64_t epoch,
                                                         const partition_snapshot& state,
                                                         const std::vector<candle>& finals,
                                                         const std::vector<candle>& changed_live);
  // The same, with the finals as the checkpoint's shared list (no copy of it is made).
  result<checkpoint_outcome, pg_error> commit_checkpoint_shared(const std::string& topic,
                                                                std::int32_t partition, std::int64_t epoch,
                                                                const partition_snapshot& state,
                                                                const shared_candles& finals,
                                                                const std::vector<candle>& changed_live);

  // The checkpoint row of (topic, partition), or nullopt when it was never claimed.
  result<std::optional<stored_checkpoint>, pg_error> load_checkpoint(const std::string& topic,
                                                                     std::int32_t partition);

  // Candles (final and live) of symbol and interval with from <= open_time < to, ascending by
  // open_time, at most `limit` (<= 0 gives none) chosen as `keep` says.
  result<std::vector<candle>, pg_error> query_candles(const std::string& symbol, const interval& iv,
                                                      timestamp_ns from, timestamp_ns to,
                                                      std::int64_t limit,
                                                      limit_keeps keep = limit_keeps::oldest);

  // The series (symbol, interval): first open time from candle_series, last from candles (the
  // stored floor when retention dropped them all); nullopt when it never had candles.
  result<std::optional<series_info>, pg_error> find_series(const std::string& symbol, const interval& iv);
  // Series whose symbol starts with symbol_prefix, in byte order, at most `limit`; bounds as
  // find_series.
  result<std::vector<series_info>, pg_error> list_series(const std::string& symbol_prefix, std::int64_t limit);

  // Tests and tools: every stored candle whose symbol starts with symbol_prefix ("" = the whole
  // table), ordered by symbol, interval text (byte order), open_time; and how many there are.
  result<std::vector<candle>, pg_error> all_candles(const std::string& symbol_prefix = {});
  result<std::int64_t, pg_error> count_candles(const std::string& symbol_prefix = {});

  // pg_partman: premakes partitions and applies retention; call it periodically (hourly is
  // plenty; at least once per store_options::partman_premake days). No-op for TimescaleDB
  // (background policies) and for a plain table. Safe to call from several nodes at once.
  result<void, pg_error> run_maintenance();

  candle_storage storage_kind() const { return storage_.kind; }
  // Lines for the node's log from open(): a warning when candles is a plain table, notes about
  // unused extensions or migrations from a newer build.
  const std::vector<std::string>& startup_notes() const { return notes_; }
  // Versions open() applied (empty when the schema was up to date).
  const std::vector<int>& applied_migrations() const { return applied_; }
  // Checkpoints whose rows thought fresh were stored after all, so they were written again through
  // the upsert (see stored_live_keys.hpp): a few after a reconnect or a replay, not a steady rate.
  std::uint64_t fresh_conflicts() const { return fresh_conflicts_; }
  // Live keys this connection knows are stored, over all partitions.
  std::size_t stored_live_keys_known() const { return stored_live_.size(); }
  // Server process id of the store's connection, for tests and diagnostics.
  result<int, pg_error> backend_pid() { return conn_.backend_pid(); }

private:
  candle_store(store_connection conn, storage_info storage, std::vector<int> applied,
               std::vector<std::string> notes, std::size_t known_series_capacity,
               std::size_t copy_min_rows)
    : conn_(std::move(conn)), storage_(std::move(storage)), applied_(std::move(applied)),
      notes_(std::move(notes)), known_series_(known_series_capacity),
      copy_min_rows_(copy_min_rows) {}

  // Creates the staging table of the COPY path unless this very session already has it (a
  // reconnect, also one libpqxx made by itself, is a new session without it). Its own short
  // transaction: created inside a checkpoint that then rolls back, it would be gone again.
  result<void, pg_error> ensure_staging();

  // After a committed write_checkpoint: follow_batch applies its rows to stored_live_ (live rows
  // stored, finals gone); reload replaces what is known of the partition by its live rows as the
  // same transaction left them.
  enum class keys_after : bool { follow_batch, reload };
  // commit_checkpoint once the batch is made.
  result<checkpoint_outcome, pg_error> commit_batch(const std::string& topic, std::int32_t partition,
                                                    std::int64_t epoch, const partition_snapshot& state,
                                                    checkpoint_batch batch);
  // One try of commit_checkpoint with the rows' fresh flags as they are.
  result<checkpoint_outcome, pg_error> write_checkpoint(const std::string& topic, std::int32_t partition,
                                                        std::int64_t epoch, const partition_snapshot& state,
                                                        const checkpoint_batch& batch, bool bulk, keys_after keys);

  store_connection conn_;
  storage_info storage_;
  std::vector<int> applied_;
  std::vector<std::string> notes_;
  known_series known_series_; // series this connection committed to candle_series
  stored_live_keys stored_live_;  // live rows this connection knows are stored, per partition
  std::uint64_t fresh_conflicts_ = 0;
  std::size_t copy_min_rows_;
  // The session (store_connection::generation, backend pid) known to have the staging table.
  std::uint64_t staging_generation_ = 0;
  int staging_pid_ = 0;
};

} // namespace cs::runtime
