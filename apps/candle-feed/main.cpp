// candle-feed: test and operations tool of candlestream.
//   simulate   random-walk quotes to the events topic (rate, jitter, late and invalid events)
//   replay     quotes of a CSV file to the events topic (paced or fast)
//   reference  offline candles of a CSV file or a topic range, computed by the aggregation core
// Config keys (runtime/config) are parsed first; the rest of the command line goes to CLI11.
#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "commands.hpp"
#include "event_producer.hpp"
#include "runtime/config/config.hpp"

namespace {
constexpr std::string_view program = "candle-feed";
}

int main(int argc, char** argv) {
  using namespace cs::feed;
  std::vector<std::string> rest;
  cs::runtime::config cfg;
  try {
    cfg = cs::runtime::config::load(argc, argv, rest);
    cs::runtime::configure_logging(cfg);
  } catch (const cs::runtime::config_error& e) {
    std::cerr << program << ": " << e.what() << "\n";
    return exit_usage;
  }

  feed_cli cli;
  std::vector<const char*> args{argv[0]};
  for (const auto& a : rest) args.push_back(a.c_str());
  try {
    cli.app.parse(static_cast<int>(args.size()), args.data());
    cli.after_parse();
  } catch (const CLI::ParseError& e) {
    const int code = cli.app.exit(e); // prints help or the error
    return code == 0 ? exit_ok : exit_usage;
  }

  try {
    if (cli.simulate_cmd->parsed()) return run_simulate(cfg, cli.simulate, cli.simulate_producer);
    if (cli.replay_cmd->parsed()) return run_replay(cfg, cli.replay);
    if (cli.reference_cmd->parsed()) return run_reference(cfg, cli.reference);
  } catch (const usage_error& e) {
    std::cerr << program << ": " << e.what() << "\n";
    return exit_usage;
  } catch (const cs::runtime::kafka_config_error& e) {
    std::cerr << program << ": Kafka configuration: " << e.what() << "\n";
    return exit_usage;
  } catch (const kafka_failure& e) {
    std::cerr << program << ": Kafka: " << e.what() << "\n";
    return exit_failure;
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << "\n";
    return exit_failure;
  }
  return exit_usage;
}
