// `candle-feed replay`: produces the quotes of a CSV file to the events topic, paced by their
// event-time gaps (--speed) or as fast as possible (--fast). Bad rows are reported and skipped.
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "csv_event_reader.hpp"
#include "event_producer.hpp"
#include "kafka_encoding.hpp"
#include "messages/event_decoder.hpp"
#include "pacing.hpp"
#include "reference_builder.hpp"
#include "run_support.hpp"
#include "runtime/log/log.hpp"

namespace cs::feed {
namespace {
using clock_type = std::chrono::steady_clock;
constexpr std::string_view component = "candle-feed replay";
} // namespace

int run_replay(const runtime::config& cfg, const replay_flags& flags) {
  if (!(flags.speed > 0)) throw usage_error("--speed must be > 0");
  const auto layout = flags.csv.to_layout();
  std::ifstream in(flags.csv.file);
  if (!in) throw std::runtime_error("cannot read '" + flags.csv.file + "'");
  auto reader = csv_event_reader::open(in, layout);
  if (!reader) throw usage_error(flags.csv.file + ": " + reader.error().reason);

  const auto psettings = make_producer_settings(cfg, flags.producer);
  event_producer producer{psettings};
  install_stop_handlers();
  // Classifies what is sent the way a node will, to say up front how much goes to the DLQ.
  event_decoder decoder{{cfg.get(runtime::keys::candle_max_future_skew),
                         static_cast<std::size_t>(cfg.get(runtime::keys::candle_max_payload_bytes))}};

  replay_schedule schedule{flags.speed};
  bid_ask_event event, decoded;
  std::string payload;
  std::uint64_t sent = 0, node_invalid = 0;
  const auto start = clock_type::now();
  while (!stop_requested() && (*reader)->next(event)) {
    if (!flags.fast) {
      paced_wait(producer, start + std::chrono::nanoseconds{schedule.due(event.ts)});
      if (stop_requested()) break; // stopped while waiting: this event is not sent
    }
    encode_event_payload(event, payload);
    if (!decoder.decode(payload, no_clock, decoded).ok()) ++node_invalid;
    producer.send(event.symbol, payload);
    ++sent;
  }
  const bool all_delivered = producer.finish(std::chrono::milliseconds{flags.producer.flush_timeout_ms});
  const auto elapsed = clock_type::now() - start;
  const auto& stats = (*reader)->stats();
  report_bad_rows(component, stats);
  std::ostringstream out;
  out << "replay: topic=" << psettings.topic << " rows=" << stats.rows << " bad_rows=" << stats.bad_rows
      << " sent=" << sent << " node_invalid=" << node_invalid << " delivered=" << producer.delivered()
      << " failed=" << producer.failed() << " misrouted=" << producer.misrouted();
  out.setf(std::ios::fixed);
  out.precision(3);
  out << " seconds=" << std::chrono::duration<double>(elapsed).count();
  out.precision(0);
  out << " rate=" << per_second(sent, elapsed) << "/s";
  std::cout << out.str() << std::endl;
  if (!all_delivered) {
    runtime::log_error(component, std::to_string(sent - producer.delivered()) + " of " + std::to_string(sent) +
                                    " events not delivered; first error: " +
                                    (producer.first_error().empty() ? "flush timed out" : producer.first_error()));
    return exit_failure;
  }
  return producer.misrouted() == 0 ? exit_ok : exit_failure;
}

} // namespace cs::feed
