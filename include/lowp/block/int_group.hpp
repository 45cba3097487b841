#pragma once

// Symmetric integer groups (scaling::symmetric), the layout of GPTQ/AWQ-style
// weight-only quantization (GPTQ: Frantar et al., arXiv:2210.17323; AWQ: Lin
// et al., arXiv:2306.00978) with round-to-nearest in place of their
// calibrated rounding:
//   int4_g128  {fp16 d; u8 qs[64]}   66 bytes per 128 elements, 4.125 bits per element
// d = fp16(amax / 7) (one rounding, nearest even, saturating at 65504; the
// least float16 subnormal when amax / 7 rounds to 0), q = round(x / d)
// (nearest even by default) clamped to [-8, 7], x = q * d. Elements are
// two's-complement nibbles packed LSB-first: byte i holds element 2i in its
// low nibble and 2i + 1 in its high one. A block holding NaN or Inf gets the
// float16 NaN scale 0x7E00 and zero elements (it dequantizes to NaN).
// The name is "int" + element bits + "_g" + group size.

#include "lowp/block/block_format.hpp"

namespace lowp {

template <int Bits, std::size_t Group>
using int_group = block_format<intn<Bits, true>, float16, Group, scaling::symmetric>;

using int4_g128 = int_group<4, 128>;

}  // namespace lowp
