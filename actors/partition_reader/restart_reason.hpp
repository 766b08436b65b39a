#pragma once
// Why a partition reader restarted from its last checkpoint: a bounded set, so restarts can be
// counted per reason (/debug/stats, candlestream_restarts_total{reason}); the log line carries
// the detail.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace cs {

enum class restart_reason : std::uint8_t {
  candle_actor_failed, // a candle actor of the partition exited with an error (or was crashed)
  claim_failed,        // the first claim of the partition failed
  reclaim_failed,      // the claim after a restart or fence failed
  seek_failed,         // the poll thread could not seek to the restored offset
  collect_timeout,     // candle actors did not hand over their part of a checkpoint in time
  publish_failed,      // Kafka did not acknowledge a checkpoint's records
  commit_failed,       // PostgreSQL did not commit a checkpoint
  injected_fault,      // fault injection (node.faults)
};
inline constexpr std::size_t restart_reason_count = 8;

constexpr std::string_view to_string(restart_reason r) {
  constexpr std::array<std::string_view, restart_reason_count> names{
    "candle_actor_failed", "claim_failed", "reclaim_failed", "seek_failed",
    "collect_timeout",     "publish_failed", "commit_failed", "injected_fault"};
  return names[static_cast<std::size_t>(r)];
}

} // namespace cs
