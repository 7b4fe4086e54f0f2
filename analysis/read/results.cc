#include "analysis/read/results.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace m8::analysis {

const std::string* Context::FindExtra(absl::string_view key) const {
  for (const auto& [k, v] : extra) {
    if (k == key) return &v;
  }
  return nullptr;
}

const Benchmark* ResultsFile::FindBenchmark(absl::string_view run_name) const {
  auto it = benchmark_index_.find(run_name);
  return it == benchmark_index_.end() ? nullptr : &benchmarks_[it->second];
}

int ResultsFile::FindCounter(absl::string_view name) const {
  auto it = counter_index_.find(name);
  return it == counter_index_.end() ? -1 : static_cast<int>(it->second);
}

std::optional<double> ResultsFile::Value(const Entry& entry,
                                         absl::string_view metric) const {
  if (metric == "real_time") {
    if (entry.has_times) return entry.real_time_ns;
    return std::nullopt;
  }
  if (metric == "cpu_time") {
    if (entry.has_times) return entry.cpu_time_ns;
    return std::nullopt;
  }
  const int id = FindCounter(metric);
  if (id >= 0) {
    for (const CounterValue& c : counters(entry)) {
      if (c.name == static_cast<uint32_t>(id)) return c.value;
    }
  }
  if (metric == "allocs_per_iter") return entry.memory.allocs_per_iter;
  if (metric == "max_bytes_used") return entry.memory.max_bytes_used;
  if (metric == "total_allocated_bytes") {
    return entry.memory.total_allocated_bytes;
  }
  if (metric == "net_heap_growth") return entry.memory.net_heap_growth;
  return std::nullopt;
}

ResultsBuilder::ResultsBuilder(std::string source) {
  file_.source_ = std::move(source);
}

void ResultsBuilder::Reserve(size_t entries) {
  file_.entries_.reserve(entries);
}

uint32_t ResultsBuilder::CounterId(absl::string_view name) {
  auto [it, inserted] = file_.counter_index_.try_emplace(
      name, static_cast<uint32_t>(file_.counter_names_.size()));
  if (inserted) file_.counter_names_.emplace_back(name);
  return it->second;
}

void ResultsBuilder::AddCounter(uint32_t name, double value) {
  file_.counter_values_.push_back(CounterValue{name, value});
}

uint32_t ResultsBuilder::AddEntry(Entry entry) {
  entry.counters_begin = pending_counters_begin_;
  entry.counters_end = static_cast<uint32_t>(file_.counter_values_.size());
  pending_counters_begin_ = entry.counters_end;
  file_.entries_.push_back(std::move(entry));
  return static_cast<uint32_t>(file_.entries_.size() - 1);
}

int64_t ResultsBuilder::Finish(int64_t* duplicate_of) {
  *duplicate_of = -1;
  auto& entries = file_.entries_;
  file_.benchmarks_.reserve(entries.size() / 4 + 1);
  file_.benchmark_index_.reserve(entries.size() / 4 + 1);
  // Identity of an entry, where the file records enough to tell: iterations
  // by (run_name, repetition_index), aggregates by their full name.
  absl::flat_hash_map<std::pair<absl::string_view, int64_t>, uint32_t>
      seen_iterations;
  absl::flat_hash_map<absl::string_view, uint32_t> seen_aggregates;
  seen_iterations.reserve(entries.size());
  for (uint32_t i = 0; i < entries.size(); ++i) {
    const Entry& entry = entries[i];
    if (entry.run_type == RunType::kIteration && entry.repetition_index >= 0) {
      auto [it, inserted] = seen_iterations.try_emplace(
          std::make_pair(absl::string_view(entry.run_name),
                         entry.repetition_index),
          i);
      if (!inserted) {
        *duplicate_of = it->second;
        return i;
      }
    } else if (entry.run_type == RunType::kAggregate &&
               !entry.aggregate_name.empty()) {
      auto [it, inserted] = seen_aggregates.try_emplace(entry.name, i);
      if (!inserted) {
        *duplicate_of = it->second;
        return i;
      }
    }
    auto [it, inserted] = file_.benchmark_index_.try_emplace(
        entry.run_name, static_cast<uint32_t>(file_.benchmarks_.size()));
    if (inserted) {
      Benchmark benchmark;
      benchmark.run_name = entry.run_name;
      benchmark.threads = entry.threads;
      file_.benchmarks_.push_back(std::move(benchmark));
    }
    Benchmark& benchmark = file_.benchmarks_[it->second];
    if (entry.run_type == RunType::kIteration) {
      benchmark.iterations.push_back(i);
    } else {
      benchmark.aggregates.push_back(i);
    }
  }
  return -1;
}

ResultsFile PoolRepetitions(std::vector<ResultsFile> runs) {
  if (runs.size() == 1) return std::move(runs[0]);
  std::string source;
  for (const ResultsFile& run : runs) {
    if (!source.empty()) source += "+";
    source += run.source();
  }
  ResultsBuilder builder(source);
  builder.context() = runs[0].context();
  absl::flat_hash_map<std::string, int64_t> next_repetition;
  for (const ResultsFile& run : runs) {
    for (const Entry& original : run.entries()) {
      if (original.run_type != RunType::kIteration) continue;
      for (const CounterValue& c : run.counters(original)) {
        builder.AddCounter(builder.CounterId(run.counter_names()[c.name]),
                           c.value);
      }
      Entry entry = original;
      int64_t& next = next_repetition[entry.run_name];
      entry.repetition_index = next++;
      builder.AddEntry(std::move(entry));
    }
  }
  int64_t first = -1;
  builder.Finish(&first);  // renumbered: no duplicates
  return builder.Take();
}

}  // namespace m8::analysis
