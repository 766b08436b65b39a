#include "messages/caf_types.hpp"

#include <vector>

#include "messages/bid_ask_event.hpp"
#include "messages/cache_messages.hpp"
#include "messages/candle.hpp"
#include "messages/cluster_messages.hpp"
#include "messages/console_messages.hpp"
#include "messages/pipeline.hpp"
#include "messages/series_info.hpp"
#include "messages/pipeline_errc.hpp"
#include "messages/protocols.hpp"

namespace cs {

void register_message_types(caf::actor_system_config& cfg) {
  cfg.add_error_category(pipeline_error_category, [](std::uint8_t code, caf::atom_value, const caf::message& context) {
    return std::string("pipeline_errc::") + to_string(static_cast<pipeline_errc>(code)) +
           (context.empty() ? std::string() : ": " + caf::to_string(context));
  });
  cfg.add_message_type<interval>("cs::interval");
  cfg.add_message_type<candle_key>("cs::candle_key");
  cfg.add_message_type<candle>("cs::candle");
  cfg.add_message_type<std::vector<candle>>("std::vector<cs::candle>");
  cfg.add_message_type<recent_candles>("cs::recent_candles");
  cfg.add_message_type<final_span>("cs::final_span");
  cfg.add_message_type<live_update>("cs::live_update");
  cfg.add_message_type<std::vector<final_span>>("std::vector<cs::final_span>");
  cfg.add_message_type<range_request>("cs::range_request");
  cfg.add_message_type<range_reply>("cs::range_reply");
  cfg.add_message_type<tier_counts>("cs::tier_counts");
  cfg.add_message_type<cache_stats>("cs::cache_stats");
  cfg.add_message_type<series_info>("cs::series_info");
  cfg.add_message_type<std::vector<series_info>>("std::vector<cs::series_info>");
  cfg.add_message_type<bid_ask_event>("cs::bid_ask_event");
  cfg.add_message_type<std::vector<bid_ask_event>>("std::vector<cs::bid_ask_event>");
  cfg.add_message_type<console_request>("cs::console_request");
  cfg.add_message_type<console_reply>("cs::console_reply");
  cfg.add_message_type<candle_actor_info>("cs::candle_actor_info");
  cfg.add_message_type<std::vector<candle_key>>("std::vector<cs::candle_key>");
  cfg.add_message_type<std::vector<interval>>("std::vector<cs::interval>");
  cfg.add_message_type<member_info>("cs::member_info");
  cfg.add_message_type<std::vector<member_info>>("std::vector<cs::member_info>");
  cfg.add_message_type<key_owner>("cs::key_owner");
  cfg.add_message_type<std::vector<std::int32_t>>("std::vector<int32_t>");
  // Handles that cross nodes: another node's answer to "which actor holds this key?"
  // (node_actor.hpp), a live hub that watches a candle actor on another node.
  cfg.add_message_type<candle_actor_hdl>("cs::candle_actor_hdl");
  cfg.add_message_type<std::vector<candle_actor_hdl>>("std::vector<cs::candle_actor_hdl>");
  cfg.add_message_type<live_hub_hdl>("cs::live_hub_hdl");
  cfg.add_message_type<node_hdl>("cs::node_hdl");
}

} // namespace cs
