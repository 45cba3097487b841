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
// (simd/arch/avx2_block.hpp), 128-bit xsimd batches on sse2, sse4_1 and
// neon64 (simd/arch/xsimd_block.hpp). Every other block format and
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
// tensor amax pass; simd/arch/avx2_block_quantize.hpp and xsimd_block.hpp)
// with the default rounding; blocks holding Inf or NaN, ggml_q8_0 blocks
// with a subnormal scale and ggml_mxfp4 blocks whose maximum lies within
// 2^-13 of a power of two (where log2f may round up) go to the reference one
// block at a time, as do padded last blocks (reference::quantize_row).
//
// Per-ISA code is compiled in the translation units that
// lowp/simd/instantiate.hpp describes (docs/isa.md).

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
#include "lowp/simd/dispatch.hpp"


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

#if defined(LOWP_ISA_SCALAR) && LOWP_ISA_SCALAR
LOWP_BLOCK_KERNEL_FORMATS(LOWP_DETAIL_BLOCK_EXTERN, ::lowp::simd::scalar)
#endif
#if LOWP_ISA_SSE2
LOWP_BLOCK_KERNEL_FORMATS(LOWP_DETAIL_BLOCK_EXTERN, ::lowp::simd::arch_t<::lowp::isa::sse2>)
#endif
#if LOWP_ISA_SSE4_1
LOWP_BLOCK_KERNEL_FORMATS(LOWP_DETAIL_BLOCK_EXTERN, ::lowp::simd::arch_t<::lowp::isa::sse4_1>)
#endif
#if LOWP_ISA_AVX2
LOWP_BLOCK_KERNEL_FORMATS(LOWP_DETAIL_BLOCK_EXTERN, ::lowp::simd::arch_t<::lowp::isa::avx2>)
#endif
#if LOWP_ISA_AVX512BW
LOWP_BLOCK_KERNEL_FORMATS(LOWP_DETAIL_BLOCK_EXTERN, ::lowp::simd::arch_t<::lowp::isa::avx512bw>)
#endif
#if LOWP_ISA_NEON64
LOWP_BLOCK_KERNEL_FORMATS(LOWP_DETAIL_BLOCK_EXTERN, ::lowp::simd::arch_t<::lowp::isa::neon64>)
#endif

#if defined(__AVX2__) && defined(__F16C__) && defined(__FMA__)
#include "lowp/simd/arch/avx2_block.hpp"
#include "lowp/simd/arch/avx2_block_quantize.hpp"
#define LOWP_DETAIL_BLOCK_AVX2 1
#else
#define LOWP_DETAIL_BLOCK_AVX2 0
#endif
#include "lowp/simd/arch/xsimd_block.hpp"

