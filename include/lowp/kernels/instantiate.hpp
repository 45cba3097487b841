#pragma once

// The per-ISA translation units of a program that uses lowp's kernels. Each
// is a .cpp file compiled with one ISA's flags and containing only
//
//   #include <lowp/kernels/instantiate.hpp>
//   LOWP_INSTANTIATE_ISA(avx2)
//
// i.e. explicit instantiations of every kernel for that ISA, nothing inline
// that other translation units share. lowp_add_isa_sources(target) in
// cmake/lowpIsa.cmake writes and compiles them and defines LOWP_ISA_<NAME>=1
// on the target so that the headers declare those instantiations extern and
// the dispatcher knows which ISAs exist (docs/isa.md).

#include "lowp/kernels/block.hpp"
#include "lowp/kernels/convert.hpp"
#include "lowp/kernels/gemm.hpp"

#define LOWP_INSTANTIATE_ISA(NAME)                                                        \
  LOWP_SCALAR_FORMATS(LOWP_DETAIL_CONVERT_DEFINE, ::lowp::simd::arch_t<::lowp::isa::NAME>) \
  LOWP_BLOCK_KERNEL_FORMATS(LOWP_DETAIL_BLOCK_DEFINE, ::lowp::simd::arch_t<::lowp::isa::NAME>) \
  LOWP_DETAIL_FLOAT_GEMM_DEFINE(::lowp::simd::arch_t<::lowp::isa::NAME>)                      \
  LOWP_DETAIL_INT8_GEMM_DEFINE(::lowp::simd::arch_t<::lowp::isa::NAME>)                       \
  LOWP_DETAIL_GEMV_DEFINE(::lowp::simd::arch_t<::lowp::isa::NAME>)
