#pragma once

// Lane-wise float32 <-> code conversions for one SIMD architecture A. Each
// reproduces reference::encode / reference::decode (reference/convert.hpp)
// exactly; docs/isa.md derives the method. Everything here is a template on A,
// so a translation unit compiled with one ISA's flags emits only symbols of
// that ISA (no inline function shared with other ISAs).

#include <bit>
#include <cstdint>
#include <type_traits>

#include "lowp/core/policy.hpp"
#include "lowp/format/float_desc.hpp"
#include "lowp/format/intn.hpp"
#include "lowp/format/minifloat.hpp"
#include "lowp/reference/convert.hpp"
#include "lowp/simd/api.hpp"
#include "lowp/simd/inline.hpp"
#include "lowp/simd/ops.hpp"

namespace lowp::kernels::detail {

using simd::f32;
using simd::i32;
using simd::mask32;
using simd::u32;

// 2^k as a float32 (normal k only). Used only to initialize constexpr
// variables, so it never runs (or is emitted) in an ISA translation unit.
constexpr float pow2f(int k) { return std::bit_cast<float>(std::uint32_t(k + 127) << 23); }
inline constexpr std::int32_t half_bits = 0x3f000000;  // 0.5f
inline constexpr std::int32_t inf_bits = 0x7f800000;
inline constexpr std::int32_t quiet_nan_bits = 0x7fc00000;

// lowp::hash32 and the key of lowp::stochastic_bits (core/rng.hpp), as
// templates on A so that each ISA's translation unit has its own copy.
template <class A>
constexpr std::uint32_t hash32(std::uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}
template <class A>
constexpr std::uint32_t stochastic_key(std::uint64_t seed, std::uint32_t index_hi) {
  return hash32<A>(std::uint32_t(seed) ^ hash32<A>(std::uint32_t(seed >> 32) ^ (index_hi * 0x9e3779b9U)));
}
template <class A>
LOWP_SIMD_INLINE u32<A> hash32(u32<A> x) {
  x ^= x >> 16;
  x = simd::mul(x, u32<A>(0x7feb352dU));
  x ^= x >> 15;
  x = simd::mul(x, u32<A>(0x846ca68bU));
  x ^= x >> 16;
  return x;
}

// floor(f * 2^32) for 0 <= f < 1, exactly (simd::trunc_to_u32: v < 2^32).
template <class A>
LOWP_SIMD_INLINE i32<A> fraction_bits(f32<A> f) {
  constexpr float two_32 = pow2f(32);
  return xsimd::bitwise_cast<i32<A>>(simd::trunc_to_u32(f * two_32));
}

// Whether a magnitude with discarded fraction f (0 <= f < 1, as float32 and as
// its bits fb) rounds away from zero; reference::round_away.
template <class A, rounding R>
LOWP_SIMD_INLINE mask32<A> round_away(f32<A> f, i32<A> fb, mask32<A> odd, mask32<A> neg, u32<A> random) {
  if constexpr (R == rounding::nearest_even) {
    return (fb > i32<A>(half_bits)) | ((fb == i32<A>(half_bits)) & odd);
  } else if constexpr (R == rounding::nearest_away) {
    return fb >= i32<A>(half_bits);
  } else if constexpr (R == rounding::toward_zero) {
    return fb != fb;
  } else if constexpr (R == rounding::up) {
    return (fb != i32<A>(0)) & !neg;
  } else if constexpr (R == rounding::down) {
    return (fb != i32<A>(0)) & neg;
  } else {
    // frac32 + random >= 2^32, i.e. frac32 > ~random, compared as unsigned
    const i32<A> frac = fraction_bits(f) ^ i32<A>(std::int32_t(0x80000000U));
    return frac > (xsimd::bitwise_cast<i32<A>>(random) ^ i32<A>(0x7fffffff));
  }
}

// ---- minifloats --------------------------------------------------------------

template <float_desc D>
struct minifloat_consts {
  static constexpr int M = D.mantissa_bits;
  static constexpr int S = D.exponent_bits + D.mantissa_bits;  // position of the sign bit
  static constexpr int shift = 23 - M;                        // float32 fraction bits discarded
  static constexpr std::int32_t code_offset = (127 - D.bias) << M;
  static constexpr std::int32_t rem_mask = (std::int32_t{1} << shift) - 1;
  static constexpr std::int32_t half = std::int32_t{1} << (shift - 1);
  static constexpr std::int32_t max_mag = std::int32_t(D.max_magnitude_code());
  static constexpr std::int32_t sign_mask = std::int32_t(D.sign_mask());
  // Magnitudes below this (float32 bits) take the subnormal path: the format's
  // least normal, or float32's when that is smaller (E8M0).
  static constexpr std::int32_t normal_bits = D.emin() >= -126 ? (D.emin() + 127) << 23 : 0x00800000;
  // Subnormal path: |x| * 2^(M - emin) is the value in units of the least
  // subnormal step, split in two exact multiplies when 2^(M - emin) is not a float.
  static constexpr int sub_exp = M - D.emin();
  static constexpr bool sub_split = sub_exp > 127;
  static constexpr float sub_scale1 = sub_split ? pow2f(64) : pow2f(sub_exp);
  static constexpr float sub_scale2 = sub_split ? pow2f(sub_exp - 64) : 1.0f;
  // Code of the truncated value when the subnormal path's integer part is 0:
  // without subnormals (E8M0) the truncated value is below the least code.
  static constexpr std::int32_t sub_offset = D.has_subnormals ? 0 : -1;
  static constexpr std::int32_t zero_trunc = sub_offset;
  // Results that depend on the overflow policy, per sign (reference/convert.hpp).
  struct codes {
    std::int32_t zero[2], overflow[2], inf[2], nan[2];
  };
  static constexpr codes codes_for(overflow o) {
    codes c{};
    for (int s = 0; s < 2; ++s) {
      c.zero[s] = std::int32_t(reference::zero_code<D>(s != 0, o));
      c.overflow[s] = std::int32_t(reference::overflow_code<D>(s != 0, false, o));
      c.inf[s] = std::int32_t(reference::overflow_code<D>(s != 0, true, o));
      c.nan[s] = std::int32_t(reference::nan_code<D>(s != 0));
    }
    return c;
  }
  static constexpr codes by_overflow[3] = {codes_for(overflow::saturate), codes_for(overflow::saturate_all),
                                           codes_for(overflow::non_saturating)};
  static_assert(int(overflow::saturate) == 0 && int(overflow::saturate_all) == 1 &&
                int(overflow::non_saturating) == 2);
};

template <class A>
LOWP_SIMD_INLINE i32<A> by_sign(mask32<A> neg, const std::int32_t (&v)[2]) {
  return simd::select(neg, i32<A>(v[1]), i32<A>(v[0]));
}

// float32 -> minifloat code. Normal results: add a rounding increment to the
// float32 bits, shift the discarded fraction out, rebias; a mantissa carry
// moves into the exponent by itself. Subnormal (and zero) results: the value
// in units of the least subnormal step, rounded (sub_code). Formats whose
// subnormal range is common in data (emin >= -10) compute both for every
// vector and blend; the others only when a lane needs it. Overflow, Inf/NaN,
// and the zero and negative cases of fnuz / unsigned formats are fixed by
// compare and select, again only for vectors that have such a lane.
template <class A, float_desc D, rounding R>
class minifloat_encoder {
  using K = minifloat_consts<D>;
  // Computing the subnormal path for every vector costs about 4 operations
  // for nearest_even and 16 for the other roundings; a branch that a vector
  // takes when one of its lanes needs it costs ~50 cycles when taken, which
  // N(0, 1)-like data does for 10% of 8-lane vectors when emin = -6.
  static constexpr bool eager_subnormals =
      D.has_subnormals && D.emin() >= (R == rounding::nearest_even ? -10 : -7);
  // Stochastic subnormal path (sub_code): its part for magnitudes below
  // 2^(emin - 8) ("tiny", rare in data) runs only for vectors that have such a
  // lane; the others use the integer-increment part alone.
  static constexpr bool stochastic_sub = R == rounding::stochastic && D.has_subnormals && K::M <= 6;
  static constexpr std::int32_t tiny_bits = (D.emin() - 8 + 127) << 23;

