#pragma once

// Files of `lowp quantize`, `dequantize` and `error`: raw bytes, raw
// little-endian float32, .npy (io/npy.hpp) and .safetensors
// (io/safetensors.hpp). Errors name the file.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lowp::tool {

// Whether `path` ends in `suffix`, ignoring ASCII case (".npy", ".NPY").
bool has_suffix(std::string_view path, std::string_view suffix);

// The whole file; a cli_error (exit status 1) naming it when it cannot be read.
std::vector<std::uint8_t> read_bytes(const std::string& path);
// Writes `bytes` to `path`, replacing it; a cli_error naming it on failure.
void write_bytes(const std::string& path, std::span<const std::uint8_t> bytes);

// Float values with their shape (row-major).
struct float_tensor {
  std::string name;                // the file, or "file:key" for a safetensors tensor
  std::vector<std::size_t> shape;  // empty for a 0-d array
  std::vector<float> values;
};

// A tensor file of `lowp quantize`: .npy (float32, float16 or bfloat16, any
// shape) or else raw little-endian float32 (shape {n}; the size must be a
// multiple of 4 bytes).
float_tensor read_float_input(const std::string& path);

// The tensors of a file of `lowp error`: .npy (one) or .safetensors (each,
// in the order of their data). Other names are not accepted by the caller.
std::vector<float_tensor> read_tensor_file(const std::string& path);

// Writes `values` as float32: .npy with `shape` when path ends in .npy,
// raw little-endian otherwise.
void write_float_output(const std::string& path, std::span<const float> values, const std::vector<std::size_t>& shape);

}  // namespace lowp::tool
