#pragma once
// The typed interfaces of candlestream's actors (CAF 0.17 typed_actor): a message that an actor
// does not declare is a compile error at the sender, not a silent drop at run time. Each handle is
// declared here, in the shared vocabulary, so that senders need not include the actor they talk
// to. docs/protocols.md tables every interface, including the still dynamically typed ones that
// never leave a node (partition_reader and kafka_consumer, driven by the poll thread).
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "messages/atoms.hpp"
#include "messages/cache_messages.hpp"
#include "messages/cluster_messages.hpp"
#include "messages/console_messages.hpp"
#include "messages/candle.hpp"
#include "messages/pipeline.hpp"
#include "messages/series_info.hpp"

namespace cs {

// The read path's cache (actors/cache/): L1 in process, L2 in Redis, then PostgreSQL.
using cache_hdl = caf::typed_actor<
  caf::reacts_to<final_atom, final_span>,                                      // write-through of new finals
  caf::replies_to<range_atom, range_request>::with<range_reply>,               // final candles of a range
  caf::replies_to<series_atom, std::string, std::int64_t>::with<std::vector<series_info>>, // symbol prefix, limit
  caf::replies_to<stats_atom>::with<cache_stats>>;

// A node's fan-out of candle changes to its WebSocket sessions (actors/live_push/): candle actors
// push to it, sessions (by number) subscribe through it.
using live_hub_hdl = caf::typed_actor<
  caf::reacts_to<update_atom, live_update>,                // a watched candle actor changed
  caf::reacts_to<subscribe_atom, std::uint64_t, candle_key>,   // session, key
  caf::reacts_to<unwatch_atom, std::uint64_t, candle_key>,     // session, key: unsubscribed
  caf::reacts_to<drop_atom, std::uint64_t>,                    // the session ended
  caf::reacts_to<tick_atom>,                                   // re-watch keys whose actor was gone
  caf::reacts_to<register_atom, candle_key>,                   // the directory: this key's actor just registered
  caf::replies_to<stats_atom>::with<std::uint64_t, std::uint64_t>>; // sessions, watched keys

// One per (symbol, interval): owns that key's live candles (actors/candle/). Its partition
// reader spawned it and is the only sender of apply/advance/collect/committed/restore.
using candle_actor_hdl = caf::typed_actor<
  caf::reacts_to<apply_atom, event_slice>,                           // events of one reader batch, then finalize
  caf::reacts_to<advance_atom, timestamp_ns>,                        // the partition watermark moved
  // Finals and changed live candles since last time, sent back to the reader as a plain message
  // (collected_atom, ticket, checkpoint_part): a reader collects from thousands of actors at once,
  // and CAF 0.17 keeps pending responses in a flat map, so N requests would cost O(N^2).
  caf::reacts_to<collect_atom, std::uint64_t>,
  caf::reacts_to<committed_atom>,                                    // the checkpoint of the last collect committed
  caf::reacts_to<restore_atom, std::vector<candle>>,                 // live candles from the partition's checkpoint
  caf::replies_to<live_atom>::with<std::vector<candle>>,             // "live candle?" for queries and the console
  caf::replies_to<recent_atom>::with<recent_candles>,                // uncommitted finals + live, with frontiers
  caf::reacts_to<crash_atom>,                                        // fault injection, only when enabled at spawn
  caf::replies_to<inspect_atom>::with<candle_actor_info>,            // its state, for the console
  // Push every change (finals, the live candles after a batch) to this hub until unwatched;
  // the hub gets the current state at once.
  caf::reacts_to<watch_atom, live_hub_hdl>,
  caf::reacts_to<unwatch_atom, live_hub_hdl>>;

// A node's face to the cluster and to candle-console (actors/cluster/node_actor.hpp), published
// on cluster.host:cluster.port. Every request between nodes carries a timeout.
using node_hdl = caf::typed_actor<
  caf::replies_to<console_atom, console_request>::with<console_reply>,          // a console command, for the inspector
  caf::replies_to<join_atom, member_info>::with<std::vector<member_info>>,      // a node joins: every member the node knows
  caf::reacts_to<owners_atom, std::string, std::vector<std::int32_t>>,           // a member's partitions now
  caf::replies_to<find_local_atom, candle_key>::with<std::vector<candle_actor_hdl>>, // the key's candle actor on this node
  caf::replies_to<members_atom>::with<std::vector<member_info>>,                 // this node and every member it knows
  // Asked by this node's directory for a key it does not hold: the first member that does.
  caf::replies_to<lookup_atom, candle_key>::with<std::vector<candle_actor_hdl>>,
  caf::replies_to<where_atom, candle_key>::with<key_owner>,                      // who reads the key's partition
  caf::reacts_to<tick_atom>>;                                                    // announce, re-join seeds

// (symbol, interval) -> candle actor, filled by the partition readers (actors/cluster/).
using directory_hdl = caf::typed_actor<
  caf::reacts_to<register_atom, std::uint64_t, candle_key, candle_actor_hdl>,  // reader instance, key, handle
  caf::reacts_to<unregister_atom, std::uint64_t>,                              // drop every key of a reader instance
  caf::reacts_to<unregister_atom, std::uint64_t, candle_key>,                  // drop one key of a reader instance
  // This node's actor of the key, else (with a node actor set) another member's; empty when unknown.
  caf::replies_to<lookup_atom, candle_key>::with<std::vector<candle_actor_hdl>>,
  caf::replies_to<find_local_atom, candle_key>::with<std::vector<candle_actor_hdl>>, // this node's only
  // After a lookup found nothing: who reads the key's partition (the node actor's view; unknown
  // without a cluster), so a gateway can tell an unknown key from an unreachable owner.
  caf::replies_to<where_atom, candle_key>::with<key_owner>,
  caf::reacts_to<cluster_atom, node_hdl>,                                         // ask it for other nodes' keys
  // Keys whose symbol matches a glob (* and ?) and whose interval is one of a list (empty: any),
  // in key order, at most `limit` of them, and how many matched in all.
  caf::replies_to<list_atom, std::string, std::vector<interval>, std::uint64_t>::with<std::vector<candle_key>, std::uint64_t>,
  // Tell this hub (once) when the key's actor registers: a key subscribed before its first event,
  // or whose actor went away, is watched at once instead of at the hub's next tick.
  caf::reacts_to<watch_atom, candle_key, live_hub_hdl>,
  caf::reacts_to<unwatch_atom, candle_key, live_hub_hdl>,
  caf::replies_to<stats_atom>::with<std::uint64_t>>;                           // number of keys

// The PostgreSQL side of checkpoints (actors/db_writer/). Failures are pipeline_errc errors.
using db_writer_hdl = caf::typed_actor<
  caf::replies_to<claim_atom, std::string, std::int32_t, std::string>::with<partition_claim>, // topic, partition, owner
  caf::replies_to<commit_atom, checkpoint_request>::with<checkpoint_result>,                 // committed or fenced
  caf::reacts_to<tick_atom>,                                                                  // maintenance timer
  caf::reacts_to<crash_atom>>;                                                                // fault injection (node.faults)

// The node's Kafka producer (actors/publisher/). Failures are pipeline_errc::publish_failed.
using publisher_hdl = caf::typed_actor<
  caf::replies_to<publish_atom, publish_request>::with<std::uint64_t>, // records acknowledged
  caf::replies_to<stats_atom>::with<std::uint64_t>>;                   // records published so far

// A node's answer to the debug console (actors/inspector/): one command in, a named code and a
// JSON document out. It answers from other actors' replies (each with a timeout), never by
// blocking one of them.
using inspector_hdl = caf::typed_actor<caf::replies_to<console_atom, console_request>::with<console_reply>>;

} // namespace cs
