#pragma once
// "host:port" endpoints of node actors (cluster.seeds, cluster.host/port) and the comma lists they
// come in. Pure; thread-safe.
#include <cstdint>
#include <string>
#include <vector>

namespace cs {

// "a, b,,c" -> {"a", "b", "c"}: the items of a comma-separated config value, trimmed, empty ones dropped.
std::vector<std::string> split_list(const std::string& text);
// "host:port" (or "[v6]:port") -> host and port; false when it is not of that form.
bool split_endpoint(const std::string& endpoint, std::string& host, std::uint16_t& port);
// "host:port,host:port" (spaces around commas allowed; "none" or empty: none); `error` says which is wrong.
std::vector<std::string> parse_endpoints(const std::string& list, std::string& error);

} // namespace cs
