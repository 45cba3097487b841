// lowp::quantize_blocks on every ISA this CPU runs, compared byte for byte
// with reference::quantize (reference/block.hpp): Gaussian and heavy-tailed
// tensors, blocks with NaN, Inf, zeros, subnormals and values near the float32
// range's ends (E8M0 clamping), values at and next to the midpoints of the
// element grid and of the NVFP4 scale grid, explicit tensor scales, padding,
// several row counts, misaligned input and output, the errors, and ggml's
// conformance vectors.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include <lowp/block/formats.hpp>
#include <lowp/format/convert.hpp>
#include <lowp/format/formats.hpp>
#include <lowp/kernels/block.hpp>
#include <lowp/reference/block.hpp>
#include <lowp/reference/convert.hpp>

#include "../block/block_test_data.hpp"
#include "convert_support.hpp"

#ifndef LOWP_CONFORMANCE_DIR
#error "LOWP_CONFORMANCE_DIR must name the directory of the conformance vectors"
#endif

namespace {

namespace ref = lowp::reference;

using kernel_formats = std::tuple<lowp::mxfp4, lowp::mxfp4_noclip, lowp::nvfp4, lowp::mxfp8_e4m3,
                                  lowp::mxfp8_e4m3_noclip, lowp::ggml_q4_0, lowp::ggml_q8_0, lowp::ggml_mxfp4>;
// Formats without a kernel still go through quantize_blocks (the reference inside).
using other_formats = std::tuple<lowp::ggml_q4_1, lowp::mxfp8_e5m2, lowp::mxfp6_e2m3, lowp::mxint8>;
using rounding_formats = std::tuple<lowp::mxfp4, lowp::nvfp4>;

constexpr float inf = std::numeric_limits<float>::infinity();
constexpr float nan = std::numeric_limits<float>::quiet_NaN();
constexpr float fmax = std::numeric_limits<float>::max();
constexpr float fmin = std::numeric_limits<float>::min();
constexpr float tiny = std::numeric_limits<float>::denorm_min();

// Empty when quantize_blocks on `which` writes exactly the reference's bytes
// into out[offset, offset + raw_bytes) and nothing else.
template <class BF>
std::string mismatch(lowp::isa which, std::span<const float> x, std::size_t rows, std::size_t cols,
                     const lowp::quantize_options& opt, std::size_t out_offset) {
  const std::size_t bytes = ref::raw_bytes<BF>(rows, cols, opt.pad);
  std::vector<std::uint8_t> expect(out_offset + bytes + 7, 0xA5), got = expect;
  ref::quantize<BF>(x, rows, cols, std::span<std::uint8_t>(expect.data() + out_offset, bytes), opt);
  lowp::quantize_blocks<BF>(x, rows, cols, std::span<std::uint8_t>(got.data() + out_offset, bytes), opt, which);
  for (std::size_t i = 0; i < expect.size(); ++i)
    if (expect[i] != got[i]) {
      const std::ptrdiff_t at = std::ptrdiff_t(i) - std::ptrdiff_t(out_offset) - std::ptrdiff_t(BF::tensor_header_bytes);
      const std::ptrdiff_t block = at >= 0 ? at / std::ptrdiff_t(BF::bytes_per_block) : -1;
      std::string values;
      if (block >= 0 && cols % BF::block_size == 0 && std::size_t(block + 1) * BF::block_size <= x.size())
        for (std::size_t j = 0; j < BF::block_size; ++j)
          values += " " + lowp_test::hex(lowp_test::to_bits(x[std::size_t(block) * BF::block_size + j]));
      return std::string(BF::name) + " isa " + std::string(lowp::name(which)) + " " + std::to_string(rows) + "x" +
             std::to_string(cols) + " offset " + std::to_string(out_offset) + ": byte " +
             std::to_string(std::ptrdiff_t(i) - std::ptrdiff_t(out_offset)) + " expected " +
             lowp_test::hex(expect[i], 2) + " got " + lowp_test::hex(got[i], 2) + " (block " +
             std::to_string(block) + ":" + values + ")";
    }
  return {};
}

// Checks x (rows x cols) on every ISA, from an aligned and a misaligned copy,
// into an aligned and a misaligned output.
template <class BF>
void check(std::span<const float> x, std::size_t rows, std::size_t cols, const lowp::quantize_options& opt = {}) {
  std::vector<float> shifted(x.size() + 1);
  std::copy(x.begin(), x.end(), shifted.begin() + 1);
  const std::span<const float> misaligned(shifted.data() + 1, x.size());
  for (lowp::isa which : lowp_test::tested_isas()) {
    CHECK(mismatch<BF>(which, x, rows, cols, opt, 0) == "");
    CHECK(mismatch<BF>(which, misaligned, rows, cols, opt, 1) == "");
  }
}

std::vector<float> gaussian(std::size_t n, std::uint64_t seed, float sigma = 1.0f) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> d(0.0f, sigma);
  std::vector<float> x(n);
  for (auto& v : x) v = d(rng);
  return x;
}

