#include "runtime/kafka/status.hpp"

namespace cs::runtime {

namespace {

std::string describe(std::string_view what, std::string_view detail) {
  std::string out;
  out.reserve(what.size() + detail.size() + 2);
  out.append(what).append(": ").append(detail);
  return out;
}

} // namespace

kafka_status kafka_status::from(rd_kafka_resp_err_t err, std::string_view what) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
    return success();
  kafka_status s;
  s.code = err;
  s.reason = describe(what, rd_kafka_err2str(err));
  // Without an error object librdkafka gives no retriable flag; these codes are transient by
  // definition (local queue pressure, broker unreachable or slow).
  s.retriable = err == RD_KAFKA_RESP_ERR__QUEUE_FULL || err == RD_KAFKA_RESP_ERR__TIMED_OUT
                || err == RD_KAFKA_RESP_ERR__TRANSPORT
                || err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN;
  return s;
}

kafka_status kafka_status::from(rd_kafka_error_t* err, std::string_view what) {
  if (err == nullptr)
    return success();
  kafka_status s;
  s.code = rd_kafka_error_code(err);
  s.reason = describe(what, rd_kafka_error_string(err));
  s.retriable = rd_kafka_error_is_retriable(err) != 0;
  s.fatal = rd_kafka_error_is_fatal(err) != 0;
  rd_kafka_error_destroy(err);
  return s;
}

} // namespace cs::runtime
