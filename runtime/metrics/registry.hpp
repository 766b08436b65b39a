#pragma once
// Prometheus metrics of a node: counters, gauges and histograms, rendered in the text exposition
// format (version 0.0.4) for GET /metrics. A small registry of our own because prometheus-cpp is
// not packaged in Debian 12; this one does only what the node needs: families declared once with
// their help text and label names, label values bounded by the caller (partition, interval,
// route, status: never a symbol), lock-free updates on the hot path.
//
// Thread-safety: registering a family or a series takes a lock; updating a series handle is a
// relaxed atomic operation from any thread; render() may run concurrently with updates.
// Failure semantics: names and label names are checked when declared (config-time errors throw
// std::invalid_argument, as at start-up); updates never fail.
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace cs::runtime::metrics {

using labels = std::vector<std::string>; // values, in the family's label-name order

class counter {
public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  // For a total counted elsewhere (an actor's counters, /proc), copied in by a collector. It may
  // go back to zero when that source restarts: Prometheus treats it as a counter reset.
  void set_total(double v) { collected_.store(v, std::memory_order_relaxed); }
  double value() const {
    return static_cast<double>(value_.load(std::memory_order_relaxed)) + collected_.load(std::memory_order_relaxed);
  }

private:
  std::atomic<std::uint64_t> value_{0};
  std::atomic<double> collected_{0};
};

class gauge {
public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<double> value_{0};
};

class histogram {
public:
  explicit histogram(std::vector<double> bounds);
  void observe(double v);
  // Cumulative counts per bound (then +Inf), the sum and the count.
  std::vector<std::uint64_t> cumulative() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  const std::vector<double>& bounds() const { return bounds_; }

private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_; // bounds_.size() + 1 (+Inf)
  std::atomic<double> sum_{0};
};

enum class kind { counter, gauge, histogram };

class registry {
public:
  // Declares a family; declaring the same name twice returns the same family when kind and label
  // names agree (and throws otherwise).
  void declare(const std::string& name, kind k, std::string help, std::vector<std::string> label_names,
               std::vector<double> bounds = {});
  // The series of a family with these label values, created on first use. Handles stay valid for
  // the registry's lifetime; keep them instead of looking them up per event.
  counter& counter_of(const std::string& name, const labels& values = {});
  gauge& gauge_of(const std::string& name, const labels& values = {});
  histogram& histogram_of(const std::string& name, const labels& values = {});

  // Hides every series of a family from render() until it is asked for again (counter_of,
  // gauge_of, histogram_of): a collector that sets the series of things that can go away (a
  // partition that moved to another node) calls it first. Handles stay valid.
  void forget_series(const std::string& name);

  // Collectors run at render time to set gauges (and counters) from other sources: actor stats,
  // /proc. They run in registration order, under no lock of the registry.
  void add_collector(std::function<void(registry&)> collect);

  // The text exposition format, families in declaration order (each with its HELP and TYPE, even
  // before it has a series), series in label order.
  std::string render();

  // Buckets for latencies in seconds: 0.5 ms .. 10 s.
  static std::vector<double> latency_buckets();

private:
  struct family {
    std::string name;
    kind k;
    std::string help;
    std::vector<std::string> label_names;
    std::vector<double> bounds;
    std::map<labels, std::size_t> index; // label values -> series slot
    std::vector<std::uint8_t> shown;      // per slot: rendered (see forget_series)
    std::deque<counter> counters;
    std::deque<gauge> gauges;
    std::deque<histogram> histograms;
  };
  family& find(const std::string& name, kind k);
  std::size_t slot(family& f, const labels& values);

  std::mutex mutex_;
  std::vector<std::unique_ptr<family>> families_;
  std::vector<std::function<void(registry&)>> collectors_;
};

// Escapes a label value for the exposition format (backslash, double quote, newline).
std::string escape_label_value(std::string_view v);

} // namespace cs::runtime::metrics
