#include "bench/load/workload.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "bench/support/ycsb_keys.h"

namespace m8::bench {

namespace {

// Draws the stream; `latest`, when given, is `generator` and grows with
// the inserts.
absl::StatusOr<OpStream> Draw(const CellPopulation& population, const Mix& mix,
                              KeyGenerator& generator, LatestGenerator* latest,
                              size_t count, uint64_t seed) {
  const std::vector<Coord>& loaded = population.present();
  const std::vector<Coord>& fresh = population.absent();
  OpChooser chooser(mix, seed ^ 0x6f70'6b69'6e64);  // "opkind"
  OpStream stream;
  stream.ops.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    Op op;
    op.kind = chooser.Next();
    if (op.kind == OpKind::kInsert) {
      if (stream.inserts == fresh.size()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "a stream of ", count, " operations of ", mix.name,
            " needs more than the ", fresh.size(), " new cells available"));
      }
      op.coord = fresh[stream.inserts++];
      if (latest != nullptr) latest->Grow(loaded.size() + stream.inserts);
    } else {
      const uint64_t item = generator.Next();
      op.coord =
          item < loaded.size() ? loaded[item] : fresh[item - loaded.size()];
    }
    stream.ops.push_back(op);
  }
  return stream;
}

}  // namespace

absl::StatusOr<OpStream> DrawOpStream(const CellPopulation& population,
                                      const Mix& mix,
                                      KeyDistribution distribution,
                                      size_t count, uint64_t seed) {
  if (population.size() == 0) {
    return absl::FailedPreconditionError("the population has no cells");
  }
  // Latest follows the inserts (YCSB's SkewedLatestGenerator over the
  // acknowledged inserts); the others stay on the loaded items, as YCSB's
  // uniform and sequential choosers do.
  if (distribution == KeyDistribution::kLatest) {
    LatestGenerator latest(population.size(), seed);
    return Draw(population, mix, latest, &latest, count, seed);
  }
  std::unique_ptr<KeyGenerator> generator =
      MakeKeyGenerator(distribution, population.size(), seed);
  return Draw(population, mix, *generator, nullptr, count, seed);
}

absl::StatusOr<OpStream> DrawOpStream(const CellPopulation& population,
                                      const Mix& mix, KeyGenerator& generator,
                                      size_t count, uint64_t seed) {
  if (generator.item_count() > population.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a generator over ", generator.item_count(),
        " items for a population of ", population.size(), " cells"));
  }
  return Draw(population, mix, generator, nullptr, count, seed);
}

}  // namespace m8::bench
