#include "bench/support/keys.h"

#include <cassert>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace m8::bench {

Rng::Rng(uint64_t seed) {
  for (uint64_t& s : s_) {
    seed += 0x9e3779b97f4a7c15u;
    uint64_t z = seed;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    s = z ^ (z >> 31);
  }
}

absl::string_view DistributionName(KeyDistribution d) {
  switch (d) {
    case KeyDistribution::kUniform:
      return "uniform";
    case KeyDistribution::kZipfian:
      return "zipfian";
    case KeyDistribution::kSequential:
      return "sequential";
  }
  return "unknown";
}

absl::StatusOr<KeyDistribution> ParseDistribution(absl::string_view name) {
  for (KeyDistribution d :
       {KeyDistribution::kUniform, KeyDistribution::kZipfian,
        KeyDistribution::kSequential}) {
    if (name == DistributionName(d)) return d;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown key distribution '", name,
                   "' (expected uniform, zipfian or sequential)"));
}

double ZipfianGenerator::Zeta(uint64_t n, double theta) {
  double sum = 0.0;
  for (uint64_t i = 1; i <= n; ++i)
    sum += std::pow(static_cast<double>(i), -theta);
  return sum;
}

ZipfianGenerator::ZipfianGenerator(uint64_t item_count, uint64_t seed,
                                   double theta)
    : KeyGenerator(item_count),
      rng_(seed),
      theta_(theta),
      zeta_n_(Zeta(item_count, theta)),
      alpha_(1.0 / (1.0 - theta)),
      half_pow_theta_(1.0 + std::pow(0.5, theta)) {
  assert(item_count >= 1 && theta > 0.0 && theta < 1.0);
  const double zeta2 = Zeta(2, theta);
  const double n = static_cast<double>(item_count);
  eta_ = (1.0 - std::pow(2.0 / n, 1.0 - theta)) / (1.0 - zeta2 / zeta_n_);
}

uint64_t ZipfianGenerator::Next() {
  const double u = rng_.NextDouble();
  const double uz = u * zeta_n_;
  if (uz < 1.0) return 0;
  if (uz < half_pow_theta_ && item_count() > 1) return 1;
  const auto item =
      static_cast<uint64_t>(static_cast<double>(item_count()) *
                            std::pow(eta_ * u - eta_ + 1.0, alpha_));
  return item < item_count() ? item : item_count() - 1;
}

std::unique_ptr<KeyGenerator> MakeKeyGenerator(KeyDistribution d,
                                               uint64_t item_count,
                                               uint64_t seed) {
  switch (d) {
    case KeyDistribution::kUniform:
      return std::make_unique<UniformGenerator>(item_count, seed);
    case KeyDistribution::kZipfian:
      return std::make_unique<ZipfianGenerator>(item_count, seed);
    case KeyDistribution::kSequential:
      return std::make_unique<SequentialGenerator>(item_count, seed);
  }
  return nullptr;
}

std::vector<uint32_t> DrawItems(KeyGenerator& generator, size_t count) {
  assert(generator.item_count() <= (uint64_t{1} << 32));
  std::vector<uint32_t> items(count);
  for (uint32_t& item : items) item = static_cast<uint32_t>(generator.Next());
  return items;
}

}  // namespace m8::bench
