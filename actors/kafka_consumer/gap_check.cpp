#include "actors/kafka_consumer/gap_check.hpp"

#include <algorithm>
#include <sstream>

namespace cs {

// Texts are built with a stream: GCC 12 gives a false -Wrestrict for literal + std::string
// (bug 105329).

std::int64_t gap_fetch_start(const gap_evidence& e) { return std::max(e.from, e.log_start); }

gap_judgement judge_gap(const gap_evidence& e) {
  if (e.log_start < 0) return {false, "the broker did not say where the log starts"};
  const auto start = gap_fetch_start(e);
  std::ostringstream why;
  if (e.log_start > e.from)
    why << "offsets [" << e.from << ", " << std::min(e.log_start, e.seen) << ") are below the log start offset " << e.log_start;
  if (start >= e.seen) return {true, why.str()};
  if (e.first_fetched < 0 || e.first_fetched < e.seen) {
    std::ostringstream no;
    no << "a fresh fetch from " << start;
    if (e.first_fetched < 0) no << " returned nothing";
    else no << " returned a record at " << e.first_fetched;
    return {false, no.str()};
  }
  if (e.log_start > e.from) why << "; ";
  why << "no record is visible in [" << start << ", " << e.seen << ") (transaction markers, aborted or compacted records)";
  return {true, why.str()};
}

} // namespace cs
