#pragma once
// Where the local services are, for tests and tools that take no config file: the declared
// defaults (runtime/config/keys.hpp) overridden by CANDLE_* environment variables, exactly as a
// node would read them. Throws config_error on a malformed value.
#include <cstdint>
#include <string>

#include "runtime/postgres/connection_params.hpp"
#include "runtime/redis/client.hpp"

namespace cs::runtime {

struct service_endpoints {
  std::string kafka_brokers;
  std::string redis_host;
  std::uint16_t redis_port = 0;
  std::string postgres_host;
  std::uint16_t postgres_port = 0;
  std::string postgres_user;
  std::string postgres_database;

  redis_options redis() const;
  pg_connection_params postgres() const;
};

// Defaults < CANDLE_KAFKA_BROKERS, CANDLE_REDIS_*, CANDLE_POSTGRES_* (and every other key's env).
service_endpoints service_endpoints_from_env();

} // namespace cs::runtime