 public:
  explicit minifloat_encoder(overflow o) : codes_(K::by_overflow[int(o)]) {}

  LOWP_SIMD_INLINE i32<A> operator()(f32<A> x, u32<A> random) const {
    const i32<A> xi = xsimd::bitwise_cast<i32<A>>(x);
    const i32<A> abs = xi & i32<A>(0x7fffffff);
    const i32<A> neg_bits = xi >> 31;
    i32<A> increment;
    if constexpr (R == rounding::nearest_even)
      increment = ((abs >> K::shift) & i32<A>(1)) + i32<A>(K::half - 1);
    else if constexpr (R == rounding::nearest_away)
      increment = i32<A>(K::half);
    else if constexpr (R == rounding::toward_zero)
      increment = i32<A>(0);
    else if constexpr (R == rounding::up)
      increment = i32<A>(K::rem_mask) & ~neg_bits;
    else if constexpr (R == rounding::down)
      increment = neg_bits & i32<A>(K::rem_mask);
    else
      increment = xsimd::bitwise_cast<i32<A>>(random >> (9 + K::M));
    // Logical shift: Inf/NaN plus an increment stays a huge (overflowing) code.
    i32<A> code = xsimd::bitwise_cast<i32<A>>(xsimd::bitwise_cast<u32<A>>(abs + increment) >> K::shift) -
                  i32<A>(K::code_offset);
    i32<A> sign = i32<A>(0);
    if constexpr (D.is_signed) sign = (xi >> (31 - K::S)) & i32<A>(K::sign_mask);
    const mask32<A> sub = abs < i32<A>(K::normal_bits);
    mask32<A> rare = code > i32<A>(K::max_mag);
    if constexpr (eager_subnormals) {
      code = simd::select(sub, sub_code<!stochastic_sub>(abs, neg_bits, random), code);
      if constexpr (D.is_signed && !D.has_negative_zero())
        rare = rare | ((code == i32<A>(0)) & (xi < i32<A>(0)));
      // Zero is exact in the increment part; other tiny magnitudes are not.
      if constexpr (stochastic_sub) rare = rare | ((abs < i32<A>(tiny_bits)) & (abs != i32<A>(0)));
    } else {
      rare = rare | sub;
    }
    if constexpr (!D.is_signed) rare = rare | (xi < i32<A>(0));
    if (!xsimd::any(rare)) return code | sign;
    if constexpr (eager_subnormals && stochastic_sub) code = simd::select(sub, sub_code(abs, neg_bits, random), code);
    if constexpr (!eager_subnormals)
      if (xsimd::any(sub)) code = simd::select(sub, sub_code(abs, neg_bits, random), code);
    return fix(xi, abs, code, sign);
  }

