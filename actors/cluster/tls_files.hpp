#pragma once
// The files of node-to-node TLS (cluster.tls; candle-console's --tls-* options), without CAF so
// the console's pure parts can hold them. Thread-safe (no state).
#include <string>

namespace cs {

struct tls_files {
  std::string certificate; // PEM, signed by `ca`
  std::string key;         // PEM private key of `certificate`, unencrypted
  std::string ca;          // PEM certificate of the cluster's CA
};

// Empty when every file is given and readable; otherwise what is missing, naming `what` (the
// option names' prefix, e.g. "cluster.tls-" or "--tls-") so the message points at the setting.
std::string check_tls_files(const tls_files& files, const std::string& what);

} // namespace cs
