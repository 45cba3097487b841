#pragma once

// The integer GEMM driver (integer_gemm and its packing): the kernel contract,
// packed layouts and portable tiles are in int8_kernel.hpp, the per-ISA tiles
// in int8_<isa>.hpp beside it.

#include "lowp/kernels/gemm/int8_kernel.hpp"

#if defined(__SSE2__) && (defined(__x86_64__) || defined(_M_X64) || defined(__i386__))
#include "lowp/kernels/gemm/int8_sse2.hpp"
#define LOWP_DETAIL_IGEMM_SSE2 1
#else
#define LOWP_DETAIL_IGEMM_SSE2 0
#endif
#if defined(__AVX2__)
#include "lowp/kernels/gemm/int8_avx2.hpp"
#define LOWP_DETAIL_IGEMM_AVX2 1
#else
#define LOWP_DETAIL_IGEMM_AVX2 0
#endif
#if defined(__AVX512F__) && defined(__AVX512BW__)
#include "lowp/kernels/gemm/int8_avx512bw.hpp"
#define LOWP_DETAIL_IGEMM_AVX512BW 1
#else
#define LOWP_DETAIL_IGEMM_AVX512BW 0
#endif

namespace lowp::kernels {

template <class Arch>
void int8_gemm_kernel::block(Arch, const igemm_block& blk) {
#if LOWP_DETAIL_IGEMM_AVX512BW
  if constexpr (std::is_same_v<Arch, simd::arch_t<isa::avx512bw>>) {
    constexpr igemm_shape s = igemm_shape_of(isa::avx512bw);
    static_assert(s.mr == simd::avx512bw_igemm::MR && s.nr == simd::avx512bw_igemm::NR);
    simd::avx512bw_igemm::block(blk);
    return;
  }
#endif
#if LOWP_DETAIL_IGEMM_AVX2
  if constexpr (std::is_same_v<Arch, simd::arch_t<isa::avx2>>) {
    constexpr igemm_shape s = igemm_shape_of(isa::avx2);
    static_assert(s.mr == simd::avx2_igemm::MR && s.nr == simd::avx2_igemm::NR);
    simd::avx2_igemm::block(blk);
    return;
  }
#endif
#if LOWP_DETAIL_IGEMM_SSE2
  if constexpr (std::is_same_v<Arch, simd::arch_t<isa::sse2>> || std::is_same_v<Arch, simd::arch_t<isa::sse4_1>>) {
    constexpr igemm_shape s = igemm_shape_of(isa::sse2);
    static_assert(s.mr == simd::sse2_igemm::MR && s.nr == simd::sse2_igemm::NR);
    simd::sse2_igemm::block(blk);
    return;
  }
#endif
  // Every other ISA (scalar, neon64): the portable kernel, with the shape of isa::scalar.
  constexpr bool x86_simd = std::is_same_v<Arch, simd::arch_t<isa::sse2>> ||
                            std::is_same_v<Arch, simd::arch_t<isa::sse4_1>> ||
                            std::is_same_v<Arch, simd::arch_t<isa::avx2>> ||
                            std::is_same_v<Arch, simd::arch_t<isa::avx512bw>>;
  constexpr bool handled =
      (LOWP_DETAIL_IGEMM_AVX512BW && std::is_same_v<Arch, simd::arch_t<isa::avx512bw>>) ||
      (LOWP_DETAIL_IGEMM_AVX2 && std::is_same_v<Arch, simd::arch_t<isa::avx2>>) ||
      (LOWP_DETAIL_IGEMM_SSE2 && (std::is_same_v<Arch, simd::arch_t<isa::sse2>> ||
                                  std::is_same_v<Arch, simd::arch_t<isa::sse4_1>>));
  if constexpr (handled) {
  } else if constexpr (!x86_simd) {
    constexpr igemm_shape s = igemm_shape_of(isa::scalar);
    detail::igemm_block_portable<Arch, s.mr, s.nr>(blk);
  } else {
    // Reached only when an x86 ISA is instantiated without its flags.
    static_assert(!x86_simd, "int8_gemm_kernel: instantiate each ISA in a translation unit with its flags");
  }
}

template <class Arch>
bool int8_gemm_kernel::pack(Arch, const igemm_pack_job& job) {
#if LOWP_DETAIL_IGEMM_AVX2 || LOWP_DETAIL_IGEMM_AVX512BW
  if constexpr (std::is_same_v<Arch, simd::arch_t<isa::avx2>> || std::is_same_v<Arch, simd::arch_t<isa::avx512bw>>)
    return simd::avx2_igemm::pack(job);
#endif
  (void)job;
  return false;
}

template <class Arch>
bool int8_gemm_kernel::quads(Arch) {
#if LOWP_DETAIL_IGEMM_AVX512BW
  if constexpr (std::is_same_v<Arch, simd::arch_t<isa::avx512bw>>) return simd::avx512bw_igemm::quads();
#endif
#if LOWP_DETAIL_IGEMM_AVX2
  if constexpr (std::is_same_v<Arch, simd::arch_t<isa::avx2>>) return simd::avx2_igemm::quads();
#endif
  return false;
}

template <class Arch>
bool int8_gemm_kernel::winograd(Arch, bool vnni_allowed, winograd_form choice) {
#if LOWP_DETAIL_IGEMM_AVX2
  if constexpr (std::is_same_v<Arch, simd::arch_t<isa::avx2>>) {
    if (vnni_allowed && simd::avx2_igemm::has_avx_vnni()) return false;
    return choice == winograd_form::always ||
           (choice == winograd_form::automatic && simd::avx2_igemm::winograd_preferred());
  }
#endif
  (void)vnni_allowed;
  (void)choice;
  return false;
}

template <class Arch>
void int8_gemm_kernel::pair_products(Arch, const std::int16_t* panels, std::size_t count, std::size_t mr,
                                     std::size_t kp, std::uint32_t* out) {
#if LOWP_DETAIL_IGEMM_AVX2
  if constexpr (std::is_same_v<Arch, simd::arch_t<isa::avx2>>) {
    if (simd::avx2_igemm::pair_products(panels, count, mr, kp, out)) return;
  }
#endif
  detail::igemm_pair_products(panels, count, mr, kp, out);
}

namespace detail {

inline bool igemm_pack_on(isa which, [[maybe_unused]] const igemm_pack_job& job) {
  switch (which) {
#if LOWP_ISA_AVX2
    case isa::avx2: return int8_gemm_kernel::pack<simd::arch_t<isa::avx2>>({}, job);
#endif
#if LOWP_ISA_AVX512BW
    case isa::avx512bw: return int8_gemm_kernel::pack<simd::arch_t<isa::avx512bw>>({}, job);
#endif
    default: return false;
  }
}

inline bool igemm_quads_on(isa which) {
  switch (which) {
#if LOWP_ISA_AVX2
    case isa::avx2: return int8_gemm_kernel::quads<simd::arch_t<isa::avx2>>({});
#endif
#if LOWP_ISA_AVX512BW
    case isa::avx512bw: return int8_gemm_kernel::quads<simd::arch_t<isa::avx512bw>>({});
#endif
    default: return false;
  }
}

inline bool igemm_winograd_on(isa which, [[maybe_unused]] bool vnni_allowed,
                              [[maybe_unused]] winograd_form choice) {
  switch (which) {
#if LOWP_ISA_AVX2
    case isa::avx2: return int8_gemm_kernel::winograd<simd::arch_t<isa::avx2>>({}, vnni_allowed, choice);
#endif
    default: return false;
  }
}

// Winograd's terms of packed panels on `which` (the ISAs with Winograd tiles).
inline void igemm_pair_products_on(isa which, const std::int16_t* panels, std::size_t count, std::size_t mr,
                                   std::size_t kp, std::uint32_t* out) {
  switch (which) {
#if LOWP_ISA_AVX2
    case isa::avx2: return int8_gemm_kernel::pair_products<simd::arch_t<isa::avx2>>({}, panels, count, mr, kp, out);
#endif
    default: return igemm_pair_products(panels, count, mr, kp, out);
  }
}

inline void igemm_block_on(isa which, const igemm_block& blk) {
  switch (which) {
#if LOWP_ISA_SSE2
    case isa::sse2: return int8_gemm_kernel::block<simd::arch_t<isa::sse2>>({}, blk);
#endif
#if LOWP_ISA_SSE4_1
    case isa::sse4_1: return int8_gemm_kernel::block<simd::arch_t<isa::sse4_1>>({}, blk);
#endif
#if LOWP_ISA_AVX2
    case isa::avx2: return int8_gemm_kernel::block<simd::arch_t<isa::avx2>>({}, blk);
#endif
#if LOWP_ISA_AVX512BW
    case isa::avx512bw: return int8_gemm_kernel::block<simd::arch_t<isa::avx512bw>>({}, blk);
#endif
#if LOWP_ISA_NEON64
    case isa::neon64: return int8_gemm_kernel::block<simd::arch_t<isa::neon64>>({}, blk);
#endif
    default: return int8_gemm_kernel::block<simd::scalar>({}, blk);
  }
}

// The few-rows order of integer_gemm (below) takes B in column blocks of
// this many bytes of packed panels, which stay in L2 between their packing
// and their use (docs/benchmarks.md, "Integer GEMM with few rows").
inline constexpr std::size_t igemm_resident_b_bytes = std::size_t(256) << 10;

// A buffer of n int16 on a 64-byte boundary (one cache line, one zmm).
struct igemm_buffer {
  struct free_aligned {
    void operator()(std::int16_t* p) const { ::operator delete(p, std::align_val_t(64)); }
  };
  std::unique_ptr<std::int16_t, free_aligned> data;
  std::size_t size = 0;
  std::int16_t* reserve(std::size_t n) {
    if (n > size) {
      data.reset(static_cast<std::int16_t*>(::operator new(n * sizeof(std::int16_t), std::align_val_t(64))));
      size = n;
    }
    return data.get();
  }
};

// The packing buffers of this thread (0: A, 1: B), kept from call to call:
// a B block is up to NC x KC 16-bit values (4 MiB), all of A in the few-rows
// order up to 1024 x KC (4 MiB in Winograd's form), and allocating them per
// call made every call page-fault its way through fresh memory.
inline igemm_buffer& igemm_thread_buffer(int which) {
  thread_local igemm_buffer buffers[2];
  return buffers[which];
}

// Winograd's row and column terms of this thread (0: A rows, 1: B columns).
inline std::vector<std::uint32_t>& igemm_thread_corrections(int which) {
  thread_local std::vector<std::uint32_t> corr[2];
  return corr[which];
}

// How many whole panels of mr rows, from panel q of an operand of mc rows,
// one packing job takes (igemm_pack_job::panels): rows contiguous (a
// row-major B seen transposed), up to 8 panels per sweep over the depths;
// otherwise 1.
inline std::size_t igemm_pack_group(std::size_t rs, std::size_t cs, std::size_t kc, std::size_t mr,
                                    std::size_t mc, std::size_t q) {
  constexpr std::size_t max_group = 8;
  const std::size_t whole = (mc - q * mr) / mr;
  return kc > 0 && rs == 1 && cs != 1 && whole > 1 ? std::min(whole, max_group) : 1;
}

// Packs rows [i0, i0 + mc) x depths [p0, p0 + kc) of `a` into MR-row panels of
// depth pairs (the layout at the top of this file), zero-padded to whole
// panels and an even depth; with even_pairs, to an even number of pairs
// (Winograd's panels). B is packed as its transpose (columns as rows).
template <class T>
void igemm_pack(matrix_view<const T> a, std::size_t mr, std::size_t i0, std::size_t mc, std::size_t p0,
                std::size_t kc, std::int16_t* dst, isa which, bool even_pairs = false) {
  const std::size_t kp_data = (kc + 1) / 2;
  const std::size_t kp = even_pairs ? (kp_data + 1) / 2 * 2 : kp_data;
  const std::size_t panels = (mc + mr - 1) / mr;
  for (std::size_t q = 0, group = 1; q < panels; q += group) {
    group = 1;
    std::int16_t* const out = dst + q * kp * mr * 2;
    const std::size_t rows = std::min(mr, mc - q * mr);
    const std::size_t r0 = i0 + q * mr;
    if (kp != kp_data) std::fill(out + kp_data * mr * 2, out + kp * mr * 2, std::int16_t(0));
    if constexpr (std::is_same_v<T, std::int8_t> || std::is_same_v<T, std::uint8_t>) {
      const T* const base = a.data() + a.offset(r0, p0);
      const std::size_t rs = a.row_stride(), cs = a.col_stride();
      if (const std::size_t g = igemm_pack_group(rs, cs, kc, mr, mc, q); g > 1) {
        for (std::size_t t = 1; t < g && kp != kp_data; ++t)
          std::fill(out + t * kp * mr * 2 + kp_data * mr * 2, out + (t + 1) * kp * mr * 2, std::int16_t(0));
        igemm_pack_job job{base, rs, cs, std::is_signed_v<T>, false, mr, mr, kc, out, g, kp * mr * 2};
        if (igemm_pack_on(which, job)) {
          group = g;
          continue;
        }
      }
      if (kc > 0 && igemm_pack_on(which, {base, rs, cs, std::is_signed_v<T>, false, mr, rows, kc, out})) continue;
      if (rows < mr || kc % 2 != 0) std::fill(out, out + kp * mr * 2, std::int16_t(0));
      if (cs == 1) {  // depths contiguous: one row at a time
        for (std::size_t r = 0; r < rows; ++r) {
          const T* src = base + r * rs;
          std::int16_t* o = out + 2 * r;
          for (std::size_t k = 0; k + 1 < kc; k += 2, o += 2 * mr) {
            o[0] = src[k];
            o[1] = src[k + 1];
          }
          if (kc % 2 != 0) o[0] = src[kc - 1];
        }
      } else if (rs == 1 && rows == mr) {  // rows contiguous: one depth at a time
        for (std::size_t k = 0; k < kc; ++k) {
          const T* src = base + k * cs;
          std::int16_t* o = out + (k / 2) * mr * 2 + (k % 2);
          for (std::size_t r = 0; r < mr; ++r) o[2 * r] = src[r];
        }
      } else {
        for (std::size_t r = 0; r < rows; ++r)
          for (std::size_t k = 0; k < kc; ++k) out[((k / 2) * mr + r) * 2 + k % 2] = base[r * rs + k * cs];
      }
    } else {
      if (rows < mr || kc % 2 != 0) std::fill(out, out + kp * mr * 2, std::int16_t(0));
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t k = 0; k < kc; ++k)
          out[((k / 2) * mr + r) * 2 + k % 2] = std::int16_t(element_integer(T(a(r0 + r, p0 + k))));
    }
  }
}

// The same for byte quad panels (uint8 or int8 bytes as they are, zero
// depths past kc).
template <class T>
void igemm_pack_quads(matrix_view<const T> a, std::size_t mr, std::size_t i0, std::size_t mc, std::size_t p0,
                      std::size_t kc, std::uint8_t* dst, isa which) {
  static_assert(sizeof(T) == 1);
  const std::size_t kq = (kc + 3) / 4;
  const std::size_t panels = (mc + mr - 1) / mr;
  for (std::size_t q = 0, group = 1; q < panels; q += group) {
    group = 1;
    std::uint8_t* const out = dst + q * kq * mr * 4;
    const std::size_t rows = std::min(mr, mc - q * mr);
    const std::size_t r0 = i0 + q * mr;
    const T* const base = a.data() + a.offset(r0, p0);
    const std::size_t rs = a.row_stride(), cs = a.col_stride();
    auto* const out16 = reinterpret_cast<std::int16_t*>(out);
    if (const std::size_t g = igemm_pack_group(rs, cs, kc, mr, mc, q); g > 1) {
      if (igemm_pack_on(which, {base, rs, cs, std::is_signed_v<T>, true, mr, mr, kc, out16, g, kq * mr * 2})) {
        group = g;
        continue;
      }
    }
    igemm_pack_job job{base, rs, cs, std::is_signed_v<T>, true, mr, rows, kc, out16};
    if (kc > 0 && igemm_pack_on(which, job)) continue;
    std::fill(out, out + kq * mr * 4, std::uint8_t(0));
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t k = 0; k < kc; ++k)
        out[((k / 4) * mr + r) * 4 + k % 4] = static_cast<std::uint8_t>(base[r * rs + k * cs]);
  }
}

