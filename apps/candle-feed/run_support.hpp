#pragma once
// What the commands share at run time: the stop flag set by SIGINT/SIGTERM (a run ends early but
// cleanly: flush, summary), wall clocks, the bad-row report and the producer settings from config.
#include <atomic>
#include <chrono>
#include <string_view>

#include "commands.hpp"
#include "csv_event_reader.hpp"
#include "event_producer.hpp"
#include "messages/time.hpp"

namespace cs::feed {

// Installs the SIGINT/SIGTERM handlers; stop_requested() turns true on the first signal.
void install_stop_handlers();
bool stop_requested();

// "line 17: bid 'x' is not a finite number" for each kept bad row, on stderr.
void report_bad_rows(std::string_view component, const csv_read_stats& stats);

// Brokers and topic from the config, properties from --producer-prop (usage_error if malformed).
producer_settings make_producer_settings(const runtime::config& cfg, const producer_flags& flags);

// Waits until `due` unless a stop is requested, serving delivery reports meanwhile. Waits shorter
// than a millisecond are skipped: the schedule catches up on the next one, and a sleep per event
// would cap the rate at the scheduler's resolution.
void paced_wait(event_producer& producer, std::chrono::steady_clock::time_point due);

// Events per second, for summaries.
double per_second(std::uint64_t n, std::chrono::steady_clock::duration elapsed);

} // namespace cs::feed
