#pragma once

// Blocks byte-identical to ggml's (ggml-common.h), quantized exactly as ggml's
// reference quantizers do. All four hold 32 elements.
//   ggml_q4_0  {fp16 d; u8 qs[16]}          18 bytes, 4.5 bits per element
//   ggml_q4_1  {fp16 d; fp16 m; u8 qs[16]}  20 bytes, 5.0 bits per element
//   ggml_q8_0  {fp16 d; i8 qs[32]}          34 bytes, 8.5 bits per element
//   ggml_mxfp4 {u8 e; u8 qs[16]}            17 bytes, 4.25 bits per element
// In the 4-bit blocks byte j holds element j (low nibble) and j + 16 (high).
// fp16 fields are little-endian.

#include "lowp/block/block_format.hpp"

namespace lowp {

using ggml_q4_0 = block_format<uint4, float16, 32, scaling::ggml_q4_0>;
using ggml_q4_1 = block_format<uint4, float16, 32, scaling::ggml_q4_1>;
using ggml_q8_0 = block_format<int8, float16, 32, scaling::ggml_q8_0>;
using ggml_mxfp4 = block_format<float4_e2m1fn, float8_e8m0fnu, 32, scaling::ggml_mxfp4>;

}  // namespace lowp
