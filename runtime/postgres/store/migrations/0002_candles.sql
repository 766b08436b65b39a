-- Final and live candles. One row per (symbol, interval, open_time); times are epoch nanoseconds,
-- interval is the canonical text of cs::interval::to_string() ("1m", "1w", "1M").
-- Prices are float8 (exact binary doubles); size sums are exact decimals (cs::format_size_sum).
-- closed = false marks a live candle, part of the checkpoint of partition source_partition of topic
-- source_topic: a new owner of that partition reloads exactly those rows. (source_topic is not in
-- the original column list: without it, two topics or test runs sharing partition numbers would
-- load each other's live candles.)
--
-- Storage is chosen once, here, from what the server offers:
--   timescaledb  hypertable on open_time, 1-day chunks, integer_now function; compression and
--                retention policies are set by the store at every start (storage_setup.cpp).
--   pg_partman   native range partitions of one day on open_time (p_epoch => 'nanoseconds'), a
--                default partition for buckets outside the premade range (1970, 2100, old
--                replays), retention and premake set by the store at every start.
--   plain        neither extension: an ordinary table (the store reports a warning).
-- A backend whose extension cannot actually be created (e.g. timescaledb not preloaded) is
-- skipped with a WARNING and the next one is tried.
DO $migration$
DECLARE
  columns constant text := $cols$
    symbol           text             NOT NULL,
    interval         text             NOT NULL,
    open_time        bigint           NOT NULL,
    close_time       bigint           NOT NULL,
    open             double precision NOT NULL,
    high             double precision NOT NULL,
    low              double precision NOT NULL,
    close            double precision NOT NULL,
    volume           bigint           NOT NULL,
    bid_size         numeric(40,8)    NOT NULL DEFAULT 0,
    ask_size         numeric(40,8)    NOT NULL DEFAULT 0,
    first_ts         bigint           NOT NULL,
    first_offset     bigint           NOT NULL,
    last_ts          bigint           NOT NULL,
    last_offset      bigint           NOT NULL,
    closed           boolean          NOT NULL,
    source_topic     text,
    source_partition integer,
    updated_at       timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, interval, open_time)
  $cols$;
  ns_per_day constant bigint := 86400000000000;
  -- pg_partman's own default; the store sets the configured premake at every start.
  initial_premake constant integer := 4;
  parent_table constant text := format('%I.candles', current_schema());
  partman_schema text;
  chosen text;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
    BEGIN
      CREATE EXTENSION IF NOT EXISTS timescaledb;
      EXECUTE format('CREATE TABLE candles (%s)', columns);
      -- Dynamic SQL: these functions exist only when the extension does.
      EXECUTE 'SELECT create_hypertable(''candles'', ''open_time'', chunk_time_interval => $1)'
        USING ns_per_day;
      -- Integer time needs a "now" in the same unit for compression and retention policies.
      CREATE FUNCTION candles_now_ns() RETURNS bigint LANGUAGE sql STABLE
        AS $fn$ SELECT (extract(epoch FROM now()) * 1000000000)::bigint $fn$;
      EXECUTE 'SELECT set_integer_now_func(''candles'', ''candles_now_ns'')';
      ALTER TABLE candles SET (timescaledb.compress,
                               timescaledb.compress_segmentby = 'symbol, interval',
                               timescaledb.compress_orderby = 'open_time');
      chosen := 'timescaledb';
    EXCEPTION WHEN OTHERS THEN
      RAISE WARNING 'candles: timescaledb is available but not usable (%), trying pg_partman', SQLERRM;
    END;
  END IF;

  IF chosen IS NULL AND EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_partman') THEN
    BEGIN
      -- Installed elsewhere already? Then use that schema.
      SELECT n.nspname INTO partman_schema
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_partman';
      IF partman_schema IS NULL THEN
        CREATE SCHEMA IF NOT EXISTS partman;
        CREATE EXTENSION pg_partman SCHEMA partman;
        partman_schema := 'partman';
      END IF;
      EXECUTE format('CREATE TABLE candles (%s) PARTITION BY RANGE (open_time)', columns);
      EXECUTE format('SELECT %I.create_parent(p_parent_table => $1, p_control => ''open_time'','
                     ' p_type => ''native'', p_interval => ''1 day'', p_premake => $2,'
                     ' p_epoch => ''nanoseconds'', p_jobmon => false)', partman_schema)
        USING parent_table, initial_premake;
      -- infinite_time_partitions: keep premaking from now() even while no data arrives.
      -- ignore_default_data: rows parked in the default partition (a 2100 bucket, a replay of
      -- 1970) must not drag the "current" partition there, or maintenance would create every
      -- daily partition up to it.
      EXECUTE format('UPDATE %I.part_config SET infinite_time_partitions = true,'
                     ' ignore_default_data = true, retention_keep_table = false,'
                     ' retention_keep_index = false WHERE parent_table = $1', partman_schema)
        USING parent_table;
      chosen := 'partman';
    EXCEPTION WHEN OTHERS THEN
      RAISE WARNING 'candles: pg_partman is available but not usable (%), using a plain table', SQLERRM;
    END;
  END IF;

  IF chosen IS NULL THEN
    EXECUTE format('CREATE TABLE candles (%s)', columns);
  END IF;

  -- A new owner of a partition loads its live rows; only those are indexed.
  CREATE INDEX candles_live_by_source ON candles (source_topic, source_partition) WHERE NOT closed;
END
$migration$;
