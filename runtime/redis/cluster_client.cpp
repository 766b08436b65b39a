#include "runtime/redis/cluster_client.hpp"

#include <algorithm>
#include <optional>
#include <utility>

namespace cs::runtime {
namespace {

// Failures after which the connection is gone (as opposed to an answer from Redis).
bool connection_lost(const redis_error& e) {
  return e.code == redis_errc::connect_failed || e.code == redis_errc::disconnected || e.code == redis_errc::io_failed;
}

const std::vector<std::string> asking_command = {"ASKING"};

// One command of a pipeline on its way: where it goes now and what it has used of its bounds.
struct routed {
  std::size_t index = 0;
  redis_node_address to;
  bool ask = false;        // send ASKING first (an ASK redirect)
  bool retarget = false;   // its node failed: ask the re-discovered table where to go
  bool io_retried = false; // the one retry after a connection failure is used
  int hops = 0;            // redirects followed
};

using reply_result = result<redis_reply, redis_error>;

} // namespace

result<std::vector<redis_node_address>, redis_error> parse_redis_seed_list(std::string_view text) {
  std::vector<redis_node_address> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    auto item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    auto node = parse_redis_node_address(item);
    if (!node) return redis_error{redis_errc::bad_request, "redis cluster: '" + std::string(item) + "' is not host:port"};
    out.push_back(std::move(*node));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  if (out.empty()) return redis_error{redis_errc::bad_request, "redis cluster: no seed node given"};
  return out;
}

result<redis_cluster_client, redis_error> redis_cluster_client::connect(redis_cluster_options options) {
  if (options.seeds.empty()) return redis_error{redis_errc::bad_request, "redis cluster: no seed node given"};
  redis_cluster_client c{std::move(options)};
  if (auto d = c.discover(); !d) return d.error();
  return c;
}

result<redis_client*, redis_error> redis_cluster_client::node(const redis_node_address& address) {
  const auto name = address.to_string();
  if (auto it = nodes_.find(name); it != nodes_.end()) {
    if (it->second.connected()) return &it->second;
    nodes_.erase(it);
  }
  auto o = options_.node;
  o.host = address.host;
  o.port = address.port;
  auto c = redis_client::connect(std::move(o));
  if (!c) return c.error();
  return &nodes_.insert_or_assign(name, std::move(*c)).first->second;
}

result<void, redis_error> redis_cluster_client::discover() {
  std::vector<redis_node_address> candidates = table_.masters;
  for (const auto& s : options_.seeds)
    if (std::find(candidates.begin(), candidates.end(), s) == candidates.end()) candidates.push_back(s);
  std::string why = "no node to ask";
  for (const auto& address : candidates) {
    auto c = node(address);
    if (!c) {
      why = c.error().reason;
      continue;
    }
    auto r = (*c)->command({"CLUSTER", "SLOTS"});
    if (!r) {
      why = r.error().reason;
      if (connection_lost(r.error())) nodes_.erase(address.to_string());
      continue;
    }
    auto t = parse_cluster_slots(*r, address.host);
    if (!t) {
      why = t.error().reason;
      continue;
    }
    if (t->masters.empty()) { // a node not (yet) part of a cluster with slots
      why = "redis " + address.to_string() + ": CLUSTER SLOTS lists no slot";
      continue;
    }
    table_ = std::move(*t);
    return {};
  }
  table_ = {};
  return redis_error{redis_errc::cluster_unavailable, "redis cluster: no node answered CLUSTER SLOTS (last: " + why + ")"};
}

const redis_node_address* redis_cluster_client::target_of(const std::vector<std::string>& argv) const {
  if (const auto key = redis_command_key(argv)) return table_.node_of(redis_key_slot(*key));
  return table_.masters.empty() ? nullptr : &table_.masters.front();
}

result<redis_reply, redis_error> redis_cluster_client::command(std::span<const std::string_view> argv) {
  if (argv.empty()) return redis_error{redis_errc::bad_request, "redis: empty command"};
  std::vector<std::vector<std::string>> one(1);
  one.front().assign(argv.begin(), argv.end());
  // A lone command without a key goes to one master, not every one as in a pipeline.
  if (!redis_command_key(argv)) {
    if (!connected())
      if (auto d = discover(); !d) return d.error();
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto c = node(table_.masters.front());
      auto r = c ? (*c)->command(argv) : reply_result{c.error()};
      if (r || !connection_lost(r.error()) || attempt == 1) return r;
      nodes_.erase(table_.masters.front().to_string());
      if (auto d = discover(); !d) return d.error();
    }
  }
  auto replies = pipeline(one);
  if (!replies) return replies.error();
  return std::move(replies->front());
}

