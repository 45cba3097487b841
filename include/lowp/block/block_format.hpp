#pragma once

// block_format<Element, Scale, BlockSize, ScaleRule> (DESIGN §5): BlockSize
// elements of format Element share one scale of format Scale, chosen by the
// policy ScaleRule. The type holds only compile-time traits; the arithmetic is
// in reference/block.hpp, the layouts are drawn in docs/blocks.md.

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "lowp/format/codec.hpp"
#include "lowp/core/bit_width.hpp"
#include "lowp/format/intn.hpp"
#include "lowp/format/limits.hpp"
#include "lowp/format/minifloat.hpp"

namespace lowp {

namespace detail {

// A short compile-time string, for names composed from template arguments.
struct name_text {
  char text[48]{};
  std::size_t size = 0;

  constexpr name_text& append(const char* s) {
    while (*s != '\0' && size + 1 < sizeof text) text[size++] = *s++;
    return *this;
  }
  constexpr name_text& append(std::size_t v) {
    char digits[20]{};
    int n = 0;
    do {
      digits[n++] = char('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (n > 0 && size + 1 < sizeof text) text[size++] = digits[--n];
    return *this;
  }
};

constexpr bool same_text(const char* a, const char* b) {
  while (*a != '\0' && *a == *b) ++a, ++b;
  return *a == *b;
}

}  // namespace detail

// ---- elements of scaled blocks ----------------------------------------------
// How an element code of a scaled block maps to a value before the scale is
// applied. emax is the exponent of the largest finite element (OCP MX v1.0
// §6.3 calls it emax_elem), max_value the largest finite element. Both are
// derived from the element's format.

template <class E>
struct block_element;

template <float_desc D>
struct block_element<minifloat<D>> {
  using type = minifloat<D>;
  static constexpr int emax = D.emax();
  static constexpr double max_value = double(codec::decode<D>(D.max_magnitude_code()));

  static constexpr std::uint32_t encode(double v, rounding r, overflow o, std::uint32_t random_bits) {
    return codec::encode<D>(v, r, o, random_bits);
  }
  static constexpr float decode(std::uint32_t code) { return codec::decode<D>(code); }
};

// A signed Bits-bit integer read as two's complement fixed point with Bits - 2
// fraction bits, i.e. values q * 2^-(Bits-2) in [-2, 2). For Bits = 8 this is
// MXINT8's element, "1.6" fixed point (OCP MX v1.0). Integers have no
// Inf or NaN, so out-of-range values saturate under every overflow policy.
template <int Bits>
struct block_element<intn<Bits, true>> {
  using type = intn<Bits, true>;
  static constexpr int fraction_bits = Bits - 2;
  static constexpr int emax = 0;
  static constexpr double max_value = double(type::max_value) / double(1 << fraction_bits);

