-- Per Kafka partition of market-events: the fencing epoch of its current owner and the state a new
-- owner resumes from (docs/design.md §4). A claim bumps epoch; a checkpoint only lands while the epoch it
-- was claimed with is still the current one. watermark / max_event_ts are epoch nanoseconds, NULL
-- while no event has been applied (cs::no_watermark in C++).
CREATE TABLE partition_checkpoint (
  topic        text        NOT NULL,
  partition    integer     NOT NULL,
  epoch        bigint      NOT NULL DEFAULT 0,
  next_offset  bigint      NOT NULL DEFAULT 0,
  watermark    bigint,
  max_event_ts bigint,
  owner        text,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, partition)
);
