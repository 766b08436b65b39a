#pragma once
// Every configuration key candlestream knows, each declared once: name, default, doc line and
// bounds. The env var (CANDLE_<KEY>) and the flag (--<key>) derive from the name;
// config/candlestream.conf is generated from these declarations (`candle-node
// --print-default-config`) and a unit test names any key that drifts. Declaration order is the
// order of --help and of the file; the first word of a name is its section.
#include "runtime/config/config_key.hpp"

namespace cs::runtime::keys {

inline constexpr key_bounds positive{1, std::numeric_limits<std::int64_t>::max()};
inline constexpr key_bounds any_duration{0, 366 * ns_per_day};
inline constexpr key_bounds some_duration{ns_per_ms, 366 * ns_per_day};

// --- Kafka ---
inline const text_key kafka_brokers{"kafka.brokers", "127.0.0.1:19092", "Kafka bootstrap servers, comma-separated host:port"};
inline const port_key kafka_controller_port{"kafka.controller-port", "19093", "KRaft controller port of the local broker (deploy/services)"};
inline const byte_size_key kafka_heap{"kafka.heap", "512m", "heap of the local broker (deploy/services)", {64 << 20, std::int64_t{64} << 30}};
inline const text_key kafka_group{"kafka.group", "candle-aggregation-group", "consumer group of the candle nodes"};
inline const text_key kafka_topic_events{"kafka.topic.events", "market-events", "topic of bid/ask events, keyed by symbol"};
inline const integer_key kafka_topic_events_partitions{"kafka.topic.events.partitions", "16", "partitions of the events topic (deploy/services creates it)", {1, 10000}};
inline const text_key kafka_topic_candles{"kafka.topic.candles", "candles-completed", "topic of final candles, keyed by symbol"};
inline const integer_key kafka_topic_candles_partitions{"kafka.topic.candles.partitions", "4", "partitions of the candles topic", {1, 10000}};
inline const text_key kafka_topic_dlq{"kafka.topic.dlq", "market-events-dlq", "dead-letter topic for invalid events (reason in a header)"};
inline const integer_key kafka_topic_dlq_partitions{"kafka.topic.dlq.partitions", "4", "partitions of the dead-letter topic", {1, 10000}};
inline const text_key kafka_topic_late{"kafka.topic.late", "market-events-late", "topic for events whose bucket was already final"};
inline const integer_key kafka_topic_late_partitions{"kafka.topic.late.partitions", "4", "partitions of the late-events topic", {1, 10000}};
inline const duration_key kafka_session_timeout{"kafka.session-timeout", "10s", "consumer group session timeout: how soon a dead node's partitions move (broker minimum 6s)", {ns_per_s, ns_per_hour}};
inline const duration_key kafka_offset_mirror_interval{"kafka.offset-mirror-interval", "5s", "how often the group's committed offsets are set to the checkpointed ones (for lag tools); none within this after a rebalance", {100 * ns_per_ms, ns_per_hour}};
inline const integer_key kafka_max_poll_records{"kafka.max-poll-records", "20000", "records taken per poll round of the consumer thread", {1, 10'000'000}};
inline const integer_key kafka_prefetch_records{"kafka.prefetch-records", "1000000", "per partition: records librdkafka fetches ahead of the poll thread (queued.min.messages); a partition whose queue holds fewer is fetched again. Its default of 100,000 is about one fetch, so a busy partition waited for each fetch in turn", {1, 10'000'000}};
inline const byte_size_key kafka_prefetch_bytes{"kafka.prefetch-bytes", "64m", "all partitions together: bytes librdkafka holds fetched and not yet polled (queued.max.messages.kbytes); bounds the prefetch's memory", {1 << 20, std::int64_t{2} << 30}};
inline const integer_key kafka_max_inflight_batches{"kafka.max-inflight-batches", "64", "per partition: batches handed to the reader and not processed; above it the partition pauses", {1, 1'000'000}};

// --- Redis (L2 cache) ---
inline const text_key redis_host{"redis.host", "127.0.0.1", "Redis host (L2 cache)"};
inline const port_key redis_port{"redis.port", "16379", "Redis port"};
inline const text_key redis_cluster_nodes{"redis.cluster-nodes", "none", "Redis Cluster seed nodes for the L2 cache, host:port,host:port (any of its nodes; the rest are discovered); none: the single Redis at redis.host:redis.port (docs/redis-cluster.md)"};
inline const port_key redis_cluster_base_port{"redis.cluster-base-port", "17000", "deploy/services up --redis-cluster: the local Redis Cluster's six instances (3 masters, 3 replicas) listen on this port and the next five"};

// --- PostgreSQL ---
inline const text_key postgres_host{"postgres.host", "127.0.0.1", "PostgreSQL host"};
inline const port_key postgres_port{"postgres.port", "15432", "PostgreSQL port"};
inline const text_key postgres_user{"postgres.user", "postgres", "PostgreSQL user"};
inline const text_key postgres_database{"postgres.database", "candlestream", "PostgreSQL database"};
inline const integer_key postgres_writers{"postgres.writers", "4", "db_writer actors (each with its own connection); partition p claims and commits through writer p mod this, so a slow call stalls only its share", {1, 64}};
inline const integer_key postgres_known_series{"postgres.known-series", "1000000", "series each db_writer remembers as stored in candle_series, so checkpoints upsert only series rows that change (about 70 bytes each; when full it forgets all and relearns; 0: upsert every row's series)", {0, 100'000'000}};
inline const duration_key postgres_retention{"postgres.retention", "90d", "pg_partman retention of the candles table (partitions older than this are dropped)", {ns_per_day, 100 * 366 * ns_per_day}};

// --- Node ---
inline const text_key node_name{"node.name", "node-1", "name of this node in logs, metrics and the console"};
inline const text_key node_http_host{"node.http-host", "127.0.0.1", "address of the node's HTTP endpoint (health, API)"};
inline const port_key node_http_port{"node.http-port", "18080", "port of the node's HTTP endpoint"};
inline const duration_key node_dependency_timeout{"node.dependency-timeout", "2s", "timeout of each dependency check in /health/ready", some_duration};
inline const integer_key node_worker_threads{"node.worker-threads", "0", "CAF scheduler threads (0: one per core; CAF's own default of at least 4 puts idle workers beside busy ones on a 2-core host)", {0, 256}};
inline const boolean_key node_work_stealing{"node.work-stealing", "false", "CAF's work-stealing scheduler, whose idle workers poll the busy ones' queues (false: work sharing, one queue, idle workers sleep)"};
inline const boolean_key node_metrics{"node.metrics", "true", "serve Prometheus metrics at GET /metrics (false: 404, and nothing is recorded for them)"};
inline const text_key node_roles{"node.roles", "aggregate,gateway", "what this node does: aggregate (consume the events topic, own candle actors, checkpoint), gateway (serve the read API, /ws and the chart), or both; a gateway-only node consumes nothing and answers from the other nodes' actors and the shared stores"};
inline const boolean_key node_faults{"node.faults", "false", "enable fault injection (POST /debug/crash) for tests; never in production"};
inline const boolean_key node_fault_revoke_checkpoint{"node.fault-revoke-checkpoint", "false", "fault injection (needs node.faults): every final checkpoint on an orderly revoke fails"};

// --- Cluster: the node actor, for other nodes and candle-console (docs/design.md §5, docs/console.md) ---
inline const text_key cluster_host{"cluster.host", "127.0.0.1", "address the node actor listens on (CAF middleman): other nodes and candle-console connect here; unauthenticated unless cluster.tls, so loopback unless you mean otherwise"};
inline const integer_key cluster_port{"cluster.port", "18090", "port of the node actor; 0: none (no cluster, no console)", {0, 65535}};
inline const text_key cluster_seeds{"cluster.seeds", "none", "node actors to join the cluster through, host:port,host:port (this node's own is skipped; none: alone until others join it)"};
inline const duration_key cluster_request_timeout{"cluster.request-timeout", "2s", "how long a node waits for each answer of another node or of one of its own actors asked for the console", some_duration};
inline const duration_key cluster_gossip_interval{"cluster.gossip-interval", "1s", "how often a node announces a change of its partitions and re-tries seeds it has not reached", some_duration};
inline const duration_key cluster_heartbeat_interval{"cluster.heartbeat-interval", "500ms", "CAF heartbeats between connected nodes (and consoles)", some_duration};
inline const duration_key cluster_connection_timeout{"cluster.connection-timeout", "3s", "a connected node silent this long (dead, paused, cut off) is down", some_duration};
inline const boolean_key cluster_tls{"cluster.tls", "false", "TLS (CAF's OpenSSL module) on the node actor's port: peers and consoles must present a certificate signed by cluster.tls-ca, and so does this node"};
inline const text_key cluster_tls_certificate{"cluster.tls-certificate", "none", "PEM certificate of this node, signed by cluster.tls-ca (deploy/cluster-certs makes them); needed when cluster.tls is on"};
inline const text_key cluster_tls_key{"cluster.tls-key", "none", "PEM private key of cluster.tls-certificate, unencrypted (keep it readable by the node's user only)"};
inline const text_key cluster_tls_ca{"cluster.tls-ca", "none", "PEM certificate of the cluster's CA: only peers with a certificate it signed are accepted"};

// --- Read path: cache (docs/design.md §5) ---
inline const integer_key cache_l1_max_entries{"cache.l1-max-entries", "10000", "L1 (in process) capacity in blocks of 64 candles of one series", {1, 100'000'000}};
inline const duration_key cache_l1_ttl{"cache.l1-ttl", "5m", "L1 entries older than this are dropped", {ns_per_s, 366 * ns_per_day}};
inline const boolean_key cache_l2_enabled{"cache.l2-enabled", "true", "use Redis as L2 (false: L1 and PostgreSQL only)"};
inline const duration_key cache_l2_ttl{"cache.l2-ttl", "1h", "L2 (Redis) series untouched for this long expire", {ns_per_s, 366 * ns_per_day}};
inline const integer_key cache_l2_keep_blocks{"cache.l2-keep-blocks", "256", "L2 keeps this many newest blocks (of 64 buckets) per series", {1, 1'000'000}};
inline const byte_size_key cache_answer_max_bytes{"cache.answer-max-bytes", "64m", "L1 also keeps encoded HTTP answers about entirely final ranges, up to this many bytes (0: off)", {0, std::int64_t{64} << 30}};
inline const integer_key cache_loaders{"cache.loaders", "2", "threads reading L2 and PostgreSQL for the cache (each with its own connections)", {1, 64}};
inline const duration_key cache_series_refresh{"cache.series-refresh", "10s", "a (symbol, interval)'s first and last candle times are asked from PostgreSQL again after this (other nodes write too)", {100 * ns_per_ms, ns_per_day}};
inline const integer_key cache_series_entries{"cache.series-entries", "100000", "(symbol, interval)s whose first and last candle times the cache keeps (W-TinyLFU); others are looked up when queried", {16, 100'000'000}};
inline const integer_key cache_l2_write_backlog{"cache.l2-write-backlog", "100000", "final spans per cache loader waiting for Redis; more are dropped and counted (L2 then misses those blocks: reads fall back to PostgreSQL)", {1, 100'000'000}};

// --- HTTP API (docs/api.md) ---
inline const integer_key http_threads{"http.threads", "8", "HTTP worker threads of the node", {1, 1024}};
inline const duration_key http_request_timeout{"http.request-timeout", "5s", "how long a request may wait for actors, the cache and PostgreSQL before 503", {ns_per_ms, ns_per_hour}};
inline const integer_key http_default_limit{"http.default-limit", "500", "candles per /api/v1/candles answer when no limit is given", {1, 1'000'000}};
inline const integer_key http_max_limit{"http.max-limit", "5000", "largest limit (and countback) a client may ask for", {1, 1'000'000}};
inline const integer_key http_rate_limit{"http.rate-limit", "1000", "requests per second per client address (token bucket); 429 above", {1, 100'000'000}};
inline const integer_key http_rate_burst{"http.rate-burst", "2000", "token bucket size per client address", {1, 100'000'000}};
inline const byte_size_key http_max_body{"http.max-body", "64k", "larger request bodies are refused with 413", {1024, 64 << 20}};

// --- Live push: WebSocket /ws (docs/api.md) ---
inline const duration_key ws_live_interval{"ws.live-interval", "250ms", "a forming candle is pushed to a session at most this often per key (its newest state is always sent last)", {0, ns_per_min}};
inline const byte_size_key ws_max_queue_bytes{"ws.max-queue-bytes", "1m", "frames waiting for one session; a client that lets more pile up is disconnected (close code 1008)", {4096, std::int64_t{1} << 30}};
inline const byte_size_key ws_max_frame_bytes{"ws.max-frame-bytes", "64k", "larger client frames close the session (close code 1009)", {256, 16 << 20}};
inline const integer_key ws_max_subscriptions{"ws.max-subscriptions", "1000", "subscriptions one session may hold", {1, 1'000'000}};
inline const integer_key ws_max_sessions{"ws.max-sessions", "10000", "WebSocket sessions one node holds; more are refused (503)", {1, 10'000'000}};
inline const integer_key ws_max_sessions_per_address{"ws.max-sessions-per-address", "1000", "WebSocket sessions from one client address; more are refused (429)", {1, 10'000'000}};
inline const duration_key ws_idle_timeout{"ws.idle-timeout", "60s", "a session that answers no ping for this long is closed (pings go out at half of it)", {ns_per_s, ns_per_day}};
inline const integer_key ws_threads{"ws.threads", "1", "threads serving WebSocket sessions", {1, 64}};
inline const integer_key ws_max_resume_candles{"ws.max-resume-candles", "100000", "final candles one resume (since) may deliver per key; they are read page by page as the session's queue drains, so a session holds one page at a time; beyond this the client gets an error frame (resume_incomplete) and reads the rest with /api/v1/candles", {1, 100'000'000}};

// --- Logging ---
inline const text_key log_level{"log.level", "info", "default log level of every component: debug, info, warn, error"};
inline const text_key log_levels{"log.levels", "none", "per-component levels overriding log.level, e.g. partition_reader=debug,db_writer=warn (none: no overrides)"};

// --- Pipeline (docs/design.md §4, §5) ---
inline const duration_key pipeline_checkpoint_interval{"pipeline.checkpoint-interval", "1s", "how often each partition checkpoints to PostgreSQL", {ns_per_ms, ns_per_hour}};
inline const integer_key pipeline_catch_up_lag{"pipeline.catch-up-lag", "100000", "per partition: a partition that was this many records behind its log end since its last checkpoint checkpoints as soon as it has caught up, not at the next tick, so a replay or burst is durable when it ends (0: ticks only)", {0, std::numeric_limits<std::int64_t>::max()}};
inline const integer_key pipeline_max_uncheckpointed_events{"pipeline.max-uncheckpointed-events", "2000000", "per partition: above this the partition pauses until a checkpoint commits", positive};
inline const byte_size_key pipeline_max_diverted_bytes{"pipeline.max-diverted-bytes", "64m", "per partition: invalid and late payloads held for the next checkpoint; above this the partition pauses until it commits", {64 << 10, std::int64_t{16} << 30}};
inline const duration_key pipeline_commit_timeout{"pipeline.commit-timeout", "10m", "how long a checkpoint may retry against PostgreSQL before the partition restarts", some_duration};
inline const duration_key pipeline_watermark_ask_timeout{"pipeline.watermark-ask-timeout", "500ms", "a candle actor holding nothing live asks its reader for the watermark before answering a query; past this it answers from what it knows (a frontier behind, never ahead)", {ns_per_ms, ns_per_min}};
inline const duration_key pipeline_claim_timeout{"pipeline.claim-timeout", "20s", "how long a rebalance waits for a partition's claim; a slower claim goes on in the background with the partition paused", {ns_per_s, 10 * ns_per_min}};
inline const duration_key pipeline_publish_timeout{"pipeline.publish-timeout", "30s", "how long Kafka may take to acknowledge a checkpoint's records", some_duration};
inline const integer_key pipeline_restart_max{"pipeline.restart-max", "5", "supervisor intensity: restarts allowed within restart-window before escalating", {0, 1'000'000}};
inline const duration_key pipeline_restart_window{"pipeline.restart-window", "30s", "supervisor intensity window", some_duration};
inline const duration_key pipeline_restart_backoff{"pipeline.restart-backoff", "100ms", "first restart delay; doubles per recent restart", any_duration};

// --- Aggregation (docs/design.md §3) ---
inline const intervals_key candle_intervals{"candle.intervals", "1s,5s,1m,15m,1h,1d", "candle intervals: Ns, Nm, Nh, Nd (epoch-aligned, UTC), 1w (from Monday 00:00 UTC), 1M (calendar month)"};
inline const duration_key candle_allowed_lateness{"candle.allowed-lateness", "2s", "watermark = max event time - allowed lateness; events for buckets it passed are late", any_duration};
inline const duration_key candle_idle_timeout{"candle.idle-timeout", "10s", "wall time without events after which a partition's watermark advances", some_duration};
inline const duration_key candle_retire_after{"candle.retire-after", "5m", "a symbol's candle actors are retired after this long without events once they hold nothing live (0: never)", {0, 30 * ns_per_day}};
inline const duration_key candle_max_future_skew{"candle.max-future-skew", "60s", "events further ahead of the node's clock are rejected (future_timestamp)", any_duration};
inline const byte_size_key candle_max_payload_bytes{"candle.max-payload-bytes", "4096", "larger event payloads are rejected (too_large)", {64, 16 << 20}};

} // namespace cs::runtime::keys