  static constexpr std::uint32_t encode(double v, rounding r, overflow, std::uint32_t random_bits) {
    return codec::encode_int<Bits, true>(v * double(1 << fraction_bits), r, random_bits);
  }
  static constexpr float decode(std::uint32_t code) {
    return codec::decode_int<Bits, true>(code) / float(1 << fraction_bits);
  }
};

// ---- scale rules (policies) -------------------------------------------------

namespace scaling {

// OCP MX v1.0 §6.3: X = 2^shared_exp, shared_exp = floor(log2(amax)) -
// emax_elem, elements V_i / X rounded (nearest even) and saturated to the
// element's max. The block maximum can be clipped: 957 in MXFP8-E4M3 gets
// shared_exp 1 and 957/2 = 478.5 saturates to 448, so it comes back as 896.
struct ocp {
  static constexpr const char* name = "ocp";
  static constexpr std::size_t scale_count = 1;
  static constexpr bool split_nibbles = false;
  static constexpr bool tensor_scale = false;
};

// Like ocp, but the scale is rounded up so that the block maximum never
// saturates: shared_exp is the least k with amax <= max_elem * 2^k (ocp's
// exponent or one more). 957 in MXFP8-E4M3 gets X = 4 and comes back as 960.
struct no_clip {
  static constexpr const char* name = "no_clip";
  static constexpr std::size_t scale_count = 1;
  static constexpr bool split_nibbles = false;
  static constexpr bool tensor_scale = false;
};

// NVIDIA NVFP4's two-level scaling: a float32 scale per tensor,
// tensor_scale = amax(tensor) / (max_scale * max_elem) (448 * 6 for NVFP4), and
// per block the Scale code of (amax(block) / max_elem) / tensor_scale, rounded
// to nearest even and clamped to the Scale format's range.
struct two_level {
  static constexpr const char* name = "two_level";
  static constexpr std::size_t scale_count = 1;
  static constexpr bool split_nibbles = false;
  static constexpr bool tensor_scale = true;
};

// ggml's reference quantizers (ggml-quants.c, quantize_row_*_ref), followed
// operation for operation in float32. 4-bit blocks use ggml's split layout:
// byte j holds element j in its low nibble and element j + 16 in its high one.
struct ggml_q4_0 {  // d = max / -8 where max is the element of largest |x|; x = (q - 8) * d
  static constexpr const char* name = "ggml_q4_0";
  static constexpr std::size_t scale_count = 1;
  static constexpr bool split_nibbles = true;
  static constexpr bool tensor_scale = false;
};
struct ggml_q4_1 {  // d = (max - min) / 15, m = min; x = q * d + m
  static constexpr const char* name = "ggml_q4_1";
  static constexpr std::size_t scale_count = 2;
  static constexpr bool split_nibbles = true;
  static constexpr bool tensor_scale = false;
};
struct ggml_q8_0 {  // d = amax / 127; x = q * d
  static constexpr const char* name = "ggml_q8_0";
  static constexpr std::size_t scale_count = 1;
  static constexpr bool split_nibbles = false;
  static constexpr bool tensor_scale = false;
};
struct ggml_mxfp4 {  // e = floor(log2f(amax)) - 2 + 127; elements: nearest of 2*E2M1 * 2^(e-128)
  static constexpr const char* name = "ggml_mxfp4";
  static constexpr std::size_t scale_count = 1;
  static constexpr bool split_nibbles = true;
  static constexpr bool tensor_scale = false;
};

// Symmetric integer groups, the weight-only quantization of GPTQ (Frantar et
// al., arXiv:2210.17323) and AWQ (Lin et al., arXiv:2306.00978) without their
// calibration: d = amax / max_int rounded to the float16 Scale (nearest even,
// saturating; at least the least subnormal when amax > 0), elements
// q = round(x / d) clamped to the signed integer range; x = q * d.
struct symmetric {
  static constexpr const char* name = "symmetric";
  static constexpr std::size_t scale_count = 1;
  static constexpr bool split_nibbles = false;
  static constexpr bool tensor_scale = false;
};

}  // namespace scaling

template <class R>
inline constexpr bool is_ggml_rule_v =
    std::is_same_v<R, scaling::ggml_q4_0> || std::is_same_v<R, scaling::ggml_q4_1> ||
    std::is_same_v<R, scaling::ggml_q8_0> || std::is_same_v<R, scaling::ggml_mxfp4>;

namespace detail {

template <class E>
constexpr bool is_ocp_mx_element() {
  if constexpr (is_minifloat_v<E>) {
    constexpr float_desc d = E::desc;
    return same_text(d.name, "float8_e4m3fn") || same_text(d.name, "float8_e5m2") ||
           same_text(d.name, "float6_e3m2fn") || same_text(d.name, "float6_e2m3fn") ||
           same_text(d.name, "float4_e2m1fn");
  } else {
    return false;
  }
}

template <class E, class S, std::size_t B, class R>
constexpr name_text block_name() {
  name_text n;
  if constexpr (is_ggml_rule_v<R>) {
    n.append(R::name);
  } else if constexpr (std::is_same_v<R, scaling::symmetric>) {
    n.append("int").append(std::size_t(E::bit_width)).append("_g").append(B);  // int4_g128
  } else if constexpr (std::is_same_v<R, scaling::two_level>) {
    if constexpr (std::is_same_v<E, float4_e2m1fn> && std::is_same_v<S, float8_ue4m3> && B == 16)
      n.append("nvfp4");
    else
      n.append("two_level_").append(E::name).append("_").append(S::name).append("_").append(B);
  } else {
    // ocp / no_clip with an E8M0 scale: MX and BFP names.
    if constexpr (std::is_same_v<S, float8_e8m0fnu> && is_ocp_mx_element<E>() && B == 32) {
      n.append("mxfp").append(std::size_t(E::bit_width));
      if constexpr (E::bit_width > 4)
        n.append("_e")
            .append(std::size_t(E::desc.exponent_bits))
            .append("m")
            .append(std::size_t(E::desc.mantissa_bits));
    } else if constexpr (std::is_same_v<S, float8_e8m0fnu> && std::is_same_v<E, int8> && B == 32) {
      n.append("mxint8");
    } else if constexpr (std::is_same_v<S, float8_e8m0fnu> && is_intn_v<E>) {
      n.append("bfp").append(std::size_t(E::bit_width)).append("_").append(B);
    } else {
      n.append("block_").append(E::name).append("_").append(S::name).append("_").append(B);
    }
    if constexpr (std::is_same_v<R, scaling::no_clip>) n.append("_noclip");
  }
  return n;
}

template <class E>
constexpr bool is_signed_intn() {
  if constexpr (is_intn_v<E>) return E::is_signed;
  else return false;
}

template <class E, class S, std::size_t B, class R>
constexpr bool valid_block_format() {
  if constexpr (std::is_same_v<R, scaling::ggml_q4_0> || std::is_same_v<R, scaling::ggml_q4_1>)
    return std::is_same_v<E, uint4> && std::is_same_v<S, float16> && B == 32;
  else if constexpr (std::is_same_v<R, scaling::ggml_q8_0>)
    return std::is_same_v<E, int8> && std::is_same_v<S, float16> && B == 32;
  else if constexpr (std::is_same_v<R, scaling::ggml_mxfp4>)
    return std::is_same_v<E, float4_e2m1fn> && std::is_same_v<S, float8_e8m0fnu> && B == 32;
  else if constexpr (std::is_same_v<R, scaling::symmetric>)
    return is_signed_intn<E>() && std::is_same_v<S, float16>;
  else if constexpr (std::is_same_v<R, scaling::two_level>)
    return is_minifloat_v<E> && is_minifloat_v<S> && S::desc.has_zero() && bit_width_v<S> % 8 == 0;
  else if constexpr (std::is_same_v<R, scaling::ocp> || std::is_same_v<R, scaling::no_clip>)
    return std::is_same_v<S, float8_e8m0fnu> &&
           (is_minifloat_v<E> || is_signed_intn<E>());
  else
    return false;
}

}  // namespace detail

// The contract type. Traits:
//   name               e.g. "mxfp8_e4m3", "nvfp4", "ggml_q4_0", "bfp4_16"
//   block_size         elements per block
//   scale_bytes        bytes of scale at the start of each block
//   element_bytes      bytes of packed elements after them
//   bytes_per_block    scale_bytes + element_bytes
//   bits_per_element   8 * bytes_per_block / block_size (per-tensor scales not counted)
//   tensor_header_bytes bytes before the first row in the raw layout (NVFP4: its float32 tensor scale)
template <class Element, class Scale, std::size_t BlockSize, class ScaleRule>
struct block_format {
  static_assert(detail::valid_block_format<Element, Scale, BlockSize, ScaleRule>(),
                "lowp::block_format: this Element/Scale/BlockSize does not fit ScaleRule");
  static_assert(BlockSize >= 1 && (BlockSize * std::size_t(bit_width_v<Element>)) % 8 == 0,
                "lowp::block_format: a block's elements must fill whole bytes");
  static_assert(bit_width_v<Scale> % 8 == 0, "lowp::block_format: the scale must fill whole bytes");

