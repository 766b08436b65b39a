#include "runtime/config/service_endpoints.hpp"

#include "runtime/config/config.hpp"

namespace cs::runtime {

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
  const char* argv[] = {"service_endpoints"};
  std::vector<std::string> rest;
  const auto cfg = config::load(1, argv, rest); // no flags: defaults, $CANDLE_CONFIG, env
  service_endpoints e;
  e.kafka_brokers = cfg.get(keys::kafka_brokers);
  e.redis_host = cfg.get(keys::redis_host);
  e.redis_port = cfg.get(keys::redis_port);
  e.postgres_host = cfg.get(keys::postgres_host);
  e.postgres_port = cfg.get(keys::postgres_port);
  e.postgres_user = cfg.get(keys::postgres_user);
  e.postgres_database = cfg.get(keys::postgres_database);
  return e;
}

} // namespace cs::runtime
