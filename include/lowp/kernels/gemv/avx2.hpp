#pragma once

// AVX2 (+FMA, F16C) GEMV kernels (lowp/kernels/gemv.hpp). Included only by
// translation units compiled with -mavx2 -mfma -mf16c (the avx2 and avx512bw
// instantiation sources). Four weight rows per pass share each activation
// load (the W4A8 kernel packs two rows per register). The W4A8 pass over
// rows r..r+3 prefetches the next four rows as one sequential stream (their
// bytes are contiguous), a whole pass ahead; the other kernels prefetch each
// row stream prefetch_bytes ahead.
//
// W4A8 (integer): per sub-block of 32 values, the 16 weight bytes become 32
// unsigned bytes u = w + offset (offset 8 for ggml_q4_0 and int4_g128, 12 for
// MXFP4, whose 2 * E2M1 values lie in [-12, 12]; a pshufb table maps MXFP4
// codes), so vpmaddubsw's unsigned x signed products are exact for every
// int8 activation, -128 included (|pair| <= 2 * 24 * 128 < 2^15), where the
// sign trick (psignb) fails on -128. vpmaddwd with ones gives eight int32
// lane sums; subtracting offset * (sum of the lane's four activations),
// precomputed once per call (w4a8_operand::offset_sums), leaves the exact
// lane sums of w * q. They are converted to float (exact) and accumulated
// with one FMA by the scale product d_w * s_x (rounded once).

#if !defined(__AVX2__) || !defined(__FMA__) || !defined(__F16C__)
#error "lowp/kernels/gemv/avx2.hpp needs -mavx2 -mfma -mf16c"
#endif

#include <immintrin.h>

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "lowp/block/formats.hpp"

// One namespace per ISA keeps the avx2 and avx512bw copies apart (docs/isa.md).
#if defined(__AVX512BW__)
#define LOWP_DETAIL_GEMV_NS in_avx512bw
#else
#define LOWP_DETAIL_GEMV_NS in_avx2
#endif

// The row loops run over a compile-time R: unrolled, so the accumulators
// stay in registers.
#if defined(__clang__)
#define LOWP_DETAIL_GEMV_UNROLL _Pragma("unroll")
#else
#define LOWP_DETAIL_GEMV_UNROLL _Pragma("GCC unroll 8")
#endif

