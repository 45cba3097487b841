// intn<Bits, Signed>: rounding of every mode against the model, saturation,
// NaN, and the packed two's complement codes.

#include <cmath>
#include <cstdint>
#include <limits>

#include <catch2/catch.hpp>

#include "exact_model.hpp"
#include "lowp/format/convert.hpp"
#include "lowp/format/formats.hpp"
#include "lowp/format/intn.hpp"

namespace {
using lowp::overflow;
using lowp::rounding;
}  // namespace

TEMPLATE_LIST_TEST_CASE("intn rounds every deterministic mode like the model", "[format][intn]",
                        lowp::integer_formats) {
  using T = TestType;
  INFO(T::name);
  const auto& m = lowp_test::model_of(T::name);
  int bad = 0;
  long checked = 0;
  // Every multiple of 1/16 in [-300, 300], and values a hair off each half-integer.
  for (int k = -300 * 16; k <= 300 * 16; ++k) {
    const double base = k / 16.0;
    for (double x : {base, std::nextafter(base, -INFINITY), std::nextafter(base, INFINITY)}) {
      for (rounding r : lowp_test::deterministic_roundings) {
        const std::uint32_t want = m.encode(x, r, overflow::saturate);
        ++checked;
        for (overflow o : lowp::all_overflows) {  // integers saturate under every policy
          const std::uint32_t got = lowp::convert<T>(x, r, o).bits();
          if (got != want && ++bad <= 12)
            FAIL_CHECK("x = " << lowp_test::describe(x) << ", " << lowp::name(r) << " + " << lowp::name(o)
                              << ": expected " << lowp_test::hex(want, 2) << ", got " << lowp_test::hex(got, 2));
        }
      }
    }
  }
  CHECK(bad == 0);
  CHECK(checked > 40000);
}

TEMPLATE_LIST_TEST_CASE("intn saturates and maps NaN to 0", "[format][intn]", lowp::integer_formats) {
  using T = TestType;
  INFO(T::name);
  const int hi = T::is_signed ? (1 << (T::bit_width - 1)) - 1 : (1 << T::bit_width) - 1;
  const int lo = T::is_signed ? -(1 << (T::bit_width - 1)) : 0;
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (rounding r : lowp::all_roundings) {
    for (overflow o : lowp::all_overflows) {
      INFO(lowp::name(r) << " + " << lowp::name(o));
      CHECK(lowp::convert<T>(inf, r, o).value() == hi);
      CHECK(lowp::convert<T>(-inf, r, o).value() == lo);
      CHECK(lowp::convert<T>(1e300, r, o).value() == hi);
      CHECK(lowp::convert<T>(-1e300, r, o).value() == lo);
      CHECK(lowp::convert<T>(0x1p40, r, o).value() == hi);
      CHECK(lowp::convert<T>(hi + 0.5, r, o).value() == hi);
      CHECK(lowp::convert<T>(lo - 0.5, r, o).value() == lo);
      CHECK(lowp::convert<T>(nan, r, o).bits() == 0);
      CHECK(lowp::convert<T>(-nan, r, o).bits() == 0);
      CHECK(lowp::convert<T>(-0.0, r, o).bits() == 0);
    }
  }
  CHECK(T(1000).value() == hi);
  CHECK(T(-1000).value() == lo);
  CHECK(T(hi).value() == hi);
  CHECK(T(lo).value() == lo);
  CHECK((T(hi) + T(1)).value() == hi);
  CHECK((T(lo) - T(1)).value() == lo);
  CHECK(T(nan).bits() == 0);
}

TEST_CASE("intn codes are two's complement in the low bits", "[format][intn]") {
  CHECK(lowp::int4(-1).bits() == 0xf);
  CHECK(lowp::int4(-8).bits() == 0x8);
  CHECK(lowp::int4(7).bits() == 0x7);
  CHECK(lowp::int4(-3).bits() == 0xd);
  CHECK(lowp::int2(-1).bits() == 0x3);
  CHECK(lowp::int2(-2).bits() == 0x2);
  CHECK(lowp::int2(1).bits() == 0x1);
  CHECK(lowp::uint2(3).bits() == 0x3);
  CHECK(lowp::uint4(15).bits() == 0xf);
  CHECK(lowp::int8(-128).bits() == 0x80);
  CHECK(lowp::int8(-1).bits() == 0xff);
  CHECK(lowp::uint8(255).bits() == 0xff);
  // from_bits keeps only the format's bits
  CHECK(lowp::int4::from_bits(0xf7).bits() == 0x7);
  CHECK(lowp::int4::from_bits(0xf9).value() == -7);
  CHECK(lowp::int2::from_bits(0x06).value() == -2);
  CHECK(lowp::uint2::from_bits(0xff).value() == 3);
  CHECK(static_cast<int>(lowp::int4::from_bits(0x8)) == -8);
  CHECK(static_cast<float>(lowp::int4::from_bits(0xc)) == -4.0f);
}

TEST_CASE("intn hand-computed rounding and arithmetic", "[format][intn]") {
  using lowp::int4;
  using lowp::int8;
  using lowp::uint4;
  CHECK(int4(2.5).value() == 2);
  CHECK(int4(3.5).value() == 4);
  CHECK(int4(-2.5).value() == -2);
  CHECK(int4(-3.5).value() == -4);
  CHECK(int4(2.4999999).value() == 2);
  CHECK(lowp::convert<int4>(2.5, rounding::nearest_away).value() == 3);
  CHECK(lowp::convert<int4>(-2.5, rounding::nearest_away).value() == -3);
  CHECK(lowp::convert<int4>(-2.7, rounding::toward_zero).value() == -2);
  CHECK(lowp::convert<int4>(-2.2, rounding::down).value() == -3);
  CHECK(lowp::convert<int4>(-2.7, rounding::up).value() == -2);
  CHECK(lowp::convert<int4>(2.2, rounding::up).value() == 3);
  CHECK(lowp::convert<uint4>(-0.7, rounding::nearest_even).value() == 0);
  CHECK(lowp::convert<uint4>(-0.2, rounding::down).value() == 0);
  CHECK(lowp::convert<uint4>(14.5, rounding::nearest_even).value() == 14);
  CHECK(lowp::convert<uint4>(15.5, rounding::nearest_even).value() == 15);
  CHECK((int4(7) + int4(1)).value() == 7);
  CHECK((int4(-8) - int4(1)).value() == -8);
  CHECK((int4(5) / int4(2)).value() == 2);  // 2.5 -> 2 (even)
  CHECK((int4(7) / int4(2)).value() == 4);  // 3.5 -> 4 (even)
  CHECK((int4(3) / int4(0)).value() == 7);  // +Inf saturates
  CHECK((int4(0) / int4(0)).value() == 0);  // NaN -> 0
  CHECK((int8(-128) * int8(-1)).value() == 127);
  CHECK((-int8(-128)).value() == 127);
  CHECK((-uint4(3)).value() == 0);
  CHECK(int4(3) < int4(4));
  CHECK(int4(-1) < int4(0));
  CHECK(int4::from_bits(0xf) < int4::from_bits(0x1));  // -1 < 1 although the code is larger
  CHECK(int4(int(-9)).value() == -8);
}
