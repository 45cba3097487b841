#pragma once

// Instruction-set selection for the SIMD kernels (docs/isa.md).
//
// lowp::isa names the instruction sets kernels are compiled for. Each name is
// spelled as the `lowp --isa` option spells it. best_isa() is the best one that
// is both compiled into this program (lowp_add_isa_sources, see
// cmake/lowpIsa.cmake) and supported by the running CPU; a caller may force
// another with require_isa(), which throws lowp::error naming the ISA when it
// cannot run.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

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

#include "lowp/simd/dispatch.hpp"
