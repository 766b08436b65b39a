-- candle_series.last_open_time becomes a floor of the series' last bucket, refreshed when the
-- series moves a day past it (runtime/postgres/store/known_series.hpp). Keeping the exact last
-- bucket rewrote every series row at every checkpoint, about a third of a checkpoint's time in
-- PostgreSQL at 100,000 symbols; readers now find the exact last bucket with one backward probe
-- of the candles' primary key from the floor. The values stored so far are exact, so valid floors.
COMMENT ON COLUMN candle_series.last_open_time IS
  'at or before the newest open_time of the series in candles (a floor, refreshed at least daily in event time)';
