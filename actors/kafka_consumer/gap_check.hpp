#pragma once
// Whether a gap in a partition's offsets is real. A reader that expects offset `from` and gets
// `seen` > from first suspects the client: librdkafka 2.0.2's batch consumer can skip records
// around rebalances, pauses and seeks. A gap is accepted only on the broker's word:
//   - the offsets are below the partition's log start offset (deleted by retention or
//     DeleteRecords), or
//   - a fresh fetch from `from` by a separate, clean client returns its first record at `seen` or
//     later: no record is visible in between (transaction markers, aborted or compacted records).
// Otherwise the reader re-reads. Pure logic; the gap_verifier actor gathers the evidence.
#include <cstdint>
#include <string>

namespace cs {

struct gap_evidence {
  std::int64_t from = 0;           // the offset the reader expected
  std::int64_t seen = 0;           // the offset it got instead
  std::int64_t log_start = -1;     // the broker's low watermark; -1 when it did not answer
  std::int64_t first_fetched = -1; // first offset a fresh fetch from max(from, log_start) returned; -1: none
};

struct gap_judgement {
  bool confirmed = false;
  std::string why; // for the log: what the broker said
};

// Where the fresh fetch should start (max of from and the log start).
std::int64_t gap_fetch_start(const gap_evidence& e);
gap_judgement judge_gap(const gap_evidence& e);

} // namespace cs
