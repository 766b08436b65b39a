#include "console_shell.hpp"

#include <editline/readline.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "console_completion.hpp"
#include "console_signals.hpp"

namespace cs::console {

namespace {

constexpr int history_lines = 1000;

struct shell_state {
  console_client* client = nullptr;
  completion_sources sources;
  std::vector<std::string> candidates; // of the completion in progress
  std::size_t next = 0;
};
shell_state* state = nullptr;
// Set by the SIGINT flag check in read_key, so the loop can tell Ctrl-C from Ctrl-D.
bool interrupted_read = false;

// libedit's own SIGINT handling re-raises the signal to the whole process group and then retries
// the read; reading keys ourselves lets Ctrl-C end readline() at once (it returns NULL, like
// Ctrl-D, and interrupted_read tells them apart). Bytes, not characters: symbols are ASCII.
int read_key(FILE* in) {
  for (;;) {
    if (take_interrupt()) {
      interrupted_read = true;
      return EOF;
    }
    unsigned char c = 0;
    const auto n = ::read(fileno(in), &c, 1);
    if (n == 1) return c;
    if (n < 0 && errno == EINTR) continue;
    return EOF;
  }
}

char* next_candidate(const char*, int first) {
  if (first == 0) state->next = 0;
  if (state->next >= state->candidates.size()) return nullptr;
  return ::strdup(state->candidates[state->next++].c_str()); // readline frees it
}

char** complete(const char* text, int start, int) {
  rl_attempted_completion_over = 1; // no file name completion when we find nothing
  const std::string_view line(rl_line_buffer ? rl_line_buffer : "");
  const auto before = line.substr(0, std::min(static_cast<std::size_t>(std::max(start, 0)), line.size()));
  state->candidates = complete_word(before, text, state->sources);
  if (state->candidates.empty()) return nullptr;
  return rl_completion_matches(text, next_candidate);
}

std::vector<std::string> ask_symbols(std::string_view prefix) {
  // One request, bounded by the console's timeout like every other; a failure offers nothing.
  const auto reply = state->client->request("actors", {std::string(prefix) + "*"});
  return reply.code == console_errc::none ? symbols_of_actors(reply.json) : std::vector<std::string>{};
}

void save_history(const shell_settings& settings) {
  if (!settings.history_file.empty()) write_history(settings.history_file.c_str());
}

} // namespace

std::string default_history_file() {
  const char* home = std::getenv("HOME");
  return home && *home ? std::string(home) + "/.candle_console_history" : std::string{};
}

bool run_shell(console_session& session, console_client& client, const shell_settings& settings) {
  shell_state s;
  s.client = &client;
  s.sources.symbols = ask_symbols;
  state = &s;
  // Intervals and partitions change rarely: once per session is enough, and a failure only
  // costs their completion.
  if (const auto nodes = client.request("nodes", {}); nodes.code == console_errc::none) {
    s.sources.intervals = intervals_of_nodes(nodes.json);
    s.sources.partitions = partitions_of_nodes(nodes.json);
  }

  // Before anything initialises libedit: rl_initialize reads these once.
  rl_getc_function = read_key;
  rl_catch_signals = 0;
  rl_readline_name = "candle-console";
  rl_attempted_completion_function = complete;
  rl_basic_word_break_characters = " \t";
  using_history();
  stifle_history(history_lines);
  if (!settings.history_file.empty()) read_history(settings.history_file.c_str());

  sigint_catcher catcher;
  bool all_ok = true;
  for (;;) {
    interrupted_read = false;
    take_interrupt();
    char* raw = readline("candle> ");
    if (!raw) {
      if (interrupted_read) {
        std::cout << "^C" << std::endl;
        continue;
      }
      std::cout << std::endl; // Ctrl-D leaves the cursor after the prompt
      break;
    }
    const std::string line(raw);
    std::free(raw);
    if (line.find_first_not_of(" \t") != std::string::npos) {
      const HIST_ENTRY* last = history_length > 0 ? history_get(history_base + history_length - 1) : nullptr;
      if (!last || line != last->line) {
        add_history(line.c_str());
        // After every line, not at exit: a console killed by its terminal keeps its history.
        save_history(settings);
      }
    }
    const auto outcome = session.run(line);
    if (outcome == line_outcome::quit) break;
    if (outcome == line_outcome::failed) all_ok = false;
  }
  save_history(settings);
  state = nullptr;
  return all_ok;
}

} // namespace cs::console
