#pragma once

// AArch64 Advanced SIMD overloads.

#include <cstdint>
#include <cstring>

#include <xsimd/xsimd.hpp>

#include "lowp/simd/inline.hpp"

#if XSIMD_WITH_NEON64
#include <arm_neon.h>

namespace lowp::simd::kernel {

using xsimd::batch;
using xsimd::kernel::requires_arch;

template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> mul(batch<std::uint32_t, A> const& a, batch<std::uint32_t, A> const& b,
                            requires_arch<xsimd::neon64>) {
  return vmulq_u32(a, b);
}

template <class A>
LOWP_SIMD_INLINE void transpose_4x4_per_128(batch<std::uint32_t, A> (&v)[4], requires_arch<xsimd::neon64>) {
  const uint32x4x2_t ab = vtrnq_u32(v[0], v[1]);  // a0 b0 a2 b2 / a1 b1 a3 b3
  const uint32x4x2_t cd = vtrnq_u32(v[2], v[3]);
  v[0] = vcombine_u32(vget_low_u32(ab.val[0]), vget_low_u32(cd.val[0]));
  v[1] = vcombine_u32(vget_low_u32(ab.val[1]), vget_low_u32(cd.val[1]));
  v[2] = vcombine_u32(vget_high_u32(ab.val[0]), vget_high_u32(cd.val[0]));
  v[3] = vcombine_u32(vget_high_u32(ab.val[1]), vget_high_u32(cd.val[1]));
}

template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> groups_to_memory_order(batch<std::uint32_t, A> const& v, requires_arch<xsimd::neon64>) {
  return v;
}
template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> groups_from_memory_order(batch<std::uint32_t, A> const& v, requires_arch<xsimd::neon64>) {
  return v;
}

template <class A>
LOWP_SIMD_INLINE void store_narrow_u8(std::uint8_t* p, batch<std::uint32_t, A> const (&v)[4], requires_arch<xsimd::neon64>) {
  const uint16x8_t ab = vcombine_u16(vmovn_u32(v[0]), vmovn_u32(v[1]));
  const uint16x8_t cd = vcombine_u16(vmovn_u32(v[2]), vmovn_u32(v[3]));
  vst1q_u8(p, vcombine_u8(vmovn_u16(ab), vmovn_u16(cd)));
}
template <class A>
LOWP_SIMD_INLINE void store_narrow_u8(std::uint8_t* p, batch<std::uint32_t, A> const& v, requires_arch<xsimd::neon64>) {
  const uint16x4_t h = vmovn_u32(v);
  const uint8x8_t b = vmovn_u16(vcombine_u16(h, h));
  const std::uint32_t w = vget_lane_u32(vreinterpret_u32_u8(b), 0);
  std::memcpy(p, &w, 4);
}
template <class A>
LOWP_SIMD_INLINE void store_narrow_u16(std::uint8_t* p, batch<std::uint32_t, A> const& v, requires_arch<xsimd::neon64>) {
  const std::uint64_t w = vget_lane_u64(vreinterpret_u64_u16(vmovn_u32(v)), 0);
  std::memcpy(p, &w, 8);
}

template <class A>
LOWP_SIMD_INLINE void load_widen_u8(std::uint8_t const* p, batch<std::uint32_t, A> (&v)[4], requires_arch<xsimd::neon64>) {
  const uint8x16_t x = vld1q_u8(p);
  const uint16x8_t lo = vmovl_u8(vget_low_u8(x));
  const uint16x8_t hi = vmovl_u8(vget_high_u8(x));
  v[0] = vmovl_u16(vget_low_u16(lo));
  v[1] = vmovl_u16(vget_high_u16(lo));
  v[2] = vmovl_u16(vget_low_u16(hi));
  v[3] = vmovl_u16(vget_high_u16(hi));
}
template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> load_widen_u8(std::uint8_t const* p, requires_arch<xsimd::neon64>) {
  std::uint32_t w;
  std::memcpy(&w, p, 4);
  const uint8x8_t b = vreinterpret_u8_u32(vdup_n_u32(w));
  return vmovl_u16(vget_low_u16(vmovl_u8(b)));
}
template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> load_widen_u16(std::uint8_t const* p, requires_arch<xsimd::neon64>) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return vmovl_u16(vreinterpret_u16_u64(vdup_n_u64(w)));
}

template <class A>
LOWP_SIMD_INLINE void store_u24(std::uint8_t* p, batch<std::uint32_t, A> const& v, requires_arch<xsimd::neon64>) {
  static constexpr std::uint8_t pick_bytes[16] = {0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 255, 255, 255, 255};
  const uint8x16_t x = vqtbl1q_u8(vreinterpretq_u8_u32(v), vld1q_u8(pick_bytes));
  vst1_u8(p, vget_low_u8(x));
  const std::uint32_t w = vgetq_lane_u32(vreinterpretq_u32_u8(x), 2);
  std::memcpy(p + 8, &w, 4);
}
template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> load_u24(std::uint8_t const* p, requires_arch<xsimd::neon64>) {
  static constexpr std::uint8_t spread_bytes[16] = {0, 1, 2, 255, 3, 4, 5, 255, 6, 7, 8, 255, 9, 10, 11, 255};
  std::uint32_t w;
  std::memcpy(&w, p + 8, 4);
  const uint8x16_t x = vcombine_u8(vld1_u8(p), vreinterpret_u8_u32(vdup_n_u32(w)));
  return vreinterpretq_u32_u8(vqtbl1q_u8(x, vld1q_u8(spread_bytes)));
}

template <class A>
LOWP_SIMD_INLINE batch<std::uint32_t, A> trunc_to_u32(batch<float, A> const& v, requires_arch<xsimd::neon64>) {
  return vcvtq_u32_f32(v);
}

}  // namespace lowp::simd::kernel

#endif
