#include "console_session.hpp"

#include <chrono>
#include <ostream>
#include <thread>

#include "actors/inspector/console_commands.hpp"
#include "console_help.hpp"
#include "console_line.hpp"
#include "console_render.hpp"
#include "console_signals.hpp"
#include "console_watch.hpp"

namespace cs::console {

namespace {
constexpr auto watch_period = std::chrono::milliseconds(200);
// How often a sleeping watch looks at the Ctrl-C flag: short enough to feel immediate.
constexpr auto interrupt_poll = std::chrono::milliseconds(20);
} // namespace

console_session::console_session(console_client& client, session_settings settings, std::ostream& out, std::ostream& err)
    : client_(client), settings_(settings), out_(out), err_(err) {}

line_outcome console_session::fail(console_errc code, std::string_view message) {
  if (settings_.json) out_ << format_error_json(code, message) << std::endl;
  else err_ << format_error(code, message) << std::endl;
  return line_outcome::failed;
}

line_outcome console_session::run(std::string_view line) {
  auto p = parse_line(line);
  switch (p.what) {
  case parsed_line::kind::empty:
    return line_outcome::ok;
  case parsed_line::kind::invalid:
    return fail(p.code, p.message);
  case parsed_line::kind::quit:
    return line_outcome::quit;
  case parsed_line::kind::help: {
    const auto h = p.args.empty() ? help_all(settings_.json) : help_one(p.args.front(), settings_.json);
    if (h.code != console_errc::none) return fail(h.code, h.text);
    out_ << h.text << (settings_.json ? "\n" : "") << std::flush;
    return line_outcome::ok;
  }
  case parsed_line::kind::watch:
    // check_args has made sure a COUNT is a positive number.
    return watch(p.args[0], p.args[1], p.args.size() > 2 ? parse_number(p.args[2]).value_or(0) : 0);
  case parsed_line::kind::remote:
    break;
  }
  const auto reply = client_.request(p.command, p.args);
  if (reply.code != console_errc::none) return fail(reply.code, reply.message);
  if (settings_.json) out_ << one_line_json(reply.json) << "\n";
  else out_ << render_answer(p.command, reply.json);
  out_ << std::flush;
  return line_outcome::ok;
}

line_outcome console_session::watch(const std::string& symbol, const std::string& interval, std::int64_t limit) {
  sigint_catcher catcher;
  take_interrupt(); // a Ctrl-C from before the watch is not meant for it
  if (settings_.interactive && !settings_.json)
    err_ << "watching " << symbol << " " << interval << " every " << watch_period.count() << " ms; Ctrl-C stops" << std::endl;
  watch_tracker tracker(symbol, interval);
  std::int64_t printed = 0;
  for (;;) {
    const auto started = std::chrono::steady_clock::now();
    const auto reply = client_.request("inspect", {symbol, interval});
    if (take_interrupt()) return line_outcome::ok;
    if (reply.code != console_errc::none) return fail(reply.code, reply.message);
    for (const auto& l : tracker.update(reply.json, format_clock(std::chrono::system_clock::now()), settings_.json)) {
      out_ << l << "\n" << std::flush;
      if (limit > 0 && ++printed >= limit) return line_outcome::ok;
    }
    while (std::chrono::steady_clock::now() - started < watch_period) {
      if (take_interrupt()) return line_outcome::ok;
      std::this_thread::sleep_for(interrupt_poll);
    }
  }
}

} // namespace cs::console
