#pragma once

// Inputs and comparisons shared by the conversion kernel tests.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <lowp/format/formats.hpp>
#include <lowp/isa.hpp>

namespace lowp_test {

inline float from_bits(std::uint32_t b) { return std::bit_cast<float>(b); }
inline std::uint32_t to_bits(float f) { return std::bit_cast<std::uint32_t>(f); }

inline std::string hex(std::uint32_t v, int digits = 8) {
  static const char* d = "0123456789abcdef";
  std::string s = "0x";
  for (int i = digits - 1; i >= 0; --i) s += d[(v >> (4 * i)) & 0xf];
  return s;
}

// The ISAs these tests run: every ISA compiled in and supported by this CPU.
// A compiled-in ISA the CPU lacks is reported, never silently skipped.
inline std::vector<lowp::isa> tested_isas() { return lowp::available_isas(); }
inline void warn_untested_isas() {
  for (lowp::isa i : lowp::all_isas)
    if (lowp::isa_compiled(i) && !lowp::isa_supported_by_cpu(i))
      WARN("isa " << lowp::name(i) << " is compiled in but this CPU lacks it: not run here");
}

// Elements per SIMD step (4 vectors of float32) of an ISA.
inline std::size_t step_elements(lowp::isa i) {
  switch (i) {
    case lowp::isa::avx2: return 32;
    case lowp::isa::avx512bw: return 64;
    case lowp::isa::scalar: return 4;
    default: return 16;
  }
}

inline void add_both_signs(std::vector<float>& v, float x) {
  v.push_back(x);
  v.push_back(-x);
}

// x and its float32 neighbours.
inline void add_around(std::vector<float>& v, float x) {
  const float inf = std::numeric_limits<float>::infinity();
  add_both_signs(v, x);
  add_both_signs(v, std::nextafter(x, inf));
  add_both_signs(v, std::nextafter(x, 0.0f));
}

// Inputs that exercise every rounding decision of format T: NaN payloads,
// zeros, float32 subnormals, infinities, every representable value of T (for
// 16-bit formats: those near zero, the subnormal boundary, 1 and the overflow
// boundary), every midpoint between neighbours and the float32 values next to
// each, then random bit patterns and random values scaled to T's range.
template <class T>
std::vector<float> edge_and_random_inputs(std::size_t random_count, std::uint64_t seed) {
  std::vector<float> v;
  for (std::uint32_t b : {0x7fc00000U, 0x7f800001U, 0x7fffffffU, 0x7fa12345U, 0x7fc00001U, 0x7f800000U, 0x0U,
                          0x1U, 0x2U, 0x7fffffU, 0x400000U, 0x400001U, 0x3fffffU, 0x200000U, 0x200001U, 0x1fffffU,
                          0x600000U, 0x800000U, 0x7f7fffffU, 0x7f000000U, 0x3f800000U, 0x3fc00000U})
    add_both_signs(v, from_bits(b));

  using S = typename T::storage_type;
  constexpr int W = lowp::bit_width_v<T>;
  std::vector<std::uint32_t> codes;
  if constexpr (W <= 8) {
    for (std::uint32_t c = 0; c < (1U << W); ++c) codes.push_back(c);
  } else {
    for (std::uint32_t c = 0; c < 0x800; ++c) codes.push_back(c);  // zero, subnormals, first binades
    for (std::uint32_t c = 0x3b00; c < 0x3d00; ++c) codes.push_back(c);  // around 1 (float16)
    for (std::uint32_t c = 0x3f00; c < 0x3fa0; ++c) codes.push_back(c);  // around 1 (bfloat16)
    for (std::uint32_t c = 0x7b00; c < 0x7c01; ++c) codes.push_back(c);  // float16 max
    for (std::uint32_t c = 0x7f00; c < 0x7f81; ++c) codes.push_back(c);  // bfloat16 max
  }
  std::vector<float> values;
  for (std::uint32_t c : codes) {
    const float f = lowp::decode<T>(S(c));
    if (std::isfinite(f)) values.push_back(std::fabs(f));
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  for (std::size_t k = 0; k < values.size(); ++k) {
    add_around(v, values[k]);
    if (k + 1 < values.size()) add_around(v, float((double(values[k]) + double(values[k + 1])) / 2));
  }
  if (!values.empty()) {
    // beyond the largest value: half a step, a step, a binade, far
    const double top = values.back();
    const double below = values.size() > 1 ? values[values.size() - 2] : top / 2;
    const double step = top - below;
    for (double x : {top + step / 2, top + step, top + 1.5 * step, 2 * top, 4 * top, 1e30})
      if (x < 3e38) add_around(v, float(x));
    // below the smallest nonzero value
    const float least = values[0] > 0 ? values[0] : (values.size() > 1 ? values[1] : 1.0f);
    for (double x : {least / 2.0, least / 4.0, least * 0.75, least * 1.5})
      if (x >= 1.2e-38) add_around(v, float(x));
  }
  if constexpr (lowp::is_intn_v<T>) {
    for (int k = -300; k <= 300; ++k) add_around(v, float(k) + 0.5f);
  }

  std::mt19937_64 rng(seed);
  const double scale = values.empty() ? 1.0 : values.back();
  std::normal_distribution<double> normal(0.0, 1.0);
  for (std::size_t k = 0; k < random_count; ++k) {
    switch (k % 4) {
      case 0: v.push_back(from_bits(std::uint32_t(rng()))); break;
      case 1: v.push_back(float(normal(rng) * scale / 2)); break;
      case 2: v.push_back(float(normal(rng) * scale / 64)); break;
      default: v.push_back(float(normal(rng) * 4)); break;
    }
  }
  return v;
}

// All codes of T (every code for widths up to 8, else all 65536), in a
// shuffled order, repeated to `copies` times the count.
template <class T>
std::vector<std::uint32_t> all_codes(int copies, std::uint64_t seed) {
  constexpr int W = lowp::bit_width_v<T>;
  std::vector<std::uint32_t> c;
  for (int r = 0; r < copies; ++r)
    for (std::uint32_t x = 0; x < (1U << W); ++x) c.push_back(x);
  std::mt19937_64 rng(seed);
  std::shuffle(c.begin(), c.end(), rng);
  return c;
}

}  // namespace lowp_test
