#pragma once

// Bulk conversion between float32 and every scalar format, on any ISA:
//
//   lowp::quantize(in, out, rounding, overflow, seed, first_index, isa)
//   lowp::dequantize(in, out, isa)
//
// Results are bit-identical to reference::quantize / reference::dequantize
// (reference/convert_bulk.hpp) on every ISA, for every rounding (stochastic
// included: element i uses stochastic_bits(seed, first_index + i)) and every
// overflow policy. The SIMD paths convert groups of 4 vectors and hand the rest
// to the scalar reference. Per-ISA code is compiled in the translation units
// that lowp/kernels/instantiate.hpp describes (docs/isa.md).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "lowp/reference/convert.hpp"
#include "lowp/container/packed_span.hpp"
#include "lowp/core/bit_width.hpp"
#include "lowp/core/concepts.hpp"
#include "lowp/core/policy.hpp"
#include "lowp/error.hpp"
#include "lowp/format/formats.hpp"
#include "lowp/isa.hpp"
#include "lowp/kernels/convert/lanes.hpp"
#include "lowp/reference/convert_bulk.hpp"
#include "lowp/simd/api.hpp"
#include "lowp/simd/inline.hpp"
#include "lowp/simd/ops.hpp"

namespace lowp::kernels {

struct encode_args {
  rounding r = rounding::nearest_even;
  overflow o = overflow::saturate;
  std::uint64_t seed = 0;
  std::uint64_t first_index = 0;
};

// The conversion kernels of one architecture, Arch = simd::arch_t<isa>. The
// members are out-of-class templates so that each ISA's explicit instantiation
// lives in a translation unit compiled with that ISA's flags (xsimd's
// dispatching pattern); the header only declares them `extern`.
// `out` / `in` hold n elements of T packed as in DESIGN §4.
struct convert_kernel {
  template <class Arch, class T>
  static void encode(Arch, const float* in, std::uint8_t* out, std::size_t n, const encode_args& args);
  template <class Arch, class T>
  static void decode(Arch, const std::uint8_t* in, float* out, std::size_t n);
};

namespace detail {

// Calls f(std::integral_constant<std::size_t, k>{}) for k = 0..3, unrolled.
template <class F>
LOWP_SIMD_INLINE void for_each_vector(F&& f) {
  [&]<std::size_t... k>(std::index_sequence<k...>) {
    (f(std::integral_constant<std::size_t, k>{}), ...);
  }(std::make_index_sequence<4>{});
}

template <class A>
u32<A> lane_iota() {
  alignas(64) static constexpr std::uint32_t iota[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  static_assert(simd::lanes<A> <= 16);
  return xsimd::load_unaligned<A>(iota);
}

// Four vectors of codes (4 * lanes<A> consecutive elements) to packed storage.
template <class A, int W>
LOWP_SIMD_INLINE void store_codes(std::uint8_t* out, u32<A> (&code)[4]) {
  constexpr std::size_t L = simd::lanes<A>;
  if constexpr (W == 8) {
    simd::store_narrow_u8<A>(out, code);
  } else if constexpr (W == 16) {
    for_each_vector([&](auto k) { simd::store_narrow_u16<A>(out + 2 * L * k, code[k]); });
  } else {
    // Sub-byte: gather each run of 4 elements into one lane, LSB first.
    simd::transpose_4x4_per_128<A>(code);
    u32<A> packed = code[0] | (code[1] << W) | (code[2] << (2 * W)) | (code[3] << (3 * W));
    packed = simd::groups_to_memory_order<A>(packed);
    if constexpr (W == 2) simd::store_narrow_u8<A>(out, packed);
    else if constexpr (W == 4) simd::store_narrow_u16<A>(out, packed);
    else simd::store_u24<A>(out, packed);
  }
}

template <class A, int W>
LOWP_SIMD_INLINE void load_codes(const std::uint8_t* in, u32<A> (&code)[4]) {
  constexpr std::size_t L = simd::lanes<A>;
  if constexpr (W == 8) {
    simd::load_widen_u8<A>(in, code);
  } else if constexpr (W == 16) {
    for_each_vector([&](auto k) { code[k] = simd::load_widen_u16<A>(in + 2 * L * k); });
  } else {
    u32<A> packed;
    if constexpr (W == 2) packed = simd::load_widen_u8<A>(in);
    else if constexpr (W == 4) packed = simd::load_widen_u16<A>(in);
    else packed = simd::load_u24<A>(in);
    packed = simd::groups_from_memory_order<A>(packed);
    const u32<A> mask((1U << W) - 1U);
    for_each_vector([&](auto k) { code[k] = (packed >> int(k * W)) & mask; });
    simd::transpose_4x4_per_128<A>(code);
  }
}

// One step: 4 * lanes<A> elements from in to out; random bits from base.
template <class A, class T, rounding R, class Encoder>
LOWP_SIMD_INLINE void encode_step(const Encoder& encode, const float* in, std::uint8_t* out, u32<A> base,
                                  std::uint32_t key) {
  constexpr std::size_t L = simd::lanes<A>;
  u32<A> code[4];
  for_each_vector([&](auto k) {
    u32<A> random(0U);
    if constexpr (R == rounding::stochastic)
      random = hash32<A>((base + u32<A>(std::uint32_t(k * L))) ^ u32<A>(key));
    code[k] = xsimd::bitwise_cast<u32<A>>(encode(xsimd::load_unaligned<A>(in + k * L), random));
  });
  store_codes<A, bit_width_v<T>>(out, code);
}

template <class A, class T, rounding R>
void encode_loop(const float* in, std::uint8_t* out, std::size_t n, const encode_args& args) {
  constexpr int W = bit_width_v<T>;
  constexpr std::size_t G = 4 * simd::lanes<A>;  // elements per step; a whole number of bytes for every W
  const typename encoder_for<A, T, R>::type encode(args.o);
  const std::size_t full = n - n % G;
  std::size_t i = 0;
  if constexpr (R != rounding::stochastic) {
    for (; i < full; i += G) encode_step<A, T, R>(encode, in + i, out + i * W / 8, u32<A>(0U), 0U);
  } else {
    // The random bits' key depends on the upper half of the element index:
    // run segments of steps that stay below the next 2^32 boundary, and hand
    // a step that would cross one to the scalar reference.
    while (i < full) {
      const std::uint64_t first = args.first_index + i;
      const std::uint64_t to_boundary = (std::uint64_t{1} << 32) - (first & 0xffffffffU);
      const std::uint64_t whole_steps = to_boundary - to_boundary % G;
      const std::size_t end = full - i < whole_steps ? full : i + std::size_t(whole_steps);
      const std::uint32_t key = stochastic_key<A>(args.seed, std::uint32_t(first >> 32));
      const u32<A> iota = lane_iota<A>();
      for (; i < end; i += G)
        encode_step<A, T, R>(encode, in + i, out + i * W / 8,
                             u32<A>(std::uint32_t(args.first_index + i)) + iota, key);
      if (i < full) {
        encode_args step = args;
        step.first_index = args.first_index + i;
        convert_kernel::encode<simd::scalar, T>(simd::scalar{}, in + i, out + i * W / 8, G, step);
        i += G;
      }
    }
  }
  if (full != n) {
    encode_args tail = args;
    tail.first_index = args.first_index + full;
    convert_kernel::encode<simd::scalar, T>(simd::scalar{}, in + full, out + full * W / 8, n - full, tail);
  }
}

// The float32 bits of the 16 codes of a 4-bit format, split into byte tables
// for simd::lut_nibbles_hi16; usable when the low 16 bits are 0 for every code
// (true of float4_e2m1fn, int4 and uint4).
template <class T>
struct nibble_tables {
  alignas(16) std::uint8_t hi[16] = {};
  alignas(16) std::uint8_t mid[16] = {};
  bool exact = true;
  static constexpr float value(std::uint32_t c) {
    if constexpr (requires { T::desc; }) return reference::decode<T::desc>(c);
    else return reference::decode_int<bit_width_v<T>, T::is_signed>(c);
  }
  constexpr nibble_tables() {
    for (std::uint32_t c = 0; c < 16; ++c) {
      const std::uint32_t b = std::bit_cast<std::uint32_t>(value(c));
      hi[c] = std::uint8_t(b >> 24);
      mid[c] = std::uint8_t(b >> 16);
      exact = exact && (b & 0xffffU) == 0;
    }
  }
};

template <class A, class T>
void decode_loop(const std::uint8_t* in, float* out, std::size_t n) {
  constexpr int W = bit_width_v<T>;
  constexpr std::size_t L = simd::lanes<A>;
  constexpr std::size_t G = 4 * L;
  const typename decoder_for<A, T>::type decode;
  const std::size_t full = n - n % G;
  for (std::size_t i = 0; i < full; i += G) {
    if constexpr (std::is_same_v<T, float16> && simd::has_f16c<A>) {
      for (std::size_t k = 0; k < 4; ++k)
        xsimd::store_unaligned(out + i + k * L, canonical_nan(simd::load_f16<A>(in + 2 * (i + k * L))));
    } else if constexpr (W == 4 && simd::has_nibble_lut<A> && nibble_tables<T>{}.exact) {
      static constexpr nibble_tables<T> tables{};
      u32<A> bits[4];
      simd::lut_nibbles_hi16<A>(in + i / 2, tables.hi, tables.mid, bits);
      for_each_vector([&](auto k) { xsimd::store_unaligned(out + i + k * L, xsimd::bitwise_cast<f32<A>>(bits[k])); });
    } else {
      u32<A> code[4];
      load_codes<A, W>(in + i * W / 8, code);
      for_each_vector([&](auto k) { xsimd::store_unaligned(out + i + k * L, decode(code[k])); });
    }
  }
  if (full != n) convert_kernel::decode<simd::scalar, T>(simd::scalar{}, in + full * W / 8, out + full, n - full);
}

}  // namespace detail

template <class Arch, class T>
void convert_kernel::encode(Arch, const float* in, std::uint8_t* out, std::size_t n, const encode_args& args) {
  if constexpr (std::is_same_v<Arch, simd::scalar>) {
    reference::quantize<T>(std::span<const float>(in, n), packed_span<T>(out, n), args.r, args.o, args.seed,
                           args.first_index);
  } else {
    switch (args.r) {
      case rounding::nearest_even:
        return detail::encode_loop<Arch, T, rounding::nearest_even>(in, out, n, args);
      case rounding::toward_zero:
        return detail::encode_loop<Arch, T, rounding::toward_zero>(in, out, n, args);
      case rounding::nearest_away:
        return detail::encode_loop<Arch, T, rounding::nearest_away>(in, out, n, args);
      case rounding::up: return detail::encode_loop<Arch, T, rounding::up>(in, out, n, args);
      case rounding::down: return detail::encode_loop<Arch, T, rounding::down>(in, out, n, args);
      case rounding::stochastic: return detail::encode_loop<Arch, T, rounding::stochastic>(in, out, n, args);
    }
  }
}

template <class Arch, class T>
void convert_kernel::decode(Arch, const std::uint8_t* in, float* out, std::size_t n) {
  if constexpr (std::is_same_v<Arch, simd::scalar>)
    reference::dequantize<T>(packed_span<const T>(in, n), std::span<float>(out, n));
  else
    detail::decode_loop<Arch, T>(in, out, n);
}

}  // namespace lowp::kernels

// ---- explicit instantiations -------------------------------------------------

// Every scalar format, in the order of lowp::scalar_formats.
#define LOWP_SCALAR_FORMATS(X, ARG)                                                                        \
  X(ARG, float8_e4m3fn) X(ARG, float8_e5m2) X(ARG, float8_e4m3fnuz) X(ARG, float8_e5m2fnuz)                \
  X(ARG, float8_e4m3b11fnuz) X(ARG, float8_e4m3) X(ARG, float8_e3m4) X(ARG, float8_e8m0fnu)                \
  X(ARG, float8_ue4m3) X(ARG, float6_e2m3fn) X(ARG, float6_e3m2fn) X(ARG, float4_e2m1fn) X(ARG, bfloat16) \
  X(ARG, float16) X(ARG, int2) X(ARG, uint2) X(ARG, int4) X(ARG, uint4) X(ARG, int8) X(ARG, uint8)

namespace lowp::kernels::detail {
struct list_end {};
}  // namespace lowp::kernels::detail
#define LOWP_DETAIL_FORMAT_TYPE(ARG, F) ::lowp::F,
static_assert(std::is_same_v<std::tuple<LOWP_SCALAR_FORMATS(LOWP_DETAIL_FORMAT_TYPE, )
                                            ::lowp::kernels::detail::list_end>,
                             decltype(std::tuple_cat(::lowp::scalar_formats{},
                                                     std::tuple<::lowp::kernels::detail::list_end>{}))>,
              "LOWP_SCALAR_FORMATS must list lowp::scalar_formats");
#undef LOWP_DETAIL_FORMAT_TYPE

#define LOWP_DETAIL_CONVERT_INSTANCES(PREFIX, ARCH, F)                                                \
  PREFIX template void ::lowp::kernels::convert_kernel::encode<ARCH, ::lowp::F>(                      \
      ARCH, const float*, std::uint8_t*, std::size_t, const ::lowp::kernels::encode_args&);           \
  PREFIX template void ::lowp::kernels::convert_kernel::decode<ARCH, ::lowp::F>(ARCH, const std::uint8_t*, \
                                                                                float*, std::size_t);
#define LOWP_DETAIL_CONVERT_EXTERN(ARCH, F) LOWP_DETAIL_CONVERT_INSTANCES(extern, ARCH, F)
#define LOWP_DETAIL_CONVERT_DEFINE(ARCH, F) LOWP_DETAIL_CONVERT_INSTANCES(, ARCH, F)

// Declared here, defined once per ISA in the translation units of
// lowp_add_isa_sources (LOWP_INSTANTIATE_ISA in lowp/kernels/instantiate.hpp).
#if LOWP_EXTERN_ISA_SCALAR
LOWP_SCALAR_FORMATS(LOWP_DETAIL_CONVERT_EXTERN, ::lowp::simd::scalar)
#endif
#if LOWP_EXTERN_ISA_SSE2
LOWP_SCALAR_FORMATS(LOWP_DETAIL_CONVERT_EXTERN, ::lowp::simd::arch_t<::lowp::isa::sse2>)
#endif
#if LOWP_EXTERN_ISA_SSE4_1
LOWP_SCALAR_FORMATS(LOWP_DETAIL_CONVERT_EXTERN, ::lowp::simd::arch_t<::lowp::isa::sse4_1>)
#endif
#if LOWP_EXTERN_ISA_AVX2
LOWP_SCALAR_FORMATS(LOWP_DETAIL_CONVERT_EXTERN, ::lowp::simd::arch_t<::lowp::isa::avx2>)
#endif
#if LOWP_EXTERN_ISA_AVX512BW
LOWP_SCALAR_FORMATS(LOWP_DETAIL_CONVERT_EXTERN, ::lowp::simd::arch_t<::lowp::isa::avx512bw>)
#endif
#if LOWP_EXTERN_ISA_NEON64
LOWP_SCALAR_FORMATS(LOWP_DETAIL_CONVERT_EXTERN, ::lowp::simd::arch_t<::lowp::isa::neon64>)
#endif

// ---- public API --------------------------------------------------------------

namespace lowp {

namespace kernels::detail {

template <class T>
void encode_on(isa which, const float* in, std::uint8_t* out, std::size_t n, const encode_args& args) {
  switch (require_isa(which)) {
#if LOWP_ISA_SSE2
    case isa::sse2: return convert_kernel::encode<simd::arch_t<isa::sse2>, T>({}, in, out, n, args);
#endif
#if LOWP_ISA_SSE4_1
    case isa::sse4_1: return convert_kernel::encode<simd::arch_t<isa::sse4_1>, T>({}, in, out, n, args);
#endif
#if LOWP_ISA_AVX2
    case isa::avx2: return convert_kernel::encode<simd::arch_t<isa::avx2>, T>({}, in, out, n, args);
#endif
#if LOWP_ISA_AVX512BW
    case isa::avx512bw: return convert_kernel::encode<simd::arch_t<isa::avx512bw>, T>({}, in, out, n, args);
#endif
#if LOWP_ISA_NEON64
    case isa::neon64: return convert_kernel::encode<simd::arch_t<isa::neon64>, T>({}, in, out, n, args);
#endif
    default: return convert_kernel::encode<simd::scalar, T>({}, in, out, n, args);
  }
}

template <class T>
void decode_on(isa which, const std::uint8_t* in, float* out, std::size_t n) {
  switch (require_isa(which)) {
#if LOWP_ISA_SSE2
    case isa::sse2: return convert_kernel::decode<simd::arch_t<isa::sse2>, T>({}, in, out, n);
#endif
#if LOWP_ISA_SSE4_1
    case isa::sse4_1: return convert_kernel::decode<simd::arch_t<isa::sse4_1>, T>({}, in, out, n);
#endif
#if LOWP_ISA_AVX2
    case isa::avx2: return convert_kernel::decode<simd::arch_t<isa::avx2>, T>({}, in, out, n);
#endif
#if LOWP_ISA_AVX512BW
    case isa::avx512bw: return convert_kernel::decode<simd::arch_t<isa::avx512bw>, T>({}, in, out, n);
#endif
#if LOWP_ISA_NEON64
    case isa::neon64: return convert_kernel::decode<simd::arch_t<isa::neon64>, T>({}, in, out, n);
#endif
    default: return convert_kernel::decode<simd::scalar, T>({}, in, out, n);
  }
}

inline void check_same_size(std::size_t in, std::size_t out, const char* function) {
  if (in != out)
    lowp::detail::fail(std::string(function) + ": out has " + std::to_string(out) + " elements but in has " +
                       std::to_string(in));
}

}  // namespace kernels::detail

// out[i] = encode<T>(in[i], r, o, seed, first_index + i) for every i, on ISA
// `which` (best_isa() by default; lowp::error if it cannot run here, or if
// in and out differ in size).
template <scalar_format T>
void quantize(std::span<const float> in, packed_span<T> out, rounding r = rounding::nearest_even,
              overflow o = overflow::saturate, std::uint64_t seed = 0, std::uint64_t first_index = 0,
              isa which = best_isa()) {
  kernels::detail::check_same_size(in.size(), out.size(), "lowp::quantize");
  kernels::detail::encode_on<T>(which, in.data(), out.data(), in.size(),
                                kernels::encode_args{r, o, seed, first_index});
}

// out[i] = decode<T>(in[i]) for every i, on ISA `which`.
template <scalar_format T>
void dequantize(packed_span<const T> in, std::span<float> out, isa which = best_isa()) {
  kernels::detail::check_same_size(in.size(), out.size(), "lowp::dequantize");
  kernels::detail::decode_on<T>(which, in.data(), out.data(), out.size());
}
template <scalar_format T>
  requires(!std::is_const_v<T>)
void dequantize(packed_span<T> in, std::span<float> out, isa which = best_isa()) {
  dequantize(packed_span<const T>(in), out, which);
}

}  // namespace lowp
