#include "actors/inspector/inspector_actor.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <chrono>

#include "actors/inspector/console_commands.hpp"
#include "actors/inspector/inspector_merge.hpp"
#include "messages/interval.hpp"
#include "messages/quoted_value.hpp"
#include "messages/symbol.hpp"

namespace cs {

namespace {

constexpr std::uint64_t max_actor_rows = 200;

using reply_fn = std::function<void(console_reply)>;

console_reply ok(const nlohmann::json& answer) { return {console_errc::none, {}, answer.dump()}; }
console_reply fail(console_errc code, std::string message) { return {code, std::move(message), {}}; }
console_reply no_answer(const char* who, const caf::error& e) {
  return fail(console_errc::unavailable, std::string(who) + " did not answer: " + caf::to_string(e));
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
  const auto id = settings.identity;
  const auto node = id.name;

  // Asks the consumer for its readers' stats, then runs `then` with them.
  auto with_readers = [=](reply_fn done, std::function<void(reply_fn, const nlohmann::json&)> then) {
    self->request(peers.consumer, timeout, stats_atom::value)
      .then([=](std::string& s) { then(done, parse_readers(s)); },
            [=](caf::error& e) { done(no_answer("the kafka_consumer actor", e)); });
  };

  // This node's answer to a valid command.
  auto answer_here = [=](const std::string& cmd, std::vector<std::string> args, reply_fn done) {
    if (cmd == "nodes")
      return with_readers(done, [=](reply_fn d, const nlohmann::json& readers) { d(ok(console::nodes_answer(id, readers, wall_clock_now()))); });
    if (cmd == "partitions")
      return with_readers(done, [=](reply_fn d, const nlohmann::json& readers) {
        d(ok(console::partitions_answer(node, readers, peers.partition_logs ? peers.partition_logs() : std::vector<console::partition_log>{})));
      });
    if (cmd == "stats")
      return with_readers(done, [=](reply_fn d, const nlohmann::json& readers) {
        // The cache's counters join when it answers; without them the pipeline's still do.
        self->request(peers.cache, timeout, stats_atom::value)
          .then([=](cache_stats& c) { d(ok(console::stats_answer(node, console::node_counters(readers, &c)))); },
                [=](caf::error&) { d(ok(console::stats_answer(node, console::node_counters(readers, nullptr)))); });
      });
    if (cmd == "cache") {
      self->request(peers.cache, timeout, stats_atom::value)
        .then([=](cache_stats& c) { done(ok(console::cache_answer(node, c))); }, [=](caf::error& e) { done(no_answer("the cache", e)); });
      return;
    }
    if (cmd == "actors") {
      const std::string glob = args.empty() ? "*" : args[0];
      std::vector<interval> ivs;
      if (args.size() > 1) {
        interval iv;
        if (auto why = parse_node_interval(args[1], id.intervals, iv); !why.empty()) return done(fail(console_errc::bad_argument, why));
        ivs.push_back(iv);
      }
      self->request(peers.directory, timeout, list_atom::value, glob, ivs, max_actor_rows)
        .then([=](std::vector<candle_key>& keys, std::uint64_t total) { done(ok(console::actors_answer(node, keys, total))); },
              [=](caf::error& e) { done(no_answer("the directory", e)); });
      return;
    }
    if (cmd == "inspect" || cmd == "crash") {
      candle_key key;
      if (auto why = parse_key(args, id.intervals, key); !why.empty()) return done(fail(console_errc::bad_argument, why));
      self->request(peers.directory, timeout, find_local_atom::value, key)
        .then(
          [=](std::vector<candle_actor_hdl>& found) {
            if (found.empty())
              return done(fail(console_errc::unknown_symbol, "no candle actor for " + key.symbol + " " + key.iv.to_string() +
                                                               " (never seen, or retired while idle: its stored candles are at GET /api/v1/candles)"));
            if (cmd == "crash") {
              if (!id.faults) return done(fail(console_errc::not_allowed, "crash needs fault injection: start " + node + " with --node.faults=true"));
              self->send(found.front(), crash_atom::value);
              return done(ok({{"crashed", true}, {"node", node}, {"symbol", key.symbol}, {"interval", key.iv.to_string()}}));
            }
            self->request(found.front(), timeout, inspect_atom::value)
              .then([=](candle_actor_info& info) { done(ok(console::inspect_answer(node, key, info))); },
                    [=](caf::error& e) { done(no_answer("the candle actor", e)); });
          },
          [=](caf::error& e) { done(no_answer("the directory", e)); });
      return;
    }
    if (cmd == "checkpoint") {
      const auto partition = static_cast<std::int32_t>(*console::parse_number(args[0]));
      self->request(peers.consumer, timeout, checkpoint_atom::value, partition)
        .then([=](std::int64_t committed) { done(ok({{"partition", partition}, {"node", node}, {"committed_offset", committed}})); },
              [=](caf::error& e) {
                // The consumer and the reader refuse with runtime_error (not read here, or not
                // running); anything else is a checkpoint that did not finish in time.
                if (e == caf::sec::runtime_error)
                  done(fail(console_errc::not_owned, node + ": " + (e.context().empty() ? caf::to_string(e) : caf::to_string(e.context()))));
                else
                  done(no_answer("the checkpoint", e));
              });
      return;
    }
    done(fail(console_errc::unknown_command, "command " + quoted_value(cmd) + " is not answered by this node"));
  };

  // The answer for the cluster: this node's and every other member's (asked for theirs alone),
  // merged. A member that does not answer in time is named in the answer's "errors".
  auto answer_cluster = [=](const std::string& cmd, std::vector<std::string> args, reply_fn done) {
    self->request(peers.node, timeout, members_atom::value)
      .then(
        [=](std::vector<member_info>& members) {
          auto parts = std::make_shared<std::vector<console::member_answer>>();
          std::vector<member_info> others, down;
          for (auto& m : members) {
            if (m.name == node) continue;
            (m.up ? others : down).push_back(std::move(m));
          }
          auto remaining = std::make_shared<std::size_t>(others.size() + 1);
          auto add = [=](std::string from, console_reply r) {
            parts->push_back({std::move(from), std::move(r)});
            if (--*remaining == 0) done(console::merge_answers(cmd, *parts, down));
          };
          answer_here(cmd, args, [=](console_reply r) { add(node, std::move(r)); });
          for (const auto& m : others)
            self->request(caf::actor_cast<node_hdl>(m.handle), timeout, console_atom::value, console_request{cmd, args, true})
              .then([=, name = m.name](console_reply& r) { add(name, std::move(r)); },
                    [=, name = m.name](caf::error& e) { add(name, no_answer(("member " + name).c_str(), e)); });
        },
        [=](caf::error&) { answer_here(cmd, args, done); });
  };

  return {
    [=](console_atom, const console_request& req) -> caf::result<console_reply> {
      const auto* spec = console::find_command(req.command);
      if (spec == nullptr || spec->console_only) {
        auto near = spec ? std::nullopt : console::did_you_mean(req.command);
        return fail(console_errc::unknown_command, "unknown command " + quoted_value(req.command) +
                                                     (spec ? " (the console runs it itself)" : near ? " (did you mean '" + std::string(*near) + "'?)" : ""));
      }
      if (auto why = console::check_args(*spec, req.args); !why.empty()) return fail(console_errc::bad_argument, why);
      // Created only once the request is valid: after make_response_promise, a value returned
      // from this handler no longer reaches the asker.
      auto rp = self->make_response_promise<console_reply>();
      reply_fn done = [rp](console_reply r) mutable { rp.deliver(std::move(r)); };
      const std::string cmd(spec->name);
      if (req.this_node_only || !peers.node) answer_here(cmd, req.args, done);
      else answer_cluster(cmd, req.args, done);
      return rp;
    },
  };
}

} // namespace cs
