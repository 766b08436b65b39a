// candle-feed against the real broker, each case in topics of its own (created here with the admin
// API, deleted at the end):
//  - simulate sends exactly the stream the generator describes (counts by kind, murmur2
//    partitions), and reference --topic-range reads it back into exactly the candles of the
//    regenerated stream;
//  - reference --csv gives the candles of the file's events, and replay of the same file into a
//    fresh topic gives the same reference from Kafka;
//  - failed deliveries and a missing topic make the tool exit non-zero.
// Expected candles come from a brute-force model of the rules (model_candles.hpp), never from the
// reference_builder / partition_aggregator the tool runs: those would agree with it by construction.
// Kafka missing is a FAIL naming the broker, never a skip.
#include <catch2/catch.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "candle_csv.hpp"
#include "commands.hpp" // exit codes
#include "runtime/kafka/admin.hpp"
#include "messages/candle_json.hpp"
#include "messages/number_format.hpp"
#include "messages/size_units.hpp"
#include "model_candles.hpp"
#include "run_process.hpp"
#include "runtime/kafka/partitioner.hpp"
#include "runtime/config/service_endpoints.hpp"
#include "simulate_plan.hpp"
#include "tests/integration/test_support.hpp"

namespace {

using namespace cs;
using namespace cs::feed;

const std::string feed_path = CANDLE_FEED_PATH;
constexpr int topic_partitions = 4;
const std::string intervals_flag = "--candle.intervals=1s,5s,1m,1h";
const std::string lateness_flag = "--candle.allowed-lateness=2s";
constexpr duration_ns lateness = 2 * ns_per_s;
constexpr timestamp_ns nov_25_2024 = 1'732'492'800'000LL * ns_per_ms; // 2024-11-25T00:00:00Z

std::vector<interval> intervals() { return parse_interval_list("1s,5s,1m,1h").values; }

// A payload the node accepts, read with nlohmann::json rather than the event_decoder the tool
// shares with the node, so the expected side does not reuse the tool's reading of it either.
bid_ask_event parse_payload(const std::string& payload, std::int32_t partition, std::int64_t offset) {
  const auto j = nlohmann::json::parse(payload);
  bid_ask_event e;
  e.symbol = j.at("symbol").get<std::string>();
  e.bid = j.at("bid").get<double>();
  e.ask = j.at("ask").get<double>();
  e.ts = j.contains("timestampNs") ? j["timestampNs"].get<timestamp_ns>() : j.at("timestamp").get<std::int64_t>() * ns_per_ms;
  e.bid_size_units = j.contains("bidSize") ? to_size_units(j["bidSize"].get<double>()) : 0;
  e.ask_size_units = j.contains("askSize") ? to_size_units(j["askSize"].get<double>()) : 0;
  e.partition = partition;
  e.offset = offset;
  return e;
}

// --- fixtures ---------------------------------------------------------------------------------

struct kafka_fixture {
  std::string brokers = runtime::service_endpoints_from_env().kafka_brokers;
  runtime::kafka_admin admin{brokers};

  // A fresh topic, deleted when the returned guard goes; FAILs when Kafka is not usable.
  std::unique_ptr<runtime::scoped_topic> fresh_topic(const std::string& purpose, int partitions,
                                                     const std::map<std::string, std::string>& configs = {}) {
    const std::string name = "candle-feed-it-" + purpose + "-" + test::unique_suffix();
    const auto why = admin.create_topic(name, partitions, configs);
    if (!why.empty()) test::fail_service_unavailable("Kafka", brokers, "creating topic " + name + ": " + why);
    return std::make_unique<runtime::scoped_topic>(admin, name);
  }

