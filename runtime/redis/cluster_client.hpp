#pragma once
// A Redis Cluster client: hiredis has none, so this routes each command to the master that serves
// its key's slot (runtime/redis/cluster_slots.hpp), over one redis_client per master, each made
// on first use. The slot table comes from CLUSTER SLOTS, asked of the known masters and then the
// seeds, at connect() and again whenever a node answers MOVED or a connection fails.
//
// Failure semantics:
// - MOVED: the slot is assigned to the named node, the table is discovered again and the command
//   is sent there; ASK: the command is sent to the named node after ASKING, the table unchanged.
//   At most max_redirects hops per command, then too_many_redirects.
// - A connection failure (connect_failed, io_failed): the node's connection is dropped, the table
//   discovered again from any reachable node, and the command sent once more to the slot's master
//   (the replica that took over, once the cluster has failed over). A second failure is returned.
//   The command may have run before its connection broke: send only idempotent commands (every
//   L2 command is: final candles re-added are no-ops and coverage only moves forward).
// - Any other error reply (CLUSTERDOWN, TRYAGAIN during a failover, a script error) is returned
//   as error_reply: the L2 caller treats it as a miss and reads PostgreSQL.
// - cluster_unavailable: no node answered CLUSTER SLOTS, or no master serves the slot.
// Not thread-safe. Commands never throw.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "runtime/redis/client.hpp"
#include "runtime/redis/cluster_slots.hpp"
#include "runtime/redis/commands.hpp"

namespace cs::runtime {

struct redis_cluster_options {
  std::vector<redis_node_address> seeds;
  // Timeouts of every node's connection (its host and port are ignored).
  redis_options node;
  // Redirects followed per command; a slot moves once per resharding step, so a few suffice.
  int max_redirects = 5;
};

// "host:port,host:port" as redis.cluster-nodes gives it; bad_request naming a malformed entry.
result<std::vector<redis_node_address>, redis_error> parse_redis_seed_list(std::string_view text);

class redis_cluster_client final : public redis_commands {
public:
  // Fails (cluster_unavailable) unless a seed answers CLUSTER SLOTS.
  static result<redis_cluster_client, redis_error> connect(redis_cluster_options options);

  using redis_commands::command;
  // Routed by the command's key (redis_command_key); a command without one goes to any master.
  result<redis_reply, redis_error> command(std::span<const std::string_view> argv) override;
  // One round trip per master: each master gets the commands for its slots, in order, after every
  // command without a key (SCRIPT LOAD), which thus runs on each master the pipeline reaches; such
  // a command's result is its first failure, else the first master's reply. Commands redirected
  // or cut off by a connection failure are sent again as a command() would; a failure is that
  // command's alone. The call as a whole fails only for an empty command or no slot table.
  result<std::vector<result<redis_reply, redis_error>>, redis_error> pipeline(
    const std::vector<std::vector<std::string>>& commands) override;
  // A slot table is known (a failed re-discovery forgets it: connect() again then).
  bool connected() const override { return !table_.masters.empty(); }

  // Asks the known masters, then the seeds, for CLUSTER SLOTS; the first answer replaces the table.
  result<void, redis_error> discover();
  const redis_slot_table& slots() const { return table_; }
  const redis_cluster_options& options() const { return options_; }

private:
  explicit redis_cluster_client(redis_cluster_options options) : options_(std::move(options)) {}
  // The connection to `node`, made now if there is none or it broke.
  result<redis_client*, redis_error> node(const redis_node_address& address);
  // The master of the command's slot (any master for one without a key), or nullptr.
  const redis_node_address* target_of(const std::vector<std::string>& argv) const;

  redis_cluster_options options_;
  redis_slot_table table_;
  std::map<std::string, redis_client> nodes_; // by "host:port"
};

} // namespace cs::runtime
