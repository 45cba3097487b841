// int4_g128 (scaling::symmetric): the scale rule d = fp16(amax / 7), elements
// round(x / d) clamped to [-8, 7], the LSB-first nibble layout, special blocks.

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <vector>

#include <catch2/catch.hpp>

#include <lowp/reference/convert.hpp>
#include <lowp/block/formats.hpp>
#include <lowp/format/formats.hpp>
#include <lowp/reference/block.hpp>

namespace {

using BF = lowp::int4_g128;

std::vector<std::uint8_t> quantize_one(const std::vector<float>& x, const lowp::quantize_options& opt = {}) {
  return lowp::reference::quantize<BF>(x, 1, x.size(), opt);
}

float scale_of(const std::vector<std::uint8_t>& raw) {
  return lowp::reference::decode<lowp::float16::desc>(std::uint32_t(raw[0] | (raw[1] << 8)));
}

int element(const std::vector<std::uint8_t>& raw, std::size_t j) {
  const unsigned c = (j % 2 == 0 ? raw[2 + j / 2] : raw[2 + j / 2] >> 4) & 15u;
  return c >= 8 ? int(c) - 16 : int(c);
}

}  // namespace

TEST_CASE("int4_g128: traits and name", "[block][int_group]") {
  STATIC_REQUIRE(BF::block_size == 128);
  STATIC_REQUIRE(BF::bytes_per_block == 66);
  CHECK(std::string(BF::name) == "int4_g128");
  CHECK(BF::bits_per_element == 4.125);
  CHECK(std::string(lowp::int_group<8, 32>::name) == "int8_g32");
}

TEST_CASE("int4_g128: d = fp16(amax / 7), q = round(x / d), values q * d", "[block][int_group]") {
  std::mt19937 g(3);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<float> x(128);
    for (float& v : x) v = nd(g) * std::ldexp(1.0f, trial % 20 - 10);
    const auto raw = quantize_one(x);
    float amax = 0;
    for (float v : x) amax = std::max(amax, std::fabs(v));
    // The scale: amax / 7 rounded once (double quotient, then nearest float16).
    const double target = double(amax) / 7.0;
    const float d = scale_of(raw);
    const double ulp = std::ldexp(1.0, int(std::floor(std::log2(target))) - 10);
    REQUIRE(std::fabs(double(d) - target) <= ulp / 2);
    const std::vector<float> y = lowp::reference::dequantize<BF>(raw, 1, 128);
    for (std::size_t j = 0; j < 128; ++j) {
      const int q = element(raw, j);
      REQUIRE(q >= -8);
      REQUIRE(q <= 7);
      REQUIRE(y[j] == float(q) * d);
      // Nearest: within half a step (the block maximum may sit at 7 * d).
      REQUIRE(std::fabs(double(x[j]) - double(y[j])) <= 0.5 * double(d) * (1 + 1e-6) + std::fabs(double(amax) - 7.0 * d));
      const double t = double(x[j]) / double(d);
      if (std::fabs(t) < 7.0) REQUIRE(double(q) == std::nearbyint(t));
    }
  }
}

TEST_CASE("int4_g128: ties to even, clamping, stochastic rounding accepted", "[block][int_group]") {
  std::vector<float> x(128, 0.0f);
  x[0] = 7.0f;  // amax 7: d = 1
  x[1] = 2.5f;  // tie -> 2
  x[2] = -3.5f; // tie -> -4
  x[3] = -7.0f;
  const auto raw = quantize_one(x);
  CHECK(scale_of(raw) == 1.0f);
  CHECK(element(raw, 0) == 7);
  CHECK(element(raw, 1) == 2);
  CHECK(element(raw, 2) == -4);
  CHECK(element(raw, 3) == -7);
  CHECK(raw[2] == 0x27);  // element 0 low nibble, element 1 high nibble
  lowp::quantize_options opt;
  opt.round = lowp::rounding::stochastic;
  opt.seed = 1;
  const auto s = quantize_one(x, opt);
  CHECK(element(s, 1) >= 2);
  CHECK(element(s, 1) <= 3);
}

TEST_CASE("int4_g128: special blocks", "[block][int_group]") {
  SECTION("zeros: every byte 0") {
    const auto raw = quantize_one(std::vector<float>(128, 0.0f));
    for (auto b : raw) CHECK(b == 0);
  }
  SECTION("NaN or Inf: NaN scale 0x7E00, zero elements, dequantizes to NaN") {
    for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
      std::vector<float> x(128, 1.0f);
      x[5] = bad;
      const auto raw = quantize_one(x);
      CHECK(raw[0] == 0x00);
      CHECK(raw[1] == 0x7E);
      for (std::size_t i = 2; i < raw.size(); ++i) CHECK(raw[i] == 0);
      for (float v : lowp::reference::dequantize<BF>(raw, 1, 128)) CHECK(std::isnan(v));
    }
  }
  SECTION("tiny: the scale clamps at the least float16 subnormal") {
    std::vector<float> x(128, 0.0f);
    x[0] = 1e-30f;
    const auto raw = quantize_one(x);
    CHECK(raw[0] == 0x01);
    CHECK(raw[1] == 0x00);
    CHECK(element(raw, 0) == 0);
  }
  SECTION("huge: the scale saturates at 65504, elements at 7") {
    std::vector<float> x(128, 0.0f);
    x[0] = 1e30f;
    const auto raw = quantize_one(x);
    CHECK(scale_of(raw) == 65504.0f);
    CHECK(element(raw, 0) == 7);
  }
}