 private:
  // The code of a magnitude below the least normal (before sign and specials);
  // with Tiny = false, stochastic rounding is exact only from 2^(emin - 8) up, and for 0.
  template <bool Tiny = true>
  LOWP_SIMD_INLINE static i32<A> sub_code(i32<A> abs, i32<A> neg_bits, u32<A> random) {
    if constexpr (R == rounding::nearest_even && D.has_subnormals) {
      // Adding 2^(emin - M + 23) leaves the least subnormal step as the ulp,
      // so the float addition itself rounds to nearest even, and the low bits
      // of the sum are the code (a carry to 2^M is the least normal).
      constexpr float magic = pow2f(D.emin() - K::M + 23);
      constexpr std::int32_t magic_bits = std::bit_cast<std::int32_t>(magic);
      return xsimd::bitwise_cast<i32<A>>(xsimd::bitwise_cast<f32<A>>(abs) + magic) - i32<A>(magic_bits);
    } else if constexpr (R == rounding::stochastic && D.has_subnormals && K::M <= 6) {
      // With t = |x| / 2^(emin - M) (the value in subnormal steps), rounding
      // away happens when frac32 + random >= 2^32. From t >= 2^(M - 8) on,
      // t * 2^(31 - M) is an integer below 2^31 and frac32's low M + 1 bits
      // are zero, so the normal path's increment trick applies to it; below,
      // the integer part is 0 and frac32 = t * 2^32 < 2^30 converts exactly.
      constexpr float to_fixed = pow2f(31 - D.emin());
      constexpr float to_frac32 = pow2f(32 + K::M - D.emin());
      const f32<A> ax = xsimd::bitwise_cast<f32<A>>(abs);
      const u32<A> fixed = xsimd::bitwise_cast<u32<A>>(xsimd::to_int(ax * to_fixed));
      const i32<A> rounded = xsimd::bitwise_cast<i32<A>>((fixed + (random >> (K::M + 1))) >> (31 - K::M));
      if constexpr (!Tiny) return rounded;
      const i32<A> frac32 = xsimd::to_int(ax * to_frac32) ^ i32<A>(std::int32_t(0x80000000U));
      const mask32<A> tiny_away = frac32 > (xsimd::bitwise_cast<i32<A>>(random) ^ i32<A>(0x7fffffff));
      const i32<A> tiny = simd::select(tiny_away, i32<A>(1), i32<A>(0));
      return simd::select(abs < i32<A>(tiny_bits), tiny, rounded);
    } else {
      f32<A> t = xsimd::bitwise_cast<f32<A>>(abs) * K::sub_scale1;
      if constexpr (K::sub_split) t = t * K::sub_scale2;
      const i32<A> n = xsimd::to_int(t);  // t < 2^M: exact truncation
      const f32<A> f = t - xsimd::to_float(n);
      const i32<A> truncated = n + i32<A>(K::sub_offset);
      mask32<A> odd = (truncated & i32<A>(1)) != i32<A>(0);
      if constexpr (!D.has_subnormals) odd = odd & (truncated >= i32<A>(0));
      const mask32<A> neg = neg_bits != i32<A>(0);
      const mask32<A> away = round_away<A, R>(f, xsimd::bitwise_cast<i32<A>>(f), odd, neg, random);
      return simd::select(away, truncated + i32<A>(1), truncated);
    }
  }

