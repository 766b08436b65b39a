// `candle-feed reference`: the candles a stream must produce, computed offline with the
// aggregation core from a CSV file (partitions and offsets as replay into an empty topic would
// give them) or from a range of the events topic (exact partitions and offsets).
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "candle_csv.hpp"
#include "commands.hpp"
#include "csv_event_reader.hpp"
#include "event_producer.hpp"
#include "kafka_encoding.hpp"
#include "messages/candle_json.hpp"
#include "reference_builder.hpp"
#include "run_support.hpp"
#include "runtime/log/log.hpp"
#include "runtime/kafka/partitioner.hpp"
#include "topic_range_reader.hpp"

namespace cs::feed {
namespace {

constexpr std::string_view component = "candle-feed reference";
// Output is written in chunks of about this size.
constexpr std::size_t output_chunk = 1 << 20;

aggregator_config aggregation_of(const runtime::config& cfg) {
  aggregator_config a;
  a.intervals = cfg.get(runtime::keys::candle_intervals);
  a.clock.allowed_lateness = cfg.get(runtime::keys::candle_allowed_lateness);
  a.clock.idle_timeout = cfg.get(runtime::keys::candle_idle_timeout);
  return a;
}

event_decoder_limits limits_of(const runtime::config& cfg) {
  return {cfg.get(runtime::keys::candle_max_future_skew), static_cast<std::size_t>(cfg.get(runtime::keys::candle_max_payload_bytes))};
}

void from_csv(const runtime::config& cfg, const reference_flags& flags, reference_builder& builder) {
  const auto layout = flags.csv.to_layout();
  std::ifstream in(flags.csv.file);
  if (!in) throw std::runtime_error("cannot read '" + flags.csv.file + "'");
  auto reader = csv_event_reader::open(in, layout);
  if (!reader) throw usage_error(flags.csv.file + ": " + reader.error().reason);
  const auto partitions = static_cast<std::int32_t>(cfg.get(runtime::keys::kafka_topic_events_partitions));
  if (partitions <= 0) throw usage_error("kafka.topic.events.partitions must be at least 1");
  // Offsets as an empty topic would assign them: per partition, in file order.
  std::vector<std::int64_t> next_offset(static_cast<std::size_t>(partitions), 0);
  bid_ask_event event;
  std::string payload;
  while ((*reader)->next(event)) {
    const auto p = runtime::kafka_partition_for_key(event.symbol, partitions);
    encode_event_payload(event, payload);
    builder.add(p, next_offset[static_cast<std::size_t>(p)]++, payload);
  }
  report_bad_rows(component, (*reader)->stats());
}

std::int64_t parse_from_offset(const std::string& text) {
  if (text == "beginning") return runtime::kafka_offset_beginning;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v < 0)
    throw usage_error("--from-offset '" + text + "': 'beginning' or an offset >= 0");
  return v;
}

void from_topic(const runtime::config& cfg, const reference_flags& flags, reference_builder& builder) {
  topic_range_request req;
  req.brokers = cfg.get(runtime::keys::kafka_brokers);
  req.topic = cfg.get(runtime::keys::kafka_topic_events);
  req.from = parse_from_offset(flags.from_offset);
  req.to = flags.to_offset;
  if (req.to && *req.to < 0) throw usage_error("--to-offset must be >= 0");
  req.stall_timeout = std::chrono::milliseconds{flags.stall_timeout_ms};
  const bool skew = flags.check_future_skew;
  const auto ranges = read_topic_range(req, [&](const runtime::kafka_record& r) {
    // A node consuming in real time has about the record's (producer) time as its clock.
    const timestamp_ns now = skew && r.timestamp_ms >= 0 ? r.timestamp_ms * ns_per_ms : no_clock;
    builder.add(r.partition, r.offset, r.value, now);
  });
  std::string msg = "read " + req.topic + ":";
  for (const auto& r : ranges)
    msg += " [" + std::to_string(r.partition) + "] " + std::to_string(r.begin) + ".." + std::to_string(r.end);
  runtime::log_info(component, msg);
}

void write_candles(const std::vector<partitioned_candle>& candles, const std::string& format, std::FILE* out) {
  std::string buf;
  if (format == "csv") buf.append(candle_csv_header).push_back('\n');
  for (const auto& pc : candles) {
    if (format == "csv") append_candle_csv(buf, pc.c, pc.partition);
    else append_candle_json(buf, pc.c);
    buf.push_back('\n');
    if (buf.size() >= output_chunk) {
      std::fwrite(buf.data(), 1, buf.size(), out);
      buf.clear();
    }
  }
  std::fwrite(buf.data(), 1, buf.size(), out);
}

std::string counts_line(const reference_counts& c, const std::vector<partitioned_candle>& candles) {
  std::uint64_t finals = 0;
  for (const auto& pc : candles) finals += pc.c.closed ? 1 : 0;
  std::ostringstream out;
  out << "reference: events=" << c.records << " valid=" << c.valid << " invalid=" << c.invalid << " late=" << c.late
      << " partly_late=" << c.partly_late << " duplicates=" << c.duplicates << " candles=" << candles.size()
      << " finals=" << finals << " live=" << candles.size() - finals << " per_partition=";
  bool first = true;
  for (const auto& [p, n] : c.per_partition) {
    out << (first ? "" : ",") << p << ":" << n;
    first = false;
  }
  out << " invalid_reasons=";
  first = true;
  for (std::size_t r = 1; r < reject_reason_count; ++r) {
    if (c.by_reason[r] == 0) continue;
    out << (first ? "" : ",") << to_string(static_cast<reject_reason>(r)) << ":" << c.by_reason[r];
    first = false;
  }
  return out.str();
}

} // namespace

int run_reference(const runtime::config& cfg, const reference_flags& flags) {
  const bool csv = !flags.csv.file.empty();
  if (csv == flags.topic_range) throw usage_error("give exactly one input: --csv FILE or --topic-range");
  if (csv && flags.check_future_skew) throw usage_error("--check-future-skew needs --topic-range (record times)");
  if (flags.format != "csv" && flags.format != "json") throw usage_error("--format must be csv or json");
  if (flags.stall_timeout_ms <= 0) throw usage_error("--stall-timeout-ms must be > 0");

  reference_builder builder{aggregation_of(cfg), limits_of(cfg)};
  if (csv) from_csv(cfg, flags, builder);
  else from_topic(cfg, flags, builder);
  const auto candles = builder.candles(flags.finals_only);

  std::FILE* out = stdout;
  if (!flags.out.empty()) {
    out = std::fopen(flags.out.c_str(), "w");
    if (!out) throw std::runtime_error("cannot write '" + flags.out + "'");
  }
  write_candles(candles, flags.format, out);
  bool write_ok = std::fflush(out) == 0 && !std::ferror(out);
  if (out != stdout && std::fclose(out) != 0) write_ok = false;
  if (!write_ok) throw std::runtime_error("writing the candles failed");
  std::cerr << counts_line(builder.counts(), candles) << std::endl;
  return exit_ok;
}

} // namespace cs::feed
