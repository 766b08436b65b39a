#pragma once
// unique_ptr aliases that release librdkafka objects with the matching destroy function.
#include <librdkafka/rdkafka.h>

#include <memory>

namespace cs::runtime {

struct rd_kafka_conf_deleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
using rd_kafka_conf_ptr = std::unique_ptr<rd_kafka_conf_t, rd_kafka_conf_deleter>;

struct rd_kafka_deleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using rd_kafka_ptr = std::unique_ptr<rd_kafka_t, rd_kafka_deleter>;

struct rd_kafka_topic_deleter {
  void operator()(rd_kafka_topic_t* rkt) const { rd_kafka_topic_destroy(rkt); }
};
using rd_kafka_topic_ptr = std::unique_ptr<rd_kafka_topic_t, rd_kafka_topic_deleter>;

struct rd_kafka_topic_partition_list_deleter {
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
};
using rd_kafka_topic_partition_list_ptr =
  std::unique_ptr<rd_kafka_topic_partition_list_t, rd_kafka_topic_partition_list_deleter>;

struct rd_kafka_metadata_deleter {
  void operator()(const rd_kafka_metadata_t* md) const { rd_kafka_metadata_destroy(md); }
};
using rd_kafka_metadata_ptr = std::unique_ptr<const rd_kafka_metadata_t, rd_kafka_metadata_deleter>;

} // namespace cs::runtime
