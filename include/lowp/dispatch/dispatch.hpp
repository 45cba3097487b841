#pragma once

// Runtime choice of lowp::isa (docs/isa.md).
//
// An ISA is "compiled in" when LOWP_ISA_<NAME> is 1: with dynamic dispatch
// when the program compiles its per-ISA translation unit, with static
// dispatch when the compiler flags enable it (dispatch/isa.hpp).

#include <string>
#include <vector>

#include "lowp/error.hpp"
#include "lowp/dispatch/isa.hpp"
#include "lowp/simd/cpu.hpp"

namespace lowp {

// Whether kernels for `i` are compiled into this program.
constexpr bool isa_compiled(isa i) {
  switch (i) {
    case isa::scalar: return true;
    case isa::sse2: return LOWP_ISA_SSE2 != 0;
    case isa::sse4_1: return LOWP_ISA_SSE4_1 != 0;
    case isa::avx2: return LOWP_ISA_AVX2 != 0;
    case isa::avx512bw: return LOWP_ISA_AVX512BW != 0;
    case isa::neon64: return LOWP_ISA_NEON64 != 0;
  }
  return false;
}

// Whether the running CPU supports `i` (whether or not it is compiled in).
inline bool isa_supported_by_cpu(isa i) {
  const simd::cpu_features& f = simd::cpu();
  switch (i) {
    case isa::scalar: return true;
    case isa::sse2: return f.sse2;
    case isa::sse4_1: return f.sse4_1;
    case isa::avx2: return f.avx2;
    case isa::avx512bw: return f.avx512bw;
    case isa::neon64: return f.neon64;
  }
  return false;
}

// Compiled in and supported by the CPU.
inline bool isa_available(isa i) { return isa_compiled(i) && isa_supported_by_cpu(i); }

// Every available ISA, in all_isas order (scalar first).
inline std::vector<isa> available_isas() {
  std::vector<isa> out;
  for (isa i : all_isas)
    if (isa_available(i)) out.push_back(i);
  return out;
}

// The best available ISA; isa::scalar when nothing else is.
inline isa best_isa() {
  static const isa best = [] {
    isa b = isa::scalar;
    for (isa i : all_isas)
      if (isa_available(i)) b = i;  // all_isas is ordered from least to most capable per family
    return b;
  }();
  return best;
}

// `i` if it can run here, else lowp::error naming it and why.
inline isa require_isa(isa i) {
  if (!isa_compiled(i))
    detail::fail("isa '" + std::string(name(i)) + "' is not compiled into this program");
  if (!isa_supported_by_cpu(i))
    detail::fail("isa '" + std::string(name(i)) + "' is not supported by this CPU");
  return i;
}

// The ISA named `s` (CLI spelling), checked with require_isa.
inline isa require_isa(std::string_view s) {
  const auto i = parse_isa(s);
  if (!i)
    detail::fail("isa '" + std::string(s) +
                 "' is unknown (expected scalar, sse2, sse4_1, avx2, avx512bw or neon64)");
  return require_isa(*i);
}

}  // namespace lowp
