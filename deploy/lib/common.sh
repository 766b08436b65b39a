# Shared paths and helpers for deploy/ scripts. Every path can be overridden by env.
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
: "${CACHE_DIR:=$repo_root/.cache}"          # git-ignored downloads (Maven repo, Kafka jars)
: "${KAFKA_LIBS:=$CACHE_DIR/kafka-libs}"
: "${RUN_DIR:=$repo_root/.run}"              # git-ignored state: data dirs, pids, logs
: "${LOG_DIR:=$RUN_DIR/logs}"
export CACHE_DIR KAFKA_LIBS RUN_DIR LOG_DIR
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# kafka_tool MAINCLASS ARGS...: runs one of the broker's Java command-line tools (topic, storage,
# offsets, console consumer) from the resolved jars, small and quick to start.
kafka_tool() {
  [[ -d "$KAFKA_LIBS" ]] || die "Kafka jars missing: run deploy/install-deps"
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j2.configurationFile="$RUN_DIR/kafka/log4j2-tools.properties" -cp "$KAFKA_LIBS/*" "$@"
}
