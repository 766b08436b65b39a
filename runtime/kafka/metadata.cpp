#include "runtime/kafka/metadata.hpp"

#include <string>

#include "runtime/kafka/handles.hpp"

namespace cs::runtime {

result<std::int32_t, kafka_status> kafka_partition_count(rd_kafka_t* rk, std::string_view topic,
                                                         std::chrono::milliseconds timeout) {
  const std::string name{topic};
  rd_kafka_topic_ptr rkt{rd_kafka_topic_new(rk, name.c_str(), nullptr)};
  if (!rkt)
    return kafka_status::from(rd_kafka_last_error(), "kafka metadata for " + name);
  const rd_kafka_metadata_t* raw = nullptr;
  const auto err = rd_kafka_metadata(rk, 0, rkt.get(), &raw, static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return kafka_status::from(err, "kafka metadata for " + name);
  rd_kafka_metadata_ptr md{raw};
  for (int i = 0; i < md->topic_cnt; ++i) {
    const auto& t = md->topics[i];
    if (name != t.topic)
      continue;
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return kafka_status::from(t.err, "kafka topic " + name);
    return static_cast<std::int32_t>(t.partition_cnt);
  }
  return kafka_status::from(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART, "kafka topic " + name);
}

} // namespace cs::runtime