  std::vector<std::string> kafka_flags(const std::string& topic) const {
    return {"--kafka.brokers=" + brokers, "--kafka.topic.events=" + topic};
  }
};

test::process_result run_feed(std::vector<std::string> args) {
  auto r = test::run_process(feed_path, args);
  std::string cmd = "candle-feed";
  for (const auto& a : args) cmd += " " + a;
  UNSCOPED_INFO("ran: " << cmd << "\nexit " << r.exit_code << "\nstdout: " << r.out << "\nstderr: " << r.err);
  return r;
}

std::string temp_path(const std::string& name) { return "/tmp/candle-feed-it-" + test::unique_suffix() + "-" + name; }

// Removes the files when the test ends.
struct temp_files {
  std::vector<std::string> paths;
  std::string add(std::string p) { // a copy: later adds may move the vector's strings
    paths.push_back(p);
    return p;
  }
  ~temp_files() {
    for (const auto& p : paths) std::remove(p.c_str());
  }
};

// --- parsing the tool's output ----------------------------------------------------------------

// "name: a=1 b=x ..." (the line starting with `prefix`) as a map.
std::map<std::string, std::string> summary_fields(const std::string& text, const std::string& prefix) {
  std::istringstream lines(text);
  std::string line;
  std::map<std::string, std::string> out;
  while (std::getline(lines, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    std::istringstream words(line.substr(prefix.size()));
    std::string w;
    while (words >> w)
      if (auto eq = w.find('='); eq != std::string::npos) out[w.substr(0, eq)] = w.substr(eq + 1);
  }
  return out;
}

std::uint64_t number(const std::map<std::string, std::string>& f, const std::string& key) {
  auto it = f.find(key);
  INFO("field " << key);
  REQUIRE(it != f.end());
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  REQUIRE((ec == std::errc{} && end == it->second.data() + it->second.size()));
  return v;
}

// "0:12,3:40" -> {0: 12, 3: 40}; also "bad_json:3,..." with string keys.
std::map<std::string, std::uint64_t> pairs(const std::string& text) {
  std::map<std::string, std::uint64_t> out;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto colon = item.rfind(':');
    if (colon == std::string::npos) continue;
    out[item.substr(0, colon)] = std::stoull(item.substr(colon + 1));
  }
  return out;
}

std::vector<candle> read_json_candles(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<candle> out;
  std::string line;
  while (std::getline(in, line)) {
    candle c;
    const auto why = parse_candle_json(line, c);
    INFO(line);
    REQUIRE(why.empty());
    REQUIRE(check_candle(c).empty());
    out.push_back(c);
  }
  return out;
}

void require_same_candles(const std::vector<candle>& got, const std::vector<candle>& expected) {
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("candle " << i << ": got " << to_json(got[i]) << "\nexpected " << to_json(expected[i]));
    REQUIRE(got[i] == expected[i]);
  }
}

// --- the simulate command line, from the same settings the test regenerates from --------------

std::vector<std::string> simulate_args(const simulate_settings& s) {
  auto num = [](auto v) { return std::to_string(v); };
  std::vector<std::string> a{"simulate", "--symbols", num(s.symbols), "--rate", "0", "--count", num(*s.count),
                             "--seed", num(s.seed), "--start-ms", num(*s.start_ms), "--tick-us", num(s.tick_us),
                             "--jitter-ms", num(s.jitter_ms), "--late-by-ms", num(*s.late_by_ms)};
  std::string text;
  for (auto [flag, v] : {std::pair{"--late-fraction", s.late_fraction}, std::pair{"--invalid-fraction", s.invalid_fraction}}) {
    text.clear();
    append_number(text, v);
    a.insert(a.end(), {flag, text});
  }
  return a;
}

} // namespace

