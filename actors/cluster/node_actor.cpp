#include "actors/cluster/node_actor.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <chrono>

#include "actors/cluster/key_owner.hpp"
#include "actors/cluster/transport.hpp"
#include "runtime/kafka/partitioner.hpp"
#include "runtime/log/log.hpp"

namespace cs {

namespace {
constexpr std::string_view component = "cluster";
} // namespace

node_hdl::behavior_type node_actor(node_hdl::stateful_pointer<node_actor_state> self, node_actor_settings settings,
                                   inspector_peers peers) {
  const auto timeout = std::chrono::nanoseconds(settings.timeout);
  const auto tick = std::chrono::nanoseconds(settings.tick);
  self->state.self = settings.self;
  self->state.self.handle = caf::actor_cast<caf::strong_actor_ptr>(self);
  self->state.self.up = true;
  peers.node = caf::actor_cast<node_hdl>(self);
  auto inspector = self->spawn<caf::linked>(inspector_actor, settings.inspector, peers);
  const auto directory = peers.directory;

  auto up_members = [=] {
    std::vector<node_actor_state::member*> out;
    for (auto& [name, m] : self->state.members)
      if (m.info.up) out.push_back(&m);
    return out;
  };

  // Learns (or re-learns) a member from what it says of itself (its join, or its answer to this
  // node's); true when it is new to this node or came back.
  auto learn = [=](member_info info) -> bool {
    if (info.name == self->state.self.name) {
      if (info.started_at != self->state.self.started_at)
        runtime::log_error(component, "another node calls itself " + info.name + " (" + info.endpoint + "): node names must be unique");
      return false;
    }
    auto handle = caf::actor_cast<node_hdl>(info.handle);
    if (!handle || !info.up) return false;
    auto it = self->state.members.find(info.name);
    if (it != self->state.members.end() && it->second.info.up && it->second.info.started_at >= info.started_at) {
      // Known and up: only its partitions may be newer.
      if (it->second.info.started_at == info.started_at) it->second.info.partitions = info.partitions;
      return false;
    }
    self->monitor(handle);
    runtime::log_info(component, "member " + info.name + " at " + info.endpoint + " is up (partitions: " +
                                   std::to_string(info.partitions.size()) + ")");
    auto name = info.name; // the right side is evaluated first and moves info out
    self->state.members[name] = {std::move(info), handle, {}, true};
    return true;
  };

  // join: asks a node over a connection of this node's own; it answers with itself first, then
  // every member it knows. The answering node is learnt; the others are reached by connecting to
  // their endpoints, never through the answering node's view: a member this node saw go down
  // comes back only when this node reaches it itself (a third node may not have noticed yet, and
  // a handle relayed through it would look alive while the member is paused or cut off).
  // connect: opens (or reuses) the connection to an endpoint, then joins.
  // The two refer to each other through weak pointers: the behaviour below holds the only
  // strong ones, so nothing outlives the actor.
  auto join = std::make_shared<std::function<void(node_hdl, std::string)>>();
  auto connect = std::make_shared<std::function<void(const std::string&)>>();
  *join = [=, weak_connect = std::weak_ptr(connect)](node_hdl peer, std::string endpoint) {
    self->request(peer, timeout, join_atom::value, self->state.self)
      .then(
        [=](std::vector<member_info>& members) {
          self->state.connecting.erase(endpoint);
          if (members.empty()) return;
          learn(std::move(members.front()));
          for (std::size_t i = 1; i < members.size(); ++i) {
            const auto& m = members[i];
            if (m.name == self->state.self.name || self->state.connecting.count(m.endpoint)) continue;
            auto it = self->state.members.find(m.name);
            const bool known = it != self->state.members.end() && it->second.info.started_at >= m.started_at;
            if (known) continue; // up, or down and re-tried by the tick
            if (auto c = weak_connect.lock()) (*c)(m.endpoint);
          }
        },
        [=](caf::error& e) {
          self->state.connecting.erase(endpoint);
          runtime::log_debug(component, "joining through " + endpoint + " failed: " + caf::to_string(e));
        });
  };
  *connect = [=, weak_join = std::weak_ptr(join)](const std::string& endpoint) {
    std::string host;
    std::uint16_t port = 0;
    if (!split_endpoint(endpoint, host, port)) return; // checked when the config was read
    self->state.connecting.insert(endpoint);
    auto mm = connector(self->home_system());
    self->request(mm, timeout, caf::connect_atom::value, host, port)
      .then(
        [=](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>& ifs) {
          if (!ptr || !self->home_system().assignable<node_hdl>(ifs)) {
            self->state.connecting.erase(endpoint);
            runtime::log_warn(component, endpoint + " is not a candlestream node (or of an incompatible build)");
            return;
          }
          if (auto j = weak_join.lock()) (*j)(caf::actor_cast<node_hdl>(std::move(ptr)), endpoint);
        },
        [=](caf::error& e) {
          self->state.connecting.erase(endpoint);
          runtime::log_debug(component, endpoint + " unreachable: " + caf::to_string(e));
        });
  };

  self->set_down_handler([=](caf::down_msg& dm) {
    for (auto& [name, m] : self->state.members) {
      if (!m.info.up || m.handle.address() != dm.source) continue;
      m.info.up = false;
      m.last_partitions = std::move(m.info.partitions);
      m.info.partitions.clear();
      runtime::log_warn(component, "member " + name + " at " + m.info.endpoint + " is down: " + caf::to_string(dm.reason));
      return;
    }
  });

  self->send(self, tick_atom::value);
  return {
    [=](console_atom a, const console_request& req) { return self->delegate(inspector, a, req); },
    [=](join_atom, member_info& joining) {
      learn(std::move(joining));
      std::vector<member_info> out{self->state.self};
      for (const auto& [name, m] : self->state.members)
        if (m.info.up) out.push_back(m.info);
      return out;
    },
    [=](owners_atom, const std::string& name, const std::vector<std::int32_t>& partitions) {
      if (auto it = self->state.members.find(name); it != self->state.members.end() && it->second.info.up) it->second.info.partitions = partitions;
    },
    [=](find_local_atom a, const candle_key& key) { return self->delegate(directory, a, key); },
    [=](members_atom) {
      std::vector<member_info> out{self->state.self};
      for (const auto& [name, m] : self->state.members) out.push_back(m.info);
      return out;
    },
    [=](lookup_atom, const candle_key& key) -> caf::result<std::vector<candle_actor_hdl>> {
      auto members = up_members();
      if (members.empty()) return std::vector<candle_actor_hdl>{};
      auto rp = self->make_response_promise<std::vector<candle_actor_hdl>>();
      auto remaining = std::make_shared<std::size_t>(members.size());
      for (auto* m : members) {
        // By name: the member may be gone from the map (or replaced) when the answer comes.
        auto answered = [=, name = m->info.name](bool ok) {
          if (auto it = self->state.members.find(name); it != self->state.members.end()) it->second.answering = ok;
        };
        self->request(m->handle, timeout, find_local_atom::value, key)
          .then(
            [=](std::vector<candle_actor_hdl>& found) mutable {
              answered(true);
              if (!found.empty() && rp.pending()) rp.deliver(std::move(found));
              if (--*remaining == 0 && rp.pending()) rp.deliver(std::vector<candle_actor_hdl>{});
            },
            [=](caf::error&) mutable {
              answered(false);
              if (--*remaining == 0 && rp.pending()) rp.deliver(std::vector<candle_actor_hdl>{});
            });
      }
      return rp;
    },
    [=](where_atom, const candle_key& key) {
      if (settings.partition_count <= 0) return key_owner{};
      const auto partition = runtime::kafka_partition_for_key(key.symbol, settings.partition_count);
      std::vector<member_view> views;
      for (const auto& [name, m] : self->state.members)
        views.push_back({name, m.info.up, m.answering, m.info.up ? m.info.partitions : m.last_partitions});
      return locate_owner(partition, {self->state.self.name, true, true, self->state.self.partitions}, views);
    },
    [=](tick_atom) {
      self->delayed_send(self, tick, tick_atom::value);
      // This node's partitions (the poll thread's assignment), announced when they changed.
      std::vector<std::int32_t> partitions;
      if (peers.partition_logs)
        for (const auto& log : peers.partition_logs()) partitions.push_back(log.partition);
      std::sort(partitions.begin(), partitions.end());
      if (partitions != self->state.self.partitions) {
        self->state.self.partitions = partitions;
        for (auto* m : up_members()) self->send(m->handle, owners_atom::value, self->state.self.name, partitions);
      }
      // Seeds not (or no longer) reached, and members that went down: a cut link heals without a
      // seed in between (a dead member costs one refused connect per tick).
      std::set<std::string> wanted(settings.seeds.begin(), settings.seeds.end());
      for (const auto& [name, m] : self->state.members)
        if (!m.info.up) wanted.insert(m.info.endpoint);
      for (const auto& [name, m] : self->state.members)
        if (m.info.up) wanted.erase(m.info.endpoint);
      wanted.erase(self->state.self.endpoint);
      for (const auto& endpoint : wanted)
        if (!self->state.connecting.count(endpoint)) (*connect)(endpoint);
      // Anti-entropy: two nodes that joined through the same seed at the same moment learn of
      // each other only from a member that knows both; asking every member each tick closes that.
      for (auto* m : up_members()) {
        if (self->state.connecting.count(m->info.endpoint)) continue;
        self->state.connecting.insert(m->info.endpoint);
        (*join)(m->handle, m->info.endpoint);
      }
    },
  };
}

} // namespace cs