  i32<A> fix(i32<A> xi, i32<A> abs, i32<A> code, i32<A> sign) const {
    const mask32<A> neg = xi < i32<A>(0);
    i32<A> res = code | sign;
    const mask32<A> zero = code == i32<A>(K::zero_trunc);
    if constexpr (!D.has_zero() || (D.is_signed && !D.has_negative_zero()))
      res = simd::select(zero, by_sign(neg, codes_.zero), res);
    if constexpr (!D.is_signed) res = simd::select(neg & !zero, i32<A>(codes_.overflow[1]), res);
    res = simd::select(code > i32<A>(K::max_mag), by_sign(neg, codes_.overflow), res);
    const mask32<A> special = abs >= i32<A>(inf_bits);
    if (xsimd::any(special)) {
      res = simd::select(abs == i32<A>(inf_bits), by_sign(neg, codes_.inf), res);
      res = simd::select(abs > i32<A>(inf_bits), by_sign(neg, codes_.nan), res);
    }
    return res;
  }

  typename K::codes codes_;
};

// minifloat code -> float32. The magnitude bits shifted into float32's
// position read as 2^(bias-127) times the value, for normal and subnormal
// codes alike (a subnormal code becomes a float32 subnormal); one exact
// multiply rebiases. Specials are fixed by compare and select.
template <class A, float_desc D>
struct minifloat_decoder {
  using K = minifloat_consts<D>;

