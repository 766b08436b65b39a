#pragma once
// Atoms of candlestream's actor protocol (CAF 0.17: at most 10 characters each).
#include <caf/atom.hpp>

namespace cs {

using apply_atom = caf::atom_constant<caf::atom("apply")>;       // events for a candle actor
using advance_atom = caf::atom_constant<caf::atom("advance")>;   // watermark moved
using collect_atom = caf::atom_constant<caf::atom("collect")>;   // checkpoint: hand over changes
using restore_atom = caf::atom_constant<caf::atom("restore")>;   // live candles from a checkpoint
using live_atom = caf::atom_constant<caf::atom("live")>;         // "live candle?" query
using claim_atom = caf::atom_constant<caf::atom("claim")>;       // take a partition (epoch bump)
using commit_atom = caf::atom_constant<caf::atom("commit")>;     // checkpoint transaction
using publish_atom = caf::atom_constant<caf::atom("publish")>;   // produce to Kafka, wait for acks
using batch_atom = caf::atom_constant<caf::atom("batch")>;       // raw records from the poll thread
using assign_atom = caf::atom_constant<caf::atom("assign")>;     // partitions assigned
using revoke_atom = caf::atom_constant<caf::atom("revoke")>;     // partitions revoked/lost
using tick_atom = caf::atom_constant<caf::atom("tick")>;         // timers
using retry_atom = caf::atom_constant<caf::atom("retry")>;       // backoff expired
using register_atom = caf::atom_constant<caf::atom("register")>; // directory: add a handle
using lookup_atom = caf::atom_constant<caf::atom("lookup")>;     // directory: find a handle
using unregister_atom = caf::atom_constant<caf::atom("unreg")>;  // directory: drop handles
using stats_atom = caf::atom_constant<caf::atom("stats")>;       // counters
using crash_atom = caf::atom_constant<caf::atom("crash")>;       // fault injection (tests)
using recent_atom = caf::atom_constant<caf::atom("recent")>;     // candle actor: uncommitted finals + live
using final_atom = caf::atom_constant<caf::atom("final")>;       // cache: candles just finalised
using range_atom = caf::atom_constant<caf::atom("range")>;       // cache: final candles of a range
using load_atom = caf::atom_constant<caf::atom("load")>;         // cache loader: L2 / PostgreSQL read
using series_atom = caf::atom_constant<caf::atom("series")>;     // cache: known (symbol, interval)s
using committed_atom = caf::atom_constant<caf::atom("committed")>; // candle actor: its last collect is committed
using seek_failed_atom = caf::atom_constant<caf::atom("seekfail")>; // reader: the poll thread could not seek
using gap_atom = caf::atom_constant<caf::atom("gap")>;             // gap verifier: is this offset gap real?
using collected_atom = caf::atom_constant<caf::atom("collected")>; // reader: a candle actor's part of a checkpoint
using deadline_atom = caf::atom_constant<caf::atom("deadline")>;   // reader: a checkpoint's collect timed out
using watermark_atom = caf::atom_constant<caf::atom("watermark")>; // reader: the partition watermark now
using watch_atom = caf::atom_constant<caf::atom("watch")>;         // candle actor: push changes to a live hub
using unwatch_atom = caf::atom_constant<caf::atom("unwatch")>;     // candle actor: stop pushing to it
using update_atom = caf::atom_constant<caf::atom("update")>;       // live hub: a watched key changed
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>; // live hub: a session wants a key
using drop_atom = caf::atom_constant<caf::atom("drop")>;           // live hub: a session ended
using console_atom = caf::atom_constant<caf::atom("console")>;     // inspector: one console command
using inspect_atom = caf::atom_constant<caf::atom("inspect")>;     // candle actor: its state, for the console
using list_atom = caf::atom_constant<caf::atom("list")>;           // directory: keys matching a filter
using checkpoint_atom = caf::atom_constant<caf::atom("checkpoint")>; // reader: checkpoint now
using join_atom = caf::atom_constant<caf::atom("join")>;           // node actor: a node joins the cluster
using members_atom = caf::atom_constant<caf::atom("members")>;     // node actor: the members it knows
using owners_atom = caf::atom_constant<caf::atom("owners")>;       // node actor: a member's partitions changed
using where_atom = caf::atom_constant<caf::atom("where")>;         // directory/node actor: who reads a key's partition
using find_local_atom = caf::atom_constant<caf::atom("findlocal")>; // directory/node actor: this node's actor of a key
using cluster_atom = caf::atom_constant<caf::atom("cluster")>;     // directory: the node actor to ask for other nodes' keys

} // namespace cs
