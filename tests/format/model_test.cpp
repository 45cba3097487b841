// The exact model against the numbers printed in DESIGN §4, then every code
// of every format decoded by the library against the model, bit for bit.

#include <bit>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include <catch2/catch.hpp>

#include "exact_model.hpp"
#include "lowp/reference/convert.hpp"
#include "lowp/format/convert.hpp"
#include "lowp/format/formats.hpp"

namespace {

using lowp_test::model_of;

// One row of the DESIGN §4 table, as printed there (bfloat16 and float16 from
// IEEE 754 binary16 and the bfloat16 definition, since the table leaves them blank).
struct design_row {
  std::string_view name;
  int bits;
  int bias;
  double max;
  double min_normal;
  double min_subnormal;  // 0: none
  bool inf;
  int nan_count;  // NaN codes within the encoding's bits
  std::initializer_list<std::uint32_t> nan_codes;
  bool negative_zero;
};

const design_row design_table[] = {
    {"float8_e4m3fn", 8, 7, 448, 0x1p-6, 0x1p-9, false, 2, {0x7f, 0xff}, true},
    {"float8_e5m2", 8, 15, 57344, 0x1p-14, 0x1p-16, true, 6, {0x7d, 0x7e, 0x7f, 0xfd, 0xfe, 0xff}, true},
    {"float8_e4m3fnuz", 8, 8, 240, 0x1p-7, 0x1p-10, false, 1, {0x80}, false},
    {"float8_e5m2fnuz", 8, 16, 57344, 0x1p-15, 0x1p-17, false, 1, {0x80}, false},
    {"float8_e4m3b11fnuz", 8, 11, 30, 0x1p-10, 0x1p-13, false, 1, {0x80}, false},
    {"float8_e4m3", 8, 7, 240, 0x1p-6, 0x1p-9, true, 14, {0x79, 0x7f, 0xf9, 0xff}, true},
    {"float8_e3m4", 8, 3, 15.5, 0x1p-2, 0x1p-6, true, 30, {0x71, 0x7f, 0xf1, 0xff}, true},
    {"float8_e8m0fnu", 8, 127, 0x1p127, 0x1p-127, 0, false, 1, {0xff}, false},
    {"float8_ue4m3", 8, 7, 448, 0x1p-6, 0x1p-9, false, 1, {0x7f}, false},
    {"float6_e2m3fn", 6, 1, 7.5, 1, 0.125, false, 0, {}, true},
    {"float6_e3m2fn", 6, 3, 28, 0.25, 0.0625, false, 0, {}, true},
    {"float4_e2m1fn", 4, 1, 6, 1, 0.5, false, 0, {}, true},
    {"bfloat16", 16, 127, 0x1.fep127, 0x1p-126, 0x1p-133, true, 254, {0x7f81, 0x7fc0, 0xffff}, true},
    {"float16", 16, 15, 65504, 0x1p-14, 0x1p-24, true, 2046, {0x7c01, 0x7e00, 0xffff}, true},
};

}  // namespace

