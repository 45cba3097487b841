// Stochastic rounding: lowp::convert with rounding::stochastic, a seed and an
// element index. The result is always one of the two neighbours, depends only
// on (value, seed, index), follows the documented rule exactly (rounds away
// from zero iff floor(fraction * 2^32) + stochastic_bits(seed, index) >= 2^32,
// core/rng.hpp and reference/rounding.hpp), and is unbiased.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include <catch2/catch.hpp>

#include "exact_model.hpp"
#include "lowp/core/rng.hpp"
#include "lowp/format/convert.hpp"
#include "lowp/format/formats.hpp"

namespace {

using lowp::overflow;
using lowp::rounding;

// The generator as specified in core/rng.hpp, written out again: two rounds of
// Wellons' "lowbias32" hash, the first keyed by the high halves of seed and
// index, the second by the low half of the index.
std::uint32_t lowbias32(std::uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}
std::uint32_t spec_bits(std::uint64_t seed, std::uint64_t index) {
  const std::uint32_t key =
      lowbias32(std::uint32_t(seed) ^ lowbias32(std::uint32_t(seed >> 32) ^ (std::uint32_t(index >> 32) * 0x9e3779b9U)));
  return lowbias32(std::uint32_t(index) ^ key);
}

// x's two neighbours in the model and the fraction of the gap x lies above the lower one.
struct bracket {
  std::uint32_t toward_zero_code, away_code;
  double fraction;  // exact: (|x| - lo) / (hi - lo)
};

bracket bracket_of(const lowp_test::format_model& m, double x) {
  const double a = std::fabs(x);
  bracket b{};
  b.toward_zero_code = m.encode(x, rounding::toward_zero, overflow::saturate);
  b.away_code = m.encode(x, x < 0 ? rounding::down : rounding::up, overflow::saturate);
  const auto& g = m.grid();
  if (m.spec().is_integer) {
    b.fraction = a - std::floor(a);
  } else {
    const std::size_t i = m.lower_index(a);
    b.fraction = (a - g[i].value) / (g[i + 1].value - g[i].value);
  }
  return b;
}

// Values strictly between two neighbours: several fractions of several gaps,
// including fractions far below 2^-32 of the gap and within 2^-32 of 1.
std::vector<double> between_points(const lowp_test::format_model& m) {
  std::vector<double> xs;
  const auto& g = m.grid();
  const double fractions[] = {0.5, 0.25, 0.1, 0.9, 1.0 / 3, 0x1p-13, 0x1p-20, 0x1p-31, 0x1p-40, 1 - 0x1p-20, 1 - 0x1p-33};
  for (std::size_t i : {std::size_t(0), std::size_t(1), g.size() / 3, g.size() / 2, g.size() - 3}) {
    if (m.spec().is_integer && g[i].value < 0) continue;
    const double lo = g[i].value, hi = g[i + 1].value;
    for (double f : fractions) {
      const double x = lo + f * (hi - lo);
      if (x > lo && x < hi) {
        xs.push_back(x);
        if (m.spec().is_signed && -x > g.front().value) xs.push_back(-x);
      }
    }
  }
  return xs;
}

template <class T>
void check_rule(std::uint64_t seed) {
  INFO(T::name << ", seed " << seed);
  const auto& m = lowp_test::model_of(T::name);
  int bad = 0;
  long away_count = 0, checked = 0;
  for (double x : between_points(m)) {
    const bracket b = bracket_of(m, x);
    REQUIRE(b.fraction > 0);
    REQUIRE(b.fraction < 1);
    const auto frac32 = std::uint64_t(std::ldexp(b.fraction, 32));  // floor: fraction * 2^32 is exact
    std::vector<std::uint64_t> indices(2000);
    std::iota(indices.begin(), indices.end(), std::uint64_t{0});
    // Small fractions round away rarely: add indices where the rule says they do.
    for (std::uint64_t i = 0, found = 0; i < 0x10000 && found < 3 && frac32 >= 0x10000 && frac32 <= 0x100000; ++i)
      if (frac32 + spec_bits(seed, i) >= (std::uint64_t{1} << 32)) indices.push_back(i), ++found;
    indices.push_back(std::uint64_t{1} << 40);  // index bits above 32 take part
    for (std::uint64_t i : indices) {
      const bool away = frac32 + spec_bits(seed, i) >= (std::uint64_t{1} << 32);
      const std::uint32_t want = away ? b.away_code : b.toward_zero_code;
      const std::uint32_t got = lowp::convert<T>(x, rounding::stochastic, overflow::saturate, seed, i).bits();
      ++checked;
      away_count += got == b.away_code;
      if (got != want && ++bad <= 10)
        FAIL_CHECK("x = " << lowp_test::describe(x) << ", index " << i << ": fraction " << b.fraction << ", rule says "
                          << (away ? "away" : "toward zero") << " (" << lowp_test::hex(want, 4) << "), got "
                          << lowp_test::hex(got, 4));
    }
  }
  CHECK(bad == 0);
  CHECK(checked > 10000);
  CHECK(away_count > 0);
}

}  // namespace

