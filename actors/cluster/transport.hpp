#pragma once
// The wire between nodes (and between candle-console and a node): plain TCP through CAF's
// middleman, or TLS through CAF's OpenSSL module when cluster.tls is on. With TLS both ends must
// present a certificate signed by the cluster's CA (mutual TLS): a peer without one fails in the
// handshake, before any message is read. CAF checks no host name and no role, so any certificate
// of that CA is a member; the CA is the cluster's trust boundary.
//
// enable_tls() configures an actor_system_config before its actor system starts; the other
// functions are safe from any actor or thread once it runs.
#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/expected.hpp>
#include <caf/io/middleman_actor.hpp>

#include <cstdint>
#include <string>

#include "actors/cluster/tls_files.hpp"
#include "messages/protocols.hpp"

namespace cs {

// Links actors/cluster/openssl_error_queue.cpp (a fix for CAF's TLS sessions) into the program.
void link_openssl_error_queue_fix();

// Loads CAF's OpenSSL module (the middleman must be loaded already) and points it at the files.
void enable_tls(caf::actor_system_config& cfg, const tls_files& files);

// The middleman actor whose connect_atom opens this system's kind of connection.
caf::io::middleman_actor connector(caf::actor_system& sys);

// Publishes the node actor on host:port with this system's kind of connection; the bound port.
caf::expected<std::uint16_t> publish_node(caf::actor_system& sys, const node_hdl& hdl, std::uint16_t port, const std::string& host);

// Stops accepting connections for `whom` on `port` (connections already open stay).
void unpublish_node(caf::actor_system& sys, const caf::actor& whom, std::uint16_t port);

} // namespace cs