namespace lowp::kernels {

template <class Arch, class BF>
void block_kernel::decode(Arch, const std::uint8_t* in, float* out, std::size_t blocks, float tensor_scale) {
  if constexpr (std::is_same_v<Arch, simd::scalar>) {
    detail::decode_blocks_reference<BF>(in, out, blocks, tensor_scale);
  } else {
#if LOWP_DETAIL_BLOCK_AVX2
    namespace k = simd::avx2_block;
    if constexpr (std::is_same_v<BF, ggml_q4_0>) k::q4_0<BF>(in, out, blocks);
    else if constexpr (std::is_same_v<BF, ggml_q8_0>) k::q8_0<BF>(in, out, blocks);
    else if constexpr (std::is_same_v<BF, ggml_mxfp4>) k::ggml_mxfp4_blocks<BF>(in, out, blocks);
    else if constexpr (std::is_same_v<BF, mxfp4> || std::is_same_v<BF, mxfp4_noclip>)
      k::mxfp4_blocks<BF>(in, out, blocks);
    else if constexpr (std::is_same_v<BF, mxfp8_e4m3> || std::is_same_v<BF, mxfp8_e4m3_noclip>)
      k::mxfp8_e4m3_blocks<BF>(in, out, blocks);
    else if constexpr (std::is_same_v<BF, nvfp4>) k::nvfp4_blocks<BF>(in, out, blocks, tensor_scale);
    else block_kernel::decode<simd::scalar, BF>(simd::scalar{}, in, out, blocks, tensor_scale);
#else
    namespace k = simd::xsimd_block;
    if constexpr (!k::supported<Arch>) block_kernel::decode<simd::scalar, BF>(simd::scalar{}, in, out, blocks, tensor_scale);
    else if constexpr (std::is_same_v<BF, ggml_q4_0>) k::q4_0<Arch, BF>(in, out, blocks);
    else if constexpr (std::is_same_v<BF, ggml_q8_0>) k::q8_0<Arch, BF>(in, out, blocks);
    else if constexpr (std::is_same_v<BF, ggml_mxfp4>) k::ggml_mxfp4_blocks<Arch, BF>(in, out, blocks);
    else if constexpr (std::is_same_v<BF, mxfp4> || std::is_same_v<BF, mxfp4_noclip>)
      k::mxfp4_blocks<Arch, BF>(in, out, blocks);
    else if constexpr (std::is_same_v<BF, mxfp8_e4m3> || std::is_same_v<BF, mxfp8_e4m3_noclip>)
      k::mxfp8_e4m3_blocks<Arch, BF>(in, out, blocks);
    else if constexpr (std::is_same_v<BF, nvfp4>) k::nvfp4_blocks<Arch, BF>(in, out, blocks, tensor_scale);
    else block_kernel::decode<simd::scalar, BF>(simd::scalar{}, in, out, blocks, tensor_scale);
#endif
  }
}

template <class Arch, class BF>
void block_kernel::encode(Arch, const float* x, std::uint8_t* out, std::size_t blocks, float tensor_scale) {
  if constexpr (std::is_same_v<Arch, simd::scalar>) {
    detail::encode_blocks_reference<BF>(x, out, blocks, tensor_scale);
  } else {
#if LOWP_DETAIL_BLOCK_AVX2
    namespace k = simd::avx2_block_quantize;
    if constexpr (std::is_same_v<BF, mxfp4> || std::is_same_v<BF, mxfp4_noclip>) k::mxfp4_blocks<BF>(x, out, blocks);
    else if constexpr (std::is_same_v<BF, nvfp4>) k::nvfp4_blocks<BF>(x, out, blocks, tensor_scale);
    else if constexpr (std::is_same_v<BF, mxfp8_e4m3> || std::is_same_v<BF, mxfp8_e4m3_noclip>)
      k::mxfp8_e4m3_blocks<BF>(x, out, blocks);
    else if constexpr (std::is_same_v<BF, ggml_q8_0>) k::q8_0_blocks<BF>(x, out, blocks);
    else if constexpr (std::is_same_v<BF, ggml_q4_0>) k::q4_0_blocks<BF>(x, out, blocks);
    else if constexpr (std::is_same_v<BF, ggml_mxfp4>) k::ggml_mxfp4_blocks<BF>(x, out, blocks);
    else block_kernel::encode<simd::scalar, BF>(simd::scalar{}, x, out, blocks, tensor_scale);
#else
    namespace k = simd::xsimd_block;
    if constexpr (!k::supported<Arch>) block_kernel::encode<simd::scalar, BF>(simd::scalar{}, x, out, blocks, tensor_scale);
    else if constexpr (std::is_same_v<BF, mxfp4> || std::is_same_v<BF, mxfp4_noclip>) k::mxfp4_encode<Arch, BF>(x, out, blocks);
    else if constexpr (std::is_same_v<BF, nvfp4>) k::nvfp4_encode<Arch, BF>(x, out, blocks, tensor_scale);
    else if constexpr (std::is_same_v<BF, mxfp8_e4m3> || std::is_same_v<BF, mxfp8_e4m3_noclip>)
      k::mxfp8_e4m3_encode<Arch, BF>(x, out, blocks);
    else if constexpr (std::is_same_v<BF, ggml_q8_0>) k::q8_0_encode<Arch, BF>(x, out, blocks);
    else if constexpr (std::is_same_v<BF, ggml_q4_0>) k::q4_0_encode<Arch, BF>(x, out, blocks);
    else if constexpr (std::is_same_v<BF, ggml_mxfp4>) k::ggml_mxfp4_encode<Arch, BF>(x, out, blocks);
    else block_kernel::encode<simd::scalar, BF>(simd::scalar{}, x, out, blocks, tensor_scale);
#endif
  }
}

template <class Arch, class BF>
float block_kernel::finite_amax(Arch, const float* x, std::size_t n) {
  if constexpr (std::is_same_v<Arch, simd::scalar>) {
    float amax = 0.0f;
    for (std::size_t i = 0; i < n; ++i)
      if (std::isfinite(x[i])) amax = std::max(amax, std::fabs(x[i]));
    return amax;
  } else {
#if LOWP_DETAIL_BLOCK_AVX2
    return std::bit_cast<float>(simd::avx2_block_quantize::finite_amax_bits(x, n));
#else
    if constexpr (simd::xsimd_block::supported<Arch>)
      return std::bit_cast<float>(simd::xsimd_block::finite_amax_bits<Arch>(x, n));
    else
      return block_kernel::finite_amax<simd::scalar, BF>(simd::scalar{}, x, n);
#endif
  }
}

}  // namespace lowp::kernels