template <class VA, class VB>
inline constexpr bool has_integer_gemm = false;
template <class TA, class TB>
inline constexpr bool has_integer_gemm<matrix_view<TA>, matrix_view<TB>> =
    is_integer_gemm_v<std::remove_const_t<TA>, std::remove_const_t<TB>>;

// The blocked driver: packs panels (any operand layout and element type) and
// hands MC x NC blocks to the micro-kernels of `which`.
template <class TA, class TB>
void integer_gemm(std::int32_t alpha, matrix_view<const TA> a, matrix_view<const TB> b, std::int32_t beta,
                  matrix_view<std::int32_t> c, isa which, const gemm_options& options) {
  const std::size_t M = c.rows(), N = c.cols(), K = a.cols();
  if (M == 0 || N == 0) return;
  // uint8 x int8 on VNNI: byte quads, twice the depths in the same panel bytes.
  constexpr bool u8s8 = std::is_same_v<TA, std::uint8_t> && std::is_same_v<TB, std::int8_t>;
  const bool quads = u8s8 && options.allow_vnni && igemm_quads_on(which);
  const bool wino = !quads && igemm_winograd_on(which, options.allow_vnni, options.winograd);
  const igemm_shape sh = wino ? igemm_winograd_shape_of(which) : igemm_shape_of(which);
  // Few rows (up to options.resident_a_rows): A is packed once per depth
  // block and kept (at most 4 MiB of panels), and B goes by in column blocks
  // of igemm_resident_b_bytes, which stay in L2 between their packing and
  // their use. With few rows, packing B (K x N values for 2 M N K
  // operations) is much of the work, and a packed B block of NC columns
  // would go out to memory and back. Otherwise the blocked order: B in
  // blocks of NC columns, A in blocks of MC rows.
  const std::size_t m_pad = (M + sh.mr - 1) / sh.mr * sh.mr;
  const bool a_resident = m_pad <= options.resident_a_rows;
  const std::size_t nc_narrow = std::max<std::size_t>(1, igemm_resident_b_bytes / (sh.kc * 2) / sh.nr) * sh.nr;
  const std::size_t KC = quads ? 2 * sh.kc : sh.kc;
  const std::size_t MC = std::min(sh.mc, m_pad);
  const std::size_t NC = std::min(a_resident ? nc_narrow : sh.nc, (N + sh.nr - 1) / sh.nr * sh.nr);
  const std::size_t a_rows = a_resident ? m_pad : MC;  // rows of A packed at a time
  std::int16_t* const ap = igemm_thread_buffer(0).reserve(a_rows * (sh.kc + 4));
  std::int16_t* const bp = igemm_thread_buffer(1).reserve(NC * (sh.kc + 4));
  std::uint32_t* a_corr = nullptr;
  std::uint32_t* b_corr = nullptr;
  if (wino) {
    std::vector<std::uint32_t>& ca = igemm_thread_corrections(0);
    std::vector<std::uint32_t>& cb = igemm_thread_corrections(1);
    if (ca.size() < a_rows) ca.resize(a_rows);
    if (cb.size() < NC) cb.resize(NC);
    a_corr = ca.data();
    b_corr = cb.data();
  }
  const matrix_view<const TB> bt = b.transposed();
  igemm_block blk;
  blk.b = bp;
  blk.c_rs = c.row_stride();
  blk.c_cs = c.col_stride();
  blk.alpha = std::uint32_t(alpha);
  blk.vnni = options.allow_vnni;
  blk.quads = quads;
  blk.winograd = wino;
  blk.b_corr = b_corr;
  // Packs rows [i0, i0 + rows) of an operand (A, or B seen transposed) at
  // depths [p0, p0 + kc) into panels of mr rows at dst (kp pairs or quads),
  // with Winograd's row terms into corr.
  const auto pack_operand = [&](auto v, std::size_t mr, std::size_t i0, std::size_t rows, std::size_t p0,
                                std::size_t kc, std::size_t kp, std::int16_t* dst, std::uint32_t* corr) {
    using T = typename decltype(v)::value_type;
    if constexpr (u8s8) {
      if (quads) {
        igemm_pack_quads<T>(v, mr, i0, rows, p0, kc, reinterpret_cast<std::uint8_t*>(dst), which);
        return;
      }
    }
    igemm_pack<T>(v, mr, i0, rows, p0, kc, dst, which, wino);
    if (wino) igemm_pair_products_on(which, dst, (rows + mr - 1) / mr, mr, kp, corr);
  };
  const auto pack_a = [&](std::size_t i0, std::size_t mc, std::size_t p0, std::size_t kc, std::size_t kp) {
    pack_operand(a, sh.mr, i0, mc, p0, kc, kp, ap, a_corr);
  };
  for (std::size_t p0 = 0; p0 == 0 || p0 < K; p0 += KC) {
    const std::size_t kc = std::min(KC, K - p0);
    const std::size_t kp = quads ? (kc + 3) / 4 : wino ? (kc + 3) / 4 * 2 : (kc + 1) / 2;
    const bool first = p0 == 0;
    if (a_resident) pack_a(0, M, p0, kc, kp);
    for (std::size_t j0 = 0; j0 < N; j0 += NC) {
      const std::size_t nc = std::min(NC, N - j0);
      pack_operand(bt, sh.nr, j0, nc, p0, kc, kp, bp, b_corr);
      for (std::size_t i0 = 0; i0 < M; i0 += MC) {
        const std::size_t mc = std::min(MC, M - i0);
        if (!a_resident) pack_a(i0, mc, p0, kc, kp);
        // A panels of rows i0.. (the quad panels have the pair panels' strides in bytes).
        const std::size_t a_off = a_resident ? i0 / sh.mr * kp * sh.mr * 2 : 0;
        blk.a = ap + a_off;
        blk.a_corr = a_corr ? a_corr + (a_resident ? i0 : 0) : nullptr;
        blk.mc = mc;
        blk.nc = nc;
        blk.kp = kp;
        blk.c = c.data() + c.offset(i0, j0);
        // Later depth blocks add to C: alpha * (s1 + s2) = alpha * s1 + alpha * s2 (mod 2^32).
        blk.beta = first ? std::uint32_t(beta) : 1U;
        blk.read_c = !first || beta != 0;
        igemm_block_on(which, blk);
      }
    }
  }
}

// Runs the fast path for this combination on `which` and returns true, or
// returns false when there is none (lowp::gemm then runs its blocked engine).
template <class VA, class VB, class TC>
bool try_integer_gemm(TC alpha, const VA& a, const VB& b, TC beta, matrix_view<TC> c, isa which,
                      const gemm_options& options) {
  if constexpr (has_integer_gemm<VA, VB> && std::is_same_v<TC, std::int32_t>) {
    using TA = std::remove_const_t<operand_element_t<VA>>;
    using TB = std::remove_const_t<operand_element_t<VB>>;
    integer_gemm<TA, TB>(alpha, matrix_view<const TA>(a), matrix_view<const TB>(b), beta, c, which, options);
    return true;
  } else {
    return false;
  }
}

}  // namespace detail

}  // namespace lowp::kernels
