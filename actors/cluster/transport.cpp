#include "transport.hpp"

#include <caf/function_view.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/publish.hpp>

namespace cs {

void enable_tls(caf::actor_system_config& cfg, const tls_files& files) {
  link_openssl_error_queue_fix();
  cfg.load<caf::openssl::manager>();
  // CAF 0.17 reads these members when the module starts (the openssl.* options bind to them).
  cfg.openssl_certificate = files.certificate;
  cfg.openssl_key = files.key;
  cfg.openssl_cafile = files.ca;
}

caf::io::middleman_actor connector(caf::actor_system& sys) {
  return sys.has_openssl_manager() ? sys.openssl_manager().actor_handle() : sys.middleman().actor_handle();
}

caf::expected<std::uint16_t> publish_node(caf::actor_system& sys, const node_hdl& hdl, std::uint16_t port, const std::string& host) {
  if (sys.has_openssl_manager()) return caf::openssl::publish(hdl, port, host.c_str(), true);
  return sys.middleman().publish(hdl, port, host.c_str(), true);
}

void unpublish_node(caf::actor_system& sys, const caf::actor& whom, std::uint16_t port) {
  // Blocking, but only at shutdown. CAF's openssl::unpublish does not compile in 0.17.6 (it names
  // unpublish_atom_v); the connector's interface is the same for both kinds of connection.
  auto f = caf::make_function_view(connector(sys));
  static_cast<void>(f(caf::unpublish_atom::value, caf::actor_cast<caf::actor_addr>(whom), port));
}

} // namespace cs
