#pragma once

// Error metrics between a reference tensor x and its reconstruction y (e.g.
// after a quantize/dequantize round trip), computed in double, summed in
// element order:
//   SQNR (dB)  10 log10( sum x_i^2 / sum (x_i - y_i)^2 )
//   RMSE       sqrt( sum (x_i - y_i)^2 / n )
//   max abs    max |x_i - y_i|
//   max rel    max |x_i - y_i| / |x_i|
// Conventions:
//   - zeros in max rel: a pair with x_i = 0 contributes 0 when y_i = 0 too and
//     +Inf otherwise (any error relative to an exact zero is unbounded);
//   - SQNR is +Inf when the reconstruction is exact (noise 0, signal included
//     being 0), and -Inf when the signal is 0 but the noise is not;
//   - non-finite values: a pair that is the same non-finite value (both NaN,
//     or the same infinity) counts as exact and adds nothing to the signal;
//     any other pair holding NaN or Inf has error +Inf, so RMSE, max abs and
//     max rel are +Inf and SQNR is -Inf. `nonfinite` counts such pairs;
//   - an empty tensor gives 0 errors and SQNR +Inf.

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>

#include "lowp/error.hpp"

namespace lowp::quant {

struct error_metrics {
  double sqnr_db = std::numeric_limits<double>::infinity();
  double rmse = 0;
  double max_abs = 0;
  double max_rel = 0;
  std::size_t count = 0;      // pairs compared
  std::size_t nonfinite = 0;  // pairs with NaN/Inf that are not the same value
};

inline error_metrics compare(std::span<const float> reference, std::span<const float> reconstructed) {
  if (reference.size() != reconstructed.size())
    lowp::detail::fail("reconstructed: " + std::to_string(reconstructed.size()) + " values, but reference has " +
                       std::to_string(reference.size()));
  constexpr double inf = std::numeric_limits<double>::infinity();
  error_metrics m;
  m.count = reference.size();
  double signal = 0, noise = 0;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    const double x = reference[i];
    const double y = reconstructed[i];
    if (!std::isfinite(x) || !std::isfinite(y)) {
      const bool same = (std::isnan(x) && std::isnan(y)) || x == y;
      if (!same) {
        ++m.nonfinite;
        noise = inf;
        m.max_abs = inf;
        m.max_rel = inf;
      }
      continue;
    }
    const double e = std::fabs(x - y);
    signal += x * x;
    noise += e * e;
    if (e > m.max_abs) m.max_abs = e;
    const double rel = x != 0 ? e / std::fabs(x) : (e != 0 ? inf : 0.0);
    if (rel > m.max_rel) m.max_rel = rel;
  }
  if (m.count != 0) m.rmse = std::sqrt(noise / double(m.count));
  if (noise == 0) m.sqnr_db = inf;
  else if (signal == 0 || std::isinf(noise)) m.sqnr_db = -inf;
  else m.sqnr_db = 10.0 * std::log10(signal / noise);
  return m;
}

inline double sqnr_db(std::span<const float> reference, std::span<const float> reconstructed) {
  return compare(reference, reconstructed).sqnr_db;
}
inline double rmse(std::span<const float> reference, std::span<const float> reconstructed) {
  return compare(reference, reconstructed).rmse;
}
inline double max_abs_error(std::span<const float> reference, std::span<const float> reconstructed) {
  return compare(reference, reconstructed).max_abs;
}
inline double max_rel_error(std::span<const float> reference, std::span<const float> reconstructed) {
  return compare(reference, reconstructed).max_rel;
}

}  // namespace lowp::quant