namespace lowp::simd::avx2_gemv {
inline namespace LOWP_DETAIL_GEMV_NS {

#ifndef LOWP_GEMV_PREFETCH_BYTES
#define LOWP_GEMV_PREFETCH_BYTES 1024
#endif
// How far ahead of the current block each weight row is prefetched: the
// rows are separate streams, too many for the hardware prefetcher alone.
inline constexpr std::size_t prefetch_bytes = LOWP_GEMV_PREFETCH_BYTES;

inline float hsum(__m256 v) {
  const __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 t = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(t, _mm_movehdup_ps(t)));
}

inline void store_result(float* y, float sum, float alpha, float beta) {
  const float v = alpha * sum;
  *y = beta == 0.0f ? v : v + beta * *y;
}

template <class BF>
constexpr bool is_mxfp4_family = std::is_same_v<BF, mxfp4> || std::is_same_v<BF, mxfp4_noclip> ||
                                 std::is_same_v<BF, ggml_mxfp4>;

// The scale of a weight block (reference::w4_scale): float16 d, or for MXFP4
// 2^(e - 128) (half the E8M0 scale, matching the doubled element values);
// OCP's e = 0xFF is NaN, ggml's is 2^127.
template <class BF>
inline float block_scale(const std::uint8_t* block) {
  if constexpr (is_mxfp4_family<BF>) {
    const std::uint32_t e = block[0];
    if (!std::is_same_v<BF, ggml_mxfp4> && e == 0xFF) return std::bit_cast<float>(0x7FC00000U);
    return std::bit_cast<float>(e >= 2 ? (e - 1) << 23 : (e == 1 ? 0x00400000U : 0x00200000U));
  } else {
    std::uint16_t h;
    std::memcpy(&h, block, 2);
    return _cvtsh_ss(h);
  }
}

// 16 weight bytes -> 32 bytes: low nibbles (bytes 0..15), then high nibbles,
// as the unsigned biased values u = w + offset.
template <class BF>
inline __m256i biased_nibbles(const std::uint8_t* p) {
  const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m256i both = _mm256_set_m128i(_mm_srli_epi16(raw, 4), raw);
  const __m256i c = _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
  if constexpr (std::is_same_v<BF, ggml_q4_0>) {
    return c;  // q - 8 + 8
  } else if constexpr (std::is_same_v<BF, int4_g128>) {
    return _mm256_xor_si256(c, _mm256_set1_epi8(8));  // two's complement nibble + 8
  } else {
    // 2 * E2M1 + 12 for codes 0..15
    const __m256i table = _mm256_setr_epi8(12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0, 12, 13, 14, 15,
                                           16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0);
    return _mm256_shuffle_epi8(table, c);
  }
}

// The same as signed values w (weight-only path).
template <class BF>
inline __m256i signed_nibbles(const std::uint8_t* p) {
  const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m256i both = _mm256_set_m128i(_mm_srli_epi16(raw, 4), raw);
  const __m256i c = _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
  if constexpr (std::is_same_v<BF, ggml_q4_0> || std::is_same_v<BF, int4_g128>) {
    const __m256i u = std::is_same_v<BF, int4_g128> ? _mm256_xor_si256(c, _mm256_set1_epi8(8)) : c;
    return _mm256_sub_epi8(u, _mm256_set1_epi8(8));
  } else {
    const __m256i table = _mm256_setr_epi8(0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12, 0, 1, 2, 3, 4, 6,
                                           8, 12, 0, -1, -2, -3, -4, -6, -8, -12);
    return _mm256_shuffle_epi8(table, c);
  }
}

// R weight rows starting at w against all activations.
template <class BF, int R>
inline void w4a8_rows(const std::uint8_t* w, std::size_t row_bytes, const std::int8_t* q, const float* xs,
                      const std::int32_t* osums, std::size_t k, float alpha, float beta, float* y) {
  constexpr std::size_t B = BF::block_size, SUB = B / 32, BPB = BF::bytes_per_block, SB = BF::scale_bytes;
  const std::size_t blocks = k / B;
  const __m256i ones = _mm256_set1_epi16(1);
  __m256 acc[R];
  LOWP_DETAIL_GEMV_UNROLL
  for (int r = 0; r < R; ++r) acc[r] = _mm256_setzero_ps();
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::uint8_t* blk = w + b * BPB;
    __m256 dw[R];
    LOWP_DETAIL_GEMV_UNROLL
    for (int r = 0; r < R; ++r) {
      _mm_prefetch(reinterpret_cast<const char*>(blk + r * row_bytes + prefetch_bytes), _MM_HINT_T0);
      dw[r] = _mm256_set1_ps(block_scale<BF>(blk + r * row_bytes));
    }
    for (std::size_t s = 0; s < SUB; ++s) {
      const std::size_t sb = b * SUB + s;
      const __m256i xv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 32 * sb));
      const __m256i corr = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(osums + 8 * sb));
      const __m256 dx = _mm256_broadcast_ss(xs + sb);
      LOWP_DETAIL_GEMV_UNROLL
      for (int r = 0; r < R; ++r) {
        const __m256i u = biased_nibbles<BF>(blk + r * row_bytes + SB + 16 * s);
        const __m256i p = _mm256_sub_epi32(_mm256_madd_epi16(_mm256_maddubs_epi16(u, xv), ones), corr);
        acc[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), _mm256_mul_ps(dw[r], dx), acc[r]);
      }
    }
  }
  LOWP_DETAIL_GEMV_UNROLL
  for (int r = 0; r < R; ++r) store_result(y + r, hsum(acc[r]), alpha, beta);
}

