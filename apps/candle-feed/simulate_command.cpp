// `candle-feed simulate`: generates quotes (quote_generator) and produces them to the events topic
// at a rate or as fast as possible, then prints one summary line on stdout.
#include <array>
#include <chrono>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "event_producer.hpp"
#include "pacing.hpp"
#include "quote_generator.hpp"
#include "run_support.hpp"
#include "runtime/log/log.hpp"

namespace cs::feed {
namespace {

using clock_type = std::chrono::steady_clock;
constexpr std::string_view component = "candle-feed simulate";
constexpr auto progress_every = std::chrono::seconds{10};
// The clock and the bounds are checked every this many events, not on each.
constexpr std::uint64_t check_every = 256;

std::string summary_line(const event_producer& producer, const std::array<std::uint64_t, sim_kind_count>& by_kind,
                         std::uint64_t sent, clock_type::duration elapsed, const std::string& topic) {
  std::uint64_t invalid = 0;
  for (auto k : invalid_sim_kinds) invalid += by_kind[static_cast<std::size_t>(k)];
  std::ostringstream out;
  out << "simulate: topic=" << topic << " sent=" << sent
      << " valid=" << by_kind[static_cast<std::size_t>(sim_kind::valid)]
      << " late=" << by_kind[static_cast<std::size_t>(sim_kind::late)] << " invalid=" << invalid;
  for (auto k : invalid_sim_kinds) out << " " << to_string(k) << "=" << by_kind[static_cast<std::size_t>(k)];
  out << " delivered=" << producer.delivered() << " failed=" << producer.failed()
      << " misrouted=" << producer.misrouted() << " partitions=" << producer.partitions() << " per_partition=";
  bool first = true;
  for (const auto& [p, n] : producer.per_partition()) {
    out << (first ? "" : ",") << p << ":" << n;
    first = false;
  }
  out.setf(std::ios::fixed);
  out.precision(3);
  out << " seconds=" << std::chrono::duration<double>(elapsed).count();
  out.precision(0);
  out << " rate=" << per_second(sent, elapsed) << "/s";
  return out.str();
}

} // namespace

int run_simulate(const runtime::config& cfg, const simulate_settings& settings, const producer_flags& flags) {
  auto plan = plan_simulation(settings, cfg.get(runtime::keys::candle_allowed_lateness), wall_clock_now());
  if (!plan) throw usage_error(plan.error().reason);
  for (const auto& w : plan->warnings) runtime::log_warn(component, w);
  const auto psettings = make_producer_settings(cfg, flags);
  event_producer producer{psettings};
  install_stop_handlers();

  quote_generator gen{plan->generator};
  const rate_schedule schedule{plan->rate};
  std::array<std::uint64_t, sim_kind_count> by_kind{};
  sim_message msg;
  const auto start = clock_type::now();
  auto next_progress = start + progress_every;
  std::uint64_t sent = 0;
  while ((!plan->max_count || sent < *plan->max_count) && !stop_requested()) {
    if (plan->rate > 0) {
      // Paced: the schedule says when each event goes, so the duration bound is exact (an event
      // due at or after it is not sent) and the waits serve delivery reports.
      const auto due = std::chrono::nanoseconds{schedule.due(sent)};
      if (plan->max_duration && due.count() >= *plan->max_duration) break;
      paced_wait(producer, start + due);
      if (stop_requested()) break;
    }
    if (sent % check_every == 0) {
      const auto now = clock_type::now();
      if (plan->max_duration && now - start >= std::chrono::nanoseconds{*plan->max_duration}) break;
      if (now >= next_progress) {
        runtime::log_info(component, std::to_string(sent) + " events sent, " +
                                       std::to_string(producer.delivered()) + " delivered");
        next_progress = now + progress_every;
      }
    }
    gen.next(msg);
    producer.send(msg.key, msg.payload);
    ++by_kind[static_cast<std::size_t>(msg.kind)];
    ++sent;
  }
  const bool all_delivered = producer.finish(std::chrono::milliseconds{flags.flush_timeout_ms});
  const auto elapsed = clock_type::now() - start;
  std::cout << summary_line(producer, by_kind, sent, elapsed, psettings.topic) << std::endl;
  if (!all_delivered) {
    runtime::log_error(component, std::to_string(sent - producer.delivered()) + " of " +
                                    std::to_string(sent) + " events not delivered; first error: " +
                                    (producer.first_error().empty() ? "flush timed out" : producer.first_error()));
    return exit_failure;
  }
  if (producer.misrouted() > 0) {
    runtime::log_error(component, std::to_string(producer.misrouted()) + " events landed on another partition than murmur2 of their key");
    return exit_failure;
  }
  return exit_ok;
}

} // namespace cs::feed
