#pragma once

// Scalar reference quantization and dequantization of block formats (DESIGN
// §5): the oracle every SIMD path must match bit for bit.
//
// Tensors are row-major, rows x cols floats, blocked along rows. The canonical
// raw layout is: tensor header (BF::tensor_header_bytes: NVFP4's float32
// tensor scale, little-endian), then each row's blocks in order; a block is
// its scale bytes followed by its packed elements; blocks never straddle rows.
// A row whose length is not a multiple of the block size is an error unless
// padding::zero is asked for, which zero-pads the last block of every row.
//
// The ggml quantizers follow ggml's float32 arithmetic step by step; they
// assume floating-point contraction is off: the lowp::lowp CMake target adds
// -ffp-contract=off (GCC contracts a * b + c into an FMA by default whenever
// FMA instructions are enabled, ISO mode or not).

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "lowp/reference/convert.hpp"
#include "lowp/block/block_format.hpp"
#include "lowp/container/packed_span.hpp"
#include "lowp/core/policy.hpp"
#include "lowp/core/rng.hpp"
#include "lowp/error.hpp"
#include "lowp/format/minifloat.hpp"

#if defined(__clang__)
#define LOWP_NO_FP_CONTRACT _Pragma("clang fp contract(off)")
#else
#define LOWP_NO_FP_CONTRACT
#endif

namespace lowp {

// What happens to a row whose length is not a multiple of the block size.
enum class padding : std::uint8_t {
  none,  // an error naming the row length
  zero,  // the last block of each row is completed with zeros
};

struct quantize_options {
  rounding round = rounding::nearest_even;   // element rounding (scaled formats)
  overflow on_overflow = overflow::saturate;  // element overflow (scaled formats)
  std::uint64_t seed = 0;                     // for rounding::stochastic; element index = row * cols + col
  padding pad = padding::none;
  // Two-level formats (NVFP4): the tensor scale to use; 0 derives it from the
  // tensor's amax (reference::tensor_scale). Other formats: must stay 0.
  float tensor_scale = 0.0f;
};

// Everything quantize_block needs besides the values.
struct block_params {
  rounding round = rounding::nearest_even;
  overflow on_overflow = overflow::saturate;
  std::uint64_t seed = 0;
  std::uint64_t first_index = 0;  // tensor index of the block's element 0 (stochastic rounding)
  float tensor_scale = 1.0f;      // two-level formats only
};

namespace reference {

namespace detail {

inline void store_le16(std::uint8_t* p, std::uint32_t v) {
  p[0] = std::uint8_t(v);
  p[1] = std::uint8_t(v >> 8);
}
inline std::uint16_t load_le16(const std::uint8_t* p) { return std::uint16_t(p[0] | (p[1] << 8)); }
inline void store_le32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = std::uint8_t(v >> (8 * i));
}
inline std::uint32_t load_le32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) |
         (std::uint32_t(p[3]) << 24);
}

inline std::uint32_t random_bits(const block_params& p, std::size_t j) {
  return p.round == rounding::stochastic ? stochastic_bits(p.seed, p.first_index + j) : 0U;
}

inline void fill_nan(std::span<float> y) { std::fill(y.begin(), y.end(), std::numeric_limits<float>::quiet_NaN()); }

// floor(log2(x)) of a finite x > 0, exactly.
inline int floor_log2(double x) { return decompose(x).log2_floor(); }

template <class BF>
constexpr bool is_mx_rule =
    std::is_same_v<typename BF::scale_rule, scaling::ocp> || std::is_same_v<typename BF::scale_rule, scaling::no_clip>;

// ---- ggml's float32 steps ---------------------------------------------------

// ggml's GGML_FP32_TO_FP16: IEEE binary16, nearest even, overflow to Inf.
inline std::uint16_t ggml_fp16(float v) {
  return std::uint16_t(encode<float16::desc>(double(v), rounding::nearest_even, overflow::non_saturating));
}
inline float ggml_fp32(std::uint16_t code) { return decode<float16::desc>(code); }

// ggml's float -> int8_t conversion: truncation toward zero. C leaves NaN and
// out-of-range values undefined; lowp turns NaN into 0 and saturates.
inline int ggml_int8(float v) {
  if (v != v) return 0;
  if (v >= 128.0f) return 127;
  if (v <= -129.0f) return -128;
  return int(v);
}