// Scales of four rows' blocks at byte offset `at` of their rows, as floats.
template <class BF>
inline __m128 four_scales(const std::uint8_t* w, std::size_t row_bytes) {
  if constexpr (is_mxfp4_family<BF>) {
    return _mm_setr_ps(block_scale<BF>(w), block_scale<BF>(w + row_bytes), block_scale<BF>(w + 2 * row_bytes),
                       block_scale<BF>(w + 3 * row_bytes));
  } else {
    std::uint64_t packed = 0;
    LOWP_DETAIL_GEMV_UNROLL
    for (int r = 0; r < 4; ++r) {
      std::uint16_t h;
      std::memcpy(&h, w + std::size_t(r) * row_bytes, 2);
      packed |= std::uint64_t(h) << (16 * r);
    }
    return _mm_cvtph_ps(_mm_cvtsi64_si128(std::int64_t(packed)));
  }
}

// Four weight rows, two per register: the 16 element bytes of rows r and
// r + 1 share a ymm (row r in the low lane), so one pass of vpand/vpsrlw/
// vpmaddubsw/vpmaddwd serves two rows. Low-nibble and high-nibble products
// are added in int16 before vpmaddwd (each <= 2 * 24 * 128, the sum fits),
// so int32 lane t of a row's half holds the exact sum over activations
// 4t..4t+3 of both nibble planes; the correction is offset times the same
// activation sums.
//
// Prefetch: the four rows are four streams only row_bytes long each (4608
// bytes at K = 8192 for ggml_q4_0), which a prefetcher that follows each
// stream separately (software prefetch a fixed distance ahead in each row,
// or the hardware's stride prefetchers) must pick up again at every row
// start, stalling on DRAM latency each time. The next pass's rows, though,
// are ahead_bytes contiguous bytes at `ahead`: while block b of these rows
// is processed, the cache lines of the next rows' bytes up to 4 (b + 1)
// bytes_per_block are prefetched, one sequential stream at the same pace
// as the weights are consumed, a whole pass (4 row_bytes) ahead.
template <class BF>
inline void w4a8_four_rows(const std::uint8_t* w, std::size_t row_bytes, const std::uint8_t* ahead,
                           std::size_t ahead_bytes, const std::int8_t* q, const float* xs, const std::int32_t* osums,
                           std::size_t k, float alpha, float beta, float* y) {
  constexpr std::size_t B = BF::block_size, SUB = B / 32, BPB = BF::bytes_per_block, SB = BF::scale_bytes;
  const std::size_t blocks = k / B;
  std::size_t prefetched = 0;  // bytes of `ahead` prefetched so far, a multiple of 64
  const __m256i ones = _mm256_set1_epi16(1);
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  const __m256i first_two = _mm256_setr_epi32(0, 0, 0, 0, 1, 1, 1, 1);
  const __m256i last_two = _mm256_setr_epi32(2, 2, 2, 2, 3, 3, 3, 3);
  __m256 acc01 = _mm256_setzero_ps(), acc23 = _mm256_setzero_ps();
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::uint8_t* blk = w + b * BPB;
    for (const std::size_t until = std::min(4 * (b + 1) * BPB, ahead_bytes); prefetched < until; prefetched += 64)
      _mm_prefetch(reinterpret_cast<const char*>(ahead + prefetched), _MM_HINT_T0);
    const __m256 d4 = _mm256_castps128_ps256(four_scales<BF>(blk, row_bytes));
    const __m256 d01 = _mm256_permutevar8x32_ps(d4, first_two), d23 = _mm256_permutevar8x32_ps(d4, last_two);
    for (std::size_t s = 0; s < SUB; ++s) {
      const std::size_t sb = b * SUB + s;
      const __m256i xlo = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 32 * sb)));
      const __m256i xhi =
          _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 32 * sb + 16)));
      const __m128i c8 = _mm_add_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(osums + 8 * sb)),
                                       _mm_loadu_si128(reinterpret_cast<const __m128i*>(osums + 8 * sb + 4)));
      const __m256i corr = _mm256_broadcastsi128_si256(c8);
      const __m256 dx = _mm256_broadcast_ss(xs + sb);
      const std::uint8_t* e = blk + SB + 16 * s;
      auto pair = [&](const std::uint8_t* p0, const std::uint8_t* p1) {
        const __m256i raw = _mm256_inserti128_si256(
            _mm256_castsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p0))),
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(p1)), 1);
        __m256i lo = _mm256_and_si256(raw, low4);
        __m256i hi = _mm256_and_si256(_mm256_srli_epi16(raw, 4), low4);
        if constexpr (std::is_same_v<BF, int4_g128>) {
          lo = _mm256_xor_si256(lo, _mm256_set1_epi8(8));
          hi = _mm256_xor_si256(hi, _mm256_set1_epi8(8));
        } else if constexpr (is_mxfp4_family<BF>) {
          const __m256i table = _mm256_setr_epi8(12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0, 12, 13,
                                                 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0);
          lo = _mm256_shuffle_epi8(table, lo);
          hi = _mm256_shuffle_epi8(table, hi);
        }
        const __m256i p16 = _mm256_add_epi16(_mm256_maddubs_epi16(lo, xlo), _mm256_maddubs_epi16(hi, xhi));
        return _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_madd_epi16(p16, ones), corr));
      };
      acc01 = _mm256_fmadd_ps(pair(e, e + row_bytes), _mm256_mul_ps(d01, dx), acc01);
      acc23 = _mm256_fmadd_ps(pair(e + 2 * row_bytes, e + 3 * row_bytes), _mm256_mul_ps(d23, dx), acc23);
    }
  }
  // Row r's sum: the low half of acc01 (r = 0) or its high half (r = 1), ...
  const __m128 s0 = _mm256_castps256_ps128(acc01), s1 = _mm256_extractf128_ps(acc01, 1);
  const __m128 s2 = _mm256_castps256_ps128(acc23), s3 = _mm256_extractf128_ps(acc23, 1);
  const __m128 h01 = _mm_hadd_ps(s0, s1), h23 = _mm_hadd_ps(s2, s3);
  const __m128 sums = _mm_hadd_ps(h01, h23);  // rows 0..3
  float out[4];
  _mm_storeu_ps(out, sums);
  for (int r = 0; r < 4; ++r) store_result(y + r, out[r], alpha, beta);
}

