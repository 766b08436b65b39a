#include "actors/partition_reader/batch_router.hpp"

namespace cs {

void routed_batch::clear() {
  slices.clear();
  invalid.clear();
  late.clear();
  watermark_after = no_watermark;
  boundary_crossed.clear();
  unconfirmed_gap_at = -1;
  gap_seen_at = -1;
}

batch_router::batch_router(std::int32_t partition, std::vector<interval> intervals, watermark_config clock,
                           event_decoder_limits limits)
  : partition_(partition), intervals_(std::move(intervals)), clock_(clock), decoder_(limits),
    announced_bucket_(intervals_.size(), no_watermark) {}

void batch_router::restore(std::int64_t next_offset, const watermark_state& clock) {
  next_offset_ = next_offset;
  clock_.restore(clock);
  for (std::size_t i = 0; i < intervals_.size(); ++i)
    announced_bucket_[i] = clock.watermark == no_watermark ? no_watermark : intervals_[i].bucket_start(clock.watermark);
}

void batch_router::mark_boundaries(std::vector<bool>& crossed) {
  crossed.assign(intervals_.size(), false);
  const timestamp_ns w = clock_.watermark();
  if (w == no_watermark) return;
  for (std::size_t i = 0; i < intervals_.size(); ++i) {
    const timestamp_ns b = intervals_[i].bucket_start(w);
    if (b != announced_bucket_[i]) {
      announced_bucket_[i] = b;
      crossed[i] = true;
    }
  }
}

void batch_router::route(const raw_batch& batch, timestamp_ns now, routed_batch& out) {
  out.clear();
  slice_index_.clear();
  clock_.mark_activity(now);
  std::uint32_t begin = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const std::uint32_t end = batch.ends[i];
    const std::string_view payload(batch.bytes.data() + begin, end - begin);
    begin = end;
    const std::int64_t offset = batch.offsets[i];
    if (offset < next_offset_) {
      ++counters_.duplicate;
      continue;
    }
    if (offset > next_offset_) {
      if (next_offset_ != accepted_gap_from_ || offset > accepted_gap_to_) {
        ++counters_.gap_stops;
        out.unconfirmed_gap_at = next_offset_;
        out.gap_seen_at = offset;
        break;
      }
      ++counters_.gaps;
      counters_.gap_offsets += static_cast<std::uint64_t>(offset - next_offset_);
      accepted_gap_from_ = accepted_gap_to_ = -1;
    }
    next_offset_ = offset + 1;
    const auto st = decoder_.decode(payload, now, scratch_);
    if (!st.ok()) {
      ++counters_.invalid;
      ++counters_.rejected[static_cast<std::size_t>(st.reason)];
      out.invalid.push_back({partition_, offset, std::to_string(partition_), std::string(payload), st.describe()});
      continue;
    }
    ++counters_.valid;
    const timestamp_ns w = clock_.watermark();
    std::size_t late = 0;
    // A bucket ends after every event in it, so an event at or past the watermark is never late:
    // the per-interval check is needed only for events behind it.
    if (scratch_.ts < w)
      for (const auto& iv : intervals_)
        if (iv.bucket_end(iv.bucket_start(scratch_.ts)) <= w) ++late;
    if (late > 0) {
      ++counters_.late;
      out.late.push_back({partition_, offset, scratch_.symbol, std::string(payload),
                          late == intervals_.size() ? "late for every interval" : "late for some intervals"});
      if (late == intervals_.size()) {
        ++counters_.fully_late;
        continue;
      }
    }
    auto [it, fresh] = slice_index_.try_emplace(scratch_.symbol, out.slices.size());
    if (fresh) out.slices.push_back({scratch_.symbol, {}});
    out.slices[it->second].events.push_back(
      {scratch_.price(), scratch_.bid_size_units, scratch_.ask_size_units, {scratch_.ts, offset}, w});
    clock_.observe(scratch_.ts);
  }
  out.watermark_after = clock_.watermark();
  mark_boundaries(out.boundary_crossed);
}

bool batch_router::advance_idle(timestamp_ns now, std::vector<bool>& boundary_crossed) {
  if (!clock_.advance_idle(now)) return false;
  mark_boundaries(boundary_crossed);
  return true;
}

} // namespace cs
