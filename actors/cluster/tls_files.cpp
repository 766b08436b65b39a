#include "tls_files.hpp"

#include <fstream>
#include <utility>

namespace cs {

std::string check_tls_files(const tls_files& files, const std::string& what) {
  const std::pair<const char*, const std::string*> wanted[] = {
    {"certificate", &files.certificate}, {"key", &files.key}, {"ca", &files.ca}};
  for (const auto& [name, path] : wanted) {
    if (path->empty() || *path == "none") return what + name + " is not set: TLS needs a certificate, its key and the CA";
    if (!std::ifstream(*path)) return what + name + ": cannot read " + *path;
  }
  return {};
}

} // namespace cs
