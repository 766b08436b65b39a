#include "console_client.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>

#include <atomic>
#include <set>

#include "actors/cluster/transport.hpp"
#include "messages/atoms.hpp"
#include "messages/caf_types.hpp"
#include "messages/protocols.hpp"

namespace cs::console {

namespace {

class client_config : public caf::actor_system_config {
public:
  explicit client_config(const std::optional<tls_files>& tls) {
    load<caf::io::middleman>();
    if (tls) enable_tls(*this, *tls);
    cs::register_message_types(*this);
    // The console waits for one answer at a time: more workers only cost start-up time.
    set("scheduler.max-threads", 2);
    // A node drops a connection silent for its cluster.connection-timeout: an idle shell keeps
    // its connection with heartbeats.
    set("middleman.heartbeat-interval", caf::timespan{std::chrono::milliseconds(500)});
  }
};

console_reply failure(console_errc code, std::string message) {
  console_reply r;
  r.code = code;
  r.message = std::move(message);
  return r;
}

} // namespace

struct console_client::impl {
  endpoint node;
  std::chrono::milliseconds timeout;
  client_config cfg;
  caf::actor_system sys{cfg};
  bool tls = false;
  cs::inspector_hdl inspector;
  // Set from a CAF thread when the inspector's proxy dies (connection lost), read by ours.
  std::shared_ptr<std::atomic<bool>> lost = std::make_shared<std::atomic<bool>>(false);
  bool abandon = false;

  impl(endpoint n, std::chrono::milliseconds t, const std::optional<tls_files>& files)
      : node(std::move(n)), timeout(t), cfg(files), tls(files.has_value()) {}

  std::string where() const { return to_string(node); }

  console_reply timed_out() const { return failure(console_errc::timeout, "no answer from " + where() + " within " + format_timeout(timeout)); }

  bool is_timeout(const caf::error& err) const { return err == caf::sec::request_timeout; }

  // A TLS mismatch only shows as a connection closed in the handshake: say what usually causes it.
  std::string handshake_hint(const caf::error& err) const {
    if (err != caf::sec::disconnect_during_handshake) return {};
    return tls ? " (the node may not use TLS, or refused this certificate: is it signed by the node's CA?)"
               : " (the node may require TLS: pass --tls-certificate, --tls-key and --tls-ca)";
  }

  console_reply connect() {
    console_reply out;
    caf::scoped_actor self{sys};
    self->request(connector(sys), timeout, caf::connect_atom::value, node.host, node.port)
      .receive(
        [&](caf::node_id&, caf::strong_actor_ptr& ptr, std::set<std::string>& ifs) {
          if (!ptr) {
            out = failure(console_errc::unreachable, where() + " is a CAF node but publishes no actor on that port");
            return;
          }
          if (!sys.assignable<cs::inspector_hdl>(ifs)) {
            out = failure(console_errc::unreachable,
                          "the actor published at " + where() + " is not a candlestream inspector (or of an incompatible build)");
            return;
          }
          inspector = caf::actor_cast<cs::inspector_hdl>(std::move(ptr));
          lost = std::make_shared<std::atomic<bool>>(false);
          inspector->attach_functor([flag = lost] { flag->store(true); });
        },
        [&](caf::error& err) {
          if (is_timeout(err)) {
            // The middleman connects synchronously; it may still be stuck in connect(2).
            abandon = true;
            out = failure(console_errc::timeout, "cannot connect to " + where() + ": no answer within " + format_timeout(timeout));
          } else {
            out = failure(console_errc::unreachable, "cannot connect to " + where() + ": " + sys.render(err) + handshake_hint(err));
          }
        });
    return out;
  }

  console_reply request(const std::string& command, const std::vector<std::string>& args) {
    if (!inspector || lost->load()) {
      inspector = nullptr;
      auto c = connect();
      if (c.code != console_errc::none) {
        c.message = "lost the connection to " + where() + "; reconnecting failed: " + c.message;
        c.code = console_errc::unreachable;
        return c;
      }
    }
    console_reply out;
    // A fresh scoped actor per request: a reply that arrives after its timeout lands in a mailbox
    // that is gone instead of piling up in one that lives as long as the console.
    caf::scoped_actor self{sys};
    self->request(inspector, timeout, console_atom::value, console_request{command, args})
      .receive([&](console_reply& r) { out = std::move(r); },
               [&](caf::error& err) {
                 if (lost->load()) out = failure(console_errc::unreachable, "lost the connection to " + where());
                 else if (is_timeout(err)) out = timed_out();
                 else out = failure(console_errc::unreachable, where() + ": " + sys.render(err));
               });
    return out;
  }
};

console_client::console_client(endpoint node, std::chrono::milliseconds timeout, const std::optional<tls_files>& tls)
    : impl_(std::make_unique<impl>(std::move(node), timeout, tls)) {}

console_client::~console_client() = default;

console_reply console_client::connect() { return impl_->connect(); }

console_reply console_client::request(const std::string& command, const std::vector<std::string>& args) { return impl_->request(command, args); }

bool console_client::abandon_on_exit() const { return impl_->abandon; }

const endpoint& console_client::node() const { return impl_->node; }

std::chrono::milliseconds console_client::timeout() const { return impl_->timeout; }

} // namespace cs::console
