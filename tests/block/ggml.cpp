#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <lowp/block/formats.hpp>
#include <lowp/block/ggml.hpp>
#include <lowp/reference/block.hpp>

#include "block_test_data.hpp"

#ifndef LOWP_CONFORMANCE_DIR
#error "LOWP_CONFORMANCE_DIR must name the directory of the conformance vectors"
#endif

namespace {
namespace ref = lowp::reference;

template <class BF>
const char* ggml_file_stem() {
  if constexpr (std::is_same_v<BF, lowp::ggml_q4_0>) return "q4_0";
  else if constexpr (std::is_same_v<BF, lowp::ggml_q4_1>) return "q4_1";
  else if constexpr (std::is_same_v<BF, lowp::ggml_q8_0>) return "q8_0";
  else return "mxfp4";
}

const std::string dir = std::string(LOWP_CONFORMANCE_DIR) + "/ggml/";
constexpr float pinf = std::numeric_limits<float>::infinity();
constexpr float qnan = std::numeric_limits<float>::quiet_NaN();
}  // namespace

TEMPLATE_LIST_TEST_CASE("ggml conformance: quantization byte for byte, dequantization bit for bit", "[block][ggml]",
                        lowp::ggml_formats) {
  using BF = TestType;
  INFO(BF::name);
  const std::size_t rows = 64, cols = 256;
  const auto x = lowp_block_test::read_f32(dir + "input_f32.bin");
  REQUIRE(x.size() == rows * cols);
  const auto blocks = lowp_block_test::read_bytes(dir + ggml_file_stem<BF>() + ".blocks");
  const auto dequant = lowp_block_test::read_f32(dir + ggml_file_stem<BF>() + ".dequant_f32.bin");
  REQUIRE(blocks.size() == ref::raw_bytes<BF>(rows, cols));
  REQUIRE(dequant.size() == rows * cols);

  const auto raw = ref::quantize<BF>(x, rows, cols);
  std::size_t first_mismatch = raw.size();
  for (std::size_t i = 0; i < raw.size() && first_mismatch == raw.size(); ++i)
    if (raw[i] != blocks[i]) first_mismatch = i;
  INFO("first differing byte " << first_mismatch << " (block " << first_mismatch / BF::bytes_per_block << ")");
  REQUIRE(first_mismatch == raw.size());

  const auto y = ref::dequantize<BF>(blocks, rows, cols);
  std::size_t bit_mismatches = 0;
  for (std::size_t i = 0; i < y.size(); ++i) bit_mismatches += lowp_block_test::bits(y[i]) != lowp_block_test::bits(dequant[i]);
  REQUIRE(bit_mismatches == 0);
}

TEST_CASE("ggml_q4_0 hand-computed block", "[block][ggml]") {
  std::vector<float> x(32, 0.0f), y(32);
  x[0] = 1.0f;
  x[1] = -4.0f;   // largest magnitude, negative: d = -4 / -8 = 0.5, id = 2
  x[2] = 3.9f;    // 7.8 + 8.5 = 16.3 -> 16 -> clamped to 15
  x[16] = -1.1f;  // -2.2 + 8.5 = 6.3 -> 6
  x[17] = 4.0f;   // 8 + 8.5 = 16.5 -> 15
  std::vector<std::uint8_t> raw(18);
  ref::quantize_row<lowp::ggml_q4_0>(x, raw);
  REQUIRE(raw[0] == 0x00);
  REQUIRE(raw[1] == 0x38);  // fp16 0.5
  CHECK(raw[2] == (10 | (6 << 4)));  // byte 0: element 0 low, element 16 high
  CHECK(raw[3] == (0 | (15 << 4)));
  CHECK(raw[4] == (15 | (8 << 4)));
  CHECK(raw[5] == 0x88);  // zeros are code 8
  ref::dequantize_row<lowp::ggml_q4_0>(raw, y);
  CHECK(y[0] == 1.0f);
  CHECK(y[1] == -4.0f);
  CHECK(y[2] == 3.5f);
  CHECK(y[16] == -1.0f);
  CHECK(y[17] == 3.5f);  // +4 clips: q4_0 holds -8d .. 7d
}