// Heavy tails (a Gaussian divided by a uniform), and per block a random
// binary exponent over most of float32's range, so that shared exponents
// reach E8M0's clamps at both ends.
std::vector<float> heavy_tailed(std::size_t n, std::size_t block, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> g;
  std::uniform_real_distribution<float> u(0.001f, 1.0f);
  std::uniform_int_distribution<int> e(-160, 127);
  std::vector<float> x(n);
  int exp = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (i % block == 0) exp = e(rng);
    const float v = g(rng) / u(rng);
    x[i] = std::ldexp(v, exp);
    if (std::isinf(x[i])) x[i] = std::copysign(fmax, v);
  }
  return x;
}

// Blocks of special values, one kind per block, in blocks of `block` values.
std::vector<float> special_blocks(std::size_t block, std::uint64_t seed) {
  const auto g = gaussian(64 * block, seed);
  std::vector<float> x;
  const auto add = [&](auto f) {
    const std::size_t b = x.size() / block;
    for (std::size_t j = 0; j < block; ++j) x.push_back(f(j, g[(b * block + j) % g.size()]));
  };
  add([](std::size_t, float) { return 0.0f; });
  add([](std::size_t, float) { return -0.0f; });
  add([](std::size_t j, float v) { return j == 3 ? nan : v; });
  add([](std::size_t j, float v) { return j == 0 ? -nan : v; });
  add([](std::size_t j, float v) { return j == 5 ? inf : v; });
  add([&](std::size_t j, float v) { return j + 1 == block ? -inf : v; });
  add([](std::size_t j, float v) { return j == 1 ? nan : (j == 2 ? inf : v * 1e30f); });
  add([](std::size_t, float) { return nan; });
  add([](std::size_t j, float v) { return j == 7 ? 0.0f : v * 1e-40f; });       // subnormals
  add([](std::size_t j, float) { return j % 2 ? tiny : -tiny; });               // least subnormal
  add([](std::size_t j, float v) { return j == 2 ? fmin : v * 1e-39f; });      // least normal and subnormals
  add([](std::size_t j, float v) { return j == 4 ? fmax : v; });                // largest finite
  add([](std::size_t j, float v) { return j == 4 ? -fmax : v * 1e38f; });
  add([](std::size_t j, float v) { return j == 0 ? 1e38f : v * 1e-30f; });      // elements far below the max
  add([](std::size_t j, float v) { return j == 9 ? 3.0f : (j % 3 ? -3.0f : v); });  // tied maxima of both signs
  add([](std::size_t j, float) { return j % 4 == 0 ? -0.0f : 0.0f; });
  add([](std::size_t j, float v) { return j == 6 ? 0.0f : std::fabs(v); });
  add([](std::size_t j, float v) { return j == 6 ? 1.0f : -std::fabs(v) * 0.1f; });
  for (float m : {1.5f, 1.5000001f, 1.4999999f, 1.75f, 1.7500001f, 1.7499999f, 1.9999999f, 1.0f})  // noclip boundaries
    for (int e : {-130, -127, -126, -125, -1, 0, 1, 125, 126, 127})
      add([&](std::size_t j, float v) { return j == 1 ? std::ldexp(m, e) : std::ldexp(v * 0.25f, e); });
  return x;
}

