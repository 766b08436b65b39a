#include "runtime/config/config.hpp"

namespace cs::runtime {

const std::vector<config_key>& config_schema() {
  using k = value_kind;
  static const std::vector<config_key> keys = {
    // Kafka
    {"kafka.brokers", "127.0.0.1:19092", k::text, "Kafka bootstrap servers, comma-separated host:port"},
    {"kafka.controller-port", "19093", k::port, "KRaft controller port of the local broker (deploy/services)"},
    {"kafka.heap", "512m", k::byte_size, "heap of the local broker (deploy/services)"},
    {"kafka.group", "candle-aggregation-group", k::text, "consumer group of the candle nodes"},
    {"kafka.topic.events", "market-events", k::text, "topic of bid/ask events, keyed by symbol"},
    {"kafka.topic.events.partitions", "16", k::integer, "partitions of the events topic (deploy/services creates it)"},
    {"kafka.topic.candles", "candles-completed", k::text, "topic of final candles, keyed by symbol"},
    {"kafka.topic.candles.partitions", "4", k::integer, "partitions of the candles topic"},
    {"kafka.topic.dlq", "market-events-dlq", k::text, "dead-letter topic for invalid events (reason in a header)"},
    {"kafka.topic.dlq.partitions", "4", k::integer, "partitions of the dead-letter topic"},
    {"kafka.topic.late", "market-events-late", k::text, "topic for events whose bucket was already final"},
    {"kafka.topic.late.partitions", "4", k::integer, "partitions of the late-events topic"},
    // Redis
    {"redis.host", "127.0.0.1", k::text, "Redis host (L2 cache)"},
    {"redis.port", "16379", k::port, "Redis port"},
    // PostgreSQL
    {"postgres.host", "127.0.0.1", k::text, "PostgreSQL host"},
    {"postgres.port", "15432", k::port, "PostgreSQL port"},
    {"postgres.user", "postgres", k::text, "PostgreSQL user"},
    {"postgres.database", "candlestream", k::text, "PostgreSQL database"},
    // Node
    {"node.name", "node-1", k::text, "name of this node in logs, metrics and the console"},
    {"node.http-host", "127.0.0.1", k::text, "address of the node's HTTP endpoint (health, API)"},
    {"node.http-port", "18080", k::port, "port of the node's HTTP endpoint"},
    {"node.dependency-timeout", "2s", k::duration, "timeout of each dependency check in /health/ready"},
    {"node.faults", "false", k::boolean, "enable fault injection (POST /debug/crash) for tests; never in production"},
    // Pipeline (DESIGN §4, §5)
    {"pipeline.checkpoint-interval", "1s", k::duration, "how often each partition checkpoints to PostgreSQL"},
    {"pipeline.max-uncheckpointed-events", "2000000", k::integer, "per partition: above this the partition pauses until a checkpoint commits"},
    {"pipeline.commit-timeout", "10m", k::duration, "how long a checkpoint may retry against PostgreSQL before the partition restarts"},
    {"pipeline.publish-timeout", "30s", k::duration, "how long Kafka may take to acknowledge a checkpoint's records"},
    {"pipeline.restart-max", "5", k::integer, "supervisor intensity: restarts allowed within restart-window before escalating"},
    {"pipeline.restart-window", "30s", k::duration, "supervisor intensity window"},
    {"pipeline.restart-backoff", "100ms", k::duration, "first restart delay; doubles per recent restart"},
    {"kafka.session-timeout", "10s", k::duration, "consumer group session timeout: how soon a dead node's partitions move (broker minimum 6s)"},
    {"kafka.max-poll-records", "20000", k::integer, "records taken per poll round of the consumer thread"},
    {"kafka.max-inflight-batches", "64", k::integer, "per partition: batches handed to the reader and not processed; above it the partition pauses"},
    {"postgres.retention", "90d", k::duration, "pg_partman retention of the candles table (partitions older than this are dropped)"},
    // Aggregation (DESIGN §3)
    {"candle.intervals", "1s,5s,1m,15m,1h,1d", k::intervals, "candle intervals: Ns, Nm, Nh, Nd, 1w, 1M"},
    {"candle.allowed-lateness", "2s", k::duration, "watermark = max event time - allowed lateness"},
    {"candle.idle-timeout", "10s", k::duration, "wall time without events after which a partition's watermark advances"},
    {"candle.max-future-skew", "60s", k::duration, "events further ahead of the node's clock are rejected"},
    {"candle.max-payload-bytes", "4096", k::byte_size, "larger event payloads are rejected (too_large)"},
  };
  return keys;
}

} // namespace cs::runtime
