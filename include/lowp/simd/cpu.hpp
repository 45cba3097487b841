#pragma once

// What the running CPU (and its operating system) supports, per lowp::isa.
// xsimd 8.1's detection (xsimd::available_architectures) reads CPUID only; it
// does not check F16C, which lowp's avx2 kernels use, nor whether the OS saves
// the AVX / AVX-512 register state (XGETBV), so both are checked here as well.

#include <xsimd/xsimd.hpp>

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#if defined(__GNUC__) || defined(__clang__)
#include <cpuid.h>
#endif
#endif

namespace lowp::simd {

struct cpu_features {
  bool sse2 = false;
  bool sse4_1 = false;
  bool avx2 = false;  // with FMA and F16C
  bool avx512bw = false;
  bool neon64 = false;
};

namespace detail {

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
inline bool x86_has_f16c() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
  return ((c >> 29) & 1U) != 0;
}
// XCR0: which register states the OS saves (Intel SDM vol. 1, 13.3).
inline unsigned long long x86_xcr0() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d) || ((c >> 27) & 1U) == 0) return 0;  // no OSXSAVE
  unsigned lo = 0, hi = 0;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<unsigned long long>(hi) << 32) | lo;
}
#endif

inline cpu_features detect_cpu() {
  cpu_features f;
  const auto x = xsimd::available_architectures();
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
  const unsigned long long xcr0 = x86_xcr0();
  const bool os_avx = (xcr0 & 0x6U) == 0x6U;       // XMM and YMM state
  const bool os_avx512 = (xcr0 & 0xe6U) == 0xe6U;  // + opmask, ZMM_Hi256, Hi16_ZMM
  f.sse2 = x.sse2 != 0;
  f.sse4_1 = f.sse2 && x.ssse3 != 0 && x.sse4_1 != 0;
  f.avx2 = f.sse4_1 && os_avx && x.avx2 != 0 && x.fma3_avx2 != 0 && x86_has_f16c();
  f.avx512bw = f.avx2 && os_avx512 && x.avx512f != 0 && x.avx512cd != 0 && x.avx512dq != 0 &&
               x.avx512bw != 0;
#else
  f.neon64 = x.neon64 != 0;
#endif
  return f;
}

}  // namespace detail

inline const cpu_features& cpu() {
  static const cpu_features features = detail::detect_cpu();
  return features;
}

}  // namespace lowp::simd
