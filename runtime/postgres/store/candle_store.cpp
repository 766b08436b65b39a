#include "runtime/postgres/store/candle_store.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "runtime/postgres/store/candle_rows.hpp"
#include "runtime/postgres/store/checkpoint_batch.hpp"
#include "runtime/postgres/store/migration_runner.hpp"
#include "runtime/postgres/store/pg_array.hpp"
#include "runtime/postgres/store/pg_copy.hpp"
#include "runtime/postgres/store/store_sql.hpp"

namespace cs::runtime {

namespace {

timestamp_ns time_or_none(const pqxx::field& f) {
  return f.is_null() ? no_watermark : f.as<timestamp_ns>();
}

std::vector<candle> candles_of(const pqxx::result& rows) {
  std::vector<candle> out;
  out.reserve(rows.size());
  for (const auto& row : rows)
    out.push_back(candle_from_row(row));
  return out;
}

result<void, pg_error> prepare_statements(store_connection& conn) {
  const std::pair<std::string, std::string> statements[] = {
    {store_sql::claim_name, store_sql::claim_sql},
    {store_sql::load_live_name, store_sql::load_live_sql},
    {store_sql::advance_name, store_sql::advance_sql},
    {store_sql::upsert_name, store_sql::upsert_sql},
    // Prepared lazily by libpqxx (at first use), so after ensure_staging created the table.
    {store_sql::insert_staged_name, store_sql::insert_staged_sql},
    {store_sql::upsert_staged_name, store_sql::upsert_staged_sql},
    {store_sql::load_checkpoint_name, store_sql::load_checkpoint_sql},
    {store_sql::series_name, store_sql::series_sql},
    {store_sql::list_series_name, store_sql::list_series_sql},
    {store_sql::find_series_name, store_sql::find_series_sql},
    {store_sql::range_oldest_name, store_sql::range_oldest_sql},
    {store_sql::range_newest_name, store_sql::range_newest_sql},
    {store_sql::by_prefix_name, store_sql::by_prefix_sql},
    {store_sql::count_by_prefix_name, store_sql::count_by_prefix_sql},
  };
  for (const auto& [name, sql] : statements)
    if (auto prepared = conn.prepare(name, sql); !prepared)
      return prepared;
  return {};
}

pg_error step_failed(const char* step, const pg_error& e) {
  return {e.code, e.sqlstate, std::string{"candle_store "} + step + ": " + e.reason};
}

} // namespace

result<candle_store, pg_error> candle_store::open(const std::string& conn_string,
                                                  store_options options) {
  auto conn = store_connection::open(
    conn_string, std::chrono::duration_cast<std::chrono::milliseconds>(options.statement_timeout));
  if (!conn)
    return step_failed("connect", conn.error());
  auto migrated = apply_migrations(*conn, embedded_migrations());
  if (!migrated)
    return step_failed("migrate", migrated.error());
  // After the migrations: statements are checked against the tables when prepared.
  if (auto prepared = prepare_statements(*conn); !prepared)
    return step_failed("prepare", prepared.error());
  auto storage = detect_storage(*conn);
  if (!storage)
    return step_failed("detect storage", storage.error());
  if (auto configured = apply_storage_options(*conn, *storage, options); !configured)
    return step_failed("configure storage", configured.error());
  if (options.maintenance_on_open)
    if (auto maintained = run_storage_maintenance(*conn, *storage); !maintained)
      return step_failed("maintenance", maintained.error());

  std::vector<std::string> notes = std::move(migrated->notes);
  notes.insert(notes.end(), storage->notes.begin(), storage->notes.end());
  return candle_store{std::move(conn).value(), std::move(storage).value(),
                      std::move(migrated->applied), std::move(notes), options.known_series,
                      options.copy_min_rows};
}

result<partition_claim, pg_error> candle_store::claim_partition(const std::string& topic,
                                                                std::int32_t partition,
                                                                const std::string& owner) {
  auto claimed = conn_.transact([&](pqxx::work& tx) {
    const auto row = tx.exec_prepared1(store_sql::claim_name, topic, partition, owner);
    partition_claim claim;
    claim.epoch = row[0].as<std::int64_t>();
    claim.state.partition = partition;
    claim.state.next_offset = row[1].as<std::int64_t>();
    claim.state.clock.watermark = time_or_none(row[2]);
    claim.state.clock.max_event_ts = time_or_none(row[3]);
    // Same transaction, after the row lock: a previous owner's checkpoint either committed before
    // (and is loaded here) or will find the new epoch and be fenced.
    claim.state.live = candles_of(tx.exec_prepared(store_sql::load_live_name, topic, partition));
    return claim;
  });
  if (claimed)
    stored_live_.reset(topic, partition, claimed->state.live);
  return claimed;
}

result<checkpoint_outcome, pg_error> candle_store::commit_checkpoint(
  const std::string& topic, std::int32_t partition, std::int64_t epoch,
  const partition_snapshot& state, const std::vector<candle>& finals,
  const std::vector<candle>& changed_live) {
  return commit_batch(topic, partition, epoch, state, make_checkpoint_batch(finals, changed_live));
}

result<checkpoint_outcome, pg_error> candle_store::commit_checkpoint_shared(
  const std::string& topic, std::int32_t partition, std::int64_t epoch,
  const partition_snapshot& state, const shared_candles& finals,
  const std::vector<candle>& changed_live) {
  return commit_batch(topic, partition, epoch, state, make_checkpoint_batch_shared(finals, changed_live));
}

result<checkpoint_outcome, pg_error> candle_store::commit_batch(
  const std::string& topic, std::int32_t partition, std::int64_t epoch,
  const partition_snapshot& state, checkpoint_batch batch) {
  if (!batch.error.empty())
    return pg_error{pg_errc::other, {}, "commit_checkpoint: " + batch.error};
  const bool bulk = !batch.rows.empty() && batch.rows.size() >= copy_min_rows_;
  if (bulk)
    if (auto staged = ensure_staging(); !staged)
      return staged.error();
  if (bulk)
    stored_live_.mark_fresh(topic, partition, batch.rows);
  auto committed = write_checkpoint(topic, partition, epoch, state, batch, bulk, keys_after::follow_batch);
  // unique_violation: a row thought fresh was stored after all (see stored_live_keys.hpp). Again,
  // every row through the upsert, and learn the partition's live rows anew in that transaction.
  constexpr const char* unique_violation = "23505";
  if (bulk && !committed && committed.error().sqlstate == unique_violation) {
    ++fresh_conflicts_;
    for (auto& row : batch.rows)
      row.fresh = false;
    committed = write_checkpoint(topic, partition, epoch, state, batch, bulk, keys_after::reload);
  }
  // undefined_table: the staging table vanished behind our back (DISCARD TEMP, a pooler handing
  // out another session); the next call creates it again instead of failing forever.
  constexpr const char* undefined_table = "42P01";
  if (!committed && committed.error().sqlstate == undefined_table)
    staging_generation_ = 0;
  return committed;
}

result<checkpoint_outcome, pg_error> candle_store::write_checkpoint(
  const std::string& topic, std::int32_t partition, std::int64_t epoch,
  const partition_snapshot& state, const checkpoint_batch& batch, bool bulk, keys_after keys) {
  const bool any_fresh = std::any_of(batch.rows.begin(), batch.rows.end(), [](const auto& r) { return r.fresh; });
  const bool any_stored = std::any_of(batch.rows.begin(), batch.rows.end(), [](const auto& r) { return !r.fresh; });
  // Encoded before the transaction starts, so the row locks are held for as short as possible.
  candle_columns cols;
  std::string copy_data;
  if (bulk)
    encode_copy_rows(copy_data, batch.rows, fresh_column::append);
  else if (!batch.rows.empty())
    cols = encode_candle_columns(batch.rows);
  // Only rows that can change candle_series go to the series statement.
  std::vector<const candle*> series_rows;
  pg_array_literal series_symbol, series_interval, series_open_time;
  for (const auto& row : batch.rows)
    if (known_series_.needs_write(*row.value)) {
      series_rows.push_back(row.value);
      series_symbol.add_text(row.value->symbol);
      series_interval.add_text(row.value->iv.to_string());
      series_open_time.add(row.value->open_time);
    }

  std::vector<candle> live_now; // keys_after::reload: the partition's live rows after the writes
  auto committed = conn_.transact([&](pqxx::work& tx, bool& roll_back) {
    // Checkpoint first: it takes the row lock that orders us against a concurrent claim, and a
    // fenced owner sends no candles at all.
    const auto advanced =
      tx.exec_prepared(store_sql::advance_name, topic, partition, epoch, state.next_offset,
                       state.clock.watermark, state.clock.max_event_ts, no_watermark);
    if (advanced.affected_rows() == 0) {
      roll_back = true;
      return checkpoint_outcome::fenced;
    }
    if (bulk) {
      static const std::string target = std::string{store_sql::staging_table} + " ("
                                        + std::string{candle_copy_columns} + ", fresh)";
      copy_rows_in(tx, target, copy_data);
      if (any_fresh)
        tx.exec_prepared(store_sql::insert_staged_name, topic, partition);
      if (any_stored)
        tx.exec_prepared(store_sql::upsert_staged_name, topic, partition);
    } else if (!batch.rows.empty()) {
      tx.exec_prepared(store_sql::upsert_name, cols.symbol, cols.interval, cols.open_time,
                       cols.close_time, cols.open, cols.high, cols.low, cols.close, cols.volume,
                       cols.bid_size, cols.ask_size, cols.first_ts, cols.first_offset, cols.last_ts,
                       cols.last_offset, cols.closed, topic, partition);
    }
    if (!series_rows.empty())
      tx.exec_prepared(store_sql::series_name, series_symbol.take(), series_interval.take(), series_open_time.take());
    if (keys == keys_after::reload)
      live_now = candles_of(tx.exec_prepared(store_sql::load_live_name, topic, partition));
    return checkpoint_outcome::committed;
  });
  if (committed && *committed == checkpoint_outcome::committed) {
    for (const candle* c : series_rows) known_series_.remember(*c);
    if (keys == keys_after::reload)
      stored_live_.reset(topic, partition, live_now);
    else
      stored_live_.committed(topic, partition, batch.rows);
  }
  return committed;
}

result<void, pg_error> candle_store::ensure_staging() {
  const auto pid = conn_.backend_pid(); // reconnects first when the connection is broken
  if (!pid)
    return pid.error();
  if (staging_generation_ == conn_.generation() && staging_pid_ == *pid)
    return {};
  auto created =
    conn_.transact([](pqxx::work& tx) { tx.exec(store_sql::create_staging_sql); });
  if (!created)
    return created.error();
  staging_generation_ = conn_.generation();
  staging_pid_ = *pid;
  return {};
}

result<std::optional<stored_checkpoint>, pg_error> candle_store::load_checkpoint(
  const std::string& topic, std::int32_t partition) {
  return conn_.transact([&](pqxx::work& tx) -> std::optional<stored_checkpoint> {
    const auto rows = tx.exec_prepared(store_sql::load_checkpoint_name, topic, partition);
    if (rows.empty())
      return std::nullopt;
    const auto row = rows[0];
    stored_checkpoint out;
    out.epoch = row[0].as<std::int64_t>();
    out.next_offset = row[1].as<std::int64_t>();
    out.clock.watermark = time_or_none(row[2]);
    out.clock.max_event_ts = time_or_none(row[3]);
    out.owner = row[4].is_null() ? std::string{} : row[4].as<std::string>();
    return out;
  });
}

result<std::vector<candle>, pg_error> candle_store::query_candles(const std::string& symbol,
                                                                  const interval& iv,
                                                                  timestamp_ns from, timestamp_ns to,
                                                                  std::int64_t limit,
                                                                  limit_keeps keep) {
  if (limit <= 0 || from >= to)
    return std::vector<candle>{};
  return conn_.transact([&](pqxx::work& tx) {
    const bool newest = keep == limit_keeps::newest;
    auto out = candles_of(tx.exec_prepared(newest ? store_sql::range_newest_name
                                                  : store_sql::range_oldest_name,
                                           symbol, iv.to_string(), from, to, limit));
    if (newest)
      std::reverse(out.begin(), out.end());
    return out;
  });
}

result<std::optional<series_info>, pg_error> candle_store::find_series(const std::string& symbol, const interval& iv) {
  return conn_.transact([&](pqxx::work& tx) -> std::optional<series_info> {
    const auto rows = tx.exec_prepared(store_sql::find_series_name, symbol, iv.to_string());
    if (rows.empty()) return std::nullopt;
    return series_info{symbol, iv, rows[0][2].as<std::int64_t>(), rows[0][3].as<std::int64_t>()};
  });
}

result<std::vector<series_info>, pg_error> candle_store::list_series(const std::string& symbol_prefix,
                                                                       std::int64_t limit) {
  return conn_.transact([&](pqxx::work& tx) {
    std::vector<series_info> out;
    for (const auto& row : tx.exec_prepared(store_sql::list_series_name, symbol_prefix, limit)) {
      auto iv = parse_interval(row[1].as<std::string>());
      if (!iv.ok) continue; // a row from a newer build's interval syntax: not ours to list
      out.push_back({row[0].as<std::string>(), iv.value, row[2].as<std::int64_t>(), row[3].as<std::int64_t>()});
    }
    return out;
  });
}

result<std::vector<candle>, pg_error> candle_store::all_candles(const std::string& symbol_prefix) {
  return conn_.transact([&](pqxx::work& tx) {
    return candles_of(tx.exec_prepared(store_sql::by_prefix_name, symbol_prefix));
  });
}

result<std::int64_t, pg_error> candle_store::count_candles(const std::string& symbol_prefix) {
  return conn_.transact([&](pqxx::work& tx) {
    return tx.exec_prepared1(store_sql::count_by_prefix_name, symbol_prefix)[0].as<std::int64_t>();
  });
}

result<void, pg_error> candle_store::run_maintenance() {
  return run_storage_maintenance(conn_, storage_);
}

} // namespace cs::runtime
