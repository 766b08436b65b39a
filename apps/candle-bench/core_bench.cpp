#include "core_bench.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <vector>

#include "actors/partition_reader/partition_aggregator.hpp"
#include "heap_counter.hpp"
#include "messages/event_decoder.hpp"
#include "messages/number_format.hpp"

namespace cs::bench {
namespace {

using clock_type = std::chrono::steady_clock;
// Event time advances 100 us per event: with 1,000 symbols each symbol ticks ~10 times a second.
constexpr duration_ns event_spacing = 100 * ns_per_us;
constexpr timestamp_ns bench_epoch = 1'732'500'000 * ns_per_s;
constexpr std::size_t distinct_payloads = 4096;
constexpr std::size_t decode_events_per_repeat = 2'000'000;
constexpr std::size_t finals_batch = 4096; // finals are handed off (cleared) per batch, as a reader would

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

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

std::vector<bid_ask_event> make_events(const core_options& opt) {
  std::mt19937_64 rng(2);
  std::vector<double> mid(opt.symbols, 100.0);
  std::vector<std::string> names;
  for (std::size_t i = 0; i < opt.symbols; ++i) names.push_back(symbol_name(i));
  std::vector<bid_ask_event> evs(opt.events);
  for (std::size_t i = 0; i < opt.events; ++i) {
    const std::size_t sym = rng() % opt.symbols;
    mid[sym] *= 1.0 + (static_cast<double>(rng() % 2001) - 1000.0) * 1e-7;
    auto& e = evs[i];
    e.symbol = names[sym];
    e.bid = mid[sym] - 0.01;
    e.ask = mid[sym] + 0.01;
    e.bid_size_units = static_cast<std::int64_t>(rng() % 1'000'000);
    e.ask_size_units = static_cast<std::int64_t>(rng() % 1'000'000);
    // Slightly out of order (up to 50 ms), well inside the default 2 s lateness.
    e.ts = bench_epoch + static_cast<timestamp_ns>(i) * event_spacing - static_cast<timestamp_ns>(rng() % (50 * ns_per_ms));
    e.partition = 0;
    e.offset = static_cast<std::int64_t>(i);
  }
  return evs;
}

struct aggregate_figures {
  double events_per_sec = 0;
  double bytes_per_live_candle = 0;
  std::size_t live_candles = 0;
  std::size_t finals = 0;
};

aggregate_figures bench_aggregate(const core_options& opt, const aggregator_config& cfg) {
  const auto evs = make_events(opt);
  aggregate_figures fig;
  std::vector<double> rates;
  std::vector<candle> finals;
  finals.reserve(finals_batch * 8);
  for (std::size_t rep = 0; rep <= opt.repeats; ++rep) {
    finals.clear();
    const std::size_t heap_before = heap_bytes_in_use();
    partition_aggregator agg(cfg, 0);
    std::size_t emitted = 0;
    const auto t0 = clock_type::now();
    for (std::size_t i = 0; i < evs.size(); ++i) {
      agg.apply(evs[i], finals);
      if (finals.size() >= finals_batch) {
        emitted += finals.size();
        finals.clear();
      }
    }
    const double s = seconds_since(t0);
    emitted += finals.size();
    finals.clear();
    if (rep > 0) rates.push_back(static_cast<double>(evs.size()) / s);
    fig.live_candles = agg.live_count();
    fig.finals = emitted;
    fig.bytes_per_live_candle = static_cast<double>(heap_bytes_in_use() - heap_before) / static_cast<double>(fig.live_candles);
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
  aggregator_config cfg;
  cfg.intervals = ivs.values;
  const double decode_ns = bench_decode(opt);
  const auto agg = bench_aggregate(opt, cfg);
  if (opt.json) {
    out << R"({"decode_ns_per_event":)" << decode_ns << R"(,"aggregate_events_per_sec":)" << agg.events_per_sec
        << R"(,"bytes_per_live_candle":)" << agg.bytes_per_live_candle << "}\n";
  } else {
    out << "decode+validate:   " << decode_ns << " ns/event (median of " << opt.repeats << ", "
        << decode_events_per_repeat << " events each)\n"
        << "aggregation:       " << agg.events_per_sec / 1e6 << " M events/s on one core (" << opt.symbols
        << " symbols x " << cfg.intervals.size() << " intervals, " << opt.events << " events, " << agg.finals
        << " final candles)\n"
        << "memory:            " << agg.bytes_per_live_candle << " bytes per live candle (" << agg.live_candles
        << " live candles, all heap of the aggregator)\n";
  }
  return decode_ns < 0 ? 1 : 0;
}

} // namespace cs::bench
