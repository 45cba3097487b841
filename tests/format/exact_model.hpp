#pragma once

// An exact model of every scalar format of DESIGN §4, built from the table's
// parameters (width, exponent and mantissa bits, bias, specials) by plain
// significand * 2^exponent arithmetic in double, which holds every value of
// every format exactly. It deliberately does not call lowp::reference: the
// tests compare the library with it, so it must be a second derivation.
//
// Encoding works on the sorted set of representable values: an input is
// placed between its two neighbours and the rounding rule picks one of them.
// The overflow rules are DESIGN §4's: a value overflows when, rounded to the
// format's precision with an unbounded exponent, its magnitude exceeds max;
// the grid is therefore extended by one point past max, the next value the
// format would have with one more exponent.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "lowp/core/policy.hpp"

namespace lowp_test {

using lowp::overflow;
using lowp::rounding;

// Which codes are NaN (and, for ieee, Inf).
enum class nan_encoding {
  none,       // no NaN, no Inf (OCP MX FP6/FP4)
  ieee,       // all-ones exponent: Inf with zero mantissa, NaN otherwise
  all_ones,   // all-ones exponent and mantissa, either sign ("fn"); no Inf
  only_0x80,  // the negative-zero code is the one NaN ("fnuz"); no -0, no Inf
};

// A format as DESIGN §4 describes it.
struct format_spec {
  std::string_view name;
  int bits;  // storage width
  bool is_integer;
  bool is_signed;
  int exponent_bits;
  int mantissa_bits;
  int bias;
  nan_encoding nan;
  bool has_subnormals;  // false (E8M0): exponent field 0 is the binade 2^-bias and there is no zero
};

// clang-format off
inline constexpr format_spec all_specs[] = {
  // name                  bits int    signed E  M  bias  NaN                       subnormals
  {"float8_e4m3fn",         8, false, true,  4, 3,   7, nan_encoding::all_ones,  true},
  {"float8_e5m2",           8, false, true,  5, 2,  15, nan_encoding::ieee,      true},
  {"float8_e4m3fnuz",       8, false, true,  4, 3,   8, nan_encoding::only_0x80, true},
  {"float8_e5m2fnuz",       8, false, true,  5, 2,  16, nan_encoding::only_0x80, true},
  {"float8_e4m3b11fnuz",    8, false, true,  4, 3,  11, nan_encoding::only_0x80, true},
  {"float8_e4m3",           8, false, true,  4, 3,   7, nan_encoding::ieee,      true},
  {"float8_e3m4",           8, false, true,  3, 4,   3, nan_encoding::ieee,      true},
  {"float8_e8m0fnu",        8, false, false, 8, 0, 127, nan_encoding::all_ones,  false},
  {"float8_ue4m3",          8, false, false, 4, 3,   7, nan_encoding::all_ones,  true},
  {"float6_e2m3fn",         6, false, true,  2, 3,   1, nan_encoding::none,      true},
  {"float6_e3m2fn",         6, false, true,  3, 2,   3, nan_encoding::none,      true},
  {"float4_e2m1fn",         4, false, true,  2, 1,   1, nan_encoding::none,      true},
  {"bfloat16",             16, false, true,  8, 7, 127, nan_encoding::ieee,      true},
  {"float16",              16, false, true,  5, 10, 15, nan_encoding::ieee,      true},
  {"int2",                  2, true,  true,  0, 0,   0, nan_encoding::none,      false},
  {"uint2",                 2, true,  false, 0, 0,   0, nan_encoding::none,      false},
  {"int4",                  4, true,  true,  0, 0,   0, nan_encoding::none,      false},
  {"uint4",                 4, true,  false, 0, 0,   0, nan_encoding::none,      false},
  {"int8",                  8, true,  true,  0, 0,   0, nan_encoding::none,      false},
  {"uint8",                 8, true,  false, 0, 0,   0, nan_encoding::none,      false},
};
// clang-format on

// The value a code stands for; Inf is ±infinity.
struct decoded {
  bool nan;
  double value;
};

inline std::string hex(std::uint64_t v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%0*llx", digits, static_cast<unsigned long long>(v));
  return buf;
}

inline std::string describe(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g (%a)", x, x);
  return buf;
}

class format_model {
 public:
  explicit format_model(const format_spec& s) : s_(s) {
    const std::uint32_t n = std::uint32_t{1} << s.bits;
    values_.reserve(n);
    for (std::uint32_t c = 0; c < n; ++c) values_.push_back(s.is_integer ? decode_int(c) : decode_float(c));
    if (s.is_integer) {
      // The grid is every integer of the range, in order.
      for (std::uint32_t c = 0; c < n; ++c) grid_.push_back({values_[c].value, c});
      std::sort(grid_.begin(), grid_.end(), [](const point& a, const point& b) { return a.value < b.value; });
      return;
    }
    // Nonnegative finite magnitudes, increasing, with their positive codes.
    if (!s.has_subnormals) grid_.push_back({0.0, 0});  // virtual zero: E8M0 has none, values round to it
    for (std::uint32_t c = 0; c < n; ++c) {
      const decoded d = values_[c];
      if (d.nan || std::isinf(d.value) || std::signbit(d.value)) continue;
      if (s.is_signed && (c & sign_bit()) != 0) continue;
      grid_.push_back({d.value, c});
    }
    std::sort(grid_.begin(), grid_.end(), [](const point& a, const point& b) { return a.value < b.value; });
    for (std::size_t i = 1; i < grid_.size(); ++i)
      if (!(grid_[i].value > grid_[i - 1].value)) throw std::logic_error("model: duplicate magnitude");
    max_ = grid_.back().value;
    max_code_ = grid_.back().code;
    // One more step at max's precision: the next value with an unbounded exponent.
    beyond_ = max_ + std::ldexp(1.0, std::ilogb(max_) - s.mantissa_bits);
    grid_.push_back({beyond_, max_code_ + 1});
  }