// A 4-bit code: ggml's MIN(15, (int8_t)v), also clamped below at 0 (only the
// cases C leaves undefined can go below).
inline std::uint8_t ggml_nibble(float v) { return std::uint8_t(std::clamp(ggml_int8(v), 0, 15)); }

// floorf(log2f(x)) for finite x > 0 with a correctly rounded log2f: log2(x)
// rounded to float reaches the next integer n when x lies just below 2^n,
// closer to it than half the spacing of the floats below n.
inline int ggml_floor_log2f(float x) {
  const int e = floor_log2(double(x));
  const int n = e + 1;
  if (n == 0) return e;  // floats just below 0 are dense: log2(x) never rounds up to 0
  // log2 of the spacing of the floats immediately below n
  const int spacing_exp = n > 0 ? int(std::bit_width(unsigned(n - 1))) - 24 : floor_log2(double(-n)) - 23;
  // log2(x) > n - spacing/2  <=>  x / 2^e > 2^(1 - spacing/2)
  const double threshold = 2.0 * std::exp2(-std::ldexp(1.0, spacing_exp - 1));
  return std::ldexp(double(x), -e) > threshold ? n : e;
}

// ggml's GGML_E8M0_TO_FP32_HALF: 2^(e - 128).
inline float ggml_e8m0_half(std::uint8_t e) { return std::ldexp(1.0f, int(e) - 128); }

// ggml's kvalues_mxfp4: twice the E2M1 value of each code.
inline float ggml_mxfp4_kvalue(std::uint32_t code) {
  return 2.0f * reference::decode<float4_e2m1fn::desc>(code);
}

// ggml's best_index_mxfp4: the first code whose value k * d is nearest to x.
inline std::uint8_t ggml_mxfp4_best_index(float x, float d) {
  LOWP_NO_FP_CONTRACT
  std::uint8_t best = 0;
  const float p0 = ggml_mxfp4_kvalue(0) * d;
  float best_err = std::fabs(p0 - x);
  for (std::uint32_t i = 1; i < 16; ++i) {
    const float p = ggml_mxfp4_kvalue(i) * d;
    const float err = std::fabs(p - x);
    if (err < best_err) {
      best = std::uint8_t(i);
      best_err = err;
    }
  }
  return best;
}

}  // namespace detail

// ---- scale choice ------------------------------------------------------------

// The shared exponent an MX block (scaling::ocp or scaling::no_clip) with
// finite block maximum `amax` gets, clamped to E8M0's range [-127, 127]. An
// all-zero block (amax = 0) gets -127.
template <class BF>
  requires detail::is_mx_rule<BF>
int shared_exp(float amax) {
  using E = block_element<typename BF::element_type>;
  if (!(amax > 0.0f)) return -127;
  int k = detail::floor_log2(double(amax)) - E::emax;  // OCP MX v1.0 §6.3
  if constexpr (std::is_same_v<typename BF::scale_rule, scaling::no_clip>)
    if (double(amax) > std::ldexp(E::max_value, k)) ++k;
  return std::clamp(k, -127, 127);
}

// A two-level format's tensor scale: amax / (max_scale * max_elem) over the
// finite values of x (448 * 6 for NVFP4), at least the smallest normal float32
// so every scaled value stays finite; 1 when x has no finite nonzero value.
template <class BF>
  requires std::is_same_v<typename BF::scale_rule, scaling::two_level>
float tensor_scale(std::span<const float> x) {
  float amax = 0.0f;
  for (float v : x)
    if (std::isfinite(v)) amax = std::max(amax, std::fabs(v));
  if (amax == 0.0f) return 1.0f;
  constexpr float denominator =
      float(block_element<typename BF::scale_type>::max_value * block_element<typename BF::element_type>::max_value);
  return std::max(amax / denominator, std::numeric_limits<float>::min());
}

// ---- one block ------------------------------------------------------------------

