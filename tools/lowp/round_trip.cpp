#include "round_trip.hpp"

#include <cmath>

#include "accuracy_text.hpp"

namespace lowp::tool {

round_trip_result scaled_round_trip(const format_desc& f, std::span<const float> x, std::size_t rows,
                                    std::size_t cols, std::string_view isa) {
  round_trip_result r;
  quantize_settings s;
  s.isa = isa;
  if (f.is_block) {
    s.pad = cols % f.block_size != 0 ? padding::zero : padding::none;
    const std::vector<std::uint8_t> raw = quantize_tensor(f, x, rows, cols, s);
    r.reference.assign(x.begin(), x.end());
    r.reconstructed = dequantize_tensor(f, raw, rows, cols, s.pad, isa);
    r.bits_per_element = effective_bits(raw.size(), x.size());
    return r;
  }
  r.on_magnitudes = !f.is_signed;
  r.reference.assign(x.begin(), x.end());
  if (r.on_magnitudes)
    for (float& v : r.reference) v = std::fabs(v);
  double amax = 0;
  for (float v : r.reference)
    if (std::isfinite(v) && std::fabs(double(v)) > amax) amax = std::fabs(double(v));
  const double scale = amax > 0 ? amax / f.max : 1.0;
  std::vector<float> scaled(r.reference.size());
  for (std::size_t i = 0; i < scaled.size(); ++i) scaled[i] = float(double(r.reference[i]) / scale);
  const std::vector<std::uint8_t> raw = quantize_tensor(f, scaled, 1, scaled.size(), s);
  r.reconstructed = dequantize_tensor(f, raw, 1, scaled.size(), padding::none, isa);
  for (float& v : r.reconstructed) v = float(double(v) * scale);
  r.bits_per_element = effective_bits(raw.size() + sizeof(float), x.size());
  return r;
}

std::vector<float> raw_round_trip(const format_desc& f, std::span<const float> x, std::string_view isa) {
  quantize_settings s;
  s.isa = isa;
  const std::vector<std::uint8_t> raw = quantize_tensor(f, x, 1, x.size(), s);
  return dequantize_tensor(f, raw, 1, x.size(), padding::none, isa);
}

}  // namespace lowp::tool
