// libFuzzer harness: any byte string fed to the event decoder must be accepted as a valid event
// or rejected with a reason; never a crash, a hang or a sanitizer report. Accepted events must
// satisfy every validation rule of docs/design.md §3.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "messages/event_decoder.hpp"
#include "messages/symbol.hpp"

namespace {
constexpr cs::timestamp_ns fuzz_now = 1'732'500'000'000 * cs::ns_per_ms;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static cs::event_decoder decoder;
  cs::bid_ask_event e;
  const auto st = decoder.decode(std::string_view(reinterpret_cast<const char*>(data), size), fuzz_now, e);
  if (st.ok()) {
    const bool valid = cs::is_valid_symbol(e.symbol) && std::isfinite(e.bid) && std::isfinite(e.ask) && e.bid > 0 &&
                       e.bid <= e.ask && e.bid_size_units >= 0 && e.ask_size_units >= 0 &&
                       e.ts <= fuzz_now + 60 * cs::ns_per_s;
    if (!valid) std::abort();
  } else if (st.describe().empty()) {
    std::abort();
  }
  return 0;
}
