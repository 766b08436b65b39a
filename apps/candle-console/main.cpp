// candle-console: the debug console of a candlestream cluster (docs/design.md §6). Interactive
// `--connect host:port` and scripted `-c "command"` sessions against a node's inspector come with
// the console issue; until then it says so instead of pretending.
#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"candle-console: inspect live actor state of candlestream nodes"};
  std::string connect;
  std::string command;
  app.add_option("--connect", connect, "node to connect to, host:port");
  app.add_option("-c,--command", command, "run one command and exit (for scripts)");
  CLI11_PARSE(app, argc, argv);
  std::cerr << "candle-console: the inspector protocol is not implemented yet; meanwhile use a node's "
               "GET /debug/stats and GET /api/v1/candles/live (docs/api.md)\n";
  return 1;
}