// The non-negative element values of BF (ggml: integers and halves), the
// midpoints between neighbours and the floats next to each midpoint.
template <class BF>
std::vector<float> grid_points() {
  using E = lowp::block_element<typename BF::element_type>;
  std::vector<double> grid;
  if constexpr (!lowp::is_ggml_rule_v<typename BF::scale_rule>) {
    for (std::uint32_t c = 0; c < 256; ++c) {
      const float v = E::decode(c);
      if (std::isfinite(v) && v >= 0) grid.push_back(v);
    }
  } else {
    for (int c = -16; c <= 32; ++c) grid.push_back(c * 0.5);
  }
  std::sort(grid.begin(), grid.end());
  grid.erase(std::unique(grid.begin(), grid.end()), grid.end());
  std::vector<float> points;
  for (std::size_t i = 0; i < grid.size(); ++i) {
    points.push_back(float(grid[i]));
    if (i + 1 == grid.size()) break;
    const float mid = float((grid[i] + grid[i + 1]) / 2);
    points.push_back(mid);
    points.push_back(std::nextafter(mid, -inf));
    points.push_back(std::nextafter(mid, inf));
  }
  points.push_back(std::nextafter(float(grid.back()), inf));
  points.push_back(float(grid.back()) * 1.2f);
  return points;
}

// Blocks of grid_points whose maximum fixes a power-of-two scale 2^k.
template <class BF>
std::vector<float> midpoint_blocks() {
  constexpr std::size_t B = BF::block_size;
  const auto points = grid_points<BF>();
  float top = 0.0f;
  for (float p : points) top = std::max(top, p);
  if constexpr (!lowp::is_ggml_rule_v<typename BF::scale_rule>)
    top = lowp::block_element<typename BF::element_type>::max_value;
  std::vector<float> x;
  for (int k : {-140, -127, -126, -20, -1, 0, 3, 100, 120}) {
    for (std::size_t p = 0; p < points.size(); p += B - 1) {
      x.push_back(std::ldexp(top, k));  // the block maximum
      for (std::size_t j = 1; j < B; ++j) {
        const float v = points[(p + j) % points.size()];
        x.push_back(std::ldexp((j % 2 ? v : -v), k));
      }
    }
  }
  return x;
}

// NVFP4 block scales at, and next to, the midpoints of the float8_ue4m3 grid
// (target = amax / 6 with a tensor scale of 1), saturating and underflowing.
std::vector<float> nvfp4_scale_blocks(std::uint64_t seed) {
  using S = lowp::float8_ue4m3;
  const auto g = gaussian(16 * 1024, seed, 0.2f);
  std::vector<float> amaxes;
  for (std::uint32_t c = 0; c < 0x7E; ++c) {
    const double mid = (double(ref::decode<S::desc>(c)) + double(ref::decode<S::desc>(c + 1))) / 2;
    const float a = float(6.0 * mid);
    for (float v : {a, std::nextafter(a, 0.0f), std::nextafter(a, inf), std::nextafter(std::nextafter(a, inf), inf),
                    float(6.0 * double(ref::decode<S::desc>(c + 1)))})
      amaxes.push_back(v);
  }
  for (float v : {6.0f * 464.0f, 6.0f * 470.0f, 6.0f * 1000.0f, 1e30f, 6.0f * 0x1p-10f, 6.0f * 0x1p-11f, 1e-20f,
                  tiny, fmin})
    amaxes.push_back(v);
  std::vector<float> x;
  for (std::size_t b = 0; b < amaxes.size(); ++b) {
    x.push_back(amaxes[b]);
    for (std::size_t j = 1; j < 16; ++j) x.push_back(g[(b * 16 + j) % g.size()] * amaxes[b]);
  }
  return x;
}

