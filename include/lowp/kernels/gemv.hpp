#pragma once

// GEMV: y <- alpha * A * x + beta * y, A an N x K operand view (weights
// stored N x K, as models store them), x K values, y N values.
// Per-ISA fast paths plug in at kernels::detail::try_gemv; every other
// combination runs lowp::gemm with x as a K x 1 matrix.

#include <cstddef>
#include <string>

#include "lowp/datapath/datapath.hpp"
#include "lowp/error.hpp"
#include "lowp/isa.hpp"
#include "lowp/kernels/gemm.hpp"
#include "lowp/simd/dispatch.hpp"

namespace lowp {

namespace kernels::detail {

// Runs the fast path for this combination on `which` and returns true, or
// returns false when there is none (the caller then runs the generic engine).
template <class VA, class TX, class TY>
bool try_gemv(TY, const VA&, const TX*, TY, TY*, isa) {
  return false;
}

}  // namespace kernels::detail

// y <- alpha * A * x + beta * y: A is N x K, x has K elements, y has N.
template <datapath_type Datapath = datapath::fast, class VA, class TX, class TY>
void gemv(TY alpha, const VA& a, const TX* x, std::size_t x_size, TY beta, TY* y, std::size_t y_size,
          isa which = best_isa()) {
  if (x_size != a.cols())
    detail::fail("gemv: x has " + std::to_string(x_size) + " elements but A has " + std::to_string(a.cols()) +
                 " columns");
  if (y_size != a.rows())
    detail::fail("gemv: y has " + std::to_string(y_size) + " elements but A has " + std::to_string(a.rows()) +
                 " rows");
  which = require_isa(which);
  if constexpr (std::is_same_v<Datapath, datapath::fast>)
    if (kernels::detail::try_gemv(alpha, a, x, beta, y, which)) return;
  gemm<Datapath>(alpha, a, matrix_view<const TX>(x, x_size, 1), beta, matrix_view<TY>(y, y_size, 1), which);
}

}  // namespace lowp

// Explicit instantiations of this file's per-ISA kernels (instantiate.hpp).
#define LOWP_DETAIL_GEMV_DEFINE(ARCH)
