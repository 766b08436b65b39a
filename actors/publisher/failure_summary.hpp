#pragma once
// Why a publish request failed, in one line: the first failure in full and how many records failed
// with each error code. The reader logs this text when it restarts the partition, so an operator
// sees at once whether one record keeps failing (one code, count 1) or Kafka is unwell (timeouts).
#include <librdkafka/rdkafka.h>

#include <cstddef>
#include <map>
#include <string>

#include "runtime/kafka/status.hpp"

namespace cs {

class failure_summary {
public:
  void add(const runtime::kafka_status& s) {
    if (count_++ == 0) first_ = s.reason;
    ++by_code_[s.code];
  }

  bool empty() const { return count_ == 0; }
  std::size_t count() const { return count_; }

  // "first: deliver to dlq: Broker: Message size too large; by error: MSG_SIZE_TOO_LARGE x2"
  std::string text() const {
    std::string out = "first: " + first_ + "; by error:";
    const char* sep = " ";
    for (const auto& [code, n] : by_code_) {
      out += sep;
      out += rd_kafka_err2name(code);
      out += " x" + std::to_string(n);
      sep = ", ";
    }
    return out;
  }

private:
  std::size_t count_ = 0;
  std::string first_;
  std::map<rd_kafka_resp_err_t, std::size_t> by_code_; // ordered, so the text is stable
};

} // namespace cs