std::string error_of(auto&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

template <class BF>
void check_tensors(std::uint64_t seed) {
  lowp_test::warn_untested_isas();
  constexpr std::size_t B = BF::block_size;
  struct shape {
    std::size_t rows, cols;
    lowp::padding pad;
  };
  const shape shapes[] = {{1, B, lowp::padding::none},       {3, 5 * B, lowp::padding::none},
                          {7, 64 * B, lowp::padding::none},  {4, 7 * B + 5, lowp::padding::zero},
                          {5, 3, lowp::padding::zero},       {2, B, lowp::padding::zero},
                          {0, B, lowp::padding::none},       {6, 0, lowp::padding::none},
                          {2, 2 * B - 1, lowp::padding::zero}};
  for (const shape& s : shapes) {
    INFO(s.rows << " x " << s.cols);
    lowp::quantize_options opt;
    opt.pad = s.pad;
    const std::size_t n = s.rows * s.cols;
    check<BF>(gaussian(n, seed), s.rows, s.cols, opt);
    check<BF>(heavy_tailed(n, B, seed + 1), s.rows, s.cols, opt);
    check<BF>(lowp_block_test::varied_tensor(s.rows, s.cols, seed + 2), s.rows, s.cols, opt);
  }
  // Special, midpoint and scale-grid blocks as one row and as rows of 2 blocks,
  // and with a padded tail that cuts the last block.
  std::vector<float> x = special_blocks(B, seed);
  const auto mids = midpoint_blocks<BF>();
  x.insert(x.end(), mids.begin(), mids.end());
  if constexpr (std::is_same_v<BF, lowp::nvfp4>) {
    const auto s = nvfp4_scale_blocks(seed);
    x.insert(x.end(), s.begin(), s.end());
  }
  x.resize(x.size() / (2 * B) * (2 * B));
  check<BF>(x, 1, x.size());
  check<BF>(x, x.size() / (2 * B), 2 * B);
  lowp::quantize_options padded;
  padded.pad = lowp::padding::zero;
  const std::size_t padded_rows = x.size() / (4 * B);
  check<BF>(std::span<const float>(x).first(padded_rows * (4 * B - 6)), padded_rows, 4 * B - 6, padded);
  if constexpr (std::is_same_v<BF, lowp::nvfp4>) {
    // Explicit tensor scales, a subnormal one included.
    for (float ts : {1.0f, 0.3f, 1.0f / 3.0f, 1e-40f, fmin, 1e30f, 4.5e-3f}) {
      INFO("tensor_scale " << ts);
      lowp::quantize_options o;
      o.tensor_scale = ts;
      check<BF>(x, x.size() / (2 * B), 2 * B, o);
    }
    // Tensors whose amax makes the tensor scale a power of two, so NVFP4's
    // element midpoints times the block scale are floats.
    std::vector<float> points;
    for (float p : grid_points<BF>())
      if (p <= 6.0f) points.push_back(p);  // keeps the tensor amax at 6 * 448 * 2^j
    for (int j : {-126, -60, 0, 5, 100}) {
      std::vector<float> t;
      for (std::uint32_t c = 1; c < 0x7F; ++c) {
        const double s = ref::decode<lowp::float8_ue4m3::desc>(c);
        for (std::size_t p = 0; p < points.size(); p += 15) {
          t.push_back(float(std::ldexp(6.0 * s, j)));  // block maximum: block scale code c
          for (std::size_t i = 1; i < 16; ++i) {
            const double m = points[(p + i) % points.size()];
            t.push_back(float(std::ldexp(m * s, j)) * (i % 2 ? 1.0f : -1.0f));
          }
        }
      }
      t.push_back(float(std::ldexp(2688.0, j)));  // the tensor amax: tensor scale 2^j
      t.resize(t.size() / 16 * 16 + 16, 0.0f);
      INFO("tensor scale 2^" << j);
      check<BF>(t, t.size() / 16, 16);
    }
  }
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("quantize_blocks matches reference::quantize byte for byte on every ISA",
                        "[kernels][block_kernels][block_quantize]", kernel_formats) {
  check_tensors<TestType>(0x9e37 + TestType::bytes_per_block);
}

namespace {
constexpr float lowp_qnan = std::numeric_limits<float>::quiet_NaN();
constexpr float lowp_inf = std::numeric_limits<float>::infinity();
}  // namespace

// The SIMD kernels find a block's maximum and its Inf/NaN lanes across 4, 8
// or 16 lanes: put each special value, and the block maximum, at every
// position of a block, between ordinary blocks.
TEMPLATE_LIST_TEST_CASE("quantize_blocks: Inf, NaN and the block maximum at every position",
                        "[kernels][block_kernels][block_quantize]", kernel_formats) {
  using BF = TestType;
  constexpr std::size_t B = BF::block_size;
  const auto g = gaussian(B, 17);
  std::vector<float> x;
  const auto add = [&](auto f) {
    for (std::size_t j = 0; j < B; ++j) x.push_back(f(j, g[j]));
    for (std::size_t j = 0; j < B; ++j) x.push_back(g[(j + 5) % B] * 0.5f);  // an ordinary block after it
  };
  for (std::size_t p = 0; p < B; ++p) {
    add([&](std::size_t j, float v) { return j == p ? lowp_qnan : v; });
    add([&](std::size_t j, float v) { return j == p ? -lowp_qnan : v; });
    add([&](std::size_t j, float v) { return j == p ? lowp_inf : v; });
    add([&](std::size_t j, float v) { return j == p ? -lowp_inf : v; });
    // the maximum at p, tied by later elements of the other sign (ggml q4_0 keeps the first)
    add([&](std::size_t j, float v) { return j == p ? -7.0f : (j > p && j % 3 == 0 ? 7.0f : v); });
    add([&](std::size_t j, float v) { return j == p ? 7.0f : (j > p && j % 2 == 0 ? -7.0f : v); });
    // tiny blocks (ggml q8_0: subnormal scale) with the maximum at p
    add([&](std::size_t j, float v) { return j == p ? 3e-38f : v * 1e-39f; });
  }
  check<BF>(x, 1, x.size());
  check<BF>(x, x.size() / (2 * B), 2 * B);
  // the same blocks in rows whose last block is padded
  lowp::quantize_options padded;
  padded.pad = lowp::padding::zero;
  check<BF>(std::span<const float>(x).first(x.size() / (4 * B) * (4 * B - 3)), x.size() / (4 * B), 4 * B - 3,
            padded);
}

// ggml_mxfp4: elements at, and next to, the midpoints of ggml's kvalue grid
// (0.5 ... 10 times d = 2^(e - 128)) and at the kvalues, for shared
// exponents e = 0 (subnormal d) to 252; block maxima at and just below powers
// of two, where log2f rounds up.
TEST_CASE("quantize_blocks: ggml_mxfp4 kvalue midpoints and log2f rounding",
          "[kernels][block_kernels][block_quantize]") {
  std::vector<float> x;
  for (int exp_field : {1, 2, 3, 4, 60, 127, 130, 200, 254}) {
    const float amax = std::ldexp(1.5f, exp_field - 127);
    const float d = std::ldexp(1.0f, std::max(exp_field - 2, 0) - 128);
    std::vector<float> vals = {0.0f};
    for (float m : {0.5f, 1.0f, 1.5f, 2.0f, 2.5f, 3.0f, 3.5f, 4.0f, 5.0f, 6.0f, 7.0f, 8.0f, 10.0f, 12.0f}) {
      const float v = m * d;
      for (float w : {v, std::nextafter(v, 0.0f), std::nextafter(v, lowp_inf)})
        if (w <= amax) vals.push_back(w);
    }
    for (std::size_t p = 0; p < vals.size(); p += 31) {
      x.push_back(amax);
      for (std::size_t j = 1; j < 32; ++j) x.push_back(vals[(p + j) % vals.size()] * (j % 3 ? 1.0f : -1.0f));
    }
  }
  for (std::uint32_t exp_field : {1U, 2U, 3U, 4U, 100U, 126U, 127U, 128U, 130U, 254U})
    for (std::uint32_t mant : {0x7FFBFFU, 0x7FFC00U, 0x7FFFE0U, 0x7FFFFFU, 0U, 0x400000U}) {
      const float amax = std::bit_cast<float>(exp_field << 23 | mant);
      for (std::size_t j = 0; j < 32; ++j) x.push_back(j == 9 ? -amax : amax * float(j) / 40.0f);
    }
  check<lowp::ggml_mxfp4>(x, x.size() / 32, 32);
  check<lowp::ggml_mxfp4>(x, 1, x.size());
}

// NVFP4's tensor amax pass runs over the whole tensor, whatever the rows:
// its vector loops end at multiples of 4 and 16 lanes and leave a scalar
// tail. The tensor maximum (and Inf/NaN, which it skips) at each of the last
// positions, for every length up to 3 * 32 + 15.
TEST_CASE("quantize_blocks: NVFP4 tensor amax at every tail position", "[kernels][block_kernels][block_quantize]") {
  lowp::quantize_options padded;
  padded.pad = lowp::padding::zero;
  for (std::size_t n = 1; n <= 111; ++n) {
    INFO("n = " << n);
    for (std::size_t back = 0; back < std::min<std::size_t>(n, 18); ++back) {
      auto x = gaussian(n, n * 131 + back);
      x[n - 1 - back] = back % 2 ? 40.0f : -40.0f;
      check<lowp::nvfp4>(x, 1, n, padded);
      if (n >= 3) {
        x[back == 0 ? 0 : n - 1] = back % 3 ? lowp_inf : lowp_qnan;  // larger than the maximum, and not counted
        check<lowp::nvfp4>(x, 1, n, padded);
      }
    }
  }
}

TEMPLATE_LIST_TEST_CASE("quantize_blocks of formats without a kernel is the reference",
                        "[kernels][block_kernels][block_quantize]", other_formats) {
  check_tensors<TestType>(91);
}

TEMPLATE_LIST_TEST_CASE("quantize_blocks with non-default rounding is the reference",
                        "[kernels][block_kernels][block_quantize]", rounding_formats) {
  using BF = TestType;
  const auto x = gaussian(8 * 64, 5);
  lowp::quantize_options opt;
  opt.round = lowp::rounding::stochastic;
  opt.seed = 42;
  check<BF>(x, 8, 64, opt);
  opt.round = lowp::rounding::toward_zero;
  opt.on_overflow = lowp::overflow::saturate_all;
  check<BF>(x, 8, 64, opt);
}

TEMPLATE_LIST_TEST_CASE("quantize_blocks reports the reference's errors", "[kernels][block_kernels][block_quantize]",
                        kernel_formats) {
  using BF = TestType;
  constexpr std::size_t B = BF::block_size;
  std::vector<std::uint8_t> raw(ref::raw_bytes<BF>(2, 2 * B));
  const std::vector<float> x(4 * B, 1.0f);
  const auto both = [&](std::span<const float> xs, std::size_t rows, std::size_t cols, std::span<std::uint8_t> out,
                        const lowp::quantize_options& opt) {
    const std::string expect = error_of([&] { ref::quantize<BF>(xs, rows, cols, out, opt); });
    const std::string got = error_of([&] { lowp::quantize_blocks<BF>(xs, rows, cols, out, opt); });
    CHECK(expect != "(no error)");
    CHECK(got == expect);
  };
  const lowp::quantize_options def;
  both(x, 2, 2 * B, std::span(raw).first(raw.size() - 1), def);                 // out too short
  std::vector<std::uint8_t> longer(raw.size() + 1);
  both(x, 2, 2 * B, longer, def);                                                // out too long
  both(std::span(x).first(4 * B - 1), 2, 2 * B, raw, def);                     // x too short
  both(x, 2, 2 * B - 1, raw, def);                                              // K not a multiple, no padding
  both(x, std::size_t(1) << 40, std::size_t(1) << 40, raw, def);               // rows x cols overflows
  lowp::quantize_options neg;
  neg.tensor_scale = -1.0f;
  both(x, 2, 2 * B, raw, neg);
  CHECK_THROWS_WITH(lowp::quantize_blocks<BF>(x, 2, 2 * B - 1), Catch::Contains("padding::zero"));
}

TEST_CASE("quantize_blocks refuses an ISA this program cannot run", "[kernels][block_kernels][block_quantize]") {
  for (lowp::isa i : lowp::all_isas) {
    if (lowp::isa_available(i)) continue;
    const std::vector<float> x(32, 1.0f);
    CHECK_THROWS_WITH(lowp::quantize_blocks<lowp::mxfp4>(x, 1, 32, lowp::padding::none, i),
                      Catch::Contains(std::string(lowp::name(i))));
  }
}

TEST_CASE("quantize_blocks of ggml's conformance input equals ggml's blocks on every ISA",
          "[kernels][block_kernels][block_quantize]") {
  const std::string dir = std::string(LOWP_CONFORMANCE_DIR) + "/ggml/";
  const std::size_t rows = 64, cols = 256;
  const auto x = lowp_block_test::read_f32(dir + "input_f32.bin");
  REQUIRE(x.size() == rows * cols);
  const auto check_format = [&]<class BF>(const std::string& stem, lowp::type_tag<BF>) {
    const auto expect = lowp_block_test::read_bytes(dir + stem + ".blocks");
    REQUIRE(expect.size() == ref::raw_bytes<BF>(rows, cols));
    for (lowp::isa which : lowp_test::tested_isas()) {
      INFO(stem << " isa " << lowp::name(which));
      const auto got = lowp::quantize_blocks<BF>(x, rows, cols, lowp::padding::none, which);
      CHECK(got == expect);
    }
  };
  check_format("q4_0", lowp::type_tag<lowp::ggml_q4_0>{});
  check_format("q4_1", lowp::type_tag<lowp::ggml_q4_1>{});
  check_format("q8_0", lowp::type_tag<lowp::ggml_q8_0>{});
  check_format("mxfp4", lowp::type_tag<lowp::ggml_mxfp4>{});
}
