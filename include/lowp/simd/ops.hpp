#pragma once

// Data-movement operations of lowp's kernels that xsimd does not offer in any
// version: narrowing stores, widening loads, 3-byte packing and the per-lane
// transposes used to build packed sub-byte groups. Each forwards to the
// requires_arch overload of the best ISA in simd/arch/<isa>.hpp.

#include <cstdint>
#include <type_traits>

#include "lowp/simd/api.hpp"
#include "lowp/simd/inline.hpp"

namespace lowp::simd {

// 4x4 transpose of 32-bit elements within each 128-bit lane of four vectors.
// Applied to four consecutive vectors of codes, lane j of result k holds
// element k of one 4-element group; the groups come in an ISA-specific order
// that groups_to_memory_order() turns into memory order.
template <class A>
LOWP_SIMD_INLINE void transpose_4x4_per_128(u32<A> (&v)[4]) {
  kernel::transpose_4x4_per_128(v, A{});
}
template <class A>
LOWP_SIMD_INLINE u32<A> groups_to_memory_order(u32<A> const& v) {
  return kernel::groups_to_memory_order(v, A{});
}
template <class A>
LOWP_SIMD_INLINE u32<A> groups_from_memory_order(u32<A> const& v) {
  return kernel::groups_from_memory_order(v, A{});
}

// 4 * lanes<A> values below 256 to as many bytes.
template <class A>
LOWP_SIMD_INLINE void store_narrow_u8(std::uint8_t* p, u32<A> const (&v)[4]) {
  kernel::store_narrow_u8(p, v, A{});
}
// lanes<A> values below 256 to as many bytes.
template <class A>
LOWP_SIMD_INLINE void store_narrow_u8(std::uint8_t* p, u32<A> const& v) {
  kernel::store_narrow_u8(p, v, A{});
}
// lanes<A> values below 65536 to as many little-endian 16-bit values.
template <class A>
LOWP_SIMD_INLINE void store_narrow_u16(std::uint8_t* p, u32<A> const& v) {
  kernel::store_narrow_u16(p, v, A{});
}
// The low 3 bytes of each lane, little-endian, 3 * lanes<A> bytes in all.
template <class A>
LOWP_SIMD_INLINE void store_u24(std::uint8_t* p, u32<A> const& v) {
  kernel::store_u24(p, v, A{});
}

// The inverses; each reads exactly the bytes the matching store writes.
template <class A>
LOWP_SIMD_INLINE void load_widen_u8(std::uint8_t const* p, u32<A> (&v)[4]) {
  kernel::load_widen_u8(p, v, A{});
}
template <class A>
LOWP_SIMD_INLINE u32<A> load_widen_u8(std::uint8_t const* p) {
  return kernel::load_widen_u8<A>(p, A{});
}
template <class A>
LOWP_SIMD_INLINE u32<A> load_widen_u16(std::uint8_t const* p) {
  return kernel::load_widen_u16<A>(p, A{});
}
template <class A>
LOWP_SIMD_INLINE u32<A> load_u24(std::uint8_t const* p) {
  return kernel::load_u24<A>(p, A{});
}

// Truncating float32 -> uint32 conversion of 0 <= v < 2^32 (cvttps2dq is
// signed; AVX-512 and NEON convert to unsigned directly).
template <class A>
LOWP_SIMD_INLINE u32<A> trunc_to_u32(f32<A> const& v) {
  return kernel::trunc_to_u32(v, A{});
}

namespace kernel {
// Only ISAs with has_nibble_lut define this.
template <class A>
void lut_nibbles_hi16(std::uint8_t const* p, std::uint8_t const* hi, std::uint8_t const* mid,
                      xsimd::batch<std::uint32_t, A> (&v)[4], requires_arch<xsimd::generic>) = delete;
// Only ISAs with F16C define these.
template <class A>
xsimd::batch<float, A> load_f16(std::uint8_t const* p, requires_arch<xsimd::generic>) = delete;
template <int Mode, class A>
xsimd::batch<std::uint32_t, A> cvt_f32_to_f16(xsimd::batch<float, A> const& x, requires_arch<xsimd::generic>) = delete;
}  // namespace kernel

// 4-bit code lookup through byte shuffles (pshufb: SSSE3, which lowp's sse4_1
// and avx2 have); the other ISAs decode 4-bit codes arithmetically.
template <class A>
inline constexpr bool has_nibble_lut = std::is_base_of_v<xsimd::sse4_1, A>;

// 4 * lanes<A> 4-bit codes packed LSB-first (2 * lanes<A> bytes at p), each
// looked up in two 16-entry byte tables: lane i of v[k] is
// hi[c] << 24 | mid[c] << 16 for the code c of element k * lanes<A> + i.
template <class A>
LOWP_SIMD_INLINE void lut_nibbles_hi16(std::uint8_t const* p, std::uint8_t const* hi, std::uint8_t const* mid,
                                       u32<A> (&v)[4]) {
  kernel::lut_nibbles_hi16<A>(p, hi, mid, v, A{});
}

// F16C (lowp's avx2 and avx512bw are compiled with -mf16c).
template <class A>
inline constexpr bool has_f16c = std::is_base_of_v<xsimd::avx2, A> || std::is_base_of_v<xsimd::avx512f, A>;

// lanes<A> IEEE binary16 values to float32 (exact; NaN payloads are kept).
template <class A>
LOWP_SIMD_INLINE f32<A> load_f16(std::uint8_t const* p) {
  return kernel::load_f16<A>(p, A{});
}
// float32 to binary16 codes in 32-bit lanes, rounded by Mode (F16C's rounding
// control: 0 nearest even, 1 down, 2 up, 3 toward zero); overflow gives Inf.
template <int Mode, class A>
LOWP_SIMD_INLINE u32<A> cvt_f32_to_f16(f32<A> const& x) {
  return kernel::cvt_f32_to_f16<Mode>(x, A{});
}

}  // namespace lowp::simd
