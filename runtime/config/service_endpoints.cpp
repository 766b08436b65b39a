#include "runtime/config/service_endpoints.hpp"

#include "runtime/config/config.hpp"

namespace cs::runtime {

service_endpoints service_endpoints_from_env() {
  const char* argv[] = {"service_endpoints"};
  std::vector<std::string> rest;
  const auto cfg = config::load(1, argv, rest); // no flags: defaults, $CANDLE_CONFIG, env
  return {cfg.get(keys::kafka_brokers), redis_options_from_config(cfg), pg_params_from_config(cfg)};
}

} // namespace cs::runtime