TEST_CASE("ggml_q8_0 and ggml_q4_1 hand-computed blocks", "[block][ggml]") {
  std::vector<float> x(32, 0.0f), y(32);
  x[0] = 127.0f;  // d = 1
  x[1] = -2.5f;   // roundf: half away from zero -> -3
  x[2] = 0.5f;    // -> 1
  std::vector<std::uint8_t> raw(34);
  ref::quantize_row<lowp::ggml_q8_0>(x, raw);
  REQUIRE(raw[0] == 0x00);
  REQUIRE(raw[1] == 0x3C);  // fp16 1.0
  CHECK(raw[2] == 127);
  CHECK(raw[3] == std::uint8_t(-3));
  CHECK(raw[4] == 1);

  std::vector<float> z(32, 1.0f);
  z[5] = -0.5f;   // min: m = -0.5
  z[20] = 7.0f;   // max: d = 7.5 / 15 = 0.5
  std::vector<std::uint8_t> r41(20);
  ref::quantize_row<lowp::ggml_q4_1>(z, r41);
  CHECK(lowp::reference::detail::load_le16(&r41[0]) == 0x3800);  // d = 0.5
  CHECK(lowp::reference::detail::load_le16(&r41[2]) == 0xB800);  // m = -0.5
  CHECK((r41[4 + 5] & 0x0F) == 0);   // element 5: (−0.5 + 0.5) * 2 + 0.5 -> 0
  CHECK((r41[4 + 4] >> 4) == 15);    // element 20: 7.5 * 2 + 0.5 = 15.5 -> 15
  CHECK((r41[4 + 0] & 0x0F) == 3);   // element 0: 1.5 * 2 + 0.5 = 3.5 -> 3
  ref::dequantize_row<lowp::ggml_q4_1>(r41, y);
  CHECK(y[0] == 1.0f);
  CHECK(y[5] == -0.5f);
  CHECK(y[20] == 7.0f);
}

TEST_CASE("ggml blocks: all zeros", "[block][ggml]") {
  std::vector<float> x(32, 0.0f), y(32);
  std::vector<std::uint8_t> a(18), b(20), c(34), d(17);
  ref::quantize_row<lowp::ggml_q4_0>(x, a);
  ref::quantize_row<lowp::ggml_q4_1>(x, b);
  ref::quantize_row<lowp::ggml_q8_0>(x, c);
  ref::quantize_row<lowp::ggml_mxfp4>(x, d);
  CHECK(std::vector<std::uint8_t>(a.begin() + 2, a.end()) == std::vector<std::uint8_t>(16, 0x88));
  CHECK((a[0] == 0 && a[1] == 0x80));  // d = 0 / -8 = -0
  CHECK(std::all_of(b.begin(), b.end(), [](std::uint8_t v) { return v == 0; }));
  CHECK(std::all_of(c.begin(), c.end(), [](std::uint8_t v) { return v == 0; }));
  CHECK(std::all_of(d.begin(), d.end(), [](std::uint8_t v) { return v == 0; }));
  ref::dequantize_row<lowp::ggml_q4_0>(a, y);
  CHECK(std::all_of(y.begin(), y.end(), [](float v) { return v == 0; }));
}

TEST_CASE("ggml blocks: NaN and Inf follow ggml's arithmetic; lowp defines what C leaves undefined",
          "[block][ggml]") {
  std::vector<float> x(32, 1.0f), y(32);
  std::vector<std::uint8_t> c(34), a(18), d(17);

  SECTION("q8_0: ggml's MAX skips a NaN unless it is last; NaN * id converts to 0") {
    x[3] = qnan;
    ref::quantize_row<lowp::ggml_q8_0>(x, c);
    CHECK(ref::detail::load_le16(c.data()) == ref::detail::ggml_fp16(1.0f / 127.0f));
    CHECK(c[2 + 3] == 0);
    CHECK(c[2 + 0] == 127);
    x[31] = qnan;
    ref::quantize_row<lowp::ggml_q8_0>(x, c);
    CHECK(ref::detail::load_le16(c.data()) == 0x7E00);  // d = NaN
    CHECK(std::all_of(c.begin() + 2, c.end(), [](std::uint8_t v) { return v == 0; }));
    ref::dequantize_row<lowp::ggml_q8_0>(c, y);
    CHECK(std::all_of(y.begin(), y.end(), [](float v) { return std::isnan(v); }));
  }
  SECTION("q8_0 with Inf: d = Inf, id = 0, so the block dequantizes to NaN") {
    x[7] = -pinf;
    ref::quantize_row<lowp::ggml_q8_0>(x, c);
    CHECK(ref::detail::load_le16(c.data()) == 0x7C00);
    CHECK(std::all_of(c.begin() + 2, c.end(), [](std::uint8_t v) { return v == 0; }));
    ref::dequantize_row<lowp::ggml_q8_0>(c, y);
    CHECK(std::all_of(y.begin(), y.end(), [](float v) { return std::isnan(v); }));
  }
  SECTION("q4_0 with Inf: d = -Inf; finite elements get code 8, the Inf code 0") {
    x[7] = pinf;
    ref::quantize_row<lowp::ggml_q4_0>(x, a);
    CHECK(ref::detail::load_le16(a.data()) == 0xFC00);
    CHECK(a[2 + 7] == 0x80);  // element 7 code 0 (NaN -> 0), element 23 code 8
    CHECK(a[2 + 0] == 0x88);
  }
  SECTION("mxfp4 with Inf: e = 255 (the C conversion of +Inf, clamped)") {
    x[0] = pinf;
    ref::quantize_row<lowp::ggml_mxfp4>(x, d);
    CHECK(d[0] == 0xFF);
    CHECK(std::all_of(d.begin() + 1, d.end(), [](std::uint8_t v) { return v == 0; }));
    ref::dequantize_row<lowp::ggml_mxfp4>(d, y);
    CHECK(std::all_of(y.begin(), y.end(), [](float v) { return v == 0; }));  // ggml: e = 255 is 2^127, not NaN
  }
  SECTION("mxfp4 with subnormal inputs: e clamps at 0") {
    std::fill(x.begin(), x.end(), 0x1p-140f);
    ref::quantize_row<lowp::ggml_mxfp4>(x, d);
    CHECK(d[0] == 0);  // floor(log2) - 2 + 127 = -15, clamped
    ref::dequantize_row<lowp::ggml_mxfp4>(d, y);
    CHECK(y[0] == 0.0f);  // 2^-140 is nearer 0 than 0.5 * 2^-127
  }
}