TEST_CASE("simulate sends the generator's stream; reference --topic-range gives its candles",
          "[feed][integration]") {
  kafka_fixture kafka;
  const auto topic = kafka.fresh_topic("sim", topic_partitions);
  temp_files files;

  simulate_settings s;
  s.symbols = 12;
  s.rate = 0;
  s.count = 3000;
  s.seed = 7;
  s.start_ms = nov_25_2024 / ns_per_ms;
  s.tick_us = 10'000; // 30 s of event time: many 1s/5s buckets close, 1m ones too
  s.jitter_ms = 500;
  s.late_fraction = 0.03;
  s.late_by_ms = 125'000;
  s.invalid_fraction = 0.05;

  auto args = simulate_args(s);
  for (const auto& f : kafka.kafka_flags(topic->name())) args.push_back(f);
  args.push_back(lateness_flag);
  const auto sim = run_feed(args);
  REQUIRE(sim.exit_code == 0);

  // Regenerate what was sent; on a fresh topic, offsets count per partition from 0.
  auto plan = plan_simulation(s, lateness, 0);
  REQUIRE(plan.ok());
  quote_generator gen{plan->generator};
  std::map<std::int32_t, std::vector<bid_ask_event>> valid_events; // per partition, offset order
  std::map<sim_kind, std::uint64_t> kinds;
  std::map<std::string, std::uint64_t> per_partition;
  std::map<std::string, std::uint64_t> reasons;
  std::vector<std::int64_t> next_offset(topic_partitions, 0);
  std::set<std::string> valid_symbols;
  sim_message m;
  for (std::uint64_t i = 0; i < *s.count; ++i) {
    gen.next(m);
    ++kinds[m.kind];
    const auto p = runtime::kafka_partition_for_key(m.key, topic_partitions);
    ++per_partition[std::to_string(p)];
    const auto offset = next_offset[static_cast<std::size_t>(p)]++; // invalid records take one too
    if (is_invalid(m.kind)) {
      ++reasons[std::string(to_string(expected_reject_reason(m.kind)))];
    } else {
      valid_symbols.insert(m.key);
      valid_events[p].push_back(parse_payload(m.payload, p, offset));
    }
  }
  const auto expected = feed_test::model_candles(valid_events, intervals(), lateness);
  std::uint64_t invalid = 0;
  for (auto k : invalid_sim_kinds) invalid += kinds[k];
  REQUIRE(invalid > 0);
  REQUIRE(kinds[sim_kind::late] > 0);

  const auto summary = summary_fields(sim.out, "simulate:");
  CHECK(number(summary, "sent") == *s.count);
  CHECK(number(summary, "delivered") == *s.count);
  CHECK(number(summary, "failed") == 0);
  CHECK(number(summary, "misrouted") == 0);
  CHECK(number(summary, "valid") == kinds[sim_kind::valid]);
  CHECK(number(summary, "late") == kinds[sim_kind::late]);
  CHECK(number(summary, "invalid") == invalid);
  CHECK(number(summary, "valid") + number(summary, "late") + number(summary, "invalid") == *s.count);
  for (auto k : invalid_sim_kinds) CHECK(number(summary, std::string(to_string(k))) == kinds[k]);
  CHECK(pairs(summary.at("per_partition")) == per_partition); // delivery reports = murmur2 of the keys

  // Read it back.
  const auto json_out = files.add(temp_path("sim.jsonl"));
  auto ref_args = kafka.kafka_flags(topic->name());
  ref_args.insert(ref_args.begin(), {"reference", "--topic-range", "--format", "json", "--out", json_out,
                                     intervals_flag, lateness_flag});
  const auto ref = run_feed(ref_args);
  REQUIRE(ref.exit_code == 0);
  const auto counts = summary_fields(ref.err, "reference:");
  CHECK(number(counts, "events") == *s.count);
  CHECK(number(counts, "invalid") == invalid);
  CHECK(number(counts, "valid") + number(counts, "invalid") == *s.count);
  CHECK(number(counts, "valid") == kinds[sim_kind::valid] + kinds[sim_kind::late]);
  CHECK(pairs(counts.at("per_partition")) == per_partition); // offsets in Kafka per partition
  CHECK(pairs(counts.at("invalid_reasons")) == reasons);
  CHECK(number(counts, "late") == expected.late);
  CHECK(number(counts, "partly_late") == expected.partly_late);
  CHECK(number(counts, "late") + number(counts, "partly_late") > 0);

  const auto got = read_json_candles(json_out);
  require_same_candles(got, feed_test::candles_of(expected));
  // Something for every symbol and interval.
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& c : got) seen.insert({c.symbol, c.iv.to_string()});
  for (const auto& sym : valid_symbols)
    for (const auto& iv : intervals()) {
      INFO(sym << " " << iv.to_string());
      CHECK(seen.count({sym, iv.to_string()}) == 1);
    }
  CHECK(std::is_sorted(got.begin(), got.end(), [](const candle& a, const candle& b) {
    return std::tie(a.symbol, a.iv, a.open_time) < std::tie(b.symbol, b.iv, b.open_time);
  }));

  // The CSV format of the final candles only, row for row.
  ref_args = kafka.kafka_flags(topic->name());
  ref_args.insert(ref_args.begin(), {"reference", "--topic-range", "--finals-only", intervals_flag, lateness_flag});
  const auto finals = run_feed(ref_args);
  REQUIRE(finals.exit_code == 0);
  std::string expected_csv = std::string(candle_csv_header) + "\n";
  std::size_t final_count = 0;
  for (const auto& m : expected.candles) {
    if (!m.c.closed) continue;
    append_candle_csv(expected_csv, m.c, m.partition);
    expected_csv.push_back('\n');
    ++final_count;
  }
  CHECK(final_count > 0);
  CHECK(finals.out == expected_csv);
}

