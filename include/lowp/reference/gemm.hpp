#pragma once

// Scalar oracles of GEMM and GEMV.
//   C <- alpha * A * B + beta * C,   A: M x K, B: K x N, C: M x N.
// Integer operands (int8_t, uint8_t, intn): products and sums exact, C is int32
// and the result wraps modulo 2^32 (as int32 accumulators do in hardware).
// Otherwise C is float and the result is alpha * sum + beta * C computed
// exactly and rounded once to nearest even (quant/exact.hpp). When beta is 0,
// C is not read (BLAS convention), so NaN in C does not propagate.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "lowp/container/matrix_view.hpp"
#include "lowp/format/element.hpp"
#include "lowp/quant/exact.hpp"

namespace lowp::reference {

template <class TA, class TB, class TC>
void gemm(std::conditional_t<std::is_same_v<TC, float>, float, std::int32_t> alpha,
          matrix_view<const TA> a, matrix_view<const TB> b,
          std::conditional_t<std::is_same_v<TC, float>, float, std::int32_t> beta, matrix_view<TC> c) {
  const std::size_t M = c.rows(), N = c.cols(), K = a.cols();
  for (std::size_t i = 0; i < M; ++i) {
    for (std::size_t j = 0; j < N; ++j) {
      if constexpr (std::is_same_v<TC, std::int32_t>) {
        std::int64_t sum = 0;
        for (std::size_t k = 0; k < K; ++k)
          sum += element_integer(TA(a(i, k))) * element_integer(TB(b(k, j)));
        std::uint64_t r = std::uint64_t(sum) * std::uint64_t(std::int64_t(alpha));
        if (beta != 0) r += std::uint64_t(std::int64_t(c(i, j))) * std::uint64_t(std::int64_t(beta));
        c(i, j) = std::int32_t(std::uint32_t(r));
      } else {
        // alpha * a is exact in double (float times a value of at most 24 bits).
        exact::accumulator out;
        if (alpha != 0)
          for (std::size_t k = 0; k < K; ++k)
            out.add_product(double(alpha) * element_value(TA(a(i, k))), element_value(TB(b(k, j))));
        if (beta != 0) out.add_product(double(beta), double(c(i, j)));
        c(i, j) = out.to_float();
      }
    }
  }
}

// Bound on |fast - exact| for the float path of datapath::fast: every
// product and sum rounded once in float32 in any order, then alpha and beta
// applied (Higham, Accuracy and Stability of Numerical Algorithms, §3.1:
// |error| <= gamma_n * sum|terms|, gamma_n = n u / (1 - n u), u = 2^-24), plus
// a term for underflow.
template <class TA, class TB>
double gemm_error_bound(float alpha, matrix_view<const TA> a, matrix_view<const TB> b, float beta, float c_in,
                        std::size_t i, std::size_t j) {
  const std::size_t K = a.cols();
  double magnitude = 0;
  for (std::size_t k = 0; k < K; ++k)
    magnitude += std::fabs(element_value(TA(a(i, k))) * element_value(TB(b(k, j))));
  const double u = 0x1p-24;
  const double n = double(K + 3);
  const double gamma = n * u / (1 - n * u);
  return gamma * (std::fabs(double(alpha)) * magnitude + std::fabs(double(beta) * c_in)) * 1.0001 +
         n * double(std::numeric_limits<float>::denorm_min());
}

}  // namespace lowp::reference
