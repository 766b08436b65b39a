#include "cli.hpp"

#include <sstream>

namespace cs::feed {
namespace {

constexpr std::string_view config_note =
  "Config keys are flags too (--kafka.brokers=HOST:PORT, --kafka.topic.events=NAME, "
  "--candle.intervals=1s,1m, --candle.allowed-lateness=2s, --config FILE, ...; env CANDLE_*); "
  "`candle-feed --help` lists them all.";

std::string config_footer() {
  std::ostringstream out;
  out << "Configuration keys, each also a flag --<key>=<value> (default < --config FILE or $CANDLE_CONFIG "
         "< env < flag):\n";
  out << runtime::config::keys_help();
  return out.str();
}

void add_producer_flags(CLI::App& cmd, producer_flags& f) {
  cmd.add_option("--producer-prop", f.properties,
                 "librdkafka producer property KEY=VALUE, repeatable; wins over the defaults "
                 "(enable.idempotence=true, acks=all, linger.ms=10, batch.size=1000000, "
                 "compression.type=lz4, message.timeout.ms=30000)");
  cmd.add_option("--flush-timeout-ms", f.flush_timeout_ms, "how long to wait at the end for outstanding deliveries");
}

// Adds --csv and the column flags; returns --csv.
CLI::Option* add_csv_flags(CLI::App& cmd, csv_flags& f, std::string csv_help) {
  auto* file = cmd.add_option("--csv", f.file, std::move(csv_help))->check(CLI::ExistingFile);
  auto& l = f.layout;
  cmd.add_option("--ts-col", l.ts_col, "timestamp column: header name or 0-based index");
  cmd.add_option("--bid-col", l.bid_col, "bid price column");
  cmd.add_option("--ask-col", l.ask_col, "ask price column");
  cmd.add_option("--symbol-col", l.symbol_col,
                 "symbol column (default: a header column named 'symbol', unless --symbol is given)");
  cmd.add_option("--bid-size-col", l.bid_size_col, "bid size column (optional; empty cells mean no size)");
  cmd.add_option("--ask-size-col", l.ask_size_col, "ask size column (optional)");
  cmd.add_option("--symbol", l.symbol, "the symbol of every row, for a file without a symbol column");
  cmd.add_option("--ts-unit", f.ts_unit,
                 "timestamp unit: s|ms|us|ns since the epoch (decimals allowed) or iso (ISO-8601, e.g. "
                 "2024-11-25T12:00:00.123Z; no zone = UTC)")
    ->check(CLI::IsMember({"s", "ms", "us", "ns", "iso"}));
  cmd.add_flag("--no-header", f.no_header, "the first line is data, columns are given by index");
  cmd.add_option("--delimiter", f.delimiter, "field delimiter: one character, or 'tab'");
  return file;
}

} // namespace

feed_cli::feed_cli() {
  app.option_defaults()->always_capture_default();
  app.require_subcommand(1, 1);
  app.footer(config_footer());

  // simulate
  auto& s = simulate;
  simulate_cmd = app.add_subcommand("simulate", "produce random-walk quotes of many symbols to the events topic");
  auto* sim = simulate_cmd;
  sim->footer(std::string(config_note));
  sim->add_option("--symbols", s.symbols, "number of symbols");
  sim->add_option("--symbol-prefix", s.symbol_prefix, "symbols are <prefix>000, <prefix>001, ...");
  sim->add_flag("--cycle-symbols", s.cycle_symbols,
                "take the symbols in order, each once per cycle (N events of N symbols: N distinct), not at random");
  sim->add_option("--rate", s.rate, "events per second of wall time; 0 = as fast as possible");
  count_opt_ = sim->add_option("--count", count_, "stop after N events (without --count or --duration: " +
                                                     std::to_string(default_count_bound) + ")")
                 ->default_str("");
  duration_opt_ = sim->add_option("--duration", duration_s_, "stop after this many seconds of wall time")
                    ->default_str("");
  sim->add_option("--seed", s.seed, "random seed: the same flags and seed send the same events");
  start_opt_ = sim->add_option("--start-ms", start_ms_,
                               "event time of the first event, epoch ms (default: now; at --rate 0 with a "
                               "count bound, now - count * tick so the stream ends now)")
                 ->default_str("");
  sim->add_option("--tick-us", s.tick_us, "event time step per event at --rate 0, in microseconds");
  sim->add_option("--jitter-ms", s.jitter_ms,
                  "out of order: each event's time is up to this much earlier (keep it <= "
                  "candle.allowed-lateness so none is late)");
  sim->add_option("--late-fraction", s.late_fraction, "fraction of events sent far behind the stream (late)")
    ->check(CLI::Range(0.0, 1.0));
  late_by_opt_ = sim->add_option("--late-by-ms", late_by_ms_,
                                 "how far behind late events are (default: candle.allowed-lateness + 120000)")
                   ->default_str("");
  sim->add_option("--invalid-fraction", s.invalid_fraction,
                  "fraction of invalid payloads, evenly of: bad_json, crossed_quote, missing_field, "
                  "bad_symbol, negative_price")
    ->check(CLI::Range(0.0, 1.0));
  sim->add_flag("--sizes,!--no-sizes", s.sizes, "send bidSize/askSize (whole lots of 0.01 up to 100); on by default");
  sim->add_option("--spread-bps", s.spread_bps, "bid/ask spread around the mid, in basis points");
  sim->add_option("--volatility-bps", s.volatility_bps, "standard deviation of each step of a mid price, in bp");
  sim->add_option("--price-decimals", s.price_decimals, "prices are multiples of 10^-N");
  sim->add_option("--time-field", s.time_field, "event time field: ms (\"timestamp\") or ns (\"timestampNs\")")
    ->check(CLI::IsMember({"ms", "ns"}));
  add_producer_flags(*sim, simulate_producer);

  // replay
  replay_cmd = app.add_subcommand("replay", "produce the quotes of a CSV file to the events topic");
  auto* rep = replay_cmd;
  rep->footer(std::string(config_note));
  add_csv_flags(*rep, replay.csv, "CSV file of quotes, one per line")->required();
  auto* speed = rep->add_option("--speed", replay.speed, "paced replay at N x real time (event-time gaps / N)");
  rep->add_flag("--fast", replay.fast, "as fast as possible, no pacing")->excludes(speed);
  add_producer_flags(*rep, replay.producer);

  // reference
  reference_cmd = app.add_subcommand(
    "reference",
    "compute offline, with the aggregation core, the candles a stream must produce (sorted by symbol, "
    "interval, open time)");
  auto* ref = reference_cmd;
  ref->footer(std::string(config_note) +
              "\n--csv: partitions are murmur2(symbol) over kafka.topic.events.partitions and offsets count "
              "per partition in file order, as replay into an empty topic gives them.\n--topic-range: every "
              "partition of kafka.topic.events from --from-offset up to the high watermark at start (or "
              "--to-offset), manual assignment, no commits; the future-skew check is off unless "
              "--check-future-skew (its clock is then each record's Kafka timestamp).\nCounts go to stderr.");
  auto& r = reference;
  auto* csv_opt = add_csv_flags(*ref, r.csv, "compute from this CSV file (column flags as for replay)");
  auto* topic_opt = ref->add_flag("--topic-range", r.topic_range, "compute from the events topic (kafka.topic.events)");
  topic_opt->excludes(csv_opt);
  ref->add_option("--from-offset", r.from_offset, "first offset of every partition: 'beginning' or N")
    ->needs(topic_opt);
  to_offset_opt_ = ref->add_option("--to-offset", to_offset_, "stop before offset N in every partition "
                                                                "(default: the high watermark at start)")
                     ->needs(topic_opt)
                     ->default_str("");
  ref->add_flag("--check-future-skew", r.check_future_skew,
                "reject events more than candle.max-future-skew ahead of their record's Kafka timestamp")
    ->needs(topic_opt);
  ref->add_option("--stall-timeout-ms", r.stall_timeout_ms, "give up when reading makes no progress this long");
  ref->add_option("--format", r.format, "csv (one row per candle, with partition) or json (one object per line)")
    ->check(CLI::IsMember({"csv", "json"}));
  ref->add_option("--out", r.out, "write the candles to FILE instead of stdout");
  ref->add_flag("--finals-only", r.finals_only, "only closed candles (the watermark passed their end)");
}

void feed_cli::after_parse() {
  if (count_opt_->count() > 0) simulate.count = count_;
  if (duration_opt_->count() > 0) simulate.duration_s = duration_s_;
  if (start_opt_->count() > 0) simulate.start_ms = start_ms_;
  if (late_by_opt_->count() > 0) simulate.late_by_ms = late_by_ms_;
  if (to_offset_opt_->count() > 0) reference.to_offset = to_offset_;
}

} // namespace cs::feed
