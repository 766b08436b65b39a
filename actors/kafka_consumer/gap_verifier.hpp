#pragma once
// The gap_verifier actor: asks the broker whether a gap a reader met is real (gap_check.hpp).
// One per node, detached (it blocks on the broker), with its own consumer outside the group: a
// clean client, so a confirmation never rests on the group consumer's own prefetch state.
//   (gap_atom, int32 partition, int64 from, int64 seen) -> gap_judgement
// Each answer takes at most about two broker timeouts; a broker that does not answer yields an
// unconfirmed judgement (the reader re-reads and asks again).
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/event_based_actor.hpp>

#include <string>

#include "actors/kafka_consumer/gap_check.hpp"
#include "runtime/kafka/client_config.hpp"

namespace cs {

caf::behavior gap_verifier_actor(caf::event_based_actor* self, runtime::kafka_config settings, std::string topic);

} // namespace cs

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(cs::gap_judgement)
