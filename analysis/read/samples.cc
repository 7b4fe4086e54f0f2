#include "analysis/read/samples.h"

#include "analysis/read/metric.h"
#include "analysis/stats/statistics.h"

namespace m8::analysis {

MetricReader::MetricReader(const ResultsFile& file, absl::string_view metric)
    : file_(&file) {
  if (metric == kRealTime) {
    kind_ = Kind::kRealTime;
  } else if (metric == kCpuTime) {
    kind_ = Kind::kCpuTime;
  } else if (int id = file.FindCounter(metric); id >= 0) {
    kind_ = Kind::kCounter;
    counter_ = static_cast<uint32_t>(id);
  } else if (metric == "allocs_per_iter") {
    kind_ = Kind::kAllocsPerIter;
  } else if (metric == "max_bytes_used") {
    kind_ = Kind::kMaxBytesUsed;
  } else if (metric == "total_allocated_bytes") {
    kind_ = Kind::kTotalAllocatedBytes;
  } else if (metric == "net_heap_growth") {
    kind_ = Kind::kNetHeapGrowth;
  }
  if (const CounterDeclaration* declared = file.context().counters.Find(metric);
      declared != nullptr && !declared->measured_if.empty()) {
    companion_name_ = declared->measured_if;
    companion_ = file.FindCounter(companion_name_);
  }
}

bool MetricReader::NotMeasured(const Entry& entry) const {
  if (companion_ < 0) return false;
  for (const CounterValue& c : file_->counters(entry)) {
    if (c.name == static_cast<uint32_t>(companion_)) return c.value == 0;
  }
  return false;
}

std::optional<double> MetricReader::Get(const Entry& entry) const {
  if (NotMeasured(entry)) return std::nullopt;
  switch (kind_) {
    case Kind::kAbsent:
      return std::nullopt;
    case Kind::kRealTime:
      if (!entry.has_times) return std::nullopt;
      return entry.real_time_ns;
    case Kind::kCpuTime:
      if (!entry.has_times) return std::nullopt;
      return entry.cpu_time_ns;
    case Kind::kCounter:
      for (const CounterValue& c : file_->counters(entry)) {
        if (c.name == counter_) return c.value;
      }
      return std::nullopt;
    case Kind::kAllocsPerIter:
      return entry.memory.allocs_per_iter;
    case Kind::kMaxBytesUsed:
      return entry.memory.max_bytes_used;
    case Kind::kTotalAllocatedBytes:
      return entry.memory.total_allocated_bytes;
    case Kind::kNetHeapGrowth:
      return entry.memory.net_heap_growth;
  }
  return std::nullopt;
}

void CollectSamples(const ResultsFile& file, absl::Span<const uint32_t> entries,
                    const MetricReader& metric, std::vector<double>* out) {
  out->clear();
  for (uint32_t index : entries) {
    const Entry& entry = file.entries()[index];
    if (!entry.usable()) continue;
    if (std::optional<double> value = metric.Get(entry)) out->push_back(*value);
  }
}

int CountNotMeasured(const ResultsFile& file,
                     absl::Span<const uint32_t> entries,
                     const MetricReader& metric) {
  int count = 0;
  for (uint32_t index : entries) {
    const Entry& entry = file.entries()[index];
    if (entry.usable() && metric.NotMeasured(entry)) ++count;
  }
  return count;
}

std::optional<double> PointEstimate(const ResultsFile& file,
                                    const Benchmark& benchmark,
                                    const MetricReader& metric) {
  std::vector<double> values;
  CollectSamples(file, benchmark.iterations, metric, &values);
  if (!values.empty()) return Median(std::move(values));
  for (absl::string_view wanted : {"median", "mean"}) {
    for (uint32_t index : benchmark.aggregates) {
      const Entry& entry = file.entries()[index];
      if (entry.aggregate_name == wanted && entry.usable()) {
        if (std::optional<double> value = metric.Get(entry)) return value;
      }
    }
  }
  return std::nullopt;
}

std::vector<std::string> MetricNames(const ResultsFile& file,
                                     absl::Span<const uint32_t> entries) {
  std::vector<std::string> names = {std::string(kRealTime),
                                    std::string(kCpuTime)};
  std::vector<bool> seen(file.counter_names().size(), false);
  for (uint32_t index : entries) {
    const Entry& entry = file.entries()[index];
    if (!entry.usable()) continue;
    for (const CounterValue& c : file.counters(entry)) {
      if (!seen[c.name]) {
        seen[c.name] = true;
        names.push_back(file.counter_names()[c.name]);
      }
    }
  }
  return names;
}

std::vector<std::string> MetricNames(const ResultsFile& file,
                                     const Benchmark& benchmark) {
  return MetricNames(file, benchmark.iterations.empty()
                               ? absl::MakeConstSpan(benchmark.aggregates)
                               : absl::MakeConstSpan(benchmark.iterations));
}

const Entry* FirstFailure(const ResultsFile& file,
                          absl::Span<const uint32_t> entries) {
  for (uint32_t index : entries) {
    const Entry& entry = file.entries()[index];
    if (entry.status != RunStatus::kOk) return &entry;
  }
  return nullptr;
}

}  // namespace m8::analysis
