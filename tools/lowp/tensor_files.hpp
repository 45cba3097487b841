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

// The whole file ("-": standard input, read to its end); a lowp::error
// naming it when it cannot be read (io/file.hpp).
std::vector<std::uint8_t> read_bytes(const std::string& path);
// Writes `bytes` to `path` ("-": standard output). A file is replaced only
// once every byte is written; a failed write leaves none (io/file.hpp).
void write_bytes(const std::string& path, std::span<const std::uint8_t> bytes);
// Whether `path` is "-", standard input or output.
bool is_stdio(std::string_view path);
// A usage error when `out` names the same file as `in` (device and inode);
// out_what names the argument ("OUT", "--svg").
void refuse_same_file(const std::string& in, const std::string& out, std::string_view out_what);

// Float values with their shape (row-major).
struct float_tensor {
  std::string name;                // the file, or "file:key" for a safetensors tensor
  std::vector<std::size_t> shape;  // empty for a 0-d array
  std::vector<float> values;
};

// A tensor file of `lowp quantize`: .npy (float32, float16 or bfloat16, any
// shape) or else raw little-endian float32 (shape {n}; the size must be a
// multiple of 4 bytes). "-" reads standard input: .npy when it begins with
// the .npy magic string, else raw float32.
float_tensor read_float_input(const std::string& path);

// The tensors of a file of `lowp error`: .npy (one) or .safetensors (each,
// in the order of their data). Other names are not accepted by the caller;
// "-" reads standard input, .npy when it begins with the .npy magic string.
std::vector<float_tensor> read_tensor_file(const std::string& path);

// Writes `values` as float32: .npy with `shape` when path ends in .npy,
// raw little-endian otherwise.
void write_float_output(const std::string& path, std::span<const float> values, const std::vector<std::size_t>& shape);

}  // namespace lowp::tool
