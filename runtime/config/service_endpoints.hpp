#pragma once
// Where the local services are, for tests and tools until the real config system exists:
// CANDLE_* environment variables (the same names config/candlestream.conf documents), falling
// back to that file's defaults. Throws std::invalid_argument on a malformed port.
#include <cstdint>
#include <string>

#include "runtime/postgres/connection_params.hpp"
#include "runtime/redis/client.hpp"

namespace cs::runtime {

// Defaults from config/candlestream.conf; keep them in step with that file.
inline constexpr const char* default_kafka_brokers = "127.0.0.1:19092";
inline constexpr const char* default_redis_host = "127.0.0.1";
inline constexpr std::uint16_t default_redis_port = 16379;
inline constexpr const char* default_postgres_host = "127.0.0.1";
inline constexpr std::uint16_t default_postgres_port = 15432;
inline constexpr const char* default_postgres_user = "postgres";
inline constexpr const char* default_postgres_database = "candlestream";

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

// Reads CANDLE_KAFKA_BROKERS, CANDLE_REDIS_HOST, CANDLE_REDIS_PORT, CANDLE_POSTGRES_HOST,
// CANDLE_POSTGRES_PORT, CANDLE_POSTGRES_USER, CANDLE_POSTGRES_DATABASE.
service_endpoints service_endpoints_from_env();

} // namespace cs::runtime
