#include "actors/inspector/inspector_actor.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <chrono>

#include "actors/inspector/console_commands.hpp"
#include "messages/interval.hpp"
#include "messages/quoted_value.hpp"
#include "messages/symbol.hpp"

namespace cs {

namespace {

constexpr std::uint64_t max_actor_rows = 200;

console_reply ok(const nlohmann::json& answer) { return {console_errc::none, {}, answer.dump()}; }
console_reply fail(console_errc code, std::string message) { return {code, std::move(message), {}}; }
console_reply no_answer(const char* who, const caf::error& e) {
  return fail(console_errc::unavailable, std::string(who) + " did not answer: " + caf::to_string(e));
}

timestamp_ns wall_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string interval_list(const std::vector<interval>& ivs) {
  std::string out;
  for (const auto& iv : ivs) out += (out.empty() ? "" : ", ") + iv.to_string();
  return out;
}

// An interval this node computes, or the reason it is not one.
std::string parse_node_interval(const std::string& text, const std::vector<interval>& computed, interval& out) {
  auto parsed = parse_interval(text);
  if (!parsed.ok) return "interval " + quoted_value(text) + ": " + parsed.error;
  if (std::find(computed.begin(), computed.end(), parsed.value) == computed.end())
    return "interval " + quoted_value(text) + " is not computed here; intervals: " + interval_list(computed);
  out = parsed.value;
  return {};
}

std::string parse_key(const std::vector<std::string>& args, const std::vector<interval>& computed, candle_key& out) {
  if (!is_valid_symbol(args[0])) return "symbol " + quoted_value(args[0]) + ": " + std::string(valid_symbol_form);
  out.symbol = args[0];
  return parse_node_interval(args[1], computed, out.iv);
}

// The kafka_consumer's answer to stats_atom: one JSON object per partition reader.
nlohmann::json parse_readers(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  return j.is_array() ? j : nlohmann::json::array();
}

} // namespace

inspector_hdl::behavior_type inspector_actor(inspector_hdl::stateful_pointer<inspector_state> self, inspector_settings settings,
                                             inspector_peers peers) {
  const auto timeout = std::chrono::nanoseconds(settings.timeout);
  const auto& id = settings.identity;
  const auto node = id.name;

  // Asks the consumer for its readers' stats, then runs `then` with them.
  using promise = caf::typed_response_promise<console_reply>;
  auto with_readers = [=](promise rp, std::function<void(promise, const nlohmann::json&)> then) mutable {
    self->request(peers.consumer, timeout, stats_atom::value)
      .then([=](std::string& s) mutable { then(rp, parse_readers(s)); },
            [=](caf::error& e) mutable { rp.deliver(no_answer("the kafka_consumer actor", e)); });
    return rp;
  };
  // Finds the candle actor of a key, then runs `then` with it.
  auto with_actor = [=](promise rp, candle_key key, std::function<void(promise, const candle_actor_hdl&)> then) mutable {
    self->request(peers.directory, timeout, lookup_atom::value, key)
      .then(
        [=](std::vector<candle_actor_hdl>& found) mutable {
          if (found.empty())
            rp.deliver(fail(console_errc::unknown_symbol, "no candle actor for " + key.symbol + " " + key.iv.to_string() +
                                                            " (never seen, or retired while idle: its stored candles are at GET /api/v1/candles)"));
          else
            then(rp, found.front());
        },
        [=](caf::error& e) mutable { rp.deliver(no_answer("the directory", e)); });
    return rp;
  };

  return {
    [=](console_atom, const console_request& req) mutable -> caf::result<console_reply> {
      const auto* spec = console::find_command(req.command);
      if (spec == nullptr || spec->console_only) {
        auto near = spec ? std::nullopt : console::did_you_mean(req.command);
        return fail(console_errc::unknown_command, "unknown command " + quoted_value(req.command) +
                                                     (spec ? " (the console runs it itself)" : near ? " (did you mean '" + std::string(*near) + "'?)" : ""));
      }
      if (auto why = console::check_args(*spec, req.args); !why.empty()) return fail(console_errc::bad_argument, why);
      const auto& cmd = spec->name;
      const auto& args = req.args;
      // Created only once the request is valid: after make_response_promise, a value returned
      // from this handler no longer reaches the asker.
      auto promise_now = [=] { return self->make_response_promise<console_reply>(); };

      if (cmd == "nodes")
        return with_readers(promise_now(), [=](promise p, const nlohmann::json& readers) mutable { p.deliver(ok(console::nodes_answer(id, readers, wall_now()))); });
      if (cmd == "partitions")
        return with_readers(promise_now(), [=](promise p, const nlohmann::json& readers) mutable {
          p.deliver(ok(console::partitions_answer(node, readers, peers.partition_logs ? peers.partition_logs() : std::vector<console::partition_log>{})));
        });
      if (cmd == "stats")
        return with_readers(promise_now(), [=](promise p, const nlohmann::json& readers) mutable {
          // The cache's counters join when it answers; without them the pipeline's still do.
          self->request(peers.cache, timeout, stats_atom::value)
            .then([=](cache_stats& c) mutable { p.deliver(ok(console::stats_answer(node, console::node_counters(readers, &c)))); },
                  [=](caf::error&) mutable { p.deliver(ok(console::stats_answer(node, console::node_counters(readers, nullptr)))); });
        });
      if (cmd == "cache") {
        auto rp = promise_now();
        self->request(peers.cache, timeout, stats_atom::value)
          .then([=](cache_stats& c) mutable { rp.deliver(ok(console::cache_answer(node, c))); },
                [=](caf::error& e) mutable { rp.deliver(no_answer("the cache", e)); });
        return rp;
      }
      if (cmd == "actors") {
        const std::string glob = args.empty() ? "*" : args[0];
        std::vector<interval> ivs;
        if (args.size() > 1) {
          interval iv;
          if (auto why = parse_node_interval(args[1], id.intervals, iv); !why.empty()) return fail(console_errc::bad_argument, why);
          ivs.push_back(iv);
        }
        auto rp = promise_now();
        self->request(peers.directory, timeout, list_atom::value, glob, ivs, max_actor_rows)
          .then([=](std::vector<candle_key>& keys, std::uint64_t total) mutable { rp.deliver(ok(console::actors_answer(node, keys, total))); },
                [=](caf::error& e) mutable { rp.deliver(no_answer("the directory", e)); });
        return rp;
      }
      if (cmd == "inspect" || cmd == "crash") {
        candle_key key;
        if (auto why = parse_key(args, id.intervals, key); !why.empty()) return fail(console_errc::bad_argument, why);
        if (cmd == "crash") {
          if (!id.faults) return fail(console_errc::not_allowed, "crash needs fault injection: start the node with --node.faults=true");
          return with_actor(promise_now(), key, [=](promise p, const candle_actor_hdl& a) mutable {
            self->send(a, crash_atom::value);
            p.deliver(ok({{"crashed", true}, {"node", node}, {"symbol", key.symbol}, {"interval", key.iv.to_string()}}));
          });
        }
        return with_actor(promise_now(), key, [=](promise p, const candle_actor_hdl& a) mutable {
          self->request(a, timeout, inspect_atom::value)
            .then([=](candle_actor_info& info) mutable { p.deliver(ok(console::inspect_answer(node, key, info))); },
                  [=](caf::error& e) mutable { p.deliver(no_answer("the candle actor", e)); });
        });
      }
      if (cmd == "checkpoint") {
        const auto partition = static_cast<std::int32_t>(*console::parse_number(args[0]));
        auto rp = promise_now();
        self->request(peers.consumer, timeout, checkpoint_atom::value, partition)
          .then([=](std::int64_t committed) mutable {
                  rp.deliver(ok({{"partition", partition}, {"node", node}, {"committed_offset", committed}}));
                },
                [=](caf::error& e) mutable {
                  // The consumer and the reader refuse with runtime_error (not read here, or not
                  // running); anything else is a checkpoint that did not finish in time.
                  if (e == caf::sec::runtime_error)
                    rp.deliver(fail(console_errc::not_owned, e.context().empty() ? caf::to_string(e) : caf::to_string(e.context())));
                  else
                    rp.deliver(no_answer("the checkpoint", e));
                });
        return rp;
      }
      return fail(console_errc::unknown_command, "command " + quoted_value(req.command) + " is not answered by this node");
    },
  };
}

} // namespace cs
