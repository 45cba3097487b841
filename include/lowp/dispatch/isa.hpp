#pragma once

// The instruction sets that kernels are compiled for (docs/isa.md): the one
// list of ISAs. Each name is spelled as the `lowp --isa` option spells it.
// Which of them a program has and the CPU runs: dispatch/dispatch.hpp.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

// Which ISAs a program has kernels for (LOWP_ISA_<NAME> = 1), in one of two
// ways:
// - dynamic dispatch: the program compiles lowp's per-ISA translation units
//   (lowp_add_isa_sources or lowp_add_isa_library, cmake/lowpIsa.cmake), one
//   per ISA with that ISA's flags. CMake defines LOWP_ISA_SOURCES = 1 and
//   LOWP_ISA_<NAME> = 1 for each of them; the kernels are instantiated there
//   and declared extern everywhere else (LOWP_EXTERN_ISA_<NAME>), and
//   best_isa() picks among them at run time by what the CPU has.
// - static dispatch (header-only use, no per-ISA sources): the best ISA that
//   the translation unit's own compiler flags enable is compiled into it
//   (with isa::scalar), so `g++ -O2 -march=native` gets that CPU's best
//   kernels and best_isa() returns it. Only that one: a parent ISA's kernels
//   compiled with a wider ISA's flags are not what that parent runs (and
//   xsimd 8.1 cannot build some of them so). Every translation unit of such
//   a program must be compiled with the same ISA flags.
#if !defined(LOWP_ISA_SOURCES)
#if defined(__AVX512F__) && defined(__AVX512CD__) && defined(__AVX512DQ__) && defined(__AVX512BW__) && \
    defined(__AVX512VL__) && defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#define LOWP_ISA_AVX512BW 1
#elif defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#define LOWP_ISA_AVX2 1
#elif defined(__SSSE3__) && defined(__SSE4_1__)
#define LOWP_ISA_SSE4_1 1
#elif (defined(__x86_64__) || defined(__i386__) || defined(_M_X64)) && defined(__SSE2__)
#define LOWP_ISA_SSE2 1
#elif defined(__aarch64__) && defined(__ARM_NEON)
#define LOWP_ISA_NEON64 1
#endif
#endif

#ifndef LOWP_ISA_SSE2
#define LOWP_ISA_SSE2 0
#endif
#ifndef LOWP_ISA_SSE4_1
#define LOWP_ISA_SSE4_1 0
#endif
#ifndef LOWP_ISA_AVX2
#define LOWP_ISA_AVX2 0
#endif
#ifndef LOWP_ISA_AVX512BW
#define LOWP_ISA_AVX512BW 0
#endif
#ifndef LOWP_ISA_NEON64
#define LOWP_ISA_NEON64 0
#endif

// Whether the kernels of an ISA are instantiated in another translation unit
// (dynamic dispatch) and so declared extern here.
#if defined(LOWP_ISA_SOURCES)
#if defined(LOWP_ISA_SCALAR) && LOWP_ISA_SCALAR
#define LOWP_EXTERN_ISA_SCALAR 1
#else
#define LOWP_EXTERN_ISA_SCALAR 0
#endif
#define LOWP_EXTERN_ISA_SSE2 LOWP_ISA_SSE2
#define LOWP_EXTERN_ISA_SSE4_1 LOWP_ISA_SSE4_1
#define LOWP_EXTERN_ISA_AVX2 LOWP_ISA_AVX2
#define LOWP_EXTERN_ISA_AVX512BW LOWP_ISA_AVX512BW
#define LOWP_EXTERN_ISA_NEON64 LOWP_ISA_NEON64
#else
#define LOWP_EXTERN_ISA_SCALAR 0
#define LOWP_EXTERN_ISA_SSE2 0
#define LOWP_EXTERN_ISA_SSE4_1 0
#define LOWP_EXTERN_ISA_AVX2 0
#define LOWP_EXTERN_ISA_AVX512BW 0
#define LOWP_EXTERN_ISA_NEON64 0
#endif

namespace lowp {

enum class isa : std::uint8_t {
  scalar,    // the scalar reference (reference/convert_bulk.hpp), always available
  sse2,      // x86-64 baseline
  sse4_1,    // + SSSE3, SSE4.1
  avx2,      // AVX2 with FMA and F16C (xsimd::fma3<xsimd::avx2>)
  avx512bw,  // AVX-512 F, CD, DQ, BW, VL
  neon64,    // AArch64 Advanced SIMD
};

inline constexpr std::array<isa, 6> all_isas{isa::scalar, isa::sse2,     isa::sse4_1,
                                             isa::avx2,   isa::avx512bw, isa::neon64};

constexpr std::string_view name(isa i) {
  switch (i) {
    case isa::scalar: return "scalar";
    case isa::sse2: return "sse2";
    case isa::sse4_1: return "sse4_1";
    case isa::avx2: return "avx2";
    case isa::avx512bw: return "avx512bw";
    case isa::neon64: return "neon64";
  }
  return "?";
}

constexpr std::optional<isa> parse_isa(std::string_view s) {
  for (isa i : all_isas)
    if (name(i) == s) return i;
  return std::nullopt;
}

}  // namespace lowp
