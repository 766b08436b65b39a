#include "runtime/kafka/client_config.hpp"

#include <array>

namespace cs::runtime {

namespace {

// librdkafka writes its error text into a caller-supplied buffer; 512 is what its examples use.
constexpr std::size_t rd_kafka_errstr_size = 512;

void apply(rd_kafka_conf_t* conf, const kafka_config& settings) {
  std::array<char, rd_kafka_errstr_size> errstr{};
  for (const auto& [key, value] : settings) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr.data(), errstr.size())
        != RD_KAFKA_CONF_OK)
      throw kafka_config_error("kafka config " + key + "=" + value + ": " + errstr.data());
  }
}

} // namespace

rd_kafka_conf_ptr make_rd_kafka_conf(const kafka_config& defaults, const kafka_config& settings) {
  rd_kafka_conf_ptr conf{rd_kafka_conf_new()};
  apply(conf.get(), defaults);
  apply(conf.get(), settings);
  return conf;
}

rd_kafka_ptr make_rd_kafka(rd_kafka_type_t type, rd_kafka_conf_ptr conf) {
  std::array<char, rd_kafka_errstr_size> errstr{};
  // rd_kafka_new takes ownership of conf only on success.
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), errstr.data(), errstr.size());
  if (rk == nullptr)
    throw kafka_config_error(std::string{"creating kafka client: "} + errstr.data());
  (void)conf.release();
  return rd_kafka_ptr{rk};
}

} // namespace cs::runtime
