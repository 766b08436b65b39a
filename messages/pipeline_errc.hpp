#pragma once
// Why a request between the node's actors failed: the error codes of the aggregation pipeline,
// carried in caf::error under the category atom "pipeline" with a context message that names the
// partition and the cause. The replying actor says which code; the requester decides whether to
// restart, stop or retry on the code, never on the text.
#include <caf/atom.hpp>
#include <caf/error.hpp>

#include <cstdint>
#include <string>

namespace cs {

enum class pipeline_errc : std::uint8_t {
  /// Not an error.
  none = 0,
  /// Kafka refused a record or did not acknowledge every record of a checkpoint in time.
  publish_failed,
  /// PostgreSQL stayed unreachable (or the commit's outcome unknown) past pipeline.commit-timeout.
  store_unavailable,
  /// PostgreSQL rejected a statement: retrying the same request cannot help.
  store_rejected,
  /// The candle store could not be opened at start-up.
  store_not_open,
};

inline constexpr caf::atom_value pipeline_error_category = caf::atom("pipeline");

// Renders "pipeline_errc::<name>" for logs and caf::to_string.
const char* to_string(pipeline_errc x);

caf::error make_error(pipeline_errc x, std::string context);

} // namespace cs