// Quantizes BF::block_size values into one block of BF::bytes_per_block bytes.
template <class BF>
void quantize_block(std::span<const float, BF::block_size> x, std::span<std::uint8_t, BF::bytes_per_block> out,
                    const block_params& p = {}) {
  LOWP_NO_FP_CONTRACT
  constexpr std::size_t B = BF::block_size;
  using R = typename BF::scale_rule;
  using Elem = typename BF::element_type;
  std::uint8_t* const q = out.data() + BF::scale_bytes;

  if constexpr (detail::is_mx_rule<BF> || std::is_same_v<R, scaling::two_level>) {
    using E = block_element<Elem>;
    using S = typename BF::scale_type;
    packed_span<Elem> codes(q, B);
    bool special = false;
    float amax = 0.0f;
    for (float v : x) {
      if (!std::isfinite(v)) special = true;
      else amax = std::max(amax, std::fabs(v));
    }
    // A block holding NaN or Inf gets the NaN scale and zero element codes.
    if (special) {
      const std::uint32_t nan = nan_code<S::desc>(false);  // E8M0: 0xFF (OCP), UE4M3: 0x7F
      for (std::size_t i = 0; i < BF::scale_bytes; ++i) out[i] = std::uint8_t(nan >> (8 * i));
      std::fill(q, q + BF::element_bytes, std::uint8_t{0});
      return;
    }
    double scale;
    if constexpr (detail::is_mx_rule<BF>) {
      const int k = shared_exp<BF>(amax);
      out[0] = std::uint8_t(k + 127);
      scale = std::ldexp(1.0, k);
    } else {
      std::uint32_t code = 0;
      if (amax > 0.0f) {
        const double target = double(amax) / E::max_value / double(p.tensor_scale);
        code = encode<S::desc>(target, rounding::nearest_even, overflow::saturate_all);
        if (decode<S::desc>(code) == 0.0f) code = 1;  // clamp to the least positive scale
      }
      for (std::size_t i = 0; i < BF::scale_bytes; ++i) out[i] = std::uint8_t(code >> (8 * i));
      scale = double(decode<S::desc>(code)) * double(p.tensor_scale);
      if (amax == 0.0f) scale = 1.0;  // every element is ±0
    }
    for (std::size_t j = 0; j < B; ++j)
      codes[j] = Elem::from_bits(typename Elem::storage_type(
          E::encode(double(x[j]) / scale, p.round, p.on_overflow, detail::random_bits(p, j))));
  } else if constexpr (std::is_same_v<R, scaling::symmetric>) {
    // int4_g128 and its kin (lowp/block/int_group.hpp): d = fp16(amax / max_int).
    packed_span<Elem> codes(q, B);
    bool special = false;
    float amax = 0.0f;
    for (float v : x) {
      if (!std::isfinite(v)) special = true;
      else amax = std::max(amax, std::fabs(v));
    }
    std::uint32_t code = 0;
    if (special) {
      code = nan_code<float16::desc>(false);  // 0x7E00
    } else if (amax > 0.0f) {
      code = encode<float16::desc>(double(amax) / double(Elem::max_value), rounding::nearest_even,
                                   overflow::saturate_all);
      if (code == 0) code = 1;  // the least subnormal
    }
    detail::store_le16(out.data(), code);
    const double d = special || amax == 0.0f ? 0.0 : double(decode<float16::desc>(code));
    for (std::size_t j = 0; j < B; ++j)
      codes[j] = Elem::from_bits(typename Elem::storage_type(
          d == 0.0 ? 0U
                   : reference::encode_int<Elem::bit_width, true>(double(x[j]) / d, p.round,
                                                                  detail::random_bits(p, j))));
  } else if constexpr (std::is_same_v<R, scaling::ggml_q4_0>) {
    float amax = 0.0f;
    float max = 0.0f;
    for (float v : x) {
      if (amax < std::fabs(v)) {
        amax = std::fabs(v);
        max = v;
      }
    }
    const float d = max / -8.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    detail::store_le16(out.data(), detail::ggml_fp16(d));
    for (std::size_t j = 0; j < B / 2; ++j) {
      const float x0 = x[j] * id;
      const float x1 = x[B / 2 + j] * id;
      q[j] = std::uint8_t(detail::ggml_nibble(x0 + 8.5f) | (detail::ggml_nibble(x1 + 8.5f) << 4));
    }
  } else if constexpr (std::is_same_v<R, scaling::ggml_q4_1>) {
    float min = std::numeric_limits<float>::max();
    float max = -std::numeric_limits<float>::max();
    for (float v : x) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const float d = (max - min) / 15.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    detail::store_le16(out.data(), detail::ggml_fp16(d));
    detail::store_le16(out.data() + 2, detail::ggml_fp16(min));
    for (std::size_t j = 0; j < B / 2; ++j) {
      const float x0 = (x[j] - min) * id;
      const float x1 = (x[B / 2 + j] - min) * id;
      q[j] = std::uint8_t(detail::ggml_nibble(x0 + 0.5f) | (detail::ggml_nibble(x1 + 0.5f) << 4));
    }
  } else if constexpr (std::is_same_v<R, scaling::ggml_q8_0>) {
    float amax = 0.0f;
    for (float v : x) {
      const float a = std::fabs(v);
      amax = amax > a ? amax : a;  // ggml's MAX: a NaN survives only as the last element
    }
    const float d = amax / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    detail::store_le16(out.data(), detail::ggml_fp16(d));
    for (std::size_t j = 0; j < B; ++j) {
      const float x0 = x[j] * id;
      q[j] = std::uint8_t(std::int8_t(detail::ggml_int8(std::round(x0))));
    }
  } else if constexpr (std::is_same_v<R, scaling::ggml_mxfp4>) {
    float amax = 0.0f;
    for (float v : x)
      if (amax < std::fabs(v)) amax = std::fabs(v);
    // ggml: (uint8_t)(floorf(log2f(amax)) - 2 + 127); C leaves the conversion
    // of values outside [0, 255] undefined: lowp clamps (Inf gives 255).
    int e = 0;
    if (amax > 0.0f) e = std::isinf(amax) ? 255 : std::clamp(detail::ggml_floor_log2f(amax) - 2 + 127, 0, 255);
    const float d = detail::ggml_e8m0_half(std::uint8_t(e));
    out[0] = std::uint8_t(e);
    for (std::size_t j = 0; j < B / 2; ++j)
      q[j] = std::uint8_t(detail::ggml_mxfp4_best_index(x[j], d) |
                          (detail::ggml_mxfp4_best_index(x[B / 2 + j], d) << 4));
  }
}

