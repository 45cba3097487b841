// The one conformance list that every scalar format passes (STYLE habit 9):
// raw codes, limits, width, comparison, arithmetic, construction and exact
// widening, each checked against the exact model of exact_model.hpp.

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <catch2/catch.hpp>

#include "exact_model.hpp"
#include "format_test_util.hpp"
#include "lowp/core/bit_width.hpp"
#include "lowp/core/concepts.hpp"
#include "lowp/format/convert.hpp"
#include "lowp/format/formats.hpp"
#include "lowp/format/limits.hpp"

namespace {

using lowp::overflow;
using lowp::rounding;
using lowp_test::hex;
using lowp_test::model_of;

// The model's value of a code as a float; NaN carries the code's sign.
float model_float(const lowp_test::format_model& m, std::uint32_t code) {
  const auto d = m.decode(code);
  if (d.nan) return std::copysign(std::numeric_limits<float>::quiet_NaN(), (code & m.sign_bit()) ? -1.f : 1.f);
  return static_cast<float>(d.value);
}

template <class T>
T from(std::uint32_t c) {
  return T::from_bits(static_cast<typename T::storage_type>(c));
}

// Pairs of codes: every pair for formats up to 8 bits, a spread for 16-bit ones.
std::vector<std::pair<std::uint32_t, std::uint32_t>> code_pairs(const lowp_test::format_model& m) {
  const auto a = m.code_count() <= 256 ? lowp_test::sample_codes(m) : lowp_test::few_codes(m, 72);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;
  for (std::uint32_t x : a)
    for (std::uint32_t y : a) pairs.emplace_back(x, y);
  if (m.code_count() > 256) {  // plus pseudo-random pairs over all codes
    std::uint32_t state = 12345;
    for (int i = 0; i < 4000; ++i) {
      state = state * 1664525U + 1013904223U;
      const std::uint32_t x = state >> 16;
      state = state * 1664525U + 1013904223U;
      pairs.emplace_back(x, state >> 16);
    }
  }
  return pairs;
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("format conformance: raw codes", "[format][conformance]", lowp::scalar_formats) {
  using T = TestType;
  INFO(T::name);
  const auto& m = model_of(T::name);
  STATIC_REQUIRE(lowp::scalar_format<T>);
  CHECK(lowp::bit_width_v<T> == m.spec().bits);
  CHECK(T::bit_width == m.spec().bits);
  CHECK(std::numeric_limits<typename T::storage_type>::digits >= lowp::bit_width_v<T>);
  int bad = 0;
  for (std::uint32_t c = 0; c < m.code_count(); ++c) {
    if (from<T>(c).bits() != c && ++bad <= 8)
      FAIL_CHECK("from_bits(" << hex(c, 4) << ").bits() = " << hex(from<T>(c).bits(), 4));
  }
  CHECK(bad == 0);
  CHECK(T{}.bits() == 0);
}

TEMPLATE_LIST_TEST_CASE("format conformance: numeric_limits", "[format][conformance]", lowp::scalar_formats) {
  using T = TestType;
  using L = std::numeric_limits<T>;
  INFO(T::name);
  const auto& m = model_of(T::name);
  const auto& s = m.spec();
  auto value = [&](T t) { return m.decode(t.bits()); };
  STATIC_REQUIRE(L::is_specialized);
  CHECK(L::is_signed == s.is_signed);
  CHECK(L::is_integer == s.is_integer);
  CHECK(L::radix == 2);
  CHECK(L::is_bounded);
  CHECK(L::round_style == std::round_to_nearest);  // T(x) rounds to nearest even
  CHECK(value(L::max()).value == m.max());
  CHECK(value(L::lowest()).value == m.lowest());
  CHECK(static_cast<double>(L::max()) == m.max());
  CHECK(static_cast<double>(L::lowest()) == m.lowest());
  CHECK(L::has_infinity == m.has_inf());
  CHECK(L::has_quiet_NaN == m.has_nan());
  if constexpr (lowp::is_intn_v<T>) {
    CHECK(s.is_integer);
    CHECK(value(L::min()).value == m.lowest());  // integers: min() is the least value
    CHECK(L::digits == s.bits - (s.is_signed ? 1 : 0));
    CHECK(T::max_value == m.max());
    CHECK(T::min_value == m.lowest());
  } else {
    CHECK(value(L::min()).value == m.min_normal());
    CHECK(value(L::denorm_min()).value == m.min_positive());
    CHECK(L::digits == s.mantissa_bits + 1);
    CHECK(L::has_denorm == (m.min_positive() < m.min_normal() ? std::denorm_present : std::denorm_absent));
    // epsilon: the gap between 1 and the next representable value
    const auto& grid = m.grid();
    double after_one = 0;
    for (std::size_t i = 0; i + 1 < grid.size(); ++i)
      if (grid[i].value == 1.0) after_one = grid[i + 1].value;
    REQUIRE(after_one > 1.0);
    CHECK(value(L::epsilon()).value == after_one - 1.0);
    // C's convention: normalised values are 0.1xxx * 2^e with min_exponent <= e <= max_exponent
    CHECK(std::ldexp(1.0, L::min_exponent - 1) == m.min_normal());
    CHECK(m.max() >= std::ldexp(1.0, L::max_exponent - 1));
    CHECK(m.max() < std::ldexp(1.0, L::max_exponent));
    if (m.has_inf()) {
      CHECK(value(L::infinity()).value == INFINITY);
      CHECK(from<T>(L::infinity().bits()).is_inf());
    }
    if (m.has_nan()) {
      CHECK(value(L::quiet_NaN()).nan);
      CHECK(L::quiet_NaN().is_nan());
      CHECK(std::isnan(static_cast<float>(L::quiet_NaN())));
      CHECK(value(L::signaling_NaN()).nan);
    }
    CHECK(value(L::round_error()).value == 0.5);
  }
}

TEMPLATE_LIST_TEST_CASE("format conformance: comparison operators", "[format][conformance]",
                        lowp::scalar_formats) {
  using T = TestType;
  INFO(T::name);
  const auto& m = model_of(T::name);
  int bad = 0;
  for (auto [x, y] : code_pairs(m)) {
    const auto dx = m.decode(x), dy = m.decode(y);
    const double vx = dx.nan ? NAN : dx.value, vy = dy.nan ? NAN : dy.value;
    const T a = from<T>(x), b = from<T>(y);
    const bool ok = (a == b) == (vx == vy) && (a != b) == (vx != vy) && (a < b) == (vx < vy) &&
                    (a <= b) == (vx <= vy) && (a > b) == (vx > vy) && (a >= b) == (vx >= vy);
    if (!ok && ++bad <= 8)
      FAIL_CHECK("comparing " << hex(x, 4) << " (" << vx << ") with " << hex(y, 4) << " (" << vy
                              << "): == " << (a == b) << " < " << (a < b) << " <= " << (a <= b) << " > "
                              << (a > b) << " >= " << (a >= b));
  }
  CHECK(bad == 0);
}

TEMPLATE_LIST_TEST_CASE("format conformance: arithmetic rounds the float result", "[format][conformance]",
                        lowp::scalar_formats) {
  using T = TestType;
  INFO(T::name);
  const auto& m = model_of(T::name);
  // The result of an operator is the float result rounded to nearest even and
  // saturated. NaN results are checked for being NaN only, since the sign of a
  // NaN produced by float arithmetic is not portable.
  int bad = 0;
  auto check = [&](const char* op, std::uint32_t x, std::uint32_t y, float exact, T got) {
    const std::uint32_t want = m.encode(exact, rounding::nearest_even, overflow::saturate);
    bool ok = got.bits() == want;
    if (std::isnan(exact) && m.has_nan()) ok = m.decode(got.bits()).nan;
    if (!ok && ++bad <= 12)
      FAIL_CHECK(hex(x, 4) << ' ' << op << ' ' << hex(y, 4) << ": float result " << exact << ", expected code "
                           << hex(want, 4) << ", got " << hex(got.bits(), 4));
  };
  for (auto [x, y] : code_pairs(m)) {
    const T a = from<T>(x), b = from<T>(y);
    const float fa = model_float(m, x), fb = model_float(m, y);
    check("+", x, y, fa + fb, a + b);
    check("-", x, y, fa - fb, a - b);
    check("*", x, y, fa * fb, a * b);
    check("/", x, y, fa / fb, a / b);
    // Compound assignment gives the operator's result (any NaN for a NaN).
    auto same = [&](T p, T q) { return p.bits() == q.bits() || (m.decode(p.bits()).nan && m.decode(q.bits()).nan); };
    T c = a;
    c += b;
    if (!same(c, a + b) && ++bad <= 12) FAIL_CHECK(hex(x, 4) << " += " << hex(y, 4) << " gives " << hex(c.bits(), 4));
    c = a;
    c -= b;
    if (!same(c, a - b) && ++bad <= 12) FAIL_CHECK(hex(x, 4) << " -= " << hex(y, 4) << " gives " << hex(c.bits(), 4));
    c = a;
    c *= b;
    if (!same(c, a * b) && ++bad <= 12) FAIL_CHECK(hex(x, 4) << " *= " << hex(y, 4) << " gives " << hex(c.bits(), 4));
    c = a;
    c /= b;
    if (!same(c, a / b) && ++bad <= 12) FAIL_CHECK(hex(x, 4) << " /= " << hex(y, 4) << " gives " << hex(c.bits(), 4));
  }
  for (std::uint32_t x : lowp_test::sample_codes(m)) {
    const T a = from<T>(x);
    check("neg", x, 0, -model_float(m, x), -a);
  }
  CHECK(bad == 0);
}

TEMPLATE_LIST_TEST_CASE("format conformance: T(x) is convert<T>(x, nearest_even, saturate)",
                        "[format][conformance]", lowp::scalar_formats) {
  using T = TestType;
  INFO(T::name);
  const auto& m = model_of(T::name);
  int bad = 0;
  for (double x : lowp_test::probe_points(m, false)) {
    const auto want = m.encode(x, rounding::nearest_even, overflow::saturate);
    const auto by_convert = lowp::convert<T>(x, rounding::nearest_even, overflow::saturate).bits();
    const auto by_default = lowp::convert<T>(x).bits();
    const auto by_double = T(x).bits();
    const auto by_float = lowp_test::is_float32(x) || std::isnan(x) ? T(static_cast<float>(x)).bits() : by_double;
    if ((by_double != by_convert || by_float != by_convert || by_default != by_convert || by_convert != want) &&
        ++bad <= 12)
      FAIL_CHECK("x = " << lowp_test::describe(x) << ": model " << hex(want, 4) << ", convert " << hex(by_convert, 4)
                        << ", T(double) " << hex(by_double, 4) << ", T(float) " << hex(by_float, 4));
  }
  CHECK(bad == 0);
}

TEMPLATE_LIST_TEST_CASE("format conformance: widening to float and double is exact", "[format][conformance]",
                        lowp::scalar_formats) {
  using T = TestType;
  INFO(T::name);
  const auto& m = model_of(T::name);
  int bad = 0;
  for (std::uint32_t c = 0; c < m.code_count(); ++c) {
    const auto d = m.decode(c);
    const T t = from<T>(c);
    const double dv = static_cast<double>(t);
    const float fv = static_cast<float>(t);
    const bool ok = d.nan ? (std::isnan(dv) && std::isnan(fv))
                          : (std::bit_cast<std::uint64_t>(dv) == std::bit_cast<std::uint64_t>(d.value) &&
                             std::bit_cast<std::uint32_t>(fv) == std::bit_cast<std::uint32_t>(float(d.value)));
    if (!ok && ++bad <= 8) FAIL_CHECK("code " << hex(c, 4) << ": double " << dv << ", model " << d.value);
  }
  CHECK(bad == 0);
}