  LOWP_SIMD_INLINE f32<A> operator()(u32<A> code_u) const {
    const i32<A> code = xsimd::bitwise_cast<i32<A>>(code_u);
    const i32<A> mag = code & i32<A>(std::int32_t(D.magnitude_mask()));
    f32<A> v = xsimd::bitwise_cast<f32<A>>(mag << K::shift);
    if constexpr (D.bias != 127) {
      constexpr float rebias = pow2f(127 - D.bias);
      v = v * rebias;
    }
    i32<A> sign = i32<A>(0);
    if constexpr (D.is_signed) sign = (code & i32<A>(K::sign_mask)) << (31 - K::S);
    i32<A> res = xsimd::bitwise_cast<i32<A>>(v) | sign;
    if constexpr (D.kind == specials::ieee) {
      const i32<A> inf_code = i32<A>(K::max_mag + 1);
      if (xsimd::any(mag >= inf_code)) {
        res = simd::select(mag == inf_code, sign | i32<A>(inf_bits), res);
        res = simd::select(mag > inf_code, sign | i32<A>(quiet_nan_bits), res);
      }
    } else if constexpr (D.kind == specials::nan_all_ones) {
      mask32<A> nan = mag == i32<A>(std::int32_t(D.magnitude_mask()));
      if constexpr (D.storage_bits != 0) nan = code >= i32<A>(std::int32_t(D.magnitude_mask()));
      mask32<A> rare = nan;
      if constexpr (!D.has_subnormals) rare = rare | (mag == i32<A>(0));
      if (xsimd::any(rare)) {
        if constexpr (!D.has_subnormals)  // E8M0: code 0 is 2^-127, a float32 subnormal
          res = simd::select(mag == i32<A>(0), i32<A>(0x00400000), res);
        res = simd::select(nan, sign | i32<A>(quiet_nan_bits), res);
      }
    } else if constexpr (D.kind == specials::nan_neg_zero) {
      res = simd::select(code == i32<A>(K::sign_mask), i32<A>(std::int32_t(0xffc00000U)), res);
    }
    return xsimd::bitwise_cast<f32<A>>(res);
  }
};

// float16 through F16C, for the roundings it has. IEEE overflow gives Inf
// where lowp's policies may want max, and keeps NaN payloads; those lanes are
// replaced. |x| >= 2^16 overflows under every rounding (the toward-zero kinds
// give max in IEEE), so it is tested on the input.
template <class A, rounding R>
class f16c_encoder {
  using K = minifloat_consts<float16::desc>;
  static constexpr int mode = R == rounding::nearest_even ? 0
                              : R == rounding::down       ? 1
                              : R == rounding::up         ? 2
                                                          : 3;

 public:
  static constexpr bool supported = simd::has_f16c<A> && (R == rounding::nearest_even || R == rounding::down ||
                                                          R == rounding::up || R == rounding::toward_zero);

  explicit f16c_encoder(overflow o) : codes_(K::by_overflow[int(o)]) {}

  LOWP_SIMD_INLINE i32<A> operator()(f32<A> x, u32<A>) const {
    const i32<A> code = xsimd::bitwise_cast<i32<A>>(simd::cvt_f32_to_f16<mode>(x));
    const i32<A> xi = xsimd::bitwise_cast<i32<A>>(x);
    const i32<A> abs = xi & i32<A>(0x7fffffff);
    const mask32<A> rare = (abs >= i32<A>(0x47800000)) | ((code & i32<A>(0x7fff)) == i32<A>(0x7c00));
    if (!xsimd::any(rare)) return code;
    const mask32<A> neg = xi < i32<A>(0);
    i32<A> res = simd::select(rare, by_sign(neg, codes_.overflow), code);
    res = simd::select(abs == i32<A>(inf_bits), by_sign(neg, codes_.inf), res);
    return simd::select(abs > i32<A>(inf_bits), by_sign(neg, codes_.nan), res);
  }

