#include "bench/support/counters.h"

#include "absl/strings/str_cat.h"

namespace m8::bench {
namespace {

using D = CounterDirection;

// One line per counter. Directions: a rate of work or a share of work that
// held is higher-is-better; times, latencies, resources, failures and
// resource growth are lower-is-better; inputs (the offered rate), proofs of
// work and verdict codes are neutral: they can change but never regress.
constexpr CounterSpec kTable[] = {
    {kItemsPerSecond, unit::kPerSecond, D::kHigher, "",
     "operations (or cells, where the fixture says so) per second"},
    {kBytesPerSecond, unit::kBytesPerSecond, D::kHigher, "",
     "bytes moved per second (sweeps, snapshots, STREAM)"},
    {kHits, unit::kCount, D::kNeutral, "",
     "proof of work: cells found or returned per iteration; in open-loop "
     "fixtures the share of operations that found or stored their cell"},
    {kEvicted, unit::kCount, D::kNeutral, "",
     "cells evicted per sweep (AdvanceTime, decay storm)"},
    {kP50Ns, unit::kNanoseconds, D::kLower, kLatencySamples,
     "median latency of one operation"},
    {kP90Ns, unit::kNanoseconds, D::kLower, kLatencySamples,
     "90th percentile latency of one operation"},
    {kP99Ns, unit::kNanoseconds, D::kLower, kLatencySamples,
     "99th percentile latency of one operation"},
    {kP999Ns, unit::kNanoseconds, D::kLower, kLatencySamples,
     "99.9th percentile latency of one operation"},
    {kMaxNs, unit::kNanoseconds, D::kLower, kLatencySamples,
     "largest latency of one operation"},
    {kLatencySamples, unit::kCount, D::kNeutral, "",
     "latencies behind the percentiles (open-loop and stress fixtures); 0: "
     "the percentiles were not measured"},
    {kLatencyBatch, unit::kCount, D::kNeutral, "",
     "operations per latency sample: 1 for single operations, more when the "
     "percentiles are of batch means (sampled operation fixtures)"},
    {kLatencyFloorNs, unit::kNanoseconds, D::kNeutral, "",
     "shortest latency per operation the samples resolve; percentiles below "
     "it are left out"},
    {kCpuUserS, unit::kSeconds, D::kLower, "",
     "user CPU seconds per iteration of the benchmark's threads"},
    {kCpuSysS, unit::kSeconds, D::kLower, "",
     "system CPU seconds per iteration of the benchmark's threads"},
    {kMinorFaults, unit::kCount, D::kLower, "",
     "minor page faults per iteration"},
    {kMajorFaults, unit::kCount, D::kLower, "",
     "major page faults per iteration"},
    {kCtxVoluntary, unit::kCount, D::kLower, "",
     "voluntary context switches per iteration"},
    {kCtxInvoluntary, unit::kCount, D::kLower, "",
     "involuntary context switches per iteration"},
    {kHeapAllocs, unit::kCount, D::kLower, "",
     "operator new calls per iteration"},
    {kHeapBytes, unit::kBytes, D::kLower, "",
     "bytes asked of operator new per iteration"},
    {kIoReadBytes, unit::kBytes, D::kLower, "",
     "storage bytes read per iteration (whole process)"},
    {kIoWriteBytes, unit::kBytes, D::kLower, "",
     "storage bytes written per iteration (whole process)"},
    {kRssPeakBytes, unit::kBytes, D::kLower, "",
     "peak resident set during the timed region"},
    {kErrors, unit::kCount, D::kLower, "",
     "failed operations: per operation (closed loop), per run (open loop)"},
    {kDropped, unit::kCount, D::kLower, "",
     "open-loop operations never started, per run"},
    {kOfferedRate, unit::kPerSecond, D::kNeutral, "",
     "operations per second the load profile asked for (an input)"},
    {kAchievedRate, unit::kPerSecond, D::kHigher, "",
     "operations per second completed under open-loop load"},
    {kAchievedFraction, unit::kFraction, D::kHigher, kOfferedRate,
     "achieved_rate / offered_rate: 1 when the open-loop load held"},
    {kScheduleLagNs, unit::kNanoseconds, D::kLower, kLatencySamples,
     "mean delay of an operation's start after its intended start"},
    {kScheduleLagMaxNs, unit::kNanoseconds, D::kLower, kLatencySamples,
     "largest delay of an operation's start after its intended start"},
    {kCapacityRate, unit::kPerSecond, D::kHigher, "",
     "calibrated closed-loop capacity the open-loop rates are fractions of"},
    {kBreakingPointReached, unit::kFraction, D::kNeutral, "",
     "share of breaking-point searches in which the failure detector "
     "tripped; 0: no breaking point within the steps"},
    {kBreakingRate, unit::kPerSecond, D::kHigher, kBreakingPointReached,
     "offered rate of the step that tripped the failure detector (mean over "
     "the searches that tripped)"},
    {kLastGoodRate, unit::kPerSecond, D::kHigher, kStepsHeld,
     "offered rate of the last step that held (mean over the searches in "
     "which a step held)"},
    {kSteps, unit::kCount, D::kNeutral, "",
     "load steps run per breaking-point search, the tripping one included"},
    {kStepsHeld, unit::kCount, D::kHigher, "",
     "load steps that held per breaking-point search; 0: the first step "
     "tripped"},
    {kTripReason, unit::kCode, D::kNeutral, "",
     "the failure detector's reason in the last run that tripped it: 0 none "
     "tripped, 1 memory, 2 errors, 3 throughput, 4 latency"},
    {kSoakPassed, unit::kFraction, D::kHigher, "",
     "share of soak runs in which the failure detector never tripped (1: the "
     "load held throughout)"},
    {kRssSlopeBytesPerS, unit::kBytesPerSecond, D::kLower, kRssSlopeRuns,
     "growth of the resident set over a soak run (least squares, mean over "
     "the runs that measured it); a leak shows as a positive slope"},
    {kRssSlopeRuns, unit::kFraction, D::kNeutral, "",
     "share of soak runs whose RSS slope was measured (the load held and the "
     "RSS was read at least twice)"},
    {kRssStartBytes, unit::kBytes, D::kLower, kRssSamples,
     "resident set at the first window of the last soak run"},
    {kRssEndBytes, unit::kBytes, D::kLower, kRssSamples,
     "resident set at the last window of the last soak run"},
    {kRssSamples, unit::kCount, D::kNeutral, "",
     "RSS readings in the last soak run; 0: the RSS could not be read"},
    {kStored, unit::kCount, D::kNeutral, "",
     "new cells accepted per capacity fill (max_cells of them)"},
    {kRejected, unit::kCount, D::kNeutral, "",
     "new cells refused with ResourceExhausted per capacity fill: by design "
     "the N/16 past max_cells, so a check rather than a cost"},
    {kVerified, unit::kCount, D::kNeutral, "",
     "accepted cells read back with their wave per capacity fill"},
    {kVerifyS, unit::kSeconds, D::kLower, "",
     "seconds to read every accepted cell back"},
    {kStormReads, unit::kCount, D::kNeutral, "",
     "reader recalls during the decay storm, per storm"},
    {kStormHits, unit::kFraction, D::kNeutral, kStormReads,
     "share of the storm's recalls that found their cell"},
    {kBaselineP99Ns, unit::kNanoseconds, D::kLower, kBaselineSamples,
     "the reader's 99th percentile latency before the storms"},
    {kBaselineMaxNs, unit::kNanoseconds, D::kLower, kBaselineSamples,
     "the reader's largest latency before the storms"},
    {kBaselineSamples, unit::kCount, D::kNeutral, "",
     "latencies behind baseline_p99_ns and baseline_max_ns; 0: not measured"},
    {kWorkSteps, unit::kCount, D::kNeutral, "",
     "steps of fixed work per iteration (validation fixtures)"},
};

void AppendJsonString(absl::string_view text, std::string* out) {
  out->push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace

absl::string_view CounterDirectionName(CounterDirection direction) {
  switch (direction) {
    case CounterDirection::kLower:
      return "lower";
    case CounterDirection::kHigher:
      return "higher";
    case CounterDirection::kNeutral:
      return "neutral";
  }
  return "neutral";
}

absl::Span<const CounterSpec> CounterTable() { return kTable; }

const CounterSpec* FindCounterSpec(absl::string_view name) {
  for (const CounterSpec& spec : kTable) {
    if (name == spec.name) return &spec;
  }
  return nullptr;
}

std::string CounterTableJson() {
  std::string json = "{";
  for (const CounterSpec& spec : kTable) {
    if (json.size() > 1) json.push_back(',');
    AppendJsonString(spec.name, &json);
    json += ":{\"unit\":";
    AppendJsonString(spec.unit, &json);
    json += ",\"direction\":";
    AppendJsonString(CounterDirectionName(spec.direction), &json);
    if (spec.measured_if[0] != '\0') {
      json += ",\"measured_if\":";
      AppendJsonString(spec.measured_if, &json);
    }
    json.push_back('}');
  }
  json.push_back('}');
  return json;
}

}  // namespace m8::bench