// Dequantizes one block into BF::block_size floats.
template <class BF>
void dequantize_block(std::span<const std::uint8_t, BF::bytes_per_block> in, std::span<float, BF::block_size> y,
                      float tensor_scale = 1.0f) {
  LOWP_NO_FP_CONTRACT
  constexpr std::size_t B = BF::block_size;
  using R = typename BF::scale_rule;
  using Elem = typename BF::element_type;
  const std::uint8_t* const q = in.data() + BF::scale_bytes;

  if constexpr (detail::is_mx_rule<BF>) {
    using E = block_element<Elem>;
    if (in[0] == 0xFF) return detail::fill_nan(y);  // NaN scale: every element is NaN
    const float X = std::ldexp(1.0f, int(in[0]) - 127);
    packed_span<const Elem> codes(q, B);
    for (std::size_t j = 0; j < B; ++j) y[j] = E::decode(codes[j].value().bits()) * X;
  } else if constexpr (std::is_same_v<R, scaling::two_level>) {
    using E = block_element<Elem>;
    using S = typename BF::scale_type;
    std::uint32_t code = 0;
    for (std::size_t i = 0; i < BF::scale_bytes; ++i) code |= std::uint32_t(in[i]) << (8 * i);
    if (is_nan_code<S::desc>(code)) return detail::fill_nan(y);
    const float s = decode<S::desc>(code);
    packed_span<const Elem> codes(q, B);
    for (std::size_t j = 0; j < B; ++j) {
      const float scaled = E::decode(codes[j].value().bits()) * s;
      y[j] = scaled * tensor_scale;
    }
  } else if constexpr (std::is_same_v<R, scaling::symmetric>) {
    const float d = decode<float16::desc>(detail::load_le16(in.data()));  // NaN scale: NaN elements
    packed_span<const Elem> codes(q, B);
    for (std::size_t j = 0; j < B; ++j)
      y[j] = reference::decode_int<Elem::bit_width, true>(codes[j].value().bits()) * d;  // exact
  } else if constexpr (std::is_same_v<R, scaling::ggml_q4_0> || std::is_same_v<R, scaling::ggml_q4_1>) {
    const float d = detail::ggml_fp32(detail::load_le16(in.data()));
    const float m = std::is_same_v<R, scaling::ggml_q4_1> ? detail::ggml_fp32(detail::load_le16(in.data() + 2)) : 0.0f;
    for (std::size_t j = 0; j < B / 2; ++j) {
      const int q0 = q[j] & 0x0F;
      const int q1 = q[j] >> 4;
      if constexpr (std::is_same_v<R, scaling::ggml_q4_0>) {
        y[j] = float(q0 - 8) * d;
        y[B / 2 + j] = float(q1 - 8) * d;
      } else {
        const float p0 = float(q0) * d;  // exact, so contraction would not change the sum
        const float p1 = float(q1) * d;
        y[j] = p0 + m;
        y[B / 2 + j] = p1 + m;
      }
    }
  } else if constexpr (std::is_same_v<R, scaling::ggml_q8_0>) {
    const float d = detail::ggml_fp32(detail::load_le16(in.data()));
    for (std::size_t j = 0; j < B; ++j) y[j] = float(std::int8_t(q[j])) * d;
  } else if constexpr (std::is_same_v<R, scaling::ggml_mxfp4>) {
    const float d = detail::ggml_e8m0_half(in[0]);  // ggml: e = 255 means 2^127, not NaN
    for (std::size_t j = 0; j < B / 2; ++j) {
      y[j] = detail::ggml_mxfp4_kvalue(q[j] & 0x0Fu) * d;
      y[B / 2 + j] = detail::ggml_mxfp4_kvalue(q[j] >> 4) * d;
    }
  }
}