template <class BF>
void w4a8(const std::uint8_t* w, std::size_t row_bytes, std::size_t n, const std::int8_t* q, const float* xs,
          const std::int32_t* osums, std::size_t k, float alpha, float beta, float* y) {
  std::size_t r = 0;
  for (; r + 4 <= n; r += 4) {
    const std::size_t next = std::min<std::size_t>(n - (r + 4), 4);  // rows of the next pass
    w4a8_four_rows<BF>(w + r * row_bytes, row_bytes, w + (r + 4) * row_bytes, next * row_bytes, q, xs, osums, k,
                       alpha, beta, y + r);
  }
  for (; r < n; ++r) w4a8_rows<BF, 1>(w + r * row_bytes, row_bytes, q, xs, osums, k, alpha, beta, y + r);
}

// ---- row-interleaved weights (lowp/block/row_interleaved.hpp) ----------------
//
// One group of 8 rows per pass, one sequential stream: lane r of every
// register is row r. Per 32-value sub-block, step t's 32 bytes hold 4 codes
// per row in the low nibbles (values 8t .. 8t + 3) and 4 in the high ones
// (8t + 4 .. 8t + 7); vpmaddubsw of the biased codes against the 4
// activations broadcast to every lane gives each row's two pair sums, which
// are added in int16 over several steps before one vpmaddwd (the bound is
// given at the loop). The offset correction offset * (sum of the 32
// activations) is the same for every row. The float steps are those of
// reference::gemv_w4a8 for row_interleaved, lane by lane, so the result is
// bit-identical to it.

