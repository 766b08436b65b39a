#pragma once
// Where and how to reach PostgreSQL, and the libpq connection string for it. Kept apart from
// pg_client so that code which only names a database does not pull in libpqxx.
#include <chrono>
#include <cstdint>
#include <string>

#include "runtime/config/config.hpp"

namespace cs::runtime {

struct pg_connection_params {
  std::string host;
  std::uint16_t port = 0;
  std::string user;
  std::string database;
  std::string password; // empty: none (trust / peer / .pgpass)
  static constexpr std::chrono::seconds default_connect_timeout{5};
  std::chrono::seconds connect_timeout = default_connect_timeout;
  std::string application_name = "candlestream";
};

// The postgres.* keys of a candlestream config.
pg_connection_params pg_params_from_config(const config& cfg);

// libpq keyword/value string with every value quoted, so spaces and quotes survive.
std::string pg_connection_string(const pg_connection_params& params);

} // namespace cs::runtime