// ---- sizes ------------------------------------------------------------------------

template <class BF>
std::size_t blocks_per_row(std::size_t cols, padding pad = padding::none) {
  if (cols % BF::block_size != 0 && pad == padding::none)
    lowp::detail::fail("cols: K = " + std::to_string(cols) + " is not a multiple of " + BF::name +
                       "'s block size " + std::to_string(BF::block_size) +
                       " (ask for padding::zero to zero-pad the last block of each row)");
  return cols / BF::block_size + (cols % BF::block_size != 0 ? 1 : 0);
}

// Bytes of one row of `cols` values.
template <class BF>
std::size_t row_bytes(std::size_t cols, padding pad = padding::none) {
  const std::size_t blocks = blocks_per_row<BF>(cols, pad);
  if (blocks > std::numeric_limits<std::size_t>::max() / BF::bytes_per_block)
    lowp::detail::fail("cols: a row of " + std::to_string(cols) + " values overflows the size of a raw " + BF::name +
                       " buffer");
  return blocks * BF::bytes_per_block;
}

// Bytes of the raw layout of a rows x cols tensor, header included.
template <class BF>
std::size_t raw_bytes(std::size_t rows, std::size_t cols, padding pad = padding::none) {
  const std::size_t per_row = row_bytes<BF>(cols, pad);
  if (per_row != 0 && rows > (std::numeric_limits<std::size_t>::max() - BF::tensor_header_bytes) / per_row)
    lowp::detail::fail("rows: " + std::to_string(rows) + " rows of " + std::to_string(cols) +
                       " values overflow the size of a raw " + BF::name + " buffer");
  return BF::tensor_header_bytes + rows * per_row;
}

namespace detail {

inline std::size_t checked_elements(std::size_t rows, std::size_t cols) {
  if (cols != 0 && rows > std::numeric_limits<std::size_t>::max() / cols)
    lowp::detail::fail("rows: " + std::to_string(rows) + " x " + std::to_string(cols) + " overflows size_t");
  return rows * cols;
}

template <class BF>
void check_options(const quantize_options& opt) {
  if constexpr (is_ggml_rule_v<typename BF::scale_rule>) {
    if (opt.round != rounding::nearest_even || opt.on_overflow != overflow::saturate)
      lowp::detail::fail(std::string("round: ") + BF::name +
                         " rounds as ggml does; only the default nearest_even/saturate is accepted");
  }
  if constexpr (!BF::scale_rule::tensor_scale) {
    if (opt.tensor_scale != 0.0f)
      lowp::detail::fail(std::string("tensor_scale: ") + BF::name + " has no tensor scale");
  } else {
    if (!(opt.tensor_scale >= 0.0f) || std::isinf(opt.tensor_scale))
      lowp::detail::fail("tensor_scale: " + std::to_string(opt.tensor_scale) + " is not a finite positive value");
  }
}

}  // namespace detail

