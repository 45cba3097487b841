#pragma once

#include <cstdint>

namespace lowp {

// Counter-based random bits for stochastic rounding: a pure function of
// (seed, element index), so results do not depend on ISA, thread count or
// chunking. Two rounds of the "lowbias32" integer hash (C. Wellons, "Prospecting
// for hash functions", 2018), keyed by the two halves of the seed. Only 32-bit
// multiplies and shifts, so SIMD lanes compute it exactly.
constexpr std::uint32_t hash32(std::uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

constexpr std::uint32_t stochastic_bits(std::uint64_t seed, std::uint64_t index) {
  const auto seed_lo = static_cast<std::uint32_t>(seed);
  const auto seed_hi = static_cast<std::uint32_t>(seed >> 32);
  const auto index_lo = static_cast<std::uint32_t>(index);
  const auto index_hi = static_cast<std::uint32_t>(index >> 32);
  const std::uint32_t key = hash32(seed_lo ^ hash32(seed_hi ^ (index_hi * 0x9e3779b9U)));
  return hash32(index_lo ^ key);
}

}  // namespace lowp
