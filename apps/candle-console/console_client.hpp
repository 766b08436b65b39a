#pragma once
// The console's connection to a node's inspector over CAF's middleman: plain TCP, or TLS with the
// console's own certificate when `tls` is given (actors/cluster/transport.hpp). Every call
// returns within the request timeout: a node that does not answer becomes console_errc::timeout,
// a refused or lost connection console_errc::unreachable. After a lost connection the next
// request connects again (a restarted node has a new inspector). CAF stays behind this header so
// the rest of the console compiles without it.
//
// Not thread-safe: one thread (the console's) calls it. The actor system's threads are started in
// the constructor and inherit that thread's signal mask.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "console_options.hpp"
#include "actors/cluster/tls_files.hpp"
#include "messages/console_messages.hpp"

namespace cs::console {

using cs::tls_files;

class console_client {
public:
  console_client(endpoint node, std::chrono::milliseconds timeout, const std::optional<tls_files>& tls);
  ~console_client();
  console_client(const console_client&) = delete;
  console_client& operator=(const console_client&) = delete;

  // Looks up the inspector published at the endpoint. code none on success.
  console_reply connect();
  // One command. The node's reply, or timeout / unreachable.
  console_reply request(const std::string& command, const std::vector<std::string>& args);

  // True once a connect attempt timed out: CAF's middleman may still sit in a blocking TCP connect
  // and would hold up the actor system's shutdown, so the program must not wait for it.
  bool abandon_on_exit() const;
  const endpoint& node() const;
  std::chrono::milliseconds timeout() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace cs::console
