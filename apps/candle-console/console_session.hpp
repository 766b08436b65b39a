#pragma once
// Carries out one console line: checks it locally (console_line.hpp), answers help, quit and
// watch itself, sends everything else to the node and prints the answer as text or JSON. Shared
// by the interactive shell, -c and stdin scripts. Not thread-safe: the console's thread only.
#include <cstdint>
#include <iosfwd>
#include <string_view>

#include "console_client.hpp"

namespace cs::console {

enum class line_outcome { ok, failed, quit };

struct session_settings {
  bool json = false;        // answers and errors as one JSON line each, on stdout
  bool interactive = false; // a person at a prompt: watch says how to stop it
};

class console_session {
public:
  console_session(console_client& client, session_settings settings, std::ostream& out, std::ostream& err);

  line_outcome run(std::string_view line);

private:
  line_outcome fail(console_errc code, std::string_view message);
  line_outcome watch(const std::string& symbol, const std::string& interval, std::int64_t limit);

  console_client& client_;
  session_settings settings_;
  std::ostream& out_;
  std::ostream& err_;
};

} // namespace cs::console
