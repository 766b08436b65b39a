#include "runtime/postgres/store/storage_kind.hpp"

namespace cs::runtime {

std::string_view to_string(candle_storage kind) {
  switch (kind) {
    case candle_storage::plain: return "plain";
    case candle_storage::partman: return "partman";
    case candle_storage::timescaledb: return "timescaledb";
  }
  return "unknown";
}

} // namespace cs::runtime