 private:
  typename K::codes codes_;
};

// NaN lanes of a converted float16 to reference::decode's quiet NaN.
template <class A>
LOWP_SIMD_INLINE f32<A> canonical_nan(f32<A> v) {
  const i32<A> vi = xsimd::bitwise_cast<i32<A>>(v);
  const i32<A> nan = (vi & i32<A>(std::int32_t(0x80000000U))) | i32<A>(quiet_nan_bits);
  return xsimd::bitwise_cast<f32<A>>(simd::select((vi & i32<A>(0x7fffffff)) > i32<A>(inf_bits), nan, vi));
}

// ---- integers ----------------------------------------------------------------

template <class A, int Bits, bool Signed, rounding R>
class intn_encoder {
 public:
  explicit intn_encoder(overflow) {}

  LOWP_SIMD_INLINE i32<A> operator()(f32<A> x, u32<A> random) const {
    constexpr std::int32_t max = Signed ? (1 << (Bits - 1)) - 1 : (1 << Bits) - 1;
    constexpr std::int32_t min = Signed ? -(1 << (Bits - 1)) : 0;
    const i32<A> xi = xsimd::bitwise_cast<i32<A>>(x);
    const i32<A> abs = xi & i32<A>(0x7fffffff);
    const mask32<A> neg = xi < i32<A>(0);
    // Magnitudes from 512 up saturate whatever the rounding; NaN is fixed below.
    const f32<A> a = xsimd::bitwise_cast<f32<A>>(xsimd::min(abs, i32<A>(0x44000000)));
    const i32<A> n = xsimd::to_int(a);
    const f32<A> f = a - xsimd::to_float(n);
    const mask32<A> odd = (n & i32<A>(1)) != i32<A>(0);
    const mask32<A> away = round_away<A, R>(f, xsimd::bitwise_cast<i32<A>>(f), odd, neg, random);
    const i32<A> m = simd::select(away, n + i32<A>(1), n);
    i32<A> v = simd::select(neg, -m, m);
    v = xsimd::max(xsimd::min(v, i32<A>(max)), i32<A>(min));
    const i32<A> code = v & i32<A>((1 << Bits) - 1);
    return simd::select(abs > i32<A>(inf_bits), i32<A>(0), code);
  }
};

template <class A, int Bits, bool Signed>
struct intn_decoder {
  LOWP_SIMD_INLINE f32<A> operator()(u32<A> code_u) const {
    const i32<A> code = xsimd::bitwise_cast<i32<A>>(code_u);
    if constexpr (Signed) return xsimd::to_float((code << (32 - Bits)) >> (32 - Bits));
    else return xsimd::to_float(code & i32<A>((1 << Bits) - 1));
  }
};

// ---- by format ---------------------------------------------------------------

template <class A, class T, rounding R>
struct encoder_for;
template <class A, float_desc D, rounding R>
struct encoder_for<A, minifloat<D>, R> {
  using type = std::conditional_t<std::is_same_v<minifloat<D>, float16> && f16c_encoder<A, R>::supported,
                                  f16c_encoder<A, R>, minifloat_encoder<A, D, R>>;
};
template <class A, int B, bool S, rounding R>
struct encoder_for<A, intn<B, S>, R> {
  using type = intn_encoder<A, B, S, R>;
};

template <class A, class T>
struct decoder_for;
template <class A, float_desc D>
struct decoder_for<A, minifloat<D>> {
  using type = minifloat_decoder<A, D>;
};
template <class A, int B, bool S>
struct decoder_for<A, intn<B, S>> {
  using type = intn_decoder<A, B, S>;
};

}  // namespace lowp::kernels::detail
