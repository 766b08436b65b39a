#pragma once
// Which candle rows of a (topic, partition) one store connection knows are in PostgreSQL as live
// rows, so that a checkpoint can write every other row with a plain INSERT instead of
// INSERT ... ON CONFLICT. PostgreSQL's speculative insertion (ON CONFLICT) costs about twice a
// plain insert of a new row, and most rows of a checkpoint are new: a one-second candle usually
// opens and becomes final between two checkpoints.
//
// A partition's rows reach the table as live rows written by an owner of the partition; the claim
// loads those (reset()), and each commit of this connection adds the rows it wrote as live and
// drops those it wrote as final (committed()). A row can still be there without this knowing: a
// commit whose outcome was in doubt, a reconnect of the db_writer without a new claim, another
// topic or partition writing the same symbol. Then the plain INSERT fails with unique_violation
// and candle_store writes the batch again with the upsert and reloads the partition's keys.
// So a wrong "stored" costs an upsert and a wrong "fresh" one retried transaction, never data.
//
// Keys are kept as 64-bit hashes of (symbol, interval, open_time): a collision only makes a guess
// wrong, which is safe as above. About 40 bytes per live key known. Not thread-safe (one per
// candle_store).
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "messages/candle.hpp"
#include "runtime/postgres/store/checkpoint_batch.hpp"

namespace cs::runtime {

class stored_live_keys {
public:
  // What (topic, partition) has stored now: exactly `live` (loaded in the claim's transaction).
  void reset(const std::string& topic, std::int32_t partition, const std::vector<candle>& live);
  // Sets each row's `fresh`: its key is not known to be stored for (topic, partition).
  void mark_fresh(const std::string& topic, std::int32_t partition, std::vector<checkpoint_row>& rows) const;
  // `rows` were committed for (topic, partition): live rows are stored now, final ones are no
  // longer live (their keys are never written again by an owner that follows the checkpoints).
  void committed(const std::string& topic, std::int32_t partition, const std::vector<checkpoint_row>& rows);

  // Keys known over all partitions.
  std::size_t size() const;

private:
  using key_set = std::unordered_set<std::uint64_t>;
  static std::string partition_key(const std::string& topic, std::int32_t partition);
  static std::uint64_t hash_of(const candle& c);

  std::unordered_map<std::string, key_set> by_partition_;
};

} // namespace cs::runtime