namespace {

// A CSV file the test writes: quotes of a few symbols (all symbol characters), times in ISO-8601
// with some out of order and some late, sizes sometimes missing, rows the node rejects (crossed),
// and rows the tool must refuse (bad number, bad date, short row, empty symbol).
struct csv_case {
  std::string text;
  std::vector<bid_ask_event> rows;     // every encodable row in file order (invalid for the node too)
  std::vector<bool> node_valid;        // per row: the node accepts it
  std::vector<std::uint64_t> bad_lines;
};

std::string iso_of(timestamp_ns t) {
  // Only times on 2024-11-25 occur here.
  const timestamp_ns in_day = t - nov_25_2024;
  const auto ms = in_day / ns_per_ms;
  char buf[40];
  std::snprintf(buf, sizeof buf, "2024-11-25T%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(ms / 3'600'000),
                static_cast<long long>(ms / 60'000 % 60), static_cast<long long>(ms / 1000 % 60),
                static_cast<long long>(ms % 1000));
  return buf;
}

std::string number_text(double v) {
  std::string s;
  append_number(s, v);
  return s;
}

csv_case make_csv_case() {
  const std::vector<std::string> symbols{"EUR/USD", "BTC-USD", "AAPL", "X:Y.Z", "es_1"};
  csv_case c;
  std::ostringstream out;
  out << "time,sym,bid,ask,bs,as\n";
  std::uint64_t line = 1;
  sim_random rng{99};
  constexpr int rows = 800;
  constexpr timestamp_ns start = nov_25_2024 + 12 * ns_per_hour;
  constexpr duration_ns step = 37 * ns_per_ms;
  for (int i = 0; i < rows; ++i) {
    ++line;
    if (i % 97 == 13) { // something the tool refuses, in turn
      static const char* bad[] = {"2024-11-25T12:00:00Z,AAPL,abc,1,,", "2024-11-31T12:00:00Z,AAPL,1,2,,",
                                  "2024-11-25T12:00:00Z,AAPL,1", "2024-11-25T12:00:00Z,,1,2,,"};
      out << bad[(i / 97) % 4] << "\n";
      c.bad_lines.push_back(line);
      continue;
    }
    bid_ask_event e;
    e.symbol = symbols[rng.below(symbols.size())];
    e.ts = start + i * step - static_cast<duration_ns>(rng.below(800)) * ns_per_ms; // out of order
    if (i % 50 == 49) e.ts -= 10 * ns_per_s;                                      // late
    e.bid = static_cast<double>(1000 + rng.below(500)) / 100;
    e.ask = e.bid + static_cast<double>(1 + rng.below(5)) / 100;
    bool valid = true;
    if (i % 83 == 7) { // crossed: a row the node rejects, replayed all the same
      std::swap(e.bid, e.ask);
      valid = false;
    }
    const bool sizes = rng.below(3) != 0;
    e.bid_size_units = sizes ? static_cast<std::int64_t>(1 + rng.below(1000)) * 1'000'000 : 0;
    e.ask_size_units = sizes ? static_cast<std::int64_t>(1 + rng.below(1000)) * 1'000'000 : 0;
    out << iso_of(e.ts) << "," << (i % 5 == 0 ? "\"" + e.symbol + "\"" : e.symbol) << "," << number_text(e.bid)
        << "," << number_text(e.ask) << ","
        << (sizes ? format_size_sum(size_sum::of(static_cast<unsigned __int128>(e.bid_size_units))) : "") << ","
        << (sizes ? format_size_sum(size_sum::of(static_cast<unsigned __int128>(e.ask_size_units))) : "") << "\n";
    e.ts = e.ts / ns_per_ms * ns_per_ms; // the file has milliseconds
    c.rows.push_back(e);
    c.node_valid.push_back(valid);
  }
  c.text = out.str();
  return c;
}

// The model on the rows: murmur2 partitions, offsets per partition in file order (a row the node
// rejects takes an offset too).
std::vector<candle> model_of(const csv_case& c) {
  std::map<std::int32_t, std::vector<bid_ask_event>> valid;
  std::map<std::int32_t, std::int64_t> next_offset;
  for (std::size_t i = 0; i < c.rows.size(); ++i) {
    auto e = c.rows[i];
    e.partition = runtime::kafka_partition_for_key(e.symbol, topic_partitions);
    e.offset = next_offset[e.partition]++;
    if (c.node_valid[i]) valid[e.partition].push_back(e);
  }
  return feed_test::candles_of(feed_test::model_candles(valid, intervals(), lateness));
}

const std::vector<std::string> csv_columns{"--ts-col", "time", "--symbol-col", "sym", "--bid-size-col", "bs",
                                           "--ask-size-col", "as", "--ts-unit", "iso"};

} // namespace

TEST_CASE("reference --csv gives the file's candles; replay of the file gives them from Kafka",
          "[feed][integration]") {
  temp_files files;
  const auto c = make_csv_case();
  const auto csv_path = files.add(temp_path("quotes.csv"));
  std::ofstream(csv_path) << c.text;
  const auto expected = model_of(c);
  REQUIRE(expected.size() > 50);

  const auto from_csv = files.add(temp_path("csv.jsonl"));
  std::vector<std::string> args{"reference", "--csv", csv_path, "--format", "json", "--out", from_csv,
                                "--kafka.topic.events.partitions=" + std::to_string(topic_partitions),
                                intervals_flag, lateness_flag};
  args.insert(args.end(), csv_columns.begin(), csv_columns.end());
  const auto ref = run_feed(args);
  REQUIRE(ref.exit_code == 0);
  require_same_candles(read_json_candles(from_csv), expected);
  const auto counts = summary_fields(ref.err, "reference:");
  CHECK(number(counts, "events") == c.rows.size());
  CHECK(number(counts, "invalid") == static_cast<std::uint64_t>(std::count(c.node_valid.begin(), c.node_valid.end(), false)));
  CHECK(number(counts, "late") + number(counts, "partly_late") > 0);
  CHECK_THAT(ref.err, Catch::Contains(std::to_string(c.bad_lines.size()) + " bad row(s) skipped"));
  for (auto l : c.bad_lines) CHECK_THAT(ref.err, Catch::Contains("line " + std::to_string(l) + ":"));

  // Replay the file into a fresh topic: the same candles, read back from Kafka.
  kafka_fixture kafka;
  const auto topic = kafka.fresh_topic("replay", topic_partitions);
  std::vector<std::string> replay_args{"replay", "--csv", csv_path, "--fast"};
  replay_args.insert(replay_args.end(), csv_columns.begin(), csv_columns.end());
  for (const auto& f : kafka.kafka_flags(topic->name())) replay_args.push_back(f);
  const auto rep = run_feed(replay_args);
  REQUIRE(rep.exit_code == 0);
  const auto summary = summary_fields(rep.out, "replay:");
  CHECK(number(summary, "sent") == c.rows.size());
  CHECK(number(summary, "delivered") == c.rows.size());
  CHECK(number(summary, "bad_rows") == c.bad_lines.size());
  CHECK(number(summary, "node_invalid") == number(counts, "invalid"));

  const auto from_topic = files.add(temp_path("topic.jsonl"));
  auto topic_args = kafka.kafka_flags(topic->name());
  topic_args.insert(topic_args.begin(), {"reference", "--topic-range", "--format", "json", "--out", from_topic,
                                         intervals_flag, lateness_flag});
  const auto back = run_feed(topic_args);
  REQUIRE(back.exit_code == 0);
  CHECK(test::slurp(from_topic) == test::slurp(from_csv));
}

TEST_CASE("failed deliveries and a missing topic make the tool exit non-zero", "[feed][integration]") {
  kafka_fixture kafka;
  // The broker refuses every batch of this topic (larger than its max.message.bytes), so every
  // delivery fails, whatever the machine's speed (a 1 ms message timeout was a race the broker
  // sometimes won).
  constexpr const char* too_small_for_any_batch = "64";
  const auto topic = kafka.fresh_topic("fail", 1, {{"max.message.bytes", too_small_for_any_batch}});
  auto args = kafka.kafka_flags(topic->name());
  args.insert(args.begin(), {"simulate", "--rate", "0", "--count", "2000"});
  const auto timed_out = run_feed(args);
  CHECK(timed_out.exit_code == exit_failure);
  CHECK(number(summary_fields(timed_out.out, "simulate:"), "failed") > 0);
  CHECK_THAT(timed_out.err, Catch::Contains("not delivered"));

  const auto missing = run_feed({"simulate", "--count", "10", "--kafka.brokers=" + kafka.brokers,
                             "--kafka.topic.events=candle-feed-it-missing-" + test::unique_suffix()});
  CHECK(missing.exit_code == exit_failure);
  CHECK_THAT(missing.err, Catch::Contains("Unknown topic"));

  const auto usage = run_feed({"simulate", "--late-fraction", "0.7", "--invalid-fraction", "0.5"});
  CHECK(usage.exit_code == exit_usage);
}
