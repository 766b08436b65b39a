#pragma once
// Outcome of a librdkafka call: the error code (so callers can react to e.g. a full queue) and a
// reason that names the operation. Never thrown; returned.
#include <librdkafka/rdkafka.h>

#include <string>
#include <string_view>

namespace cs::runtime {

struct [[nodiscard]] kafka_status {
  rd_kafka_resp_err_t code = RD_KAFKA_RESP_ERR_NO_ERROR;
  std::string reason;
  bool retriable = false; // librdkafka says the same call may succeed later
  bool fatal = false;     // the client instance is unusable and must be recreated

  bool ok() const { return code == RD_KAFKA_RESP_ERR_NO_ERROR; }
  explicit operator bool() const { return ok(); }
  // The local producer queue is full: poll() to serve delivery reports, then retry.
  bool queue_full() const { return code == RD_KAFKA_RESP_ERR__QUEUE_FULL; }

  static kafka_status success() { return {}; }
  // `what` names the operation, e.g. "produce to market-events".
  static kafka_status from(rd_kafka_resp_err_t err, std::string_view what);
  // Takes ownership of `err` (may be null = success) and destroys it.
  static kafka_status from(rd_kafka_error_t* err, std::string_view what);
};

} // namespace cs::runtime
