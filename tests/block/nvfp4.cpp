#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <vector>

#include <lowp/block/nvfp4.hpp>
#include <lowp/reference/block.hpp>

#include "block_test_data.hpp"

namespace {
namespace ref = lowp::reference;
using lowp::nvfp4;

float ue4m3(std::uint8_t code) { return static_cast<float>(lowp::float8_ue4m3::from_bits(code)); }
}  // namespace

TEST_CASE("nvfp4 traits", "[block][nvfp4]") {
  STATIC_REQUIRE(nvfp4::block_size == 16);
  STATIC_REQUIRE(nvfp4::bytes_per_block == 9);
  STATIC_REQUIRE(nvfp4::tensor_header_bytes == 4);
  STATIC_REQUIRE(nvfp4::bits_per_element == 4.5);
  REQUIRE(std::string(nvfp4::name) == "nvfp4");
}

TEST_CASE("nvfp4 tensor scale is amax / (448 * 6)", "[block][nvfp4]") {
  std::vector<float> x(32, 0.5f);
  x[3] = -2688.0f;
  REQUIRE(ref::tensor_scale<nvfp4>(x) == 1.0f);
  x[4] = std::numeric_limits<float>::quiet_NaN();  // non-finite values do not count
  x[5] = std::numeric_limits<float>::infinity();
  REQUIRE(ref::tensor_scale<nvfp4>(x) == 1.0f);
  x[3] = 26.88f;
  REQUIRE(ref::tensor_scale<nvfp4>(x) == 26.88f / 2688.0f);
  std::vector<float> zeros(16, 0.0f);
  REQUIRE(ref::tensor_scale<nvfp4>(zeros) == 1.0f);  // no finite nonzero value
  std::vector<float> tiny(16, 1e-42f);
  REQUIRE(ref::tensor_scale<nvfp4>(tiny) == std::numeric_limits<float>::min());
}

TEST_CASE("nvfp4 hand-computed blocks and raw layout", "[block][nvfp4]") {
  std::vector<float> x(32, 0.0f);
  x[0] = 2688.0f;   // tensor amax: tensor scale 1
  x[1] = -448.0f;
  x[16] = 1.0f;     // block 1 amax 1
  x[17] = 0.1f;
  const auto raw = ref::quantize<nvfp4>(x, 1, 32);
  REQUIRE(raw.size() == 4 + 2 * 9);
  REQUIRE(lowp_block_test::bits(ref::stored_tensor_scale<nvfp4>(raw)) == lowp_block_test::bits(1.0f));
  REQUIRE(raw[0] == 0x00);
  REQUIRE(raw[3] == 0x3F);  // 1.0f little-endian: 00 00 80 3F
  // block 0: scale 2688 / 6 = 448 = code 0x7E; elements 6 (0x7) and -1 (0xA)
  REQUIRE(raw[4] == 0x7E);
  REQUIRE(raw[5] == (0x7 | (0xA << 4)));
  // block 1: scale RNE(1/6) in UE4M3 = 1.375 * 2^-3 = 0.171875, code 0x23;
  // 1 / 0.171875 = 5.82 -> 6; 0.1 / 0.171875 = 0.58 -> 0.5
  REQUIRE(raw[13] == 0x23);
  REQUIRE(ue4m3(0x23) == 0.171875f);
  REQUIRE(raw[14] == (0x7 | (0x1 << 4)));
  const auto y = ref::dequantize<nvfp4>(raw, 1, 32);
  CHECK(y[0] == 2688.0f);
  CHECK(y[1] == -448.0f);
  CHECK(y[16] == 6 * 0.171875f);
  CHECK(y[17] == 0.5f * 0.171875f);
  CHECK(y[18] == 0.0f);
}