TEST_CASE("exact model reproduces the DESIGN §4 format table", "[format][model]") {
  for (const design_row& row : design_table) {
    INFO(row.name);
    const auto& m = model_of(row.name);
    const auto& s = m.spec();
    CHECK(s.bits == row.bits);
    CHECK(s.bias == row.bias);
    CHECK(m.max() == row.max);
    CHECK(m.min_normal() == row.min_normal);
    CHECK(m.min_positive() == (row.min_subnormal != 0 ? row.min_subnormal : row.min_normal));
    CHECK(m.has_inf() == row.inf);
    CHECK(m.has_nan() == (row.nan_count > 0));

    const int encoding_bits = (s.is_signed ? 1 : 0) + s.exponent_bits + s.mantissa_bits;
    int nans = 0, infs = 0, zeros = 0, negative_zeros = 0;
    double largest = 0, least_positive = INFINITY;
    for (std::uint32_t c = 0; c < (std::uint32_t{1} << encoding_bits); ++c) {
      const auto d = m.decode(c);
      if (d.nan) {
        ++nans;
        continue;
      }
      if (std::isinf(d.value)) {
        ++infs;
        continue;
      }
      if (d.value == 0) (std::signbit(d.value) ? negative_zeros : zeros)++;
      largest = std::fmax(largest, std::fabs(d.value));
      if (d.value > 0) least_positive = std::fmin(least_positive, d.value);
    }
    CHECK(nans == row.nan_count);
    CHECK(infs == (row.inf ? 2 : 0));
    CHECK(largest == row.max);
    CHECK(least_positive == (row.min_subnormal != 0 ? row.min_subnormal : row.min_normal));
    CHECK(zeros == (row.name == "float8_e8m0fnu" ? 0 : 1));
    CHECK(negative_zeros == (row.negative_zero ? 1 : 0));
    for (std::uint32_t c : row.nan_codes) CHECK(m.decode(c).nan);
    if (row.inf) {
      CHECK(m.decode(m.nan_code(false)).nan);
      CHECK(m.decode(m.sign_bit() | (m.nan_code(false) & ~((std::uint32_t{1} << s.mantissa_bits) - 1U))).value ==
            -INFINITY);
    }
  }
  // Spot values written out by hand.
  CHECK(model_of("float8_e4m3fn").decode(0x01).value == 0x1p-9);
  CHECK(model_of("float8_e4m3fn").decode(0x38).value == 1.0);
  CHECK(model_of("float8_e4m3fn").decode(0xfe).value == -448.0);
  CHECK(model_of("float8_e5m2").decode(0x7b).value == 57344.0);
  CHECK(model_of("float8_e5m2").decode(0x7c).value == INFINITY);
  CHECK(model_of("float8_e8m0fnu").decode(0x00).value == 0x1p-127);
  CHECK(model_of("float8_e8m0fnu").decode(0x7f).value == 1.0);
  CHECK(model_of("float8_e8m0fnu").decode(0xfe).value == 0x1p127);
  CHECK(model_of("float8_ue4m3").decode(0x7e).value == 448.0);
  CHECK(model_of("float8_ue4m3").decode(0x80).nan);  // padding bit set
  CHECK(model_of("float6_e3m2fn").decode(0x3f).value == -28.0);
  CHECK(model_of("float4_e2m1fn").decode(0x5).value == 3.0);
  CHECK(model_of("float4_e2m1fn").decode(0xf).value == -6.0);
  CHECK(model_of("float16").decode(0x3c00).value == 1.0);
  CHECK(model_of("float16").decode(0x0001).value == 0x1p-24);
  CHECK(model_of("bfloat16").decode(0x3f80).value == 1.0);
  CHECK(model_of("bfloat16").decode(0xc0a0).value == -5.0);
  CHECK(model_of("int4").decode(0x8).value == -8.0);
  CHECK(model_of("uint4").decode(0xf).value == 15.0);
  CHECK(model_of("int2").decode(0x3).value == -1.0);
  CHECK(model_of("int8").decode(0x80).value == -128.0);
}