// The 8 rows' block scales, lane r = row r (reference::w4_scale).
template <class BF>
inline __m256 interleaved_scales(const std::uint8_t* p) {
  if constexpr (is_mxfp4_family<BF>) {
    // 2^(e - 128): (e - 1) << 23 for e >= 2, else the subnormal 2^-127 (e = 1) or 2^-128 (e = 0)
    const __m256i e = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
    const __m256i normal = _mm256_slli_epi32(_mm256_sub_epi32(e, _mm256_set1_epi32(1)), 23);
    const __m256i subnormal = _mm256_sllv_epi32(_mm256_set1_epi32(0x00200000), e);
    __m256i bits = _mm256_blendv_epi8(subnormal, normal, _mm256_cmpgt_epi32(e, _mm256_set1_epi32(1)));
    if constexpr (!std::is_same_v<BF, ggml_mxfp4>)  // OCP: e = 0xFF is NaN
      bits = _mm256_blendv_epi8(bits, _mm256_set1_epi32(0x7FC00000), _mm256_cmpeq_epi32(e, _mm256_set1_epi32(0xFF)));
    return _mm256_castsi256_ps(bits);
  } else {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  }
}

// Int16 pair sums of one step: the low-nibble codes against activations
// x[0..3], the high-nibble codes against x[4..7], biased to u = w + offset.
template <class BF>
inline __m256i interleaved_step(const std::uint8_t* e, const std::int8_t* x) {
  const __m256i low4 = _mm256_set1_epi8(0x0F);
  __m256i raw = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(e));
  if constexpr (std::is_same_v<BF, int4_g128>) raw = _mm256_xor_si256(raw, _mm256_set1_epi8(char(0x88)));
  __m256i lo = _mm256_and_si256(raw, low4);
  __m256i hi = _mm256_and_si256(_mm256_srli_epi16(raw, 4), low4);
  if constexpr (is_mxfp4_family<BF>) {
    const __m256i table = _mm256_setr_epi8(12, 13, 14, 15, 16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0, 12, 13, 14, 15,
                                           16, 18, 20, 24, 12, 11, 10, 9, 8, 6, 4, 0);
    lo = _mm256_shuffle_epi8(table, lo);
    hi = _mm256_shuffle_epi8(table, hi);
  }
  std::int32_t x0, x1;
  std::memcpy(&x0, x, 4);
  std::memcpy(&x1, x + 4, 4);
  return _mm256_add_epi16(_mm256_maddubs_epi16(lo, _mm256_set1_epi32(x0)),
                          _mm256_maddubs_epi16(hi, _mm256_set1_epi32(x1)));
}