  const format_spec& spec() const { return s_; }
  std::uint32_t code_count() const { return std::uint32_t{1} << s_.bits; }
  decoded decode(std::uint32_t code) const { return values_.at(code); }

  // Float formats: the finite nonnegative magnitudes, then the point past max.
  // Integer formats: every value, in increasing order.
  struct point {
    double value;
    std::uint32_t code;
  };
  const std::vector<point>& grid() const { return grid_; }
  double beyond_max() const { return beyond_; }

  double max() const {
    if (s_.is_integer) return grid_.back().value;
    return max_;
  }
  double lowest() const {
    if (s_.is_integer) return grid_.front().value;
    return s_.is_signed ? -max_ : grid_[s_.has_subnormals ? 0 : 1].value;
  }
  // Smallest positive normal value.
  double min_normal() const {
    if (s_.is_integer) return 1;
    return std::ldexp(1.0, (s_.has_subnormals ? 1 : 0) - s_.bias);
  }
  // Smallest positive value.
  double min_positive() const {
    for (const point& p : grid_)
      if (p.value > 0) return p.value;
    return 0;
  }
  bool has_inf() const { return s_.nan == nan_encoding::ieee; }
  bool has_nan() const { return s_.nan != nan_encoding::none && !s_.is_integer; }
  bool has_zero() const { return s_.is_integer || s_.has_subnormals; }
  std::uint32_t sign_bit() const {
    return s_.is_signed && !s_.is_integer ? std::uint32_t{1} << (s_.exponent_bits + s_.mantissa_bits) : 0U;
  }

  // The code of NaN input (sign-preserving where the format's NaN has a sign).
  std::uint32_t nan_code(bool negative) const {
    const std::uint32_t sign = negative ? sign_bit() : 0U;
    const std::uint32_t exp_ones = (std::uint32_t{1} << s_.exponent_bits) - 1U;
    const std::uint32_t mant_ones = (std::uint32_t{1} << s_.mantissa_bits) - 1U;
    switch (s_.nan) {
      case nan_encoding::ieee:  // quiet: mantissa MSB set, no payload
        return sign | (exp_ones << s_.mantissa_bits) | (std::uint32_t{1} << (s_.mantissa_bits - 1));
      case nan_encoding::all_ones: return sign | (exp_ones << s_.mantissa_bits) | mant_ones;
      case nan_encoding::only_0x80: return sign_bit();
      case nan_encoding::none: break;
    }
    return max_code_;  // no NaN code: +max
  }