// ---- one row -----------------------------------------------------------------------

// Quantizes a row of x.size() values into out (row_bytes<BF>(x.size(),
// opt.pad) bytes). first_index is the tensor index of x[0], for stochastic
// rounding. Two-level formats need opt.tensor_scale (see tensor_scale()).
template <class BF>
void quantize_row(std::span<const float> x, std::span<std::uint8_t> out, const quantize_options& opt = {},
                  std::uint64_t first_index = 0) {
  detail::check_options<BF>(opt);
  constexpr std::size_t B = BF::block_size;
  const std::size_t blocks = blocks_per_row<BF>(x.size(), opt.pad);
  if (out.size() != blocks * BF::bytes_per_block)
    lowp::detail::fail("out: " + std::to_string(out.size()) + " bytes, but a " + BF::name + " row of " +
                       std::to_string(x.size()) + " values takes " +
                       std::to_string(blocks * BF::bytes_per_block));
  if constexpr (BF::scale_rule::tensor_scale)
    if (opt.tensor_scale == 0.0f)
      lowp::detail::fail(std::string("tensor_scale: quantizing a ") + BF::name +
                         " row needs the tensor's scale (reference::tensor_scale)");
  block_params p{opt.round, opt.on_overflow, opt.seed, first_index,
                 BF::scale_rule::tensor_scale ? opt.tensor_scale : 1.0f};
  for (std::size_t b = 0; b < blocks; ++b) {
    std::span<std::uint8_t, BF::bytes_per_block> dst(out.data() + b * BF::bytes_per_block, BF::bytes_per_block);
    p.first_index = first_index + b * B;
    if ((b + 1) * B <= x.size()) {
      quantize_block<BF>(std::span<const float, B>(x.data() + b * B, B), dst, p);
    } else {
      std::array<float, B> padded{};
      std::copy(x.begin() + std::ptrdiff_t(b * B), x.end(), padded.begin());
      quantize_block<BF>(std::span<const float, B>(padded), dst, p);
    }
  }
}

// Dequantizes one row of y.size() values from `in` (row_bytes<BF>(y.size(),
// pad) bytes). tensor_scale: two-level formats only.
template <class BF>
void dequantize_row(std::span<const std::uint8_t> in, std::span<float> y, padding pad = padding::none,
                    float tensor_scale = 1.0f) {
  constexpr std::size_t B = BF::block_size;
  const std::size_t blocks = blocks_per_row<BF>(y.size(), pad);
  if (in.size() != blocks * BF::bytes_per_block)
    lowp::detail::fail("in: " + std::to_string(in.size()) + " bytes, but a " + BF::name + " row of " +
                       std::to_string(y.size()) + " values takes " + std::to_string(blocks * BF::bytes_per_block));
  for (std::size_t b = 0; b < blocks; ++b) {
    std::span<const std::uint8_t, BF::bytes_per_block> src(in.data() + b * BF::bytes_per_block, BF::bytes_per_block);
    if ((b + 1) * B <= y.size()) {
      dequantize_block<BF>(src, std::span<float, B>(y.data() + b * B, B), tensor_scale);
    } else {
      std::array<float, B> full{};
      dequantize_block<BF>(src, std::span<float, B>(full), tensor_scale);
      std::copy(full.begin(), full.begin() + std::ptrdiff_t(y.size() - b * B), y.begin() + std::ptrdiff_t(b * B));
    }
  }
}

// ---- whole tensors -------------------------------------------------------------------

