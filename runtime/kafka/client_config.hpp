#pragma once
// librdkafka configuration: a key -> value map (librdkafka property names, e.g.
// "bootstrap.servers") turned into an rd_kafka_conf_t. A bad key or value is a startup error and
// throws kafka_config_error naming the key.
#include <librdkafka/rdkafka.h>

#include <map>
#include <stdexcept>
#include <string>

#include "runtime/kafka/handles.hpp"

namespace cs::runtime {

using kafka_config = std::map<std::string, std::string>;

class kafka_config_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Applies `defaults`, then `settings` (so settings win). Throws kafka_config_error.
rd_kafka_conf_ptr make_rd_kafka_conf(const kafka_config& defaults, const kafka_config& settings);

// Creates the client; `conf` is consumed whether or not this succeeds. Throws kafka_config_error.
rd_kafka_ptr make_rd_kafka(rd_kafka_type_t type, rd_kafka_conf_ptr conf);

} // namespace cs::runtime
