#pragma once

// The list of named block formats, for tests, tools and dispatch by name.

#include <string_view>
#include <tuple>

#include "lowp/block/bfp.hpp"
#include "lowp/block/ggml.hpp"
#include "lowp/block/int_group.hpp"
#include "lowp/block/mx.hpp"
#include "lowp/block/nvfp4.hpp"
#include "lowp/format/formats.hpp"

namespace lowp {

using mx_formats = std::tuple<mxfp8_e4m3, mxfp8_e5m2, mxfp6_e3m2, mxfp6_e2m3, mxfp4, mxint8>;
using mx_noclip_formats = std::tuple<mxfp8_e4m3_noclip, mxfp8_e5m2_noclip, mxfp6_e3m2_noclip,
                                     mxfp6_e2m3_noclip, mxfp4_noclip, mxint8_noclip>;
using ggml_formats = std::tuple<ggml_q4_0, ggml_q4_1, ggml_q8_0, ggml_mxfp4>;
using int_group_formats = std::tuple<int4_g128>;
using block_formats = decltype(std::tuple_cat(mx_formats{}, mx_noclip_formats{}, std::tuple<nvfp4>{},
                                              ggml_formats{}, int_group_formats{}));

}  // namespace lowp
