#pragma once

// The block quantize and dequantize kernels: the block_kernel contract and
// its per-ISA instantiations are in kernel.hpp, the vector code in
// portable.hpp (128-bit ISAs) and avx2.hpp / avx2_quantize.hpp beside it,
// the dispatch and the public functions below.

#include "lowp/kernels/block/kernel.hpp"

#if defined(__AVX2__) && defined(__F16C__) && defined(__FMA__)
#include "lowp/kernels/block/avx2.hpp"
#include "lowp/kernels/block/avx2_quantize.hpp"
#define LOWP_DETAIL_BLOCK_AVX2 1
#else
#define LOWP_DETAIL_BLOCK_AVX2 0
#endif
#include "lowp/kernels/block/portable.hpp"

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
