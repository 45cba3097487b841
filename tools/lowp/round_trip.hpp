#pragma once

// Round trips (quantize, then dequantize) through tensor_codec.hpp, as
// `lowp error` and `lowp report` measure them.

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "tensor_codec.hpp"

namespace lowp::tool {

struct round_trip_result {
  std::vector<float> reference;      // what was quantized: x, or |x| (see on_magnitudes)
  std::vector<float> reconstructed;  // its round trip
  double bits_per_element = 0;       // storage bits per value, scales and padding included (NaN when empty)
  bool on_magnitudes = false;        // an unsigned scalar format, measured on |x|
};

// x (rows x cols, row-major) through format f with nearest_even + saturate:
// - block formats: blocked along rows; a row length that is not a multiple of
//   the block size is zero-padded (the padding counts in the bits).
// - scalar formats: per-tensor absmax scaling, s = max|x| / max(format) in
//   double over the finite values (1 when they are all 0): x/s is rounded to
//   float32, encoded, decoded, multiplied by s in double and rounded to
//   float32. Unsigned formats are measured on |x|. The bits include the
//   float32 scale.
round_trip_result scaled_round_trip(const format_desc& f, std::span<const float> x, std::size_t rows,
                                    std::size_t cols, std::string_view isa);

// A scalar format without scaling: each value encoded as is (nearest_even,
// saturate) and decoded.
std::vector<float> raw_round_trip(const format_desc& f, std::span<const float> x, std::string_view isa);

}  // namespace lowp::tool