TEST_CASE("stochastic_bits is the specified counter-based generator", "[format][stochastic]") {
  for (std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{0x123456789abcdefULL}})
    for (std::uint64_t i = 0; i < 3000; i += 7) {
      INFO("seed " << seed << " index " << i);
      REQUIRE(lowp::stochastic_bits(seed, i) == spec_bits(seed, i));
      REQUIRE(lowp::stochastic_bits(seed, i + (std::uint64_t{5} << 32)) == spec_bits(seed, i + (std::uint64_t{5} << 32)));
    }
  STATIC_REQUIRE(lowp::stochastic_bits(7, 9) == lowp::stochastic_bits(7, 9));
}

TEMPLATE_TEST_CASE("stochastic rounding follows its rule bit for bit", "[format][stochastic]", lowp::float8_e4m3fn,
                   lowp::float8_e5m2, lowp::float8_e4m3fnuz, lowp::float8_ue4m3, lowp::float8_e8m0fnu,
                   lowp::float6_e3m2fn, lowp::float4_e2m1fn, lowp::bfloat16, lowp::float16, lowp::int4, lowp::uint8) {
  check_rule<TestType>(0);
  check_rule<TestType>(0xfeedface12345678ULL);
}

TEMPLATE_TEST_CASE("stochastic rounding is reproducible and independent of order", "[format][stochastic]",
                   lowp::float8_e4m3fn, lowp::bfloat16, lowp::int4) {
  using T = TestType;
  INFO(T::name);
  const auto& m = lowp_test::model_of(T::name);
  const double x = between_points(m).at(4);
  const int n = 4096;
  auto run = [&](std::uint64_t seed, bool reverse) {
    std::vector<std::uint32_t> out(n);
    for (int k = 0; k < n; ++k) {
      const int i = reverse ? n - 1 - k : k;
      out[i] = lowp::convert<T>(x, rounding::stochastic, overflow::saturate, seed, std::uint64_t(i)).bits();
    }
    return out;
  };
  const auto a = run(42, false);
  CHECK(a == run(42, false));
  CHECK(a == run(42, true));
  const auto b = run(43, false);
  CHECK(a != b);
  // Different seeds give different streams, not merely shifted ones.
  CHECK(!std::equal(a.begin() + 1, a.end(), b.begin()));
  const bracket br = bracket_of(m, x);
  CHECK(std::count(a.begin(), a.end(), br.away_code) > 0);
  CHECK(std::count(a.begin(), a.end(), br.toward_zero_code) > 0);
}

TEMPLATE_TEST_CASE("stochastic rounding is unbiased", "[format][stochastic]", lowp::float8_e4m3fn, lowp::float8_e5m2,
                   lowp::bfloat16, lowp::float4_e2m1fn, lowp::int4, lowp::float8_e8m0fnu) {
  using T = TestType;
  INFO(T::name);
  const auto& m = lowp_test::model_of(T::name);
  const auto& g = m.grid();
  const std::size_t i = g.size() / 2 + 1;
  const int n = 20000;
  for (double f : {0.5, 0.3, 0.1, 0.77}) {
    for (double sign : {1.0, -1.0}) {
      if (sign < 0 && !m.spec().is_signed) continue;
      const double lo = g[i].value, hi = g[i + 1].value, gap = hi - lo;
      const double x = sign * (lo + f * gap);
      INFO("x = " << x << ", fraction " << f);
      double error_sum = 0;
      long ups = 0, outside = 0;
      for (int k = 0; k < n; ++k) {
        const T t = lowp::convert<T>(x, rounding::stochastic, overflow::saturate, 2024, std::uint64_t(k));
        const double v = static_cast<double>(t);
        outside += std::fabs(v) != lo && std::fabs(v) != hi;
        ups += std::fabs(v) == hi;
        error_sum += v - x;
      }
      CHECK(outside == 0);
      // Each error is -f*gap or (1-f)*gap: mean 0, standard deviation gap*sqrt(f(1-f)).
      const double sigma_mean = gap * std::sqrt(f * (1 - f) / n);
      const double mean = error_sum / n;
      CHECK(std::fabs(mean) < 5 * sigma_mean);
      const double p = double(ups) / n;
      CHECK(std::fabs(p - f) < 5 * std::sqrt(f * (1 - f) / n));
    }
  }
}

TEST_CASE("stochastic rounding keeps exact values and specials", "[format][stochastic]") {
  int bad = 0, overflowed = 0;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    bad += lowp::convert<lowp::float8_e4m3fn>(1.5, rounding::stochastic, overflow::saturate, 3, i).bits() != 0x3c;
    bad += lowp::convert<lowp::float8_e4m3fn>(-448.0, rounding::stochastic, overflow::saturate, 3, i).bits() != 0xfe;
    bad += lowp::convert<lowp::float8_e4m3fn>(0.0, rounding::stochastic, overflow::saturate, 3, i).bits() != 0x00;
    bad += lowp::convert<lowp::int4>(-3.0, rounding::stochastic, overflow::saturate, 3, i).bits() != 0xd;
    bad += lowp::convert<lowp::float8_e5m2>(INFINITY, rounding::stochastic, overflow::saturate, 3, i).bits() != 0x7c;
    // 460 lies between max (448) and 480: it overflows when it rounds up.
    const auto c = lowp::convert<lowp::float8_e4m3fn>(460.0, rounding::stochastic, overflow::non_saturating, 3, i).bits();
    bad += c != 0x7e && c != 0x7f;
    overflowed += c == 0x7f;
  }
  CHECK(bad == 0);
  CHECK(overflowed > 250);  // probability 12/32
  CHECK(overflowed < 500);
}
