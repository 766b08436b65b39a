-- Symbol listings (GET /api/v1/symbols, UDF search) are in byte order (COLLATE "C"), which the
-- primary key's default collation cannot give: with millions of series each listing sorted the
-- whole table (1.4 s at 11 M rows). This index serves the order and the prefix range directly.
CREATE INDEX IF NOT EXISTS candle_series_byte_order ON candle_series (symbol COLLATE "C", interval COLLATE "C");
