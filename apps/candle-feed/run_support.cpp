#include "run_support.hpp"

#include <csignal>
#include <iostream>

#include "csv_line.hpp"
#include "messages/symbol.hpp"
#include "runtime/log/log.hpp"

namespace cs::feed {
namespace {
volatile std::sig_atomic_t stop_flag = 0;
void on_stop_signal(int) { stop_flag = 1; }
} // namespace

void install_stop_handlers() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

bool stop_requested() { return stop_flag != 0; }

void report_bad_rows(std::string_view component, const csv_read_stats& stats) {
  if (stats.bad_rows == 0) return;
  std::string msg = std::to_string(stats.bad_rows) + " bad row(s) skipped";
  if (stats.bad_rows > stats.first_bad.size()) msg += "; the first " + std::to_string(stats.first_bad.size());
  msg += ":";
  for (const auto& b : stats.first_bad) msg += "\n  line " + std::to_string(b.line) + ": " + b.reason;
  runtime::log_warn(component, msg);
}

producer_settings make_producer_settings(const runtime::config& cfg, const producer_flags& flags) {
  producer_settings s;
  s.brokers = cfg.get(runtime::keys::kafka_brokers);
  s.topic = cfg.get(runtime::keys::kafka_topic_events);
  for (const auto& p : flags.properties)
    if (!parse_property(p, s.overrides)) throw usage_error("--producer-prop '" + p + "': expected KEY=VALUE");
  if (flags.flush_timeout_ms <= 0) throw usage_error("--flush-timeout-ms must be > 0");
  return s;
}

void paced_wait(event_producer& producer, std::chrono::steady_clock::time_point due) {
  using clock_type = std::chrono::steady_clock;
  constexpr auto min_wait = std::chrono::milliseconds{1};
  // Slices keep a long wait (a slow rate, a gap in a replay) responsive to SIGINT.
  constexpr auto slice = std::chrono::milliseconds{100};
  if (due - clock_type::now() < min_wait) return;
  for (auto now = clock_type::now(); now < due && !stop_requested(); now = clock_type::now())
    producer.wait_until(std::min(due, now + slice));
}

double per_second(std::uint64_t n, std::chrono::steady_clock::duration elapsed) {
  const double s = std::chrono::duration<double>(elapsed).count();
  return s > 0 ? static_cast<double>(n) / s : 0;
}

csv_layout csv_flags::to_layout() const {
  csv_layout l = layout;
  auto unit = parse_ts_unit(ts_unit);
  if (!unit) throw usage_error("--ts-unit '" + ts_unit + "': valid units are " + std::string(valid_ts_units));
  l.unit = *unit;
  auto d = parse_delimiter(delimiter);
  if (!d) throw usage_error("--delimiter '" + delimiter + "': one character, or 'tab'");
  l.delimiter = *d;
  l.has_header = !no_header;
  if (!l.symbol.empty() && !is_valid_symbol(l.symbol))
    throw usage_error("--symbol '" + l.symbol + "': a symbol is " + std::string(valid_symbol_form));
  return l;
}

} // namespace cs::feed
