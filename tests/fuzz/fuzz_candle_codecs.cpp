// libFuzzer harness for the candle codecs (JSON and Redis binary): junk is rejected with a reason;
// whatever is accepted re-encodes to something that decodes to the same candle.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "messages/candle_binary.hpp"
#include "messages/candle_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  cs::candle c, again;
  if (cs::parse_candle_json(in, c).empty()) {
    if (!cs::parse_candle_json(cs::to_json(c), again).empty() || !(again == c)) std::abort();
  }
  if (cs::decode_candle_binary(in, c).empty()) {
    if (!cs::decode_candle_binary(cs::encode_candle_binary(c), again).empty() || !(again == c)) std::abort();
  }
  return 0;
}
