#pragma once

// NVIDIA NVFP4: 16 E2M1 elements share one float8_ue4m3 scale, and the tensor
// has one float32 scale (scaling::two_level). Raw layout: the float32 tensor
// scale (little-endian), then the rows; each block is its scale byte followed
// by 8 bytes of elements packed LSB-first. 4.5 bits per element.

#include "lowp/block/block_format.hpp"

namespace lowp {

using nvfp4 = block_format<float4_e2m1fn, float8_ue4m3, 16, scaling::two_level>;

}  // namespace lowp
