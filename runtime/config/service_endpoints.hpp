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
  redis_options redis_opts;
  pg_connection_params pg;

  const redis_options& redis() const { return redis_opts; }
  const pg_connection_params& postgres() const { return pg; }
  // "host:port", for messages naming the service.
  std::string redis_address() const { return redis_opts.host + ":" + std::to_string(redis_opts.port); }
  std::string postgres_address() const {
    return pg.host + ":" + std::to_string(pg.port) + " database " + pg.database + " user " + pg.user;
  }
};

// Defaults < CANDLE_KAFKA_BROKERS, CANDLE_REDIS_*, CANDLE_POSTGRES_* (and every other key's env).
service_endpoints service_endpoints_from_env();

} // namespace cs::runtime