template <class BF>
void w4a8_interleaved(const std::uint8_t* w, std::size_t group_bytes, std::size_t n, const std::int8_t* q,
                      const float* xs, const std::int32_t* offset_sums, std::size_t k, float alpha, float beta,
                      float* y) {
  constexpr std::size_t B = BF::block_size, SUB = B / 32, GBB = 8 * BF::bytes_per_block, SA = 8 * BF::scale_bytes;
  const std::size_t blocks = k / B;
  const __m256i ones = _mm256_set1_epi16(1);
  for (std::size_t r0 = 0; r0 < n; r0 += 8) {
    const std::uint8_t* group = w + (r0 / 8) * group_bytes;
    __m256 acc = _mm256_setzero_ps();
    for (std::size_t b = 0; b < blocks; ++b) {
      const std::uint8_t* blk = group + b * GBB;
      const __m256 d = interleaved_scales<BF>(blk);
      LOWP_DETAIL_GEMV_UNROLL
      for (std::size_t s = 0; s < SUB; ++s) {
        const std::size_t sb = b * SUB + s;
        const std::uint8_t* e = blk + SA + 128 * s;
        const std::int8_t* x = q + 32 * sb;
        // A step's int16 lane sums 4 products u * x, |u x| <= 15 * 128 (ggml_q4_0,
        // int4_g128) or 24 * 128 (MXFP4): all four steps fit in int16 for the
        // former (16 * 1920 = 30720 <= 32767), two steps (8 * 3072 = 24576) for MXFP4.
        const __m256i s01 = _mm256_add_epi16(interleaved_step<BF>(e, x), interleaved_step<BF>(e + 32, x + 8));
        const __m256i s23 =
            _mm256_add_epi16(interleaved_step<BF>(e + 64, x + 16), interleaved_step<BF>(e + 96, x + 24));
        const __m256i sum = is_mxfp4_family<BF>
                                ? _mm256_add_epi32(_mm256_madd_epi16(s01, ones), _mm256_madd_epi16(s23, ones))
                                : _mm256_madd_epi16(_mm256_add_epi16(s01, s23), ones);
        const __m256 exact = _mm256_cvtepi32_ps(_mm256_sub_epi32(sum, _mm256_set1_epi32(offset_sums[sb])));
        acc = _mm256_fmadd_ps(exact, _mm256_mul_ps(d, _mm256_broadcast_ss(xs + sb)), acc);
      }
    }
    const __m256 v = _mm256_mul_ps(_mm256_set1_ps(alpha), acc);
    if (n - r0 >= 8) {
      const __m256 out = beta == 0.0f ? v : _mm256_fmadd_ps(_mm256_set1_ps(beta), _mm256_loadu_ps(y + r0), v);
      _mm256_storeu_ps(y + r0, out);
    } else {
      const __m256i mask =
          _mm256_cmpgt_epi32(_mm256_set1_epi32(int(n - r0)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
      const __m256 out =
          beta == 0.0f ? v : _mm256_fmadd_ps(_mm256_set1_ps(beta), _mm256_maskload_ps(y + r0, mask), v);
      _mm256_maskstore_ps(y + r0, mask, out);
    }
  }
}

// Weight-only: signed weight values widened to float, FMA with the float
// activations per sub-block, then one FMA by the block scale.
template <class BF, int R>
inline void w4f32_rows(const std::uint8_t* w, std::size_t row_bytes, const float* x, std::size_t k, float alpha,
                       float beta, float* y) {
  constexpr std::size_t B = BF::block_size, SUB = B / 32, BPB = BF::bytes_per_block, SB = BF::scale_bytes;
  const std::size_t blocks = k / B;
  __m256 acc[R];
  LOWP_DETAIL_GEMV_UNROLL
  for (int r = 0; r < R; ++r) acc[r] = _mm256_setzero_ps();
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::uint8_t* blk = w + b * BPB;
    LOWP_DETAIL_GEMV_UNROLL
    for (int r = 0; r < R; ++r)
      _mm_prefetch(reinterpret_cast<const char*>(blk + r * row_bytes + prefetch_bytes), _MM_HINT_T0);
    __m256 pa[R], pb[R];  // two partial sums per row: shorter FMA chains
    LOWP_DETAIL_GEMV_UNROLL
    for (int r = 0; r < R; ++r) pa[r] = pb[r] = _mm256_setzero_ps();
    for (std::size_t s = 0; s < SUB; ++s) {
      const float* xp = x + (b * SUB + s) * 32;
      const __m256 x0 = _mm256_loadu_ps(xp), x1 = _mm256_loadu_ps(xp + 8), x2 = _mm256_loadu_ps(xp + 16),
                   x3 = _mm256_loadu_ps(xp + 24);
      LOWP_DETAIL_GEMV_UNROLL
      for (int r = 0; r < R; ++r) {
        const __m256i v = signed_nibbles<BF>(blk + r * row_bytes + SB + 16 * s);
        const __m128i lo = _mm256_castsi256_si128(v), hi = _mm256_extracti128_si256(v, 1);
        pa[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(lo)), x0, pa[r]);
        pb[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(lo, 8))), x1, pb[r]);
        pa[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(hi)), x2, pa[r]);
        pb[r] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(hi, 8))), x3, pb[r]);
      }
    }
    LOWP_DETAIL_GEMV_UNROLL
    for (int r = 0; r < R; ++r)
      acc[r] = _mm256_fmadd_ps(_mm256_add_ps(pa[r], pb[r]), _mm256_set1_ps(block_scale<BF>(blk + r * row_bytes)),
                               acc[r]);
  }
  LOWP_DETAIL_GEMV_UNROLL
  for (int r = 0; r < R; ++r) store_result(y + r, hsum(acc[r]), alpha, beta);
}

