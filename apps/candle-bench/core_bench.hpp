#pragma once
#include <cstddef>
#include <ostream>
#include <string>

namespace cs::bench {

struct core_options {
  bool json = false;
  std::size_t symbols = 1000;
  std::size_t events = 4'000'000;
  std::size_t repeats = 5;
  std::size_t batch_records = 1000; // records per poll batch of the partition
  std::string intervals = "1s,5s,1m,15m,1h,1d";
};

// Returns the process exit code.
int run_core(const core_options& opt, std::ostream& out);

} // namespace cs::bench
