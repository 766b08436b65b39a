// candle-console: the debug console of a candlestream cluster (docs/design.md §6). Connects to a
// node's inspector (its console address) and runs commands: interactively at a "candle> " prompt,
// from -c options, or line by line from a non-terminal stdin.
// Exit codes: 0 every command succeeded, 1 some command failed, 2 usage error, 3 the node could
// not be reached at connect.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "console_client.hpp"
#include "console_options.hpp"
#include "console_render.hpp"
#include "console_session.hpp"
#include "console_shell.hpp"
#include "console_signals.hpp"

namespace {

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;
constexpr int exit_unreachable = 3;

// Leaves without destroying the actor system when a connect attempt timed out: CAF's middleman
// may sit in a blocking connect(2) for minutes, and ~actor_system would wait for it.
[[noreturn]] void leave(int code) {
  std::cout.flush();
  std::cerr.flush();
  std::_Exit(code);
}

} // namespace

int main(int argc, char** argv) {
  using namespace cs::console;
  CLI::App app{"candle-console: inspect live actor state of candlestream nodes", "candle-console"};
  std::string connect;
  std::vector<std::string> commands;
  bool json = false;
  std::string timeout_text = "5s";
  std::string history_file = default_history_file();
  app.add_option("--connect", connect, "a node's console address, host:port")->required();
  app.add_option("-c,--command", commands, "run this command, then exit; repeat to run several in order")->allow_extra_args(false);
  app.add_flag("--json", json, "print each answer as the node's JSON on one line; errors as {\"error\":{\"code\",\"message\"}}");
  app.add_option("--timeout", timeout_text, "how long to wait for the node per request: 5s, 500ms, or plain seconds")->capture_default_str();
  app.add_option("--history-file", history_file, "history of the interactive shell (empty: none)")->capture_default_str();
  // The same files as the node's cluster.tls-* keys, read from the same environment variables.
  cs::tls_files tls;
  app.add_option("--tls-certificate", tls.certificate, "TLS: this console's PEM certificate, signed by the cluster's CA (the node has cluster.tls on)")
    ->envname("CANDLE_CLUSTER_TLS_CERTIFICATE");
  app.add_option("--tls-key", tls.key, "TLS: the PEM private key of --tls-certificate")->envname("CANDLE_CLUSTER_TLS_KEY");
  app.add_option("--tls-ca", tls.ca, "TLS: the PEM certificate of the cluster's CA")->envname("CANDLE_CLUSTER_TLS_CA");
  app.footer("Without -c and with stdin not a terminal, commands are read from stdin, one per line.\n"
             "Exit codes: 0 all commands succeeded, 1 some command failed, 2 usage error, 3 node unreachable.\n"
             "Run `help` (or -c help) for the commands.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? exit_ok : exit_usage;
  }
  const auto node = parse_endpoint(connect);
  if (!node) {
    std::cerr << "candle-console: --connect must be host:port (or [v6-address]:port), got '" << connect << "'\n";
    return exit_usage;
  }
  const auto timeout = parse_timeout(timeout_text);
  if (!timeout) {
    std::cerr << "candle-console: --timeout must be a positive duration such as 5s, 500ms or 2.5, got '" << timeout_text << "'\n";
    return exit_usage;
  }

  // Any of the three turns TLS on; then all three are needed. "none" is the node's "not set".
  const auto given = [](const std::string& path) { return !path.empty() && path != "none"; };
  std::optional<cs::tls_files> use_tls;
  if (given(tls.certificate) || given(tls.key) || given(tls.ca)) {
    if (auto why = cs::check_tls_files(tls, "--tls-"); !why.empty()) {
      std::cerr << "candle-console: " << why << "\n";
      return exit_usage;
    }
    use_tls = tls;
  }

  std::unique_ptr<console_client> client;
  {
    sigint_blocked for_caf_threads; // Ctrl-C must reach this thread, not a CAF worker
    client = std::make_unique<console_client>(*node, *timeout, use_tls);
  }
  if (const auto c = client->connect(); c.code != cs::console_errc::none) {
    if (json) std::cout << format_error_json(c.code, c.message) << std::endl;
    else std::cerr << format_error(c.code, c.message) << std::endl;
    if (client->abandon_on_exit()) leave(exit_unreachable);
    return exit_unreachable;
  }

  const bool interactive = commands.empty() && ::isatty(STDIN_FILENO);
  console_session session(*client, {json, interactive}, std::cout, std::cerr);
  bool all_ok = true;
  if (!commands.empty()) {
    for (const auto& line : commands) {
      const auto outcome = session.run(line);
      if (outcome == line_outcome::quit) break;
      if (outcome == line_outcome::failed) all_ok = false;
    }
  } else if (!interactive) {
    for (std::string line; std::getline(std::cin, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back(); // scripts written on Windows
      const auto outcome = session.run(line);
      if (outcome == line_outcome::quit) break;
      if (outcome == line_outcome::failed) all_ok = false;
    }
  } else {
    all_ok = run_shell(session, *client, {history_file});
  }
  const int code = all_ok ? exit_ok : exit_failed;
  if (client->abandon_on_exit()) leave(code);
  return code;
}
