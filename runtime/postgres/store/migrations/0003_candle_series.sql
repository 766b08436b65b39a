-- One row per (symbol, interval) that has candles: the first and last bucket stored. The read API
-- lists symbols from here (GET /api/v1/symbols, UDF search) and answers 404 for a symbol it does
-- not know without scanning the candles table. Every checkpoint keeps it current in the same
-- transaction as the candles it writes; this migration fills it once from what is stored.
CREATE TABLE IF NOT EXISTS candle_series (
  symbol          text   NOT NULL,
  interval        text   NOT NULL,
  first_open_time bigint NOT NULL,
  last_open_time  bigint NOT NULL,
  PRIMARY KEY (symbol, interval)
);

INSERT INTO candle_series (symbol, interval, first_open_time, last_open_time)
SELECT symbol, interval, min(open_time), max(open_time) FROM candles GROUP BY symbol, interval
ON CONFLICT (symbol, interval) DO NOTHING;
