#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <vector>

#include <lowp/block/bfp.hpp>
#include <lowp/block/formats.hpp>
#include <lowp/block/mx.hpp>
#include <lowp/reference/block.hpp>

#include "block_test_data.hpp"

namespace {

using lowp::block_element;
using lowp::padding;
using lowp::quantize_options;
namespace ref = lowp::reference;

using scaled_formats = decltype(std::tuple_cat(lowp::mx_formats{}, lowp::mx_noclip_formats{},
                                               std::tuple<lowp::bfp<4, 16>, lowp::bfp<2, 8>, lowp::bfp<6, 256>,
                                                          lowp::bfp<3, 64, lowp::scaling::no_clip>>{}));

// Half the gap between neighbouring element values around |v| (v unscaled).
template <class Elem>
double half_gap(double v) {
  if constexpr (lowp::is_minifloat_v<Elem>) {
    constexpr auto d = Elem::desc;
    const int e = v == 0 ? d.emin() : std::max(std::ilogb(v), d.emin());
    return std::ldexp(1.0, e - d.mantissa_bits - 1);
  } else {
    return std::ldexp(1.0, -block_element<Elem>::fraction_bits - 1);
  }
}

// The most negative element value: -max for minifloats, -2 for fixed point.
template <class Elem>
double lowest() {
  if constexpr (lowp::is_minifloat_v<Elem>) return -block_element<Elem>::max_value;
  else return double(Elem::min_value) / double(1 << block_element<Elem>::fraction_bits);
}

// The shared exponent computed independently of the library: floor(log2)
// from frexp, then the rule.
template <class BF>
int expected_shared_exp(float amax) {
  using E = block_element<typename BF::element_type>;
  if (amax == 0) return -127;
  int e2;
  std::frexp(double(amax), &e2);  // amax = f * 2^e2, f in [0.5, 1)
  int k = e2 - 1 - E::emax;
  if constexpr (std::is_same_v<typename BF::scale_rule, lowp::scaling::no_clip>)
    while (double(amax) > E::max_value * std::ldexp(1.0, k)) ++k;
  return std::clamp(k, -127, 127);
}

// Every block of a quantized tensor: the scale is the rule's, and each element
// is within half an element step of its input, or saturated to the element max.
template <class BF>
void check_round_trip(const std::vector<float>& x, std::size_t rows, std::size_t cols) {
  using E = block_element<typename BF::element_type>;
  const auto raw = ref::quantize<BF>(x, rows, cols);
  const auto y = ref::dequantize<BF>(raw, rows, cols);
  const std::size_t blocks = x.size() / BF::block_size;
  for (std::size_t b = 0; b < blocks; ++b) {
    const float* xb = x.data() + b * BF::block_size;
    float amax = 0;
    for (std::size_t j = 0; j < BF::block_size; ++j) amax = std::max(amax, std::fabs(xb[j]));
    const int k = int(raw[b * BF::bytes_per_block]) - 127;
    INFO("block " << b << " amax " << amax);
    REQUIRE(k == expected_shared_exp<BF>(amax));
    const double X = std::ldexp(1.0, k);
    for (std::size_t j = 0; j < BF::block_size; ++j) {
      const double v = double(xb[j]) / X;
      const double got = y[b * BF::block_size + j];
      INFO("element " << j << " x " << xb[j] << " y " << got);
      if (v > E::max_value || v < lowest<typename BF::element_type>()) {
        // no_clip clips only where E8M0 runs out of exponents.
        REQUIRE((!std::is_same_v<typename BF::scale_rule, lowp::scaling::no_clip> || k == 127));
        REQUIRE(got == float((v > 0 ? E::max_value : lowest<typename BF::element_type>()) * X));
      } else if (std::isinf(got)) {
        // Rounded to a value of 2^128 or more, which float32 cannot hold.
        REQUIRE(std::fabs(double(xb[j])) + half_gap<typename BF::element_type>(std::fabs(v)) * X >= 0x1p128);
        REQUIRE(std::signbit(got) == std::signbit(xb[j]));
      } else {
        REQUIRE(std::fabs(got - double(xb[j])) <= half_gap<typename BF::element_type>(std::fabs(v)) * X);
      }
    }
  }
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("scaled block formats: scale rule and round-trip error bound", "[block][mx]", scaled_formats) {
  using BF = TestType;
  INFO(BF::name);
  const std::size_t cols = BF::block_size * 4;
  check_round_trip<BF>(lowp_block_test::varied_tensor(4, cols, 11), 4, cols);
}

TEMPLATE_LIST_TEST_CASE("scaled block formats: heavier random sweep", "[block][mx][.exhaustive]", scaled_formats) {
  using BF = TestType;
  INFO(BF::name);
  const std::size_t cols = BF::block_size * 64;
  for (std::uint64_t seed = 0; seed < 64; ++seed) check_round_trip<BF>(lowp_block_test::varied_tensor(32, cols, seed), 32, cols);
}

TEMPLATE_LIST_TEST_CASE("scaled block formats: special blocks", "[block][mx]", scaled_formats) {
  using BF = TestType;
  constexpr std::size_t B = BF::block_size;
  INFO(BF::name);
  std::vector<std::uint8_t> raw(BF::bytes_per_block);
  std::vector<float> x(B, 0.0f), y(B);

  SECTION("all-zero block: scale 2^-127 (code 0x00) and zero elements, so every byte is 0") {
    ref::quantize_row<BF>(x, raw);
    REQUIRE(std::all_of(raw.begin(), raw.end(), [](std::uint8_t v) { return v == 0; }));
    ref::dequantize_row<BF>(raw, y);
    REQUIRE(std::all_of(y.begin(), y.end(), [](float v) { return v == 0; }));
  }
  SECTION("NaN or Inf anywhere: NaN scale 0xFF, zero elements, all NaN back") {
    for (float special : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                          -std::numeric_limits<float>::infinity()}) {
      std::fill(x.begin(), x.end(), 1.5f);
      x[B / 2] = special;
      ref::quantize_row<BF>(x, raw);
      REQUIRE(raw[0] == 0xFF);
      REQUIRE(std::all_of(raw.begin() + 1, raw.end(), [](std::uint8_t v) { return v == 0; }));
      ref::dequantize_row<BF>(raw, y);
      REQUIRE(std::all_of(y.begin(), y.end(), [](float v) { return std::isnan(v); }));
    }
  }
  SECTION("subnormal inputs: the scale clamps at 2^-127 and the bound still holds") {
    for (std::size_t j = 0; j < B; ++j) x[j] = std::ldexp(float(int(j % 7) - 3), -140 + int(j % 5));
    ref::quantize_row<BF>(x, raw);
    REQUIRE(raw[0] == 0x00);
    check_round_trip<BF>(x, 1, B);
  }
  SECTION("largest floats: the scale stays within E8M0 (clamped at 2^127)") {
    std::fill(x.begin(), x.end(), std::numeric_limits<float>::max());
    x[1] = -std::numeric_limits<float>::max();
    ref::quantize_row<BF>(x, raw);
    REQUIRE(raw[0] <= 254);
    ref::dequantize_row<BF>(raw, y);
    // Under OCP's rule a float element stays below 2^(emax_elem + 1) * X <=
    // 2^128. Rounding up (no_clip) or two's complement's -2 can reach 2^128,
    // which float32 cannot hold: those dequantize to ±Inf.
    if constexpr (lowp::is_minifloat_v<typename BF::element_type> &&
                  std::is_same_v<typename BF::scale_rule, lowp::scaling::ocp>) {
      REQUIRE(std::isfinite(y[0]));
      REQUIRE(y[1] == -y[0]);
    }
    check_round_trip<BF>(x, 1, B);
  }
}

TEST_CASE("OCP rule clips 957 to 896 in MXFP8-E4M3; no_clip gives 960", "[block][mx]") {
  std::vector<float> x(32, 0.0f), y(32);
  x[0] = 957.0f;
  x[1] = 1.0f;
  std::vector<std::uint8_t> raw(lowp::mxfp8_e4m3::bytes_per_block);

  ref::quantize_row<lowp::mxfp8_e4m3>(x, raw);
  REQUIRE(raw[0] == 127 + 1);  // floor(log2 957) - 8 = 1
  REQUIRE(raw[1] == 0x7E);     // 478.5 saturates to 448
  ref::dequantize_row<lowp::mxfp8_e4m3>(raw, y);
  REQUIRE(y[0] == 896.0f);
  REQUIRE(y[1] == 1.0f);

  ref::quantize_row<lowp::mxfp8_e4m3_noclip>(x, raw);
  REQUIRE(raw[0] == 127 + 2);  // 957 / 448 > 2
  ref::dequantize_row<lowp::mxfp8_e4m3_noclip>(raw, y);
  REQUIRE(y[0] == 960.0f);  // 239.25 rounds to 240
  REQUIRE(y[1] == 1.0f);

  REQUIRE(ref::shared_exp<lowp::mxfp8_e4m3>(957.0f) == 1);
  REQUIRE(ref::shared_exp<lowp::mxfp8_e4m3_noclip>(957.0f) == 2);
  REQUIRE(ref::shared_exp<lowp::mxfp8_e4m3_noclip>(896.0f) == 1);  // 896 = 448 * 2 fits exactly
}

TEST_CASE("hand-computed MX blocks", "[block][mx]") {
  SECTION("mxfp4: amax 5 gives X = 1; E2M1 nearest even") {
    std::vector<float> x(32, 0.0f), y(32);
    x[0] = 5.0f;    // tie between 4 and 6: 4 (even mantissa)
    x[1] = -0.3f;   // -0.5
    x[2] = 2.6f;    // 3
    x[3] = 0.25f;   // tie between 0 and 0.5: 0
    x[4] = 0.75f;   // tie between 0.5 and 1: 1
    std::vector<std::uint8_t> raw(17);
    ref::quantize_row<lowp::mxfp4>(x, raw);
    REQUIRE(raw[0] == 127);
    REQUIRE(raw[1] == (0x6 | (0x9 << 4)));  // element 0 low nibble, element 1 high nibble
    REQUIRE(raw[2] == (0x5 | (0x0 << 4)));
    REQUIRE(raw[3] == 0x2);
    ref::dequantize_row<lowp::mxfp4>(raw, y);
    CHECK(y[0] == 4.0f);
    CHECK(y[1] == -0.5f);
    CHECK(y[2] == 3.0f);
    CHECK(y[3] == 0.0f);
    CHECK(y[4] == 1.0f);
  }
  SECTION("mxint8: 1.6 fixed point, saturating at 127/64") {
    std::vector<float> x(32, 0.0f), y(32);
    x[0] = 3.0f;    // shared_exp 1: 1.5 -> 96
    x[1] = 3.99f;   // 1.995 * 64 = 127.68 -> saturates to 127
    x[2] = -4.0f;   // amax 4: shared_exp 2
    std::vector<std::uint8_t> raw(33);
    ref::quantize_row<lowp::mxint8>(x, raw);
    REQUIRE(raw[0] == 127 + 2);
    CHECK(raw[1] == 48);     // 3 / 4 * 64
    CHECK(raw[2] == 64);     // 3.99 / 4 * 64 = 63.84 -> 64
    CHECK(raw[3] == 0xC0);   // -64
    ref::dequantize_row<lowp::mxint8>(raw, y);
    CHECK(y[0] == 3.0f);
    CHECK(y[1] == 4.0f);
    CHECK(y[2] == -4.0f);
    x[2] = 0;
    ref::quantize_row<lowp::mxint8>(x, raw);
    REQUIRE(raw[0] == 127 + 1);
    CHECK(raw[1] == 96);
    CHECK(raw[2] == 127);
  }
  SECTION("mxfp6_e3m2: four 6-bit elements in three bytes, LSB first") {
    std::vector<float> x(32, 0.0f);
    x[0] = 16.0f;  // amax 16: shared_exp 4 - 4 = 0
    x[1] = -1.0f;
    x[2] = 0.25f;
    x[3] = 28.0f;
    std::vector<std::uint8_t> raw(25);
    ref::quantize_row<lowp::mxfp6_e3m2>(x, raw);
    REQUIRE(raw[0] == 127 + 0);
    const std::uint32_t c0 = 0b0'111'00, c1 = 0b1'011'00, c2 = 0b0'001'00, c3 = 0b0'111'11;
    const std::uint32_t stream = c0 | (c1 << 6) | (c2 << 12) | (c3 << 18);
    CHECK(raw[1] == (stream & 0xFF));
    CHECK(raw[2] == ((stream >> 8) & 0xFF));
    CHECK(raw[3] == ((stream >> 16) & 0xFF));
  }
  SECTION("elements that are exactly representable come back exactly") {
    std::vector<float> x(32), y(32);
    for (std::size_t j = 0; j < 32; ++j) x[j] = float(int(j) - 16) * 0.25f;  // multiples of 2^-2 up to 3.75
    std::vector<std::uint8_t> raw(25);
    ref::quantize_row<lowp::mxfp6_e2m3>(x, raw);
    ref::dequantize_row<lowp::mxfp6_e2m3>(raw, y);
    REQUIRE(y == x);
  }
}

TEST_CASE("element policies: non_saturating and stochastic rounding", "[block][mx]") {
  std::vector<float> x(32, 0.0f), y(32);
  x[0] = 957.0f;
  std::vector<std::uint8_t> raw(33);
  quantize_options opt;
  opt.on_overflow = lowp::overflow::non_saturating;
  ref::quantize_row<lowp::mxfp8_e4m3>(x, raw, opt);
  REQUIRE(raw[1] == 0x7F);  // E4M3 has no Inf: overflow gives NaN
  ref::dequantize_row<lowp::mxfp8_e4m3>(raw, y);
  REQUIRE(std::isnan(y[0]));

  const auto t = lowp_block_test::varied_tensor(4, 64, 3);
  quantize_options s;
  s.round = lowp::rounding::stochastic;
  s.seed = 42;
  const auto a = ref::quantize<lowp::mxfp4>(t, 4, 64, s);
  const auto b = ref::quantize<lowp::mxfp4>(t, 4, 64, s);
  REQUIRE(a == b);
  s.seed = 43;
  REQUIRE(ref::quantize<lowp::mxfp4>(t, 4, 64, s) != a);
  // Row by row with the right first_index gives the same bytes.
  s.seed = 42;
  std::vector<std::uint8_t> rows(a.size());
  for (std::size_t r = 0; r < 4; ++r)
    ref::quantize_row<lowp::mxfp4>(std::span<const float>(t).subspan(r * 64, 64),
                                   std::span<std::uint8_t>(rows).subspan(r * 34, 34), s, r * 64);
  REQUIRE(rows == a);

  // Stochastic rounding of 0.25 between 0 and 0.5 (X = 1): about half go up.
  std::vector<float> q(32, 0.25f);
  q[0] = 4.0f;
  int up = 0;
  for (std::uint64_t seed = 0; seed < 64; ++seed) {
    s.seed = seed;
    std::vector<std::uint8_t> r(17);
    ref::quantize_row<lowp::mxfp4>(q, r, s);
    ref::dequantize_row<lowp::mxfp4>(r, y);
    for (std::size_t j = 1; j < 32; ++j) up += y[j] == 0.5f;
  }
  CHECK(up > 64 * 31 * 4 / 10);
  CHECK(up < 64 * 31 * 6 / 10);
}
