#pragma once

// Per-ISA fast paths of lowp::gemm for integer outputs (stub: none yet).

#include "lowp/isa.hpp"
#include "lowp/kernels/detail/gemm_common.hpp"

namespace lowp::kernels::detail {

// Runs the fast path for this combination on `which` and returns true, or
// returns false when there is none (lowp::gemm then runs its blocked engine).
template <class VA, class VB, class TC>
bool try_integer_gemm(TC, const VA&, const VB&, TC, matrix_view<TC>, isa) {
  return false;
}

}  // namespace lowp::kernels::detail

// Explicit instantiations of this file's per-ISA kernels (instantiate.hpp).
#define LOWP_DETAIL_INT8_GEMM_DEFINE(ARCH)