// ---- public API --------------------------------------------------------------

namespace lowp {

namespace kernels::detail {

template <class BF>
constexpr bool has_block_kernel =
    std::is_same_v<BF, ggml_q4_0> || std::is_same_v<BF, ggml_q8_0> || std::is_same_v<BF, ggml_mxfp4> ||
    std::is_same_v<BF, mxfp4> || std::is_same_v<BF, mxfp4_noclip> || std::is_same_v<BF, mxfp8_e4m3> ||
    std::is_same_v<BF, mxfp8_e4m3_noclip> || std::is_same_v<BF, nvfp4>;

template <class BF>
void decode_blocks_on(isa which, const std::uint8_t* in, float* out, std::size_t blocks, float ts) {
  if constexpr (!has_block_kernel<BF>) {
    return decode_blocks_reference<BF>(in, out, blocks, ts);
  } else {
    switch (which) {
#if LOWP_ISA_SSE2
      case isa::sse2: return block_kernel::decode<simd::arch_t<isa::sse2>, BF>({}, in, out, blocks, ts);
#endif
#if LOWP_ISA_SSE4_1
      case isa::sse4_1: return block_kernel::decode<simd::arch_t<isa::sse4_1>, BF>({}, in, out, blocks, ts);
#endif
#if LOWP_ISA_AVX2
      case isa::avx2: return block_kernel::decode<simd::arch_t<isa::avx2>, BF>({}, in, out, blocks, ts);
#endif
#if LOWP_ISA_AVX512BW
      case isa::avx512bw: return block_kernel::decode<simd::arch_t<isa::avx512bw>, BF>({}, in, out, blocks, ts);
#endif
#if LOWP_ISA_NEON64
      case isa::neon64: return block_kernel::decode<simd::arch_t<isa::neon64>, BF>({}, in, out, blocks, ts);
#endif
      default: return block_kernel::decode<simd::scalar, BF>({}, in, out, blocks, ts);
    }
  }
}

template <class BF>
void encode_blocks_on(isa which, const float* x, std::uint8_t* out, std::size_t blocks, float ts) {
  if constexpr (!has_block_kernel<BF>) {
    return encode_blocks_reference<BF>(x, out, blocks, ts);
  } else {
    switch (which) {
#if LOWP_ISA_SSE2
      case isa::sse2: return block_kernel::encode<simd::arch_t<isa::sse2>, BF>({}, x, out, blocks, ts);
#endif
#if LOWP_ISA_SSE4_1
      case isa::sse4_1: return block_kernel::encode<simd::arch_t<isa::sse4_1>, BF>({}, x, out, blocks, ts);
#endif
#if LOWP_ISA_AVX2
      case isa::avx2: return block_kernel::encode<simd::arch_t<isa::avx2>, BF>({}, x, out, blocks, ts);
#endif
#if LOWP_ISA_AVX512BW
      case isa::avx512bw: return block_kernel::encode<simd::arch_t<isa::avx512bw>, BF>({}, x, out, blocks, ts);
#endif
#if LOWP_ISA_NEON64
      case isa::neon64: return block_kernel::encode<simd::arch_t<isa::neon64>, BF>({}, x, out, blocks, ts);
#endif
      default: return block_kernel::encode<simd::scalar, BF>({}, x, out, blocks, ts);
    }
  }
}

template <class BF>
float finite_amax_on(isa which, std::span<const float> x) {
  if constexpr (!has_block_kernel<BF>) {
    float amax = 0.0f;
    for (float v : x)
      if (std::isfinite(v)) amax = std::max(amax, std::fabs(v));
    return amax;
  } else {
    switch (which) {
#if LOWP_ISA_SSE2
      case isa::sse2: return block_kernel::finite_amax<simd::arch_t<isa::sse2>, BF>({}, x.data(), x.size());
#endif
#if LOWP_ISA_SSE4_1
      case isa::sse4_1: return block_kernel::finite_amax<simd::arch_t<isa::sse4_1>, BF>({}, x.data(), x.size());
#endif
#if LOWP_ISA_AVX2
      case isa::avx2: return block_kernel::finite_amax<simd::arch_t<isa::avx2>, BF>({}, x.data(), x.size());
#endif
#if LOWP_ISA_AVX512BW
      case isa::avx512bw: return block_kernel::finite_amax<simd::arch_t<isa::avx512bw>, BF>({}, x.data(), x.size());
#endif
#if LOWP_ISA_NEON64
      case isa::neon64: return block_kernel::finite_amax<simd::arch_t<isa::neon64>, BF>({}, x.data(), x.size());
#endif
      default: return block_kernel::finite_amax<simd::scalar, BF>({}, x.data(), x.size());
    }
  }
}

// reference::tensor_scale<BF> from the amax it takes over the tensor.
template <class BF>
float tensor_scale_of_amax(float amax) {
  if (amax == 0.0f) return 1.0f;
  constexpr float denominator =
      float(block_element<typename BF::scale_type>::max_value * block_element<typename BF::element_type>::max_value);
  return std::max(amax / denominator, std::numeric_limits<float>::min());
}

}  // namespace kernels::detail

// Quantizes a rows x cols row-major float32 tensor into the raw layout of
// block format BF in `out` (reference::raw_bytes<BF>(rows, cols, opt.pad)
// bytes) on ISA `which`: the same checks, errors and bytes as
// reference::quantize<BF>(x, rows, cols, out, opt); lowp::error also if
// `which` cannot run here. The kernels model the default element rounding
// (nearest_even, saturate); other options run the reference.
template <class BF>
void quantize_blocks(std::span<const float> x, std::size_t rows, std::size_t cols, std::span<std::uint8_t> out,
                     const quantize_options& opt, isa which = best_isa()) {
  reference::detail::check_options<BF>(opt);
  const std::size_t n = reference::detail::checked_elements(rows, cols);
  if (x.size() != n)
    lowp::detail::fail("x: " + std::to_string(x.size()) + " values, but rows x cols = " + std::to_string(rows) +
                       " x " + std::to_string(cols) + " = " + std::to_string(n));
  const std::size_t total = reference::raw_bytes<BF>(rows, cols, opt.pad);
  if (out.size() != total)
    lowp::detail::fail("out: " + std::to_string(out.size()) + " bytes, but a " + std::to_string(rows) + " x " +
                       std::to_string(cols) + " " + BF::name + " tensor takes " + std::to_string(total));
  which = require_isa(which);
  if (opt.round != rounding::nearest_even || opt.on_overflow != overflow::saturate)
    return reference::quantize<BF>(x, rows, cols, out, opt);
  float ts = 1.0f;
  if constexpr (BF::scale_rule::tensor_scale) {
    ts = opt.tensor_scale != 0.0f
             ? opt.tensor_scale
             : kernels::detail::tensor_scale_of_amax<BF>(kernels::detail::finite_amax_on<BF>(which, x));
    reference::detail::store_le32(out.data(), std::bit_cast<std::uint32_t>(ts));
  }
  constexpr std::size_t B = BF::block_size;
  std::uint8_t* const body = out.data() + BF::tensor_header_bytes;
  if (cols % B == 0) {  // rows of whole blocks are one run of blocks
    kernels::detail::encode_blocks_on<BF>(which, x.data(), body, n / B, ts);
    return;
  }
  const std::size_t per_row = reference::row_bytes<BF>(cols, opt.pad);
  const std::size_t whole = cols / B;
  quantize_options tail_opt;
  tail_opt.pad = opt.pad;
  if constexpr (BF::scale_rule::tensor_scale) tail_opt.tensor_scale = ts;
  for (std::size_t r = 0; r < rows; ++r) {
    const float* const row = x.data() + r * cols;
    std::uint8_t* const dst = body + r * per_row;
    kernels::detail::encode_blocks_on<BF>(which, row, dst, whole, ts);
    reference::quantize_row<BF>(std::span<const float>(row + whole * B, cols - whole * B),
                                std::span<std::uint8_t>(dst + whole * BF::bytes_per_block, BF::bytes_per_block),
                                tail_opt, std::uint64_t(r) * cols + whole * B);
  }
}

template <class BF>
void quantize_blocks(std::span<const float> x, std::size_t rows, std::size_t cols, std::span<std::uint8_t> out,
                     padding pad = padding::none, isa which = best_isa()) {
  quantize_options opt;
  opt.pad = pad;
  quantize_blocks<BF>(x, rows, cols, out, opt, which);
}

// The same, into a new buffer of reference::raw_bytes<BF>(rows, cols, pad) bytes.
template <class BF>
std::vector<std::uint8_t> quantize_blocks(std::span<const float> x, std::size_t rows, std::size_t cols,
                                          padding pad = padding::none, isa which = best_isa()) {
  std::vector<std::uint8_t> out(reference::raw_bytes<BF>(rows, cols, pad));
  quantize_blocks<BF>(x, rows, cols, out, pad, which);
  return out;
}

// Dequantizes the raw layout of a rows x cols tensor of block format BF into
// out (rows * cols floats) on ISA `which`: the same checks, errors and bits as
// reference::dequantize<BF>(raw, rows, cols, out, pad); lowp::error also if
// `which` cannot run here.
template <class BF>
void dequantize_blocks(std::span<const std::uint8_t> raw, std::size_t rows, std::size_t cols, std::span<float> out,
                       padding pad = padding::none, isa which = best_isa()) {
  const std::size_t n = reference::detail::checked_elements(rows, cols);
  const std::size_t total = reference::raw_bytes<BF>(rows, cols, pad);
  if (raw.size() != total)
    lowp::detail::fail("raw: " + std::to_string(raw.size()) + " bytes, but a " + std::to_string(rows) + " x " +
                       std::to_string(cols) + " " + BF::name + " tensor takes " + std::to_string(total));
  if (out.size() != n)
    lowp::detail::fail("out: " + std::to_string(out.size()) + " values, but rows x cols = " + std::to_string(n));
  which = require_isa(which);
  const float ts = reference::stored_tensor_scale<BF>(raw);
  constexpr std::size_t B = BF::block_size;
  const std::uint8_t* const body = raw.data() + BF::tensor_header_bytes;
  if (cols % B == 0) {  // rows of whole blocks are one run of blocks
    kernels::detail::decode_blocks_on<BF>(which, body, out.data(), n / B, ts);
    return;
  }
  const std::size_t per_row = reference::row_bytes<BF>(cols, pad);
  const std::size_t whole = cols / B;
  for (std::size_t r = 0; r < rows; ++r) {
    const std::uint8_t* const row = body + r * per_row;
    float* const y = out.data() + r * cols;
    kernels::detail::decode_blocks_on<BF>(which, row, y, whole, ts);
    reference::dequantize_row<BF>(std::span<const std::uint8_t>(row + whole * BF::bytes_per_block, BF::bytes_per_block),
                                  std::span<float>(y + whole * B, cols - whole * B), pad, ts);
  }
}

}  // namespace lowp