  // The code of x under (r, o); r is not stochastic.
  std::uint32_t encode(double x, rounding r, overflow o) const {
    if (s_.is_integer) return encode_int(x, r);
    if (std::isnan(x)) return nan_code(std::signbit(x));
    const bool neg = std::signbit(x);
    const double a = std::fabs(x);
    if (std::isinf(a)) return overflow_result(neg, true, o);
    if (a == 0) return zero_result(neg, o);
    if (a >= beyond_) return overflow_result(neg, false, o);
    // grid_[i] <= a < grid_[i + 1]
    const auto it = std::upper_bound(grid_.begin(), grid_.end(), a,
                                     [](double v, const point& p) { return v < p.value; });
    const std::size_t i = std::size_t(it - grid_.begin()) - 1;
    return finish(i, a, neg, r, o);
  }

  // Same as encode; `hint` is a grid index near the answer, updated (a walk
  // for inputs of increasing magnitude, used by the exhaustive tier).
  std::uint32_t encode_walk(double x, rounding r, overflow o, std::size_t& hint) const {
    if (s_.is_integer || std::isnan(x)) return encode(x, r, o);
    const double a = std::fabs(x);
    if (std::isinf(a) || a == 0 || a >= beyond_) return encode(x, r, o);
    if (hint + 1 >= grid_.size() || grid_[hint].value > a) return encode(x, r, o);
    while (grid_[hint + 1].value <= a) ++hint;
    return finish(hint, a, std::signbit(x), r, o);
  }

  // The two neighbours of a positive finite magnitude a < beyond_max(): the
  // grid indices (i, i + 1) with grid[i] <= a < grid[i + 1].
  std::size_t lower_index(double a) const {
    const auto it = std::upper_bound(grid_.begin(), grid_.end(), a,
                                     [](double v, const point& p) { return v < p.value; });
    return std::size_t(it - grid_.begin()) - 1;
  }

 private:
  decoded decode_float(std::uint32_t code) const {
    const int E = s_.exponent_bits, M = s_.mantissa_bits;
    const int encoding_bits = (s_.is_signed ? 1 : 0) + E + M;
    if ((code >> encoding_bits) != 0) return {true, 0};  // padding bits set (float8_ue4m3)
    const bool negative = s_.is_signed && ((code >> (E + M)) & 1U) != 0;
    const std::uint32_t exp_field = (code >> M) & ((std::uint32_t{1} << E) - 1U);
    const std::uint32_t mant = code & ((std::uint32_t{1} << M) - 1U);
    const std::uint32_t exp_ones = (std::uint32_t{1} << E) - 1U, mant_ones = (std::uint32_t{1} << M) - 1U;
    const double inf = std::numeric_limits<double>::infinity();
    switch (s_.nan) {
      case nan_encoding::ieee:
        if (exp_field == exp_ones) return mant == 0 ? decoded{false, negative ? -inf : inf} : decoded{true, 0};
        break;
      case nan_encoding::all_ones:
        if (exp_field == exp_ones && mant == mant_ones) return {true, 0};
        break;
      case nan_encoding::only_0x80:
        if (negative && exp_field == 0 && mant == 0) return {true, 0};
        break;
      case nan_encoding::none: break;
    }
    // significand * 2^exponent, the significand an integer of at most M + 1 bits
    std::int64_t significand;
    int exponent;
    if (exp_field == 0 && s_.has_subnormals) {
      significand = mant;
      exponent = 1 - s_.bias - M;
    } else {
      significand = (std::int64_t{1} << M) + mant;
      exponent = int(exp_field) - s_.bias - M;
    }
    const double magnitude = std::ldexp(double(significand), exponent);
    return {false, negative ? -magnitude : magnitude};
  }

  decoded decode_int(std::uint32_t code) const {
    std::int64_t v = code;
    if (s_.is_signed && code >= (std::uint32_t{1} << (s_.bits - 1))) v -= std::int64_t{1} << s_.bits;
    return {false, double(v)};
  }

