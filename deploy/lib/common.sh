# Shared paths and helpers for deploy/ scripts. Every path can be overridden by env.
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
: "${CACHE_DIR:=$repo_root/.cache}"          # git-ignored downloads (Maven repo, Kafka jars)
: "${KAFKA_LIBS:=$CACHE_DIR/kafka-libs}"
: "${RUN_DIR:=$repo_root/.run}"              # git-ignored state: data dirs, pids, logs
: "${LOG_DIR:=$RUN_DIR/logs}"
export CACHE_DIR KAFKA_LIBS RUN_DIR LOG_DIR
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