result<std::vector<result<redis_reply, redis_error>>, redis_error> redis_cluster_client::pipeline(
  const std::vector<std::vector<std::string>>& commands) {
  for (const auto& c : commands)
    if (c.empty()) return redis_error{redis_errc::bad_request, "redis: empty command in a pipeline"};
  if (!connected())
    if (auto d = discover(); !d) return d.error();
  std::vector<std::optional<reply_result>> out(commands.size());
  std::vector<std::size_t> keyless;
  std::vector<routed> todo;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    if (!redis_command_key(commands[i])) {
      keyless.push_back(i);
      continue;
    }
    routed r;
    r.index = i;
    if (const auto* to = target_of(commands[i])) r.to = *to; else r.retarget = true;
    todo.push_back(std::move(r));
  }
  std::optional<redis_error> last_failure;
  // Keyless commands alone still need a master to run on.
  const bool keyless_only = todo.empty() && !keyless.empty();
  if (keyless_only) todo.push_back({commands.size(), table_.masters.front(), false, false, false, 0});

  // Each round sends every command still to do, grouped by node; redirects and commands cut off
  // by a lost connection make the next round. Hops and the one retry bound the rounds.
  const int max_rounds = options_.max_redirects + 2;
  for (int round = 0; round < max_rounds && !todo.empty(); ++round) {
    for (auto& r : todo) {
      if (!r.retarget) continue;
      const auto* to = r.index < commands.size() ? target_of(commands[r.index]) : target_of({});
      if (!to) {
        if (r.index < commands.size())
          out[r.index] = redis_error{redis_errc::cluster_unavailable, "redis cluster: no master serves the slot of " +
                                                                         commands[r.index].front() + " " + commands[r.index][1]};
        r.hops = -1; // done
        continue;
      }
      r.to = *to;
      r.retarget = false;
    }
    std::erase_if(todo, [](const routed& r) { return r.hops < 0; });
    std::map<std::string, std::vector<routed>> groups;
    for (auto& r : todo) groups[r.to.to_string()].push_back(std::move(r));
    todo.clear();
    bool rediscover = false;
    std::vector<std::pair<std::uint16_t, redis_node_address>> moved;
    for (auto& [name, items] : groups) {
      std::vector<const std::vector<std::string>*> batch;
      for (const auto k : keyless) batch.push_back(&commands[k]);
      for (const auto& r : items) {
        if (r.index >= commands.size()) continue; // the keyless-only placeholder
        if (r.ask) batch.push_back(&asking_command);
        batch.push_back(&commands[r.index]);
      }
      auto c = node(items.front().to);
      auto replies = c ? (*c)->pipeline(std::span<const std::vector<std::string>* const>(batch))
                       : result<std::vector<reply_result>, redis_error>{c.error()};
      if (!replies) {
        last_failure = replies.error();
        nodes_.erase(name);
        rediscover = true;
        for (auto& r : items) {
          if (r.io_retried) {
            if (r.index < commands.size()) out[r.index] = replies.error();
            continue;
          }
          r.io_retried = true;
          r.retarget = true;
          r.ask = false;
          todo.push_back(std::move(r));
        }
        continue;
      }
      auto reply = replies->begin();
      for (const auto k : keyless) {
        if (!out[k] || (out[k]->ok() && !reply->ok())) out[k] = std::move(*reply);
        ++reply;
      }
      for (auto& r : items) {
        if (r.index >= commands.size()) continue;
        if (r.ask) ++reply; // ASKING's OK
        auto& answer = *reply++;
        const auto redirect = answer ? std::nullopt : parse_redis_redirect(redis_error_text(answer.error().reason));
        if (!redirect) {
          out[r.index] = std::move(answer);
          continue;
        }
        if (++r.hops > options_.max_redirects) {
          out[r.index] = redis_error{redis_errc::too_many_redirects, "redis cluster: " + commands[r.index].front() + " " +
                                                                       commands[r.index][1] + ": redirected " +
                                                                       std::to_string(r.hops) + " times, last: " + answer.error().reason};
          continue;
        }
        r.to = redirect->node;
        r.ask = redirect->ask;
        if (!redirect->ask) {
          moved.emplace_back(redirect->slot, redirect->node);
          rediscover = true;
        }
        todo.push_back(std::move(r));
      }
    }
    if (rediscover) {
      (void)discover(); // a failure forgets the table: the commands to retarget fail below
      // MOVED comes from the node that owns the slot now; a re-discovery that asked a node with an
      // older view must not undo it.
      if (connected())
        for (const auto& [slot, to] : moved) table_.assign(slot, to);
    }
  }
  for (const auto& r : todo)
    if (r.index < commands.size() && !out[r.index])
      out[r.index] = redis_error{redis_errc::too_many_redirects, "redis cluster: " + commands[r.index].front() +
                                                                    ": still redirected or unreachable after " +
                                                                    std::to_string(max_rounds) + " rounds"};
  std::vector<reply_result> done;
  done.reserve(out.size());
  for (auto& o : out) {
    if (o) done.push_back(std::move(*o));
    else done.emplace_back(last_failure ? *last_failure
                                        : redis_error{redis_errc::cluster_unavailable, "redis cluster: no master to send the command to"});
  }
  return done;
}

} // namespace cs::runtime
