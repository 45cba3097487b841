#pragma once

// Bulk dequantization of block formats (DESIGN §5, §6) on any ISA:
//
//   lowp::dequantize_blocks<BF>(raw, rows, cols, out, pad = padding::none, isa = best_isa())
//
// Same semantics, same errors and bit-identical results as
// reference::dequantize<BF> (reference/block.hpp): raw is the canonical raw
// layout (NVFP4: the float32 tensor scale first), out holds rows * cols floats.
//
// Vectorised for ggml_q4_0, ggml_q8_0, ggml_mxfp4, mxfp4, mxfp4_noclip,
// mxfp8_e4m3, mxfp8_e4m3_noclip and nvfp4 on every SIMD ISA: 256-bit
// intrinsics in the avx2 and avx512bw translation units
// (kernels/block/avx2.hpp), 128-bit xsimd batches on sse2, sse4_1 and
// neon64 (kernels/block/portable.hpp). Every other block format and
// isa::scalar run the scalar reference. Blocks the SIMD paths do not model
// (ggml float16 scales that are Inf or NaN, MXFP8 NaN element codes) are
// handed to reference::dequantize_block one at a time; a row's zero-padded
// last block goes through reference::dequantize_row.
//
// Bulk quantization, the inverse:
//
//   lowp::quantize_blocks<BF>(x, rows, cols, out, pad = padding::none, isa = best_isa())
//
// with the same checks, errors and bytes as reference::quantize<BF>.
// Vectorised for the same eight formats on the same ISAs (nvfp4 with its
// tensor amax pass; kernels/block/avx2_quantize.hpp and kernels/block/portable.hpp)
// with the default rounding; blocks holding Inf or NaN, ggml_q8_0 blocks
// with a subnormal scale and ggml_mxfp4 blocks whose maximum lies within
// 2^-13 of a power of two (where log2f may round up) go to the reference one
// block at a time, as do padded last blocks (reference::quantize_row).
//
// Per-ISA code is compiled in the translation units that
// lowp/kernels/instantiate.hpp describes (docs/isa.md).

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "lowp/block/formats.hpp"
#include "lowp/error.hpp"
#include "lowp/isa.hpp"
#include "lowp/reference/block.hpp"
#include "lowp/simd/api.hpp"
#include "lowp/dispatch/dispatch.hpp"


namespace lowp::kernels {

// The block dequantization kernels of one architecture (Arch =
// simd::arch_t<isa>), instantiated per ISA like convert_kernel. decode reads
// `blocks` consecutive whole blocks at `in` (no tensor header) and writes
// blocks * BF::block_size floats; tensor_scale: two-level formats only.
// encode is the inverse: `blocks` whole blocks of BF::block_size floats at x
// to blocks * BF::bytes_per_block bytes, as reference::quantize_block with the
// default options (nearest even, saturate); finite_amax is the largest |x|
// over the finite values of x[0, n) (0 if none), reference::tensor_scale's
// amax (used for two-level formats).
struct block_kernel {
  template <class Arch, class BF>
  static void decode(Arch, const std::uint8_t* in, float* out, std::size_t blocks, float tensor_scale);
  template <class Arch, class BF>
  static void encode(Arch, const float* x, std::uint8_t* out, std::size_t blocks, float tensor_scale);
  template <class Arch, class BF>
  static float finite_amax(Arch, const float* x, std::size_t n);
};

namespace detail {

template <class BF>
void decode_blocks_reference(const std::uint8_t* in, float* out, std::size_t blocks, float tensor_scale) {
  for (std::size_t b = 0; b < blocks; ++b)
    reference::dequantize_block<BF>(
        std::span<const std::uint8_t, BF::bytes_per_block>(in + b * BF::bytes_per_block, BF::bytes_per_block),
        std::span<float, BF::block_size>(out + b * BF::block_size, BF::block_size), tensor_scale);
}

template <class BF>
void encode_blocks_reference(const float* x, std::uint8_t* out, std::size_t blocks, float tensor_scale) {
  block_params p;
  p.tensor_scale = tensor_scale;
  for (std::size_t b = 0; b < blocks; ++b)
    reference::quantize_block<BF>(
        std::span<const float, BF::block_size>(x + b * BF::block_size, BF::block_size),
        std::span<std::uint8_t, BF::bytes_per_block>(out + b * BF::bytes_per_block, BF::bytes_per_block), p);
}

}  // namespace detail

}  // namespace lowp::kernels

// ---- explicit instantiations -------------------------------------------------

// The block formats with per-ISA kernels.
#define LOWP_BLOCK_KERNEL_FORMATS(X, ARG)                                                               \
  X(ARG, ggml_q4_0) X(ARG, ggml_q8_0) X(ARG, ggml_mxfp4) X(ARG, mxfp4) X(ARG, mxfp4_noclip) X(ARG, mxfp8_e4m3) \
  X(ARG, mxfp8_e4m3_noclip) X(ARG, nvfp4)

#define LOWP_DETAIL_BLOCK_INSTANCES(PREFIX, ARCH, F)                                                   \
  PREFIX template void ::lowp::kernels::block_kernel::decode<ARCH, ::lowp::F>(ARCH, const std::uint8_t*, \
                                                                              float*, std::size_t, float); \
  PREFIX template void ::lowp::kernels::block_kernel::encode<ARCH, ::lowp::F>(ARCH, const float*,        \
                                                                              std::uint8_t*, std::size_t, float); \
  PREFIX template float ::lowp::kernels::block_kernel::finite_amax<ARCH, ::lowp::F>(ARCH, const float*, std::size_t);
#define LOWP_DETAIL_BLOCK_EXTERN(ARCH, F) LOWP_DETAIL_BLOCK_INSTANCES(extern, ARCH, F)
#define LOWP_DETAIL_BLOCK_DEFINE(ARCH, F) LOWP_DETAIL_BLOCK_INSTANCES(, ARCH, F)

#if LOWP_EXTERN_ISA_SCALAR
LOWP_BLOCK_KERNEL_FORMATS(LOWP_DETAIL_BLOCK_EXTERN, ::lowp::simd::scalar)
#endif
#if LOWP_EXTERN_ISA_SSE2
LOWP_BLOCK_KERNEL_FORMATS(LOWP_DETAIL_BLOCK_EXTERN, ::lowp::simd::arch_t<::lowp::isa::sse2>)
#endif
#if LOWP_EXTERN_ISA_SSE4_1
LOWP_BLOCK_KERNEL_FORMATS(LOWP_DETAIL_BLOCK_EXTERN, ::lowp::simd::arch_t<::lowp::isa::sse4_1>)
#endif
#if LOWP_EXTERN_ISA_AVX2
LOWP_BLOCK_KERNEL_FORMATS(LOWP_DETAIL_BLOCK_EXTERN, ::lowp::simd::arch_t<::lowp::isa::avx2>)
#endif
#if LOWP_EXTERN_ISA_AVX512BW
LOWP_BLOCK_KERNEL_FORMATS(LOWP_DETAIL_BLOCK_EXTERN, ::lowp::simd::arch_t<::lowp::isa::avx512bw>)
#endif
#if LOWP_EXTERN_ISA_NEON64
LOWP_BLOCK_KERNEL_FORMATS(LOWP_DETAIL_BLOCK_EXTERN, ::lowp::simd::arch_t<::lowp::isa::neon64>)
#endif