  // Integers: NaN is 0, ±Inf and out-of-range values saturate under every
  // overflow policy, ties under nearest_even go to the even integer.
  std::uint32_t encode_int(double x, rounding r) const {
    const double lo_v = grid_.front().value, hi_v = grid_.back().value;
    const std::uint32_t mask = (std::uint32_t{1} << s_.bits) - 1U;
    auto code_of = [&](double v) { return std::uint32_t(std::int64_t(v)) & mask; };
    if (std::isnan(x)) return 0;
    if (x >= hi_v) return code_of(hi_v);
    if (x <= lo_v) return code_of(lo_v);
    const double f = std::floor(x);
    if (f == x) return code_of(x);
    const double c = f + 1;
    const double mid = f + 0.5;  // exact; x - f would not be
    bool to_ceil = false;
    switch (r) {
      case rounding::toward_zero: to_ceil = x < 0; break;
      case rounding::up: to_ceil = true; break;
      case rounding::down: to_ceil = false; break;
      case rounding::nearest_away: to_ceil = x > mid || (x == mid && x > 0); break;
      case rounding::nearest_even: to_ceil = x > mid || (x == mid && std::fmod(c, 2.0) == 0); break;
      case rounding::stochastic: throw std::logic_error("model: stochastic rounding is not modelled");
    }
    return code_of(to_ceil ? c : f);
  }

  // The magnitude a lies in [grid_[i], grid_[i + 1]), i + 1 <= index of beyond_.
  std::uint32_t finish(std::size_t i, double a, bool neg, rounding r, overflow o) const {
    std::size_t k = i;
    if (a != grid_[i].value) {
      const double mid = (grid_[i].value + grid_[i + 1].value) / 2;  // exact: few significant bits
      bool away = false;
      switch (r) {
        case rounding::toward_zero: away = false; break;
        case rounding::up: away = !neg; break;
        case rounding::down: away = neg; break;
        case rounding::nearest_away: away = a >= mid; break;
        case rounding::nearest_even: away = a > mid || (a == mid && (grid_[i].code & 1U) != 0); break;
        case rounding::stochastic: throw std::logic_error("model: stochastic rounding is not modelled");
      }
      if (away) k = i + 1;
    }
    if (k + 1 == grid_.size()) return overflow_result(neg, false, o);  // rounded past max
    if (grid_[k].value == 0) return zero_result(neg, o);
    if (!s_.is_signed && neg) return overflow_result(true, false, o);  // below an unsigned range
    return (neg ? sign_bit() : 0U) | grid_[k].code;
  }

  // DESIGN §4 overflow, and for unsigned formats the negative side (the least
  // code, or NaN, as include/lowp/reference/convert.hpp documents).
  std::uint32_t overflow_result(bool neg, bool from_inf, overflow o) const {
    const bool special = o == overflow::non_saturating || (from_inf && o == overflow::saturate);
    if (!s_.is_signed && neg) return special && has_nan() ? nan_code(false) : 0U;
    const std::uint32_t sign = neg ? sign_bit() : 0U;
    if (special && has_inf()) return sign | (((std::uint32_t{1} << s_.exponent_bits) - 1U) << s_.mantissa_bits);
    if (special && has_nan()) return nan_code(neg);
    return sign | max_code_;
  }

  // A value that is or rounds to zero; E8M0 has no zero: its least value, or
  // NaN under non_saturating.
  std::uint32_t zero_result(bool neg, overflow o) const {
    if (!s_.has_subnormals) return o == overflow::non_saturating ? nan_code(false) : 0U;
    if (neg && s_.is_signed && s_.nan != nan_encoding::only_0x80) return sign_bit();
    return 0U;
  }

  format_spec s_;
  std::vector<decoded> values_;
  std::vector<point> grid_;
  double max_ = 0;
  std::uint32_t max_code_ = 0;
  double beyond_ = 0;
};

inline const format_spec& spec_of(std::string_view name) {
  for (const format_spec& s : all_specs)
    if (s.name == name) return s;
  throw std::logic_error("model: no format named " + std::string(name));
}

// One model per format, built on first use.
inline const format_model& model_of(std::string_view name) {
  static const std::vector<format_model> models = [] {
    std::vector<format_model> v;
    for (const format_spec& s : all_specs) v.emplace_back(s);
    return v;
  }();
  for (const format_model& m : models)
    if (m.spec().name == name) return m;
  throw std::logic_error("model: no format named " + std::string(name));
}

// The rounding modes a deterministic model covers (stochastic is tested apart).
inline constexpr rounding deterministic_roundings[] = {rounding::nearest_even, rounding::toward_zero,
                                                       rounding::nearest_away, rounding::up, rounding::down};

}  // namespace lowp_test