  using element_type = Element;
  using scale_type = Scale;
  using scale_rule = ScaleRule;

  static constexpr std::size_t block_size = BlockSize;
  static constexpr std::size_t scale_count = ScaleRule::scale_count;
  static constexpr std::size_t scale_bytes = scale_count * std::size_t(bit_width_v<Scale>) / 8;
  static constexpr std::size_t element_bytes = BlockSize * std::size_t(bit_width_v<Element>) / 8;
  static constexpr std::size_t bytes_per_block = scale_bytes + element_bytes;
  static constexpr std::size_t tensor_header_bytes = ScaleRule::tensor_scale ? 4 : 0;
  static constexpr double bits_per_element = 8.0 * double(bytes_per_block) / double(BlockSize);
  static constexpr bool split_nibbles = ScaleRule::split_nibbles;

 private:
  static constexpr detail::name_text name_storage = detail::block_name<Element, Scale, BlockSize, ScaleRule>();

 public:
  static constexpr const char* name = name_storage.text;

  // Position of element j in the block's LSB-first packed element storage.
  // The identity, except for ggml's split nibble layout.
  static constexpr std::size_t storage_index(std::size_t j) {
    if constexpr (split_nibbles) {
      constexpr std::size_t half = BlockSize / 2;
      return j < half ? 2 * j : 2 * (j - half) + 1;
    } else {
      return j;
    }
  }
};

template <class T>
inline constexpr bool is_block_format_v = false;
template <class E, class S, std::size_t B, class R>
inline constexpr bool is_block_format_v<block_format<E, S, B, R>> = true;

template <class T>
concept block_format_type = is_block_format_v<T>;

}  // namespace lowp
