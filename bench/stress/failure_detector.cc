#include "bench/stress/failure_detector.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace m8::bench {

absl::string_view TripReasonName(TripReason reason) {
  switch (reason) {
    case TripReason::kNone:
      return "none";
    case TripReason::kMemory:
      return "memory";
    case TripReason::kErrors:
      return "errors";
    case TripReason::kThroughput:
      return "throughput";
    case TripReason::kLatency:
      return "latency";
  }
  return "unknown";
}

WindowSignals SignalsOf(const WindowStats& window, int64_t rss_bytes) {
  return WindowSignals{.offered_rate = window.offered_rate,
                       .achieved_rate = window.achieved_rate,
                       .p99_ns = window.p99_ns,
                       .operations = window.completed,
                       .errors = window.errors,
                       .exhausted = window.exhausted,
                       .rss_bytes = rss_bytes};
}

FailureDetector::FailureDetector(FailureDetectorOptions options)
    : options_(options) {}

bool FailureDetector::Observe(const WindowSignals& w) {
  if (tripped()) return true;
  const int index = windows_++;
  auto trip = [&](TripReason reason, std::string why) {
    reason_ = reason;
    trip_window_ = index;
    why_ = std::move(why);
    return true;
  };
  if (w.exhausted > 0) {
    return trip(TripReason::kMemory,
                absl::StrCat("the grid is full: ", w.exhausted,
                             " operations failed with ResourceExhausted"));
  }
  if (options_.rss_budget_bytes > 0 &&
      w.rss_bytes >= options_.rss_budget_bytes) {
    return trip(TripReason::kMemory,
                absl::StrFormat("RSS %.3g MiB reached the budget of %.3g MiB",
                                w.rss_bytes / 1048576.0,
                                options_.rss_budget_bytes / 1048576.0));
  }
  if (w.operations > 0 &&
      static_cast<double>(w.errors) >
          options_.max_error_fraction * static_cast<double>(w.operations)) {
    return trip(TripReason::kErrors,
                absl::StrFormat("%.3g%% of %d operations failed (above %.3g%%)",
                                100.0 * w.errors / w.operations, w.operations,
                                100.0 * options_.max_error_fraction));
  }
  if (w.offered_rate > 0.0 &&
      w.achieved_rate < options_.min_achieved_fraction * w.offered_rate) {
    return trip(
        TripReason::kThroughput,
        absl::StrFormat("achieved %.3g ops/s below %.3g%% of offered "
                        "%.3g ops/s",
                        w.achieved_rate, 100.0 * options_.min_achieved_fraction,
                        w.offered_rate));
  }
  slow_windows_ = w.p99_ns > options_.p99_slo_ns ? slow_windows_ + 1 : 0;
  if (slow_windows_ >= options_.slo_windows) {
    return trip(TripReason::kLatency,
                absl::StrFormat("p99 %.3g ms above the SLO of %.3g ms for %d "
                                "consecutive windows",
                                w.p99_ns * 1e-6, options_.p99_slo_ns * 1e-6,
                                slow_windows_));
  }
  return false;
}

std::string FailureDetector::Describe() const {
  if (!tripped()) return absl::StrCat("held for ", windows_, " windows");
  return absl::StrCat(TripReasonName(reason_), ": ", why_, " (window ",
                      trip_window_, ")");
}

}  // namespace m8::bench