// Quantizes a rows x cols row-major tensor into its raw layout in `out`
// (raw_bytes<BF>(rows, cols, opt.pad) bytes).
template <class BF>
void quantize(std::span<const float> x, std::size_t rows, std::size_t cols, std::span<std::uint8_t> out,
              const quantize_options& opt = {}) {
  detail::check_options<BF>(opt);
  const std::size_t n = detail::checked_elements(rows, cols);
  if (x.size() != n)
    lowp::detail::fail("x: " + std::to_string(x.size()) + " values, but rows x cols = " + std::to_string(rows) +
                       " x " + std::to_string(cols) + " = " + std::to_string(n));
  const std::size_t total = raw_bytes<BF>(rows, cols, opt.pad);
  if (out.size() != total)
    lowp::detail::fail("out: " + std::to_string(out.size()) + " bytes, but a " + std::to_string(rows) + " x " +
                       std::to_string(cols) + " " + BF::name + " tensor takes " + std::to_string(total));
  quantize_options row_opt = opt;
  if constexpr (BF::scale_rule::tensor_scale) {
    if (row_opt.tensor_scale == 0.0f) row_opt.tensor_scale = tensor_scale<BF>(x);
    detail::store_le32(out.data(), std::bit_cast<std::uint32_t>(row_opt.tensor_scale));
  }
  const std::size_t per_row = row_bytes<BF>(cols, opt.pad);
  for (std::size_t r = 0; r < rows; ++r)
    quantize_row<BF>(x.subspan(r * cols, cols), out.subspan(BF::tensor_header_bytes + r * per_row, per_row), row_opt,
                     std::uint64_t(r) * cols);
}

template <class BF>
std::vector<std::uint8_t> quantize(std::span<const float> x, std::size_t rows, std::size_t cols,
                                   const quantize_options& opt = {}) {
  std::vector<std::uint8_t> out(raw_bytes<BF>(rows, cols, opt.pad));
  quantize<BF>(x, rows, cols, out, opt);
  return out;
}

// The tensor scale stored in a raw two-level buffer (1 for other formats).
// Quantizing only ever stores a finite positive scale, so NaN, an infinity,
// zero or a negative value means a damaged buffer: a lowp::error naming it.
template <class BF>
float stored_tensor_scale(std::span<const std::uint8_t> raw) {
  if constexpr (BF::scale_rule::tensor_scale) {
    if (raw.size() < 4) lowp::detail::fail(std::string("raw: too short to hold ") + BF::name + "'s tensor scale");
    const std::uint32_t bits = detail::load_le32(raw.data());
    const float ts = std::bit_cast<float>(bits);
    if (!(ts > 0.0f) || std::isinf(ts)) {
      char hex[11];
      std::snprintf(hex, sizeof hex, "0x%08x", unsigned(bits));
      lowp::detail::fail(std::string("raw: the stored ") + BF::name + " tensor scale " + hex +
                         " is not a finite positive float32");
    }
    return ts;
  } else {
    return 1.0f;
  }
}

// Dequantizes the raw layout of a rows x cols tensor into out (rows * cols floats).
template <class BF>
void dequantize(std::span<const std::uint8_t> raw, std::size_t rows, std::size_t cols, std::span<float> out,
                padding pad = padding::none) {
  const std::size_t n = detail::checked_elements(rows, cols);
  const std::size_t total = raw_bytes<BF>(rows, cols, pad);
  if (raw.size() != total)
    lowp::detail::fail("raw: " + std::to_string(raw.size()) + " bytes, but a " + std::to_string(rows) + " x " +
                       std::to_string(cols) + " " + BF::name + " tensor takes " + std::to_string(total));
  if (out.size() != n)
    lowp::detail::fail("out: " + std::to_string(out.size()) + " values, but rows x cols = " + std::to_string(n));
  const float ts = stored_tensor_scale<BF>(raw);
  const std::size_t per_row = row_bytes<BF>(cols, pad);
  for (std::size_t r = 0; r < rows; ++r)
    dequantize_row<BF>(raw.subspan(BF::tensor_header_bytes + r * per_row, per_row), out.subspan(r * cols, cols), pad,
                       ts);
}

template <class BF>
std::vector<float> dequantize(std::span<const std::uint8_t> raw, std::size_t rows, std::size_t cols,
                              padding pad = padding::none) {
  std::vector<float> out(detail::checked_elements(rows, cols));
  dequantize<BF>(raw, rows, cols, out, pad);
  return out;
}

}  // namespace reference
}  // namespace lowp
