#include "runtime/postgres/store/checkpoint_batch.hpp"

#include <string_view>
#include <unordered_map>

namespace cs::runtime {

namespace {

// The primary key of candles as one string; '\0' cannot occur in a valid symbol.
std::string row_key(const candle& c) {
  std::string key = c.symbol;
  key += '\0';
  key += c.iv.to_string();
  key += '\0';
  key += std::to_string(c.open_time);
  return key;
}

std::string describe(const candle& c, std::string_view what) {
  return "candle " + c.symbol + " " + c.iv.to_string() + " open_time " + std::to_string(c.open_time)
         + ": " + std::string{what};
}


template <class Finals>
checkpoint_batch make_batch(const Finals& finals, const std::vector<candle>& changed_live) {
  checkpoint_batch batch;
  batch.rows.reserve(finals.size() + changed_live.size());
  std::unordered_map<std::string, std::size_t> index_of;
  index_of.reserve(finals.size() + changed_live.size());

  auto put = [&](const candle& c, bool closed) -> bool {
    // A bad row would be loaded back by every future claim of the partition and fail it there;
    // refusing it here points at the code that produced it.
    if (const auto problem = check_candle(c); !problem.empty()) {
      batch.error = describe(c, problem);
      return false;
    }
    const auto [it, inserted] = index_of.try_emplace(row_key(c), batch.rows.size());
    if (inserted) {
      batch.rows.push_back({&c, closed});
      return true;
    }
    checkpoint_row& have = batch.rows[it->second];
    if (closed || !have.closed)
      have = {&c, closed};
    return true;
  };

  for (const auto& c : changed_live)
    if (!put(c, false))
      return {{}, std::move(batch.error)};
  for (const auto& c : finals)
    if (!put(c, true))
      return {{}, std::move(batch.error)};
  return batch;
}

} // namespace

checkpoint_batch make_checkpoint_batch(const std::vector<candle>& finals,
                                       const std::vector<candle>& changed_live) {
  return make_batch(finals, changed_live);
}

checkpoint_batch make_checkpoint_batch_shared(const shared_candles& finals,
                                              const std::vector<candle>& changed_live) {
  return make_batch(finals, changed_live);
}

} // namespace cs::runtime