TEST_CASE("exact model encodes hand-computed cases", "[format][model]") {
  using lowp::overflow;
  using lowp::rounding;
  const auto& e4m3 = model_of("float8_e4m3fn");
  CHECK(e4m3.encode(1.0, rounding::nearest_even, overflow::saturate) == 0x38);
  CHECK(e4m3.encode(1.0625, rounding::nearest_even, overflow::saturate) == 0x38);  // tie to even
  CHECK(e4m3.encode(1.1875, rounding::nearest_even, overflow::saturate) == 0x3a);  // tie to even
  CHECK(e4m3.encode(464, rounding::nearest_even, overflow::non_saturating) == 0x7e);  // tie: 448 is even
  CHECK(e4m3.encode(464.5, rounding::nearest_even, overflow::non_saturating) == 0x7f);
  CHECK(e4m3.encode(479, rounding::toward_zero, overflow::non_saturating) == 0x7e);
  CHECK(e4m3.encode(480, rounding::toward_zero, overflow::non_saturating) == 0x7f);
  CHECK(e4m3.encode(-480, rounding::toward_zero, overflow::saturate) == 0xfe);
  CHECK(e4m3.encode(INFINITY, rounding::nearest_even, overflow::saturate) == 0x7f);
  CHECK(e4m3.encode(INFINITY, rounding::nearest_even, overflow::saturate_all) == 0x7e);
  CHECK(e4m3.encode(-0.0, rounding::nearest_even, overflow::saturate) == 0x80);
  CHECK(e4m3.encode(0x1p-10, rounding::nearest_even, overflow::saturate) == 0x00);  // tie to zero
  CHECK(e4m3.encode(0x1p-10, rounding::nearest_away, overflow::saturate) == 0x01);
  CHECK(e4m3.encode(-0x1p-20, rounding::down, overflow::saturate) == 0x81);
  const auto& e5m2 = model_of("float8_e5m2");
  CHECK(e5m2.encode(61440, rounding::nearest_even, overflow::non_saturating) == 0x7c);  // tie: odd max
  CHECK(e5m2.encode(61440, rounding::nearest_even, overflow::saturate) == 0x7b);
  CHECK(e5m2.encode(61439, rounding::nearest_even, overflow::non_saturating) == 0x7b);
  CHECK(e5m2.encode(-NAN, rounding::nearest_even, overflow::saturate) == 0xfe);
  const auto& fnuz = model_of("float8_e4m3fnuz");
  CHECK(fnuz.encode(-0.0, rounding::nearest_even, overflow::saturate) == 0x00);
  CHECK(fnuz.encode(-1e9, rounding::nearest_even, overflow::non_saturating) == 0x80);
  CHECK(fnuz.encode(-1e9, rounding::nearest_even, overflow::saturate) == 0xff);
  const auto& fp4 = model_of("float4_e2m1fn");
  CHECK(fp4.encode(5.0, rounding::nearest_even, overflow::saturate) == 0x6);  // tie 4|6 -> 4 (even)
  CHECK(fp4.encode(2.5, rounding::nearest_even, overflow::saturate) == 0x4);  // tie 2|3 -> 2
  CHECK(fp4.encode(7.0, rounding::nearest_even, overflow::non_saturating) == 0x7);  // tie 6|8: 8 even
  CHECK(fp4.encode(-INFINITY, rounding::nearest_even, overflow::non_saturating) == 0xf);
  CHECK(fp4.encode(NAN, rounding::nearest_even, overflow::saturate) == 0x7);
  const auto& e8m0 = model_of("float8_e8m0fnu");
  CHECK(e8m0.encode(1.5, rounding::nearest_even, overflow::saturate) == 128);  // 127 odd, 128 even
  CHECK(e8m0.encode(3.0, rounding::nearest_even, overflow::saturate) == 128);
  CHECK(e8m0.encode(0.75, rounding::nearest_even, overflow::saturate) == 126);
  CHECK(e8m0.encode(0x1.8p127, rounding::nearest_even, overflow::non_saturating) == 254);
  CHECK(e8m0.encode(0x1.8p127, rounding::nearest_away, overflow::non_saturating) == 255);
  CHECK(e8m0.encode(0.0, rounding::nearest_even, overflow::saturate) == 0);
  CHECK(e8m0.encode(0.0, rounding::nearest_even, overflow::non_saturating) == 255);
  CHECK(e8m0.encode(-1.0, rounding::nearest_even, overflow::saturate) == 0);
  const auto& ue4m3 = model_of("float8_ue4m3");
  CHECK(ue4m3.encode(-1.0, rounding::nearest_even, overflow::saturate) == 0x00);
  CHECK(ue4m3.encode(-1.0, rounding::nearest_even, overflow::non_saturating) == 0x7f);
  CHECK(ue4m3.encode(-0x1p-12, rounding::nearest_even, overflow::non_saturating) == 0x00);
  CHECK(ue4m3.encode(1000, rounding::nearest_even, overflow::saturate) == 0x7e);
  const auto& int4 = model_of("int4");
  CHECK(int4.encode(2.5, rounding::nearest_even, overflow::saturate) == 0x2);
  CHECK(int4.encode(-2.5, rounding::nearest_even, overflow::saturate) == 0xe);
  CHECK(int4.encode(-2.5, rounding::nearest_away, overflow::saturate) == 0xd);
  CHECK(int4.encode(-2.5, rounding::toward_zero, overflow::saturate) == 0xe);
  CHECK(int4.encode(7.5, rounding::up, overflow::saturate) == 0x7);
  CHECK(int4.encode(-100, rounding::up, overflow::saturate) == 0x8);
  CHECK(int4.encode(NAN, rounding::up, overflow::saturate) == 0x0);
}

TEMPLATE_LIST_TEST_CASE("every code decodes to the exact model's value", "[format][model][decode]",
                        lowp::scalar_formats) {
  using T = TestType;
  INFO(T::name);
  const auto& m = model_of(T::name);
  int mismatches = 0;
  for (std::uint32_t c = 0; c < m.code_count(); ++c) {
    const auto d = m.decode(c);
    std::uint32_t want;
    if (d.nan) {
      // reference::decode: the quiet NaN carrying the code's sign
      const bool negative = (c & m.sign_bit()) != 0;
      want = 0x7fc00000U | (negative ? 0x80000000U : 0U);
    } else {
      want = std::bit_cast<std::uint32_t>(static_cast<float>(d.value));
    }
    const auto code = static_cast<typename T::storage_type>(c);
    const std::uint32_t got = std::bit_cast<std::uint32_t>(lowp::decode<T>(code));
    const std::uint32_t got_cast = std::bit_cast<std::uint32_t>(static_cast<float>(T::from_bits(code)));
    if (got != want || got_cast != want) {
      if (++mismatches <= 16)
        FAIL_CHECK("code " << lowp_test::hex(c, 4) << ": expected float bits " << lowp_test::hex(want, 8)
                           << ", decode gave " << lowp_test::hex(got, 8) << ", static_cast<float> gave "
                           << lowp_test::hex(got_cast, 8));
    }
  }
  CHECK(mismatches == 0);
}
