#include "runtime/metrics/registry.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace cs::runtime::metrics {
namespace {

bool valid_name(std::string_view n, bool label) {
  if (n.empty()) return false;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!label && c == ':');
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return !(label && n.substr(0, 2) == "__");
}

void append_number(std::string& out, double v) {
  if (std::isnan(v)) return void(out.append("NaN"));
  if (std::isinf(v)) return void(out.append(v > 0 ? "+Inf" : "-Inf"));
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, p);
}

void append_labels(std::string& out, const std::vector<std::string>& names, const labels& values,
                   std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return;
  out.push_back('{');
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out.push_back(',');
    out.append(names[i]).append("=\"").append(escape_label_value(values[i])).append("\"");
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out.push_back(',');
    out.append(extra_name).append("=\"").append(extra_value).append("\"");
  }
  out.push_back('}');
}

template <class T>
void atomic_add(std::atomic<T>& a, T v) {
  T cur = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed)) {
  }
}

} // namespace

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out.append("\\\\");
    else if (c == '"') out.append("\\\"");
    else if (c == '\n') out.append("\\n");
    else out.push_back(c);
  }
  return out;
}

histogram::histogram(std::vector<double> bounds)
  : bounds_(std::move(bounds)), buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void histogram::observe(double v) {
  const auto i = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, v);
}

std::vector<std::uint64_t> histogram::cumulative() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) out[i] = total += buckets_[i].load(std::memory_order_relaxed);
  return out;
}

std::vector<double> registry::latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

void registry::declare(const std::string& name, kind k, std::string help, std::vector<std::string> label_names,
                       std::vector<double> bounds) {
  if (!valid_name(name, false)) throw std::invalid_argument("invalid metric name '" + name + "'");
  for (const auto& l : label_names)
    if (!valid_name(l, true) || l == "le") throw std::invalid_argument("invalid label name '" + l + "' of " + name);
  if (k == kind::histogram && (bounds.empty() || !std::is_sorted(bounds.begin(), bounds.end())))
    throw std::invalid_argument("histogram " + name + " needs ascending bounds");
  std::lock_guard lock(mutex_);
  for (const auto& f : families_)
    if (f->name == name) {
      if (f->k != k || f->label_names != label_names) throw std::invalid_argument("metric " + name + " declared twice, differently");
      return;
    }
  auto f = std::make_unique<family>();
  f->name = name;
  f->k = k;
  f->help = std::move(help);
  f->label_names = std::move(label_names);
  f->bounds = std::move(bounds);
  families_.push_back(std::move(f));
}

registry::family& registry::find(const std::string& name, kind k) {
  for (auto& f : families_)
    if (f->name == name && f->k == k) return *f;
  throw std::invalid_argument("metric " + name + " is not declared with that type");
}

std::size_t registry::slot(family& f, const labels& values) {
  if (values.size() != f.label_names.size()) throw std::invalid_argument("metric " + f.name + ": wrong number of label values");
  auto [it, fresh] = f.index.try_emplace(values, f.index.size());
  if (fresh) f.shown.push_back(1);
  else f.shown[it->second] = 1;
  if (fresh) {
    if (f.k == kind::counter) f.counters.emplace_back();
    else if (f.k == kind::gauge) f.gauges.emplace_back();
    else f.histograms.emplace_back(f.bounds);
  }
  return it->second;
}

counter& registry::counter_of(const std::string& name, const labels& values) {
  std::lock_guard lock(mutex_);
  auto& f = find(name, kind::counter);
  return f.counters[slot(f, values)];
}

gauge& registry::gauge_of(const std::string& name, const labels& values) {
  std::lock_guard lock(mutex_);
  auto& f = find(name, kind::gauge);
  return f.gauges[slot(f, values)];
}

histogram& registry::histogram_of(const std::string& name, const labels& values) {
  std::lock_guard lock(mutex_);
  auto& f = find(name, kind::histogram);
  return f.histograms[slot(f, values)];
}

void registry::forget_series(const std::string& name) {
  std::lock_guard lock(mutex_);
  for (auto& f : families_)
    if (f->name == name) std::fill(f->shown.begin(), f->shown.end(), 0);
}

void registry::add_collector(std::function<void(registry&)> collect) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collect));
}

std::string registry::render() {
  std::vector<std::function<void(registry&)>> collectors;
  {
    std::lock_guard lock(mutex_);
    collectors = collectors_;
  }
  for (auto& c : collectors) c(*this);
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& f : families_) {
    static constexpr std::string_view type_names[] = {"counter", "gauge", "histogram"};
    out.append("# HELP ").append(f->name).append(" ").append(f->help).append("\n");
    out.append("# TYPE ").append(f->name).append(" ").append(type_names[static_cast<int>(f->k)]).append("\n");
    for (const auto& [values, i] : f->index) {
      if (!f->shown[i]) continue;
      if (f->k == kind::counter) {
        out.append(f->name);
        append_labels(out, f->label_names, values);
        out.push_back(' ');
        append_number(out, f->counters[i].value());
        out.push_back('\n');
      } else if (f->k == kind::gauge) {
        out.append(f->name);
        append_labels(out, f->label_names, values);
        out.push_back(' ');
        append_number(out, f->gauges[i].value());
        out.push_back('\n');
      } else {
        const auto& h = f->histograms[i];
        const auto counts = h.cumulative();
        for (std::size_t b = 0; b < counts.size(); ++b) {
          std::string le;
          if (b < h.bounds().size()) append_number(le, h.bounds()[b]);
          else le = "+Inf";
          out.append(f->name).append("_bucket");
          append_labels(out, f->label_names, values, "le", le);
          out.append(" ").append(std::to_string(counts[b])).append("\n");
        }
        out.append(f->name).append("_sum");
        append_labels(out, f->label_names, values);
        out.push_back(' ');
        append_number(out, h.sum());
        out.push_back('\n');
        out.append(f->name).append("_count");
        append_labels(out, f->label_names, values);
        out.append(" ").append(std::to_string(counts.back())).append("\n");
      }
    }
  }
  return out;
}

} // namespace cs::runtime::metrics
