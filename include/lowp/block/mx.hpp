#pragma once

// OCP Microscaling (MX) formats, OCP MX v1.0 §5: 32 elements share one E8M0
// scale X = 2^shared_exp; the scale rule is OCP's (§6.3) unless a variant says
// otherwise. Raw block: the scale byte, then the 32 elements packed LSB-first.

#include "lowp/block/block_format.hpp"

namespace lowp {

template <class Element, class ScaleRule = scaling::ocp>
using mx_format = block_format<Element, float8_e8m0fnu, 32, ScaleRule>;

// E4M3 elements (max 448, emax_elem 8): 33 bytes per block, 8.25 bits per element
using mxfp8_e4m3 = mx_format<float8_e4m3fn>;
// E5M2 elements (max 57344, emax_elem 15): 33 bytes per block, 8.25 bits per element
using mxfp8_e5m2 = mx_format<float8_e5m2>;
// E3M2 elements (max 28, emax_elem 4): 25 bytes per block, 6.25 bits per element
using mxfp6_e3m2 = mx_format<float6_e3m2fn>;
// E2M3 elements (max 7.5, emax_elem 2): 25 bytes per block, 6.25 bits per element
using mxfp6_e2m3 = mx_format<float6_e2m3fn>;
// E2M1 elements (max 6, emax_elem 2): 17 bytes per block, 4.25 bits per element
using mxfp4 = mx_format<float4_e2m1fn>;
// INT8 elements as 1.6 fixed point (max 127/64, emax_elem 0): 33 bytes per block
using mxint8 = mx_format<int8>;

// The same element formats with the scale rounded up so no block maximum clips.
using mxfp8_e4m3_noclip = mx_format<float8_e4m3fn, scaling::no_clip>;
using mxfp8_e5m2_noclip = mx_format<float8_e5m2, scaling::no_clip>;
using mxfp6_e3m2_noclip = mx_format<float6_e3m2fn, scaling::no_clip>;
using mxfp6_e2m3_noclip = mx_format<float6_e2m3fn, scaling::no_clip>;
using mxfp4_noclip = mx_format<float4_e2m1fn, scaling::no_clip>;
using mxint8_noclip = mx_format<int8, scaling::no_clip>;

}  // namespace lowp
