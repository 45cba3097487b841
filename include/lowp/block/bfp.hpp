#pragma once

// Generic block floating point: BlockSize signed integer mantissas of
// MantissaBits bits (two's complement, read as fixed point with
// MantissaBits - 2 fraction bits, so values in [-2, 2)) share one E8M0
// exponent chosen by OCP's rule with emax_elem = 0. bfp<8, 32> is mxint8.
// Raw block: the exponent byte, then the mantissas packed LSB-first.

#include <cstddef>

#include "lowp/block/block_format.hpp"

namespace lowp {

namespace detail {
template <int MantissaBits, std::size_t BlockSize, class ScaleRule>
struct bfp_type {
  static_assert(MantissaBits >= 2 && MantissaBits <= 8, "lowp::bfp: mantissas have 2 to 8 bits");
  static_assert(BlockSize >= 8 && BlockSize <= 256, "lowp::bfp: blocks hold 8 to 256 elements");
  using type = block_format<intn<MantissaBits, true>, float8_e8m0fnu, BlockSize, ScaleRule>;
};
}  // namespace detail

template <int MantissaBits, std::size_t BlockSize, class ScaleRule = scaling::ocp>
using bfp = typename detail::bfp_type<MantissaBits, BlockSize, ScaleRule>::type;

}  // namespace lowp
