#include "runtime/config/service_endpoints.hpp"

#include <charconv>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace cs::runtime {

namespace {

std::string env_or(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string{value} : std::string{fallback};
}

std::uint16_t port_env_or(const char* name, std::uint16_t fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0')
    return fallback;
  const std::string_view text{value};
  std::uint16_t port = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc{} || end != text.data() + text.size() || port == 0)
    throw std::invalid_argument(std::string{name} + "=" + value
                                + ": not a TCP port (expected 1..65535)");
  return port;
}

} // namespace

redis_options service_endpoints::redis() const {
  redis_options o;
  o.host = redis_host;
  o.port = redis_port;
  return o;
}

pg_connection_params service_endpoints::postgres() const {
  pg_connection_params p;
  p.host = postgres_host;
  p.port = postgres_port;
  p.user = postgres_user;
  p.database = postgres_database;
  return p;
}

service_endpoints service_endpoints_from_env() {
  service_endpoints e;
  e.kafka_brokers = env_or("CANDLE_KAFKA_BROKERS", default_kafka_brokers);
  e.redis_host = env_or("CANDLE_REDIS_HOST", default_redis_host);
  e.redis_port = port_env_or("CANDLE_REDIS_PORT", default_redis_port);
  e.postgres_host = env_or("CANDLE_POSTGRES_HOST", default_postgres_host);
  e.postgres_port = port_env_or("CANDLE_POSTGRES_PORT", default_postgres_port);
  e.postgres_user = env_or("CANDLE_POSTGRES_USER", default_postgres_user);
  e.postgres_database = env_or("CANDLE_POSTGRES_DATABASE", default_postgres_database);
  return e;
}

} // namespace cs::runtime
