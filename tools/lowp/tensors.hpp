#pragma once

// Built-in test tensors of `lowp report`, identical on every platform.
//
// std::normal_distribution is implementation-defined and libm's log/sin/cos
// may differ in the last bit between libraries and targets, so the Gaussian
// comes from Box–Muller over the counter-based lowp::stochastic_bits, with
// log and sin/cos computed here from correctly rounded operations only
// (+, -, *, /, sqrt, frexp/ldexp and explicit fma). Every multiply-add is an
// explicit std::fma so that no compiler can contract one differently per target.

#include <cmath>
#include <cstdint>
#include <vector>

#include "lowp/core/rng.hpp"

namespace lowp::tool {

namespace detail {

// ln(x) for a positive normal double, within about an ulp:
// x = m * 2^k, m in [sqrt(1/2), sqrt(2)); ln(m) = 2 atanh(s), s = (m - 1) / (m + 1).
inline double deterministic_log(double x) {
  int k = 0;
  double m = std::frexp(x, &k);  // [0.5, 1)
  if (m < 0.70710678118654752440) {
    m *= 2;
    --k;
  }
  const double s = (m - 1) / (m + 1);
  const double z = s * s;  // < 0.0295
  // 2 atanh(s) = 2s (1 + z/3 + z^2/5 + ... ); 12 terms leave < 1e-18.
  double p = 1.0 / 25;
  for (int n = 11; n >= 1; --n) p = std::fma(p, z, 1.0 / (2 * n + 1));
  const double two_s = 2 * s;
  const double ln_m = std::fma(two_s * z, p, two_s);
  constexpr double ln2_hi = 0x1.62e42fefa3800p-1;  // ln 2 with 10 trailing zero bits
  constexpr double ln2_lo = 0x1.ef35793c76730p-45;
  return std::fma(double(k), ln2_hi, std::fma(double(k), ln2_lo, ln_m));
}

// sin and cos of t in [0, pi/4] by their Taylor series (terms to t^21).
inline void sin_cos_small(double t, double& s, double& c) {
  const double t2 = t * t;
  // sin t = t (1 - t2/(2*3) (1 - t2/(4*5) (1 - ...))), cos t = 1 - t2/(1*2) (1 - t2/(3*4) (1 - ...))
  double ps = 1, pc = 1;
  for (int n = 10; n >= 1; --n) {
    ps = std::fma(-t2 / double((2 * n) * (2 * n + 1)), ps, 1.0);
    pc = std::fma(-t2 / double((2 * n - 1) * (2 * n)), pc, 1.0);
  }
  s = t * ps;
  c = pc;
}

// sin and cos of 2*pi*u for u in [0, 1) a multiple of 2^-53: reduced to an
// octant exactly, since u * 8 and its fractional part are exact.
inline void sin_cos_turns(double u, double& s, double& c) {
  constexpr double pi_4 = 0.78539816339744830962;
  const double v = u * 8;
  const int j = int(v);
  const double t = v - j;
  const bool odd = (j & 1) != 0;
  double st = 0, ct = 0;
  sin_cos_small((odd ? 1 - t : t) * pi_4, st, ct);
  if (odd) st = -st;  // 2 pi u = q pi/2 + a, a = ±t'pi/4
  switch (((j + 1) / 2) & 3) {
    case 0: s = st, c = ct; break;
    case 1: s = ct, c = -st; break;
    case 2: s = -st, c = -ct; break;
    default: s = -ct, c = st; break;
  }
}

// A uniform double in (0, 1]: 53 random bits from two counter-based words.
inline double uniform_open0(std::uint64_t seed, std::uint64_t counter) {
  const std::uint64_t hi = stochastic_bits(seed, 2 * counter);
  const std::uint64_t lo = stochastic_bits(seed, 2 * counter + 1);
  const std::uint64_t bits53 = (hi << 21) | (lo >> 11);
  return std::ldexp(double(bits53 + 1), -53);
}

}  // namespace detail

// N(0, 1) samples, rounded to float32: element 2i and 2i+1 are the Box–Muller
// pair of the uniforms with counters 2i and 2i+1.
inline std::vector<float> gaussian_tensor(std::size_t n, std::uint64_t seed) {
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; i += 2) {
    const double u1 = detail::uniform_open0(seed, i);
    const double u2 = detail::uniform_open0(seed, i + 1) - std::ldexp(1.0, -53);  // [0, 1)
    const double r = std::sqrt(-2 * detail::deterministic_log(u1));
    double s = 0, c = 0;
    detail::sin_cos_turns(u2, s, c);
    x[i] = float(r * c);
    if (i + 1 < n) x[i + 1] = float(r * s);
  }
  return x;
}

// Whether element i of outlier_tensor(n, seed, factor, per) is an outlier:
// stochastic_bits(seed + 1, i) % per == 0, on average one element in `per`.
inline bool is_outlier(std::uint64_t seed, std::size_t i, std::uint32_t per = 1000) {
  return stochastic_bits(seed + 1, i) % per == 0;
}

// gaussian_tensor(n, seed) with the outliers multiplied by `factor`.
inline std::vector<float> outlier_tensor(std::size_t n, std::uint64_t seed, double factor = 100,
                                         std::uint32_t per = 1000) {
  std::vector<float> x = gaussian_tensor(n, seed);
  for (std::size_t i = 0; i < n; ++i)
    if (is_outlier(seed, i, per)) x[i] = float(double(x[i]) * factor);
  return x;
}

// The two tensors of `lowp report`, row-major report_rows x report_cols:
// block formats are blocked along the rows of this shape, and
// `lowp report --write-tensors DIR` saves them in it as
// DIR/gaussian.npy and DIR/heavy_tailed.npy.
inline constexpr std::size_t report_rows = 256;
inline constexpr std::size_t report_cols = 256;
inline constexpr std::size_t report_tensor_size = report_rows * report_cols;
inline constexpr std::uint64_t gaussian_seed = 1;
inline constexpr std::uint64_t outlier_seed = 2;

inline std::vector<float> report_gaussian_tensor() { return gaussian_tensor(report_tensor_size, gaussian_seed); }
inline std::vector<float> report_heavy_tailed_tensor() { return outlier_tensor(report_tensor_size, outlier_seed); }

}  // namespace lowp::tool
