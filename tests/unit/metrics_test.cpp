#include <catch2/catch.hpp>

#include <stdexcept>
#include <thread>
#include <vector>

#include "runtime/metrics/process_metrics.hpp"
#include "runtime/metrics/registry.hpp"

using namespace cs::runtime::metrics;

TEST_CASE("the registry renders the Prometheus text format", "[metrics]") {
  registry r;
  r.declare("cs_things_total", kind::counter, "Things counted.", {"partition"});
  r.declare("cs_level", kind::gauge, "A level.", {});
  r.declare("cs_wait_seconds", kind::histogram, "Waits.", {"route"}, {0.1, 1});
  r.declare("cs_unused_total", kind::counter, "Never used: only its HELP and TYPE.", {});
  r.counter_of("cs_things_total", {"3"}).inc(2);
  r.counter_of("cs_things_total", {"1"}).inc();
  r.gauge_of("cs_level").set(2.5);
  auto& h = r.histogram_of("cs_wait_seconds", {"/a\"b"});
  h.observe(0.25);
  h.observe(0.5);
  h.observe(7);
  CHECK(r.render() ==
        "# HELP cs_things_total Things counted.\n"
        "# TYPE cs_things_total counter\n"
        "cs_things_total{partition=\"1\"} 1\n"
        "cs_things_total{partition=\"3\"} 2\n"
        "# HELP cs_level A level.\n"
        "# TYPE cs_level gauge\n"
        "cs_level 2.5\n"
        "# HELP cs_wait_seconds Waits.\n"
        "# TYPE cs_wait_seconds histogram\n"
        "cs_wait_seconds_bucket{route=\"/a\\\"b\",le=\"0.1\"} 0\n"
        "cs_wait_seconds_bucket{route=\"/a\\\"b\",le=\"1\"} 2\n"
        "cs_wait_seconds_bucket{route=\"/a\\\"b\",le=\"+Inf\"} 3\n"
        "cs_wait_seconds_sum{route=\"/a\\\"b\"} 7.75\n"
        "cs_wait_seconds_count{route=\"/a\\\"b\"} 3\n"
        "# HELP cs_unused_total Never used: only its HELP and TYPE.\n"
        "# TYPE cs_unused_total counter\n");
}

TEST_CASE("forgotten series are not rendered until they are set again", "[metrics]") {
  registry r;
  r.declare("cs_lag", kind::gauge, "Lag.", {"partition"});
  auto& kept = r.gauge_of("cs_lag", {"0"});
  r.gauge_of("cs_lag", {"1"}).set(5);
  kept.set(3);
  r.forget_series("cs_lag"); // both partitions left this node
  kept.set(4);               // a handle still works, but is not shown
  CHECK(r.render() == "# HELP cs_lag Lag.\n# TYPE cs_lag gauge\n");
  r.gauge_of("cs_lag", {"0"}).set(7); // partition 0 came back
  CHECK(r.render() == "# HELP cs_lag Lag.\n# TYPE cs_lag gauge\ncs_lag{partition=\"0\"} 7\n");
  CHECK(&r.gauge_of("cs_lag", {"0"}) == &kept);
}

TEST_CASE("declarations are checked and collectors run at render time", "[metrics]") {
  registry r;
  CHECK_THROWS_AS(r.declare("bad-name", kind::gauge, "x", {}), std::invalid_argument);
  CHECK_THROWS_AS(r.declare("ok", kind::gauge, "x", {"le"}), std::invalid_argument);
  CHECK_THROWS_AS(r.declare("h", kind::histogram, "x", {}, {2, 1}), std::invalid_argument);
  r.declare("ok_total", kind::counter, "x", {"a"});
  CHECK_NOTHROW(r.declare("ok_total", kind::counter, "x", {"a"}));
  CHECK_THROWS_AS(r.declare("ok_total", kind::gauge, "x", {"a"}), std::invalid_argument);
  CHECK_THROWS_AS(r.counter_of("ok_total", {}), std::invalid_argument);
  int runs = 0;
  r.add_collector([&](registry& reg) { reg.counter_of("ok_total", {"x"}).set_total(++runs * 10.0); });
  CHECK(r.render().find("ok_total{a=\"x\"} 10\n") != std::string::npos);
  CHECK(r.render().find("ok_total{a=\"x\"} 20\n") != std::string::npos);
}

TEST_CASE("updates from many threads are all counted", "[metrics]") {
  registry r;
  r.declare("n_total", kind::counter, "x", {});
  r.declare("d_seconds", kind::histogram, "x", {}, {1});
  auto& c = r.counter_of("n_total");
  auto& h = r.histogram_of("d_seconds");
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.inc();
        h.observe(0.5);
      }
    });
  for (auto& t : ts) t.join();
  CHECK(c.value() == 40000);
  CHECK(h.cumulative().back() == 40000);
  CHECK(h.sum() == 20000);
}

TEST_CASE("process metrics come from /proc", "[metrics]") {
  registry r;
  add_process_metrics(r);
  const auto text = r.render();
  for (const char* name : {"process_cpu_seconds_total ", "process_resident_memory_bytes ", "process_threads ", "process_open_fds ",
                           "process_start_time_seconds "})
    CHECK(text.find(name) != std::string::npos);
  CHECK(r.gauge_of("process_resident_memory_bytes").value() > 1e6);
}