template <class BF>
void w4f32(const std::uint8_t* w, std::size_t row_bytes, std::size_t n, const float* x, std::size_t k, float alpha,
           float beta, float* y) {
  std::size_t r = 0;
  for (; r + 4 <= n; r += 4) w4f32_rows<BF, 4>(w + r * row_bytes, row_bytes, x, k, alpha, beta, y + r);
  for (; r < n; ++r) w4f32_rows<BF, 1>(w + r * row_bytes, row_bytes, x, k, alpha, beta, y + r);
}

// float32: R rows, 16 columns per step (two accumulators per row), an
// 8-column step, then a masked tail.
template <int R>
inline void f32_rows(const float* a, std::size_t lda, std::size_t k, const float* x, float alpha, float beta,
                     float* y) {
  __m256 acc0[R], acc1[R];
  LOWP_DETAIL_GEMV_UNROLL
  for (int r = 0; r < R; ++r) acc0[r] = acc1[r] = _mm256_setzero_ps();
  std::size_t j = 0;
  for (; j + 16 <= k; j += 16) {
    const __m256 x0 = _mm256_loadu_ps(x + j), x1 = _mm256_loadu_ps(x + j + 8);
    LOWP_DETAIL_GEMV_UNROLL
    for (int r = 0; r < R; ++r) {
      acc0[r] = _mm256_fmadd_ps(_mm256_loadu_ps(a + r * lda + j), x0, acc0[r]);
      acc1[r] = _mm256_fmadd_ps(_mm256_loadu_ps(a + r * lda + j + 8), x1, acc1[r]);
    }
  }
  for (; j + 8 <= k; j += 8) {
    const __m256 x0 = _mm256_loadu_ps(x + j);
    LOWP_DETAIL_GEMV_UNROLL
    for (int r = 0; r < R; ++r) acc0[r] = _mm256_fmadd_ps(_mm256_loadu_ps(a + r * lda + j), x0, acc0[r]);
  }
  if (j < k) {
    const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(int(k - j)), idx);
    const __m256 x0 = _mm256_maskload_ps(x + j, mask);
    LOWP_DETAIL_GEMV_UNROLL
    for (int r = 0; r < R; ++r) acc1[r] = _mm256_fmadd_ps(_mm256_maskload_ps(a + r * lda + j, mask), x0, acc1[r]);
  }
  LOWP_DETAIL_GEMV_UNROLL
  for (int r = 0; r < R; ++r) store_result(y + r, hsum(_mm256_add_ps(acc0[r], acc1[r])), alpha, beta);
}

inline void f32(const float* a, std::size_t lda, std::size_t n, std::size_t k, const float* x, float alpha, float beta,
                float* y) {
  std::size_t r = 0;
  for (; r + 4 <= n; r += 4) f32_rows<4>(a + r * lda, lda, k, x, alpha, beta, y + r);
  for (; r < n; ++r) f32_rows<1>(a + r * lda, lda, k, x, alpha, beta, y + r);
}

}  // namespace LOWP_DETAIL_GEMV_NS
}  // namespace lowp::simd::avx2_gemv
