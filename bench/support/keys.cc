#include "bench/support/keys.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "bench/support/ycsb_keys.h"

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
    case KeyDistribution::kScrambledZipfian:
      return "scrambled_zipfian";
    case KeyDistribution::kLatest:
      return "latest";
    case KeyDistribution::kHotspot:
      return "hotspot";
  }
  return "unknown";
}

absl::StatusOr<KeyDistribution> ParseDistribution(absl::string_view name) {
  for (KeyDistribution d : kAllKeyDistributions) {
    if (name == DistributionName(d)) return d;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown key distribution '", name,
      "' (expected uniform, zipfian, sequential, scrambled_zipfian, latest or "
      "hotspot)"));
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
      half_pow_theta_(1.0 + std::pow(0.5, theta)),
      item_count_d_(static_cast<double>(item_count)),
      pow_(alpha_) {
  assert(item_count >= 1 && theta > 0.0 && theta < 1.0);
  long double c = 1.0L;
  for (int j = 0; j <= kSeriesDegree; ++j) {
    series_[j] = static_cast<double>(c);
    c = c * (alpha_ - j) / (j + 1);
  }
  UpdateEta();
  BuildTable();
}

void ZipfianGenerator::UpdateEta() {
  const double zeta2 = Zeta(2, theta_);
  eta_ = (1.0 - std::pow(2.0 / item_count_d_, 1.0 - theta_)) /
         (1.0 - zeta2 / zeta_n_);
}

void ZipfianGenerator::BuildTable() {
  table_.clear();
  constexpr int kCells = 1 << kTableBits;
  const long double eta = eta_;
  auto x_at = [&](int i) {
    return 1.0L - eta + eta * static_cast<long double>(i) / kCells;
  };
  // Draws use the formula from u2 = zeta(2) / zeta(n) on (below it they
  // are items 0 and 1), where t = f * step is largest at u2's cell.
  const auto first = static_cast<int>(std::min<double>(
      kCells - 1, std::floor((half_pow_theta_ / zeta_n_) * kCells)));
  const long double x_first = x_at(first);
  if (!(x_first > 0.0L) || item_count() < 3) return;
  const long double t_max = eta / kCells / x_first;
  // The series' remainder: sum over j > degree of |C(alpha, j)| t^j.
  long double coefficient = 1.0L;
  long double remainder = 0.0L;
  for (int j = 0; j < 2000; ++j) {
    const long double term = std::fabs(coefficient) * std::pow(t_max, j);
    if (j > kSeriesDegree) {
      remainder += term;
      if (term < 1e-30L) break;
    }
    coefficient = coefficient * (alpha_ - j) / (j + 1);
  }
  if (!(remainder < 1e-15L)) return;
  table_.resize(kCells);
  for (int i = 0; i < kCells; ++i) {
    const long double x = x_at(i);
    table_[i] = x > 0.0L ? Cell{static_cast<double>(std::pow(x, alpha_)),
                                static_cast<double>(eta / kCells / x)}
                         : Cell{0.0, 0.0};
  }
}

uint64_t ZipfianGenerator::ItemAtExact(double u) const {
  const double uz = u * zeta_n_;
  if (uz < 1.0) return 0;
  if (uz < half_pow_theta_ && item_count() > 1) return 1;
  return Clamp(item_count_d_ * std::pow(eta_ * u - eta_ + 1.0, alpha_));
}

void ZipfianGenerator::Grow(uint64_t item_count) {
  assert(item_count >= this->item_count());
  if (item_count == this->item_count()) return;
  for (uint64_t i = this->item_count() + 1; i <= item_count; ++i) {
    zeta_n_ += std::pow(static_cast<double>(i), -theta_);
  }
  set_item_count(item_count);
  item_count_d_ = static_cast<double>(item_count);
  UpdateEta();
  table_.clear();
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
    case KeyDistribution::kScrambledZipfian:
      return std::make_unique<ScrambledZipfianGenerator>(item_count, seed);
    case KeyDistribution::kLatest:
      return std::make_unique<LatestGenerator>(item_count, seed);
    case KeyDistribution::kHotspot:
      return std::make_unique<HotspotGenerator>(item_count, seed);
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