TEST_CASE("ggml_mxfp4 differs from OCP mxfp4 where the text of the rules differs", "[block][ggml][mx]") {
  std::vector<float> x(32, 0.0f), y(32);
  std::vector<std::uint8_t> g(17), o(17);

  // Ties: ggml keeps the first nearest code (smaller magnitude); OCP rounds to even.
  x[0] = 4.0f;   // X = 1 in both
  x[1] = 0.75f;  // ggml 0.5, OCP 1.0
  x[2] = 1.75f;  // ggml 1.5, OCP 2.0
  x[3] = 5.0f;   // both 4
  ref::quantize_row<lowp::ggml_mxfp4>(x, g);
  ref::quantize_row<lowp::mxfp4>(x, o);
  REQUIRE(g[0] == o[0]);
  ref::dequantize_row<lowp::ggml_mxfp4>(g, y);
  CHECK(y[1] == 0.5f);
  CHECK(y[2] == 1.5f);
  CHECK(y[3] == 4.0f);
  ref::dequantize_row<lowp::mxfp4>(o, y);
  CHECK(y[1] == 1.0f);
  CHECK(y[2] == 2.0f);
  CHECK(y[3] == 4.0f);

  // ggml takes floorf(log2f(amax)): log2f rounds up to 3 just below 8.
  std::fill(x.begin(), x.end(), 0.0f);
  x[0] = std::nextafter(8.0f, 0.0f);
  ref::quantize_row<lowp::ggml_mxfp4>(x, g);
  ref::quantize_row<lowp::mxfp4>(x, o);
  CHECK(g[0] == 128);
  CHECK(o[0] == 127);

  // A NaN block: OCP's scale is NaN; ggml never selects NaN as amax.
  x[5] = qnan;
  ref::quantize_row<lowp::ggml_mxfp4>(x, g);
  ref::quantize_row<lowp::mxfp4>(x, o);
  CHECK(g[0] == 128);
  CHECK(o[0] == 0xFF);
}

TEST_CASE("ggml's floorf(log2f(x)) is reproduced near every power of two", "[block][ggml]") {
  std::size_t differs_from_exact = 0;
  for (int e = -149; e <= 127; ++e) {
    const std::uint32_t top = lowp_block_test::bits(std::ldexp(1.0f, e + 1));
    for (std::uint32_t k = 1; k <= 48; ++k) {
      const float v = std::bit_cast<float>(top - k);
      if (!(v > 0)) break;
      INFO(std::hexfloat << v);
      REQUIRE(ref::detail::ggml_floor_log2f(v) == int(std::floor(std::log2(v))));
      differs_from_exact += ref::detail::ggml_floor_log2f(v) != ref::detail::floor_log2(v);
    }
  }
  CHECK(differs_from_exact > 1000);
}

TEST_CASE("ggml's floorf(log2f(x)) for every positive float", "[block][ggml][.exhaustive]") {
  std::size_t mismatches = 0;
  for (std::uint32_t c = 1; c < 0x7f800000U; ++c) {
    const float v = std::bit_cast<float>(c);
    mismatches += ref::detail::ggml_floor_log2f(v) != int(std::floor(std::log2(v)));
  }
  REQUIRE(mismatches == 0);
}
