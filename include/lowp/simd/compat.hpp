#pragma once

// Operations xsimd 8.1 lacks or implements with a scalar loop, each named after
// the newer xsimd API it stands in for, so that moving to a newer xsimd means
// deleting a shim rather than editing its callers.

#include <cstdint>

#include <xsimd/xsimd.hpp>

#include "lowp/simd/inline.hpp"

#include "lowp/simd/arch/avx512bw.hpp"
#include "lowp/simd/arch/neon64.hpp"

namespace lowp::simd {

namespace kernel {
template <class T, class A>
LOWP_SIMD_INLINE xsimd::batch<T, A> select(xsimd::batch_bool<T, A> const& cond, xsimd::batch<T, A> const& a,
                          xsimd::batch<T, A> const& b, requires_arch<xsimd::generic>) {
  return xsimd::select(cond, a, b);
}
}  // namespace kernel

// xsimd::mul for 32-bit unsigned lanes: low 32 bits of each product. 8.1 has
// no SSE2 kernel for it and falls back to a scalar loop.
template <class A>
LOWP_SIMD_INLINE xsimd::batch<std::uint32_t, A> mul(xsimd::batch<std::uint32_t, A> const& a,
                                   xsimd::batch<std::uint32_t, A> const& b) {
  return kernel::mul(a, b, A{});
}

// xsimd::select for 32-bit lanes. 8.1's AVX-512BW kernel handles every lane
// width in one switch whose 8- and 16-bit cases do not compile without
// optimization (GCC defines those intrinsics as casting macros at -O0).
template <class T, class A>
LOWP_SIMD_INLINE xsimd::batch<T, A> select(xsimd::batch_bool<T, A> const& cond, xsimd::batch<T, A> const& a,
                          xsimd::batch<T, A> const& b) {
  return kernel::select(cond, a, b, A{});
}

// xsimd::reduce_add (8.1 calls it hadd).
template <class T, class A>
LOWP_SIMD_INLINE T reduce_add(xsimd::batch<T, A> const& v) {
  return xsimd::hadd(v);
}

}  // namespace lowp::simd