TEST_CASE("nvfp4 special blocks", "[block][nvfp4]") {
  std::vector<float> x(48, 0.0f);
  x[0] = 100.0f;                                     // block 0: sets the tensor scale
  x[16 + 3] = std::numeric_limits<float>::quiet_NaN();  // block 1: NaN
  x[16 + 4] = 5.0f;
  x[32 + 1] = 1e-7f;                                 // block 2: far below the block scale's range
  std::vector<float> zero_block(16, 0.0f);
  const auto raw = ref::quantize<nvfp4>(x, 1, 48);
  const std::uint8_t* b1 = raw.data() + 4 + 9;
  const std::uint8_t* b2 = raw.data() + 4 + 18;
  REQUIRE(b1[0] == 0x7F);  // UE4M3 NaN
  REQUIRE(std::all_of(b1 + 1, b1 + 9, [](std::uint8_t v) { return v == 0; }));
  REQUIRE(b2[0] == 0x01);  // clamped to the least positive scale, 2^-9
  const auto y = ref::dequantize<nvfp4>(raw, 1, 48);
  REQUIRE(std::all_of(y.begin() + 16, y.begin() + 32, [](float v) { return std::isnan(v); }));
  REQUIRE(y[33] == 0.0f);

  // An all-zero block has scale code 0 and zero elements.
  std::vector<std::uint8_t> row(9, 0xAB);
  lowp::quantize_options opt;
  opt.tensor_scale = 1.0f;
  ref::quantize_row<nvfp4>(zero_block, row, opt);
  REQUIRE(std::all_of(row.begin(), row.end(), [](std::uint8_t v) { return v == 0; }));
  // A tensor of only zeros, Inf and NaN: tensor scale 1.
  std::vector<float> specials(16, std::numeric_limits<float>::infinity());
  REQUIRE(ref::stored_tensor_scale<nvfp4>(ref::quantize<nvfp4>(specials, 1, 16)) == 1.0f);
}

TEST_CASE("nvfp4 round trip within half an E2M1 step of the block scale", "[block][nvfp4]") {
  const std::size_t rows = 4, cols = 64;
  const auto x = lowp_block_test::varied_tensor(rows, cols, 5);
  const auto raw = ref::quantize<nvfp4>(x, rows, cols);
  const auto y = ref::dequantize<nvfp4>(raw, rows, cols);
  const float ts = ref::stored_tensor_scale<nvfp4>(raw);
  REQUIRE(ts == ref::tensor_scale<nvfp4>(x));
  for (std::size_t b = 0; b < x.size() / 16; ++b) {
    const double S = double(ue4m3(raw[4 + 9 * b])) * ts;
    for (std::size_t j = 0; j < 16; ++j) {
      const std::size_t i = b * 16 + j;
      const double v = std::fabs(double(x[i])) / S;
      const double half_step = v < 2 ? 0.25 : (v < 4 ? 0.5 : 1.0);
      INFO("block " << b << " x " << x[i] << " y " << y[i] << " S " << S);
      const double tolerance = 0x1p-23 * std::fabs(double(y[i]));  // the final float rounding
      if (v > 6)
        REQUIRE(std::fabs(std::fabs(double(y[i])) - 6 * S) <= tolerance);
      else
        REQUIRE(std::fabs(double(y[i]) - double(x[i])) <= half_step * S + tolerance);
    }
  }
}

TEST_CASE("nvfp4 with a given tensor scale, and rows need one", "[block][nvfp4]") {
  std::vector<float> x(16, 3.0f);
  lowp::quantize_options opt;
  opt.tensor_scale = 0.5f;
  const auto raw = ref::quantize<nvfp4>(x, 1, 16, opt);
  REQUIRE(ref::stored_tensor_scale<nvfp4>(raw) == 0.5f);
  REQUIRE(ue4m3(raw[4]) == 1.0f);  // 3 / 6 / 0.5
  std::vector<std::uint8_t> row(9);
  REQUIRE_THROWS_WITH(ref::quantize_row<nvfp4>(x, row), Catch::Contains("tensor_scale"));
  opt.tensor_scale = -1.0f;
  REQUIRE_THROWS_WITH(ref::quantize<nvfp4>(x, 1, 16, opt), Catch::Contains("tensor_scale"));
}
