#include "core_bench.hpp"

#include "bench_util.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <vector>

#include "heap_counter.hpp"
#include "messages/event_decoder.hpp"
#include "messages/event_json.hpp"
#include "messages/number_format.hpp"
#include "node_path.hpp"

namespace cs::bench {
namespace {

// Event time advances 100 us per event: with 1,000 symbols each symbol ticks ~10 times a second.
constexpr duration_ns event_spacing = 100 * ns_per_us;
constexpr timestamp_ns bench_epoch = 1'732'500'000 * ns_per_s;
constexpr std::size_t distinct_payloads = 4096;
constexpr std::size_t decode_events_per_repeat = 2'000'000;
// What aggregate_events_per_sec times (also printed, and a key of --json).
constexpr const char* aggregate_path = "batch_router+candle_keeper";
// A node checkpoints every second of wall time; at the node's target rate that is ~1 M events.
constexpr std::size_t checkpoint_events = 1'000'000;
constexpr std::size_t max_payload_bytes = 256; // the benchmark's payloads are ~140 bytes

std::string symbol_name(std::size_t i) {
  std::string s = "SYM";
  append_number(s, static_cast<std::uint64_t>(i));
  return s;
}

std::vector<std::string> make_payloads(std::size_t symbols) {
  std::mt19937_64 rng(1);
  std::vector<std::string> p;
  p.reserve(distinct_payloads);
  for (std::size_t i = 0; i < distinct_payloads; ++i) {
    const double mid = 100.0 + static_cast<double>(rng() % 1'000'000) / 100.0;
    std::string s = R"({"symbol":")" + symbol_name(i % symbols) + R"(","bid":)";
    append_number(s, mid - 0.01);
    s += R"(,"ask":)";
    append_number(s, mid + 0.01);
    s += R"(,"timestamp":)";
    append_number(s, floor_div(bench_epoch + static_cast<timestamp_ns>(i) * event_spacing, ns_per_ms));
    if (i % 2 == 0) s += R"(,"bidSize":1.25,"askSize":0.5)";
    p.push_back(s + "}");
  }
  return p;
}

double bench_decode(const core_options& opt) {
  const auto payloads = make_payloads(opt.symbols);
  event_decoder dec;
  bid_ask_event e;
  const timestamp_ns now = bench_epoch + ns_per_day;
  std::size_t ok = 0;
  std::vector<double> ns_per_event;
  for (std::size_t rep = 0; rep <= opt.repeats; ++rep) { // repeat 0 is the warm-up
    const auto t0 = clock_type::now();
    for (std::size_t i = 0; i < decode_events_per_repeat; ++i)
      ok += dec.decode(payloads[i % distinct_payloads], now, e).ok();
    const double s = seconds_since(t0);
    if (rep > 0) ns_per_event.push_back(s * 1e9 / static_cast<double>(decode_events_per_repeat));
  }
  if (ok != decode_events_per_repeat * (opt.repeats + 1)) return -1; // every payload is valid
  return median(ns_per_event);
}

// The stream of the aggregation benchmark as payloads, one poll batch at a time: random-walk mids,
// every symbol equally likely, event time slightly out of order (up to 50 ms, well inside the
// default 2 s lateness). Deterministic, so every repeat routes the same records.
class batch_source {
public:
  explicit batch_source(const core_options& opt) : opt_(opt), mid_(opt.symbols, 100.0) {
    for (std::size_t i = 0; i < opt.symbols; ++i) names_.push_back(symbol_name(i));
    // Sized once, so refilling never allocates (the heap figure counts only the node's state).
    batch_.bytes.reserve(opt.batch_records * max_payload_bytes);
    batch_.ends.reserve(opt.batch_records);
    batch_.offsets.reserve(opt.batch_records);
    event_.symbol.reserve(32);
  }
  // The next batch, or nullptr after opt.events events.
  const raw_batch* next() {
    if (i_ >= opt_.events) return nullptr;
    batch_.partition = 0;
    batch_.bytes.clear();
    batch_.ends.clear();
    batch_.offsets.clear();
    for (std::size_t n = 0; n < opt_.batch_records && i_ < opt_.events; ++n, ++i_) {
      const std::size_t sym = rng_() % opt_.symbols;
      mid_[sym] *= 1.0 + (static_cast<double>(rng_() % 2001) - 1000.0) * 1e-7;
      event_.symbol = names_[sym];
      event_.bid = mid_[sym] - 0.01;
      event_.ask = mid_[sym] + 0.01;
      event_.bid_size_units = static_cast<std::int64_t>(rng_() % 1'000'000);
      event_.ask_size_units = static_cast<std::int64_t>(rng_() % 1'000'000);
      event_.ts = bench_epoch + static_cast<timestamp_ns>(i_) * event_spacing -
                  static_cast<timestamp_ns>(rng_() % (50 * ns_per_ms));
      append_event_json(batch_.bytes, event_, event_time_field::millis);
      batch_.ends.push_back(static_cast<std::uint32_t>(batch_.bytes.size()));
      batch_.offsets.push_back(static_cast<std::int64_t>(i_));
    }
    return &batch_;
  }

private:
  const core_options& opt_;
  std::mt19937_64 rng_{2};
  std::vector<double> mid_;
  std::vector<std::string> names_;
  std::size_t i_ = 0;
  raw_batch batch_;
  bid_ask_event event_;
};

struct aggregate_figures {
  double events_per_sec = 0;
  double bytes_per_live_candle = 0;
  std::size_t live_candles = 0;
  std::size_t finals = 0;
  bool all_valid = true;
};

// Times node_path (batch_router + candle_keeper) over the stream. Filling a batch is not timed:
// in a node the poll thread does that on another core.
aggregate_figures bench_aggregate(const core_options& opt, const std::vector<interval>& intervals) {
  aggregate_figures fig;
  std::vector<double> rates;
  // The node's clock, for the future-skew check: after the last event, whatever --events says.
  const timestamp_ns now = bench_epoch + static_cast<timestamp_ns>(opt.events) * event_spacing + ns_per_day;
  for (std::size_t rep = 0; rep <= opt.repeats; ++rep) { // repeat 0 is the warm-up
    batch_source source(opt);
    const std::size_t heap_before = heap_bytes_in_use();
    node_path node(intervals, watermark_config{});
    std::size_t finals = 0, since_checkpoint = 0;
    clock_type::duration timed{};
    while (const raw_batch* b = source.next()) {
      const auto t0 = clock_type::now();
      node.process(*b, now);
      since_checkpoint += b->size();
      if (since_checkpoint >= checkpoint_events) {
        finals += node.checkpoint();
        since_checkpoint = 0;
      }
      timed += clock_type::now() - t0;
    }
    finals += node.checkpoint(); // what is left is the live state a node holds between checkpoints
    node.release_scratch();
    if (rep > 0) rates.push_back(static_cast<double>(opt.events) / std::chrono::duration<double>(timed).count());
    fig.live_candles = node.live_count();
    fig.finals = finals;
    fig.bytes_per_live_candle = static_cast<double>(heap_bytes_in_use() - heap_before) / static_cast<double>(fig.live_candles);
    const auto& c = node.counters();
    fig.all_valid = fig.all_valid && c.valid == opt.events && c.late == 0;
  }
  fig.events_per_sec = median(rates);
  return fig;
}

} // namespace

int run_core(const core_options& opt, std::ostream& out) {
  auto ivs = parse_interval_list(opt.intervals);
  if (!ivs.ok) {
    out << "error: " << ivs.error << "\n";
    return 2;
  }
  const double decode_ns = bench_decode(opt);
  const auto agg = bench_aggregate(opt, ivs.values);
  if (opt.json) {
    out << R"({"decode_ns_per_event":)" << decode_ns << R"(,"aggregate_events_per_sec":)" << agg.events_per_sec
        << R"(,"bytes_per_live_candle":)" << agg.bytes_per_live_candle << R"(,"aggregate_path":")" << aggregate_path
        << "\"}\n";
  } else {
    out << "decode+validate:   " << decode_ns << " ns/event (event_decoder alone; median of " << opt.repeats << ", "
        << decode_events_per_repeat << " events each)\n"
        << "aggregation:       " << agg.events_per_sec / 1e6 << " M events/s on one core through " << aggregate_path
        << " (the node's code without CAF messaging; decoding included; batches of " << opt.batch_records
        << ", a checkpoint every " << checkpoint_events << " events; " << opt.symbols << " symbols x "
        << ivs.values.size() << " intervals, " << opt.events << " events, " << agg.finals << " final candles)\n"
        << "memory:            " << agg.bytes_per_live_candle << " bytes per live candle (" << agg.live_candles
        << " live candles; all heap of the router and the keepers, not CAF's own cost per candle actor)\n";
  }
  if (!agg.all_valid) out << "error: the router did not take every benchmark event as valid and on time\n";
  return decode_ns < 0 || !agg.all_valid ? 1 : 0;
}

} // namespace cs::bench
