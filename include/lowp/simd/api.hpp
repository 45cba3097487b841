#pragma once

// lowp's SIMD vocabulary: the xsimd architecture tag of each lowp::isa, batch
// aliases, and the operations xsimd 8.1 lacks (compat.hpp, arch/<isa>.hpp).
// This directory is the only place that includes xsimd.

#include <cstdint>

#include <xsimd/xsimd.hpp>

#include "lowp/dispatch/isa.hpp"

namespace lowp::simd {

// The scalar "architecture": kernels instantiated for it call the reference.
struct scalar {
  static constexpr const char* name() { return "scalar"; }
};

template <isa I>
struct arch_for;
template <>
struct arch_for<isa::scalar> {
  using type = scalar;
};
template <>
struct arch_for<isa::sse2> {
  using type = xsimd::sse2;
};
template <>
struct arch_for<isa::sse4_1> {
  using type = xsimd::sse4_1;
};
template <>
struct arch_for<isa::avx2> {
  using type = xsimd::fma3<xsimd::avx2>;
};
template <>
struct arch_for<isa::avx512bw> {
  using type = xsimd::avx512bw;
};
template <>
struct arch_for<isa::neon64> {
  using type = xsimd::neon64;
};

// The xsimd architecture tag lowp compiles for ISA I.
template <isa I>
using arch_t = typename arch_for<I>::type;

template <class A>
using f32 = xsimd::batch<float, A>;
template <class A>
using i32 = xsimd::batch<std::int32_t, A>;
template <class A>
using u32 = xsimd::batch<std::uint32_t, A>;
template <class A>
using mask32 = xsimd::batch_bool<std::int32_t, A>;

template <class A>
inline constexpr std::size_t lanes = xsimd::batch<float, A>::size;

using xsimd::kernel::requires_arch;

}  // namespace lowp::simd

#include "lowp/simd/compat.hpp"
