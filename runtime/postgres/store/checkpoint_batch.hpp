#pragma once
// The candle rows one checkpoint writes: the final candles (closed = true) and the changed live
// ones (closed = false), validated and with one row per (symbol, interval, open_time). PostgreSQL
// refuses to let one INSERT ... ON CONFLICT DO UPDATE touch a row twice, and a candle that changed
// and then became final within one checkpoint interval may well be in both lists.
#include <string>
#include <vector>

#include "messages/candle.hpp"
#include "messages/shared_candles.hpp"

namespace cs::runtime {

struct checkpoint_row {
  const candle* value = nullptr; // points into the caller's vectors
  bool closed = false;           // from the list it came from, not from value->closed
  bool fresh = false;            // not known to be stored: a plain INSERT may write it (stored_live_keys)
};

struct checkpoint_batch {
  std::vector<checkpoint_row> rows; // first-seen order of the keys
  std::string error;                // non-empty: a candle failed check_candle; rows is empty
};

// Per key, a final candle wins over a live one; among candles of the same kind the later one in
// its list wins. The rows point into the lists, which must outlive the batch.
checkpoint_batch make_checkpoint_batch(const std::vector<candle>& finals,
                                       const std::vector<candle>& changed_live);
checkpoint_batch make_checkpoint_batch_shared(const shared_candles& finals,
                                              const std::vector<candle>& changed_live);

} // namespace cs::runtime
