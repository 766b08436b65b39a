#include "messages/pipeline_errc.hpp"

#include <caf/make_message.hpp>

namespace cs {

const char* to_string(pipeline_errc x) {
  switch (x) {
    case pipeline_errc::none: return "none";
    case pipeline_errc::publish_failed: return "publish_failed";
    case pipeline_errc::store_unavailable: return "store_unavailable";
    case pipeline_errc::store_rejected: return "store_rejected";
    case pipeline_errc::store_not_open: return "store_not_open";
  }
  return "unknown";
}

caf::error make_error(pipeline_errc x, std::string context) {
  return {static_cast<std::uint8_t>(x), pipeline_error_category, caf::make_message(std::move(context))};
}

} // namespace cs
