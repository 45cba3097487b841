#pragma once

// Deterministic test tensors for the block-format tests.

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <lowp/core/rng.hpp>

namespace lowp_block_test {

// Uniform in [-1, 1) from the counter-based hash: the same on every platform.
inline float uniform(std::uint64_t seed, std::uint64_t i) {
  return float(std::int32_t(lowp::stochastic_bits(seed, i))) * 0x1p-31f;
}

// rows x cols values whose blocks of 16 span very different magnitudes
// (2^-20 .. 2^20), with a few exact zeros.
inline std::vector<float> varied_tensor(std::size_t rows, std::size_t cols, std::uint64_t seed) {
  std::vector<float> x(rows * cols);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const int block_exp = int(lowp::stochastic_bits(seed ^ 0x5bd1e995U, i / 16) % 41) - 20;
    const float v = uniform(seed, i);
    x[i] = lowp::stochastic_bits(seed + 7, i) % 61 == 0 ? 0.0f : std::ldexp(v, block_exp);
  }
  return x;
}

inline std::vector<std::uint8_t> read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

inline std::vector<float> read_f32(const std::string& path) {
  const auto bytes = read_bytes(path);
  std::vector<float> x(bytes.size() / 4);
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::uint32_t b = std::uint32_t(bytes[4 * i]) | (std::uint32_t(bytes[4 * i + 1]) << 8) |
                            (std::uint32_t(bytes[4 * i + 2]) << 16) | (std::uint32_t(bytes[4 * i + 3]) << 24);
    x[i] = std::bit_cast<float>(b);
  }
  return x;
}

inline std::uint32_t bits(float v) { return std::bit_cast<std::uint32_t>(v); }

}  // namespace lowp_block_test
