// The other process of the CAF remoting test: publishes an actor that answers a cs::candle with
// the same candle, its volume raised by caf_echo_volume_increment (so the test sees the reply was
// computed remotely). Prints the published port on stdout, then lives until stdin closes or it
// is killed.
#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>

#include "messages/candle.hpp"
#include "tests/integration/caf_test_node.hpp"

namespace {

// Only loopback: the test never needs the peer reachable from elsewhere.
constexpr const char* listen_address = "127.0.0.1";
// 0: the OS picks a free port, so parallel runs never collide.
constexpr std::uint16_t any_port = 0;

// The increment is a spawn argument rather than hard-wired: spawning a function actor with no
// arguments trips UBSan inside CAF 0.17's init_fun_factory (it dereferences an empty
// shared_ptr<tuple<>>).
caf::behavior candle_echo(caf::event_based_actor*, std::uint64_t increment) {
  return {
    [increment](cs::candle c) {
      c.bar.volume += increment;
      return c;
    },
  };
}

} // namespace

int main() {
  caf::actor_system_config cfg;
  cs::test::configure_caf_test_node(cfg);
  caf::actor_system sys{cfg};
  auto echo = sys.spawn(candle_echo, cs::test::caf_echo_volume_increment);
  auto port = sys.middleman().publish(echo, any_port, listen_address);
  if (!port) {
    std::cerr << "caf_peer: publish failed: " << sys.render(port.error()) << std::endl;
    caf::anon_send_exit(echo, caf::exit_reason::user_shutdown);
    return EXIT_FAILURE;
  }
  // The parent blocks on this line: flush it now, not at exit.
  std::cout << *port << std::endl;
  for (std::string line; std::getline(std::cin, line);) {
  }
  caf::anon_send_exit(echo, caf::exit_reason::user_shutdown);
  return EXIT_SUCCESS;
}
