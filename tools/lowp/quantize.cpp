// lowp quantize / lowp dequantize: float32 tensors <-> the canonical raw
// layout of a scalar or block format, through files.
//
// Everything is read and checked before OUT is written, so a failed command
// leaves OUT untouched.

#include <cstdio>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "lowp/error.hpp"
#include "tensor_codec.hpp"
#include "tensor_files.hpp"

namespace lowp::tool {

namespace {

format_desc format_from(const std::string& name) {
  if (auto f = find_format(name)) return *f;
  throw usage_error("unknown format '" + name + "' (run 'lowp formats' for the scalar formats; block formats: " +
                    [] {
                      std::string s;
                      for (const format_desc& b : block_format_descs()) s += (s.empty() ? "" : ", ") + b.name;
                      return s;
                    }() +
                    ")");
}

// A block format's row length must fill whole blocks unless --pad.
void check_row_length(const format_desc& f, std::size_t cols, padding pad, const std::string& origin) {
  if (!f.is_block || pad == padding::zero || cols % f.block_size == 0) return;
  throw usage_error("--cols: the row length " + std::to_string(cols) + origin + " is not a multiple of " + f.name +
                    "'s block size " + std::to_string(f.block_size) +
                    " (give --cols K with a multiple, or --pad to zero-pad the last block of each row)");
}

std::string sizes_text(std::size_t a, std::size_t b) {
  return a == b ? std::to_string(a) + " bytes" : std::to_string(a) + " or " + std::to_string(b) + " bytes";
}

constexpr option_spec quantize_options[] = {cols_option, round_option, overflow_option, seed_option, isa_option,
                                            pad_option};

int run_quantize(const parsed_args& args) {
  const format_desc f = format_from(args.positionals()[0]);
  const std::string& in = args.positionals()[1];
  const std::string& out = args.positionals()[2];
  quantize_settings s;
  s.round = rounding_from(args);
  s.on_overflow = overflow_from(args);
  s.seed = seed_from(args);
  s.pad = padding_from(args);
  s.isa = isa_from(args);
  const std::optional<std::size_t> cols_option_value = cols_from(args);
  refuse_same_file(in, out, "OUT");
  if (has_suffix(out, ".npy"))
    throw usage_error("OUT '" + out + "': quantize writes the raw layout of " + f.name +
                      ", which .npy cannot hold (give another file name)");
  if (f.ggml && (s.round != rounding::nearest_even || s.on_overflow != overflow::saturate))
    throw usage_error("--round/--overflow: " + f.name +
                      " quantizes exactly as ggml's reference does; only nearest_even and saturate are accepted");

  const float_tensor x = read_float_input(in);
  const std::size_t n = x.values.size();
  std::size_t cols = n;
  std::string origin = " (the whole input; set it with --cols)";
  if (x.shape.size() >= 2) {  // a .npy input
    cols = x.shape.back();
    origin = " (the last dimension of " + in + ")";
    if (cols_option_value && *cols_option_value != cols)
      throw usage_error("--cols " + std::to_string(*cols_option_value) + " does not match the last dimension " +
                        std::to_string(cols) + " of " + in);
  } else if (cols_option_value) {
    cols = *cols_option_value;
    origin = "";
  }
  if (cols != 0 && n % cols != 0)
    throw cli_error(in + ": " + std::to_string(n) + " values are not a whole number of rows of --cols " +
                        std::to_string(cols),
                    exit_bad_input);
  check_row_length(f, cols, s.pad, origin);
  const std::size_t rows = cols == 0 ? 1 : n / cols;
  write_bytes(out, quantize_tensor(f, x.values, rows, cols, s));
  return exit_ok;
}

constexpr option_spec dequantize_options[] = {cols_option, isa_option, pad_option};

int run_dequantize(const parsed_args& args) {
  const format_desc f = format_from(args.positionals()[0]);
  const std::string& in = args.positionals()[1];
  const std::string& out = args.positionals()[2];
  const padding pad = padding_from(args);
  const std::string_view isa = isa_from(args);
  const std::optional<std::size_t> k = cols_from(args);
  if (has_suffix(in, ".npy"))
    throw usage_error("IN '" + in + "': dequantize reads the raw layout of " + f.name + ", not .npy");
  if (k) check_row_length(f, *k, pad, "");
  refuse_same_file(in, out, "OUT");

  const std::vector<std::uint8_t> raw = read_bytes(in);
  const std::size_t size = raw.size();
  std::size_t rows = 1, cols = 0;
  if (f.is_block) {
    // header + rows * row bytes; without --cols, one row of whole blocks.
    const std::size_t per_row = k ? raw_size(f, 1, *k, pad) - f.header_bytes : f.bytes_per_block;
    const std::size_t body = size >= f.header_bytes ? size - f.header_bytes : 0;
    const std::size_t whole = body / per_row;
    if (size < f.header_bytes || body % per_row != 0) {
      const std::size_t below = f.header_bytes + whole * per_row;
      const bool next_fits = per_row <= std::numeric_limits<std::size_t>::max() - below;
      const std::string unit = k ? "rows of " + std::to_string(*k) + " values (" + std::to_string(per_row) + " bytes each)"
                                 : std::to_string(per_row) + "-byte blocks";
      const std::string header = f.header_bytes ? std::to_string(f.header_bytes) + " bytes of tensor scale + " : "";
      throw cli_error(in + ": " + std::to_string(size) + " bytes do not fit the raw layout of " + f.name + " in " + unit +
                          ": expected " + header + "a multiple of " + std::to_string(per_row) + " bytes, e.g. " +
                          (next_fits ? sizes_text(below, below + per_row) : std::to_string(below) + " bytes"),
                      exit_bad_input);
    }
    if (k) {
      cols = *k;
      rows = whole;
    } else {
      cols = whole * f.block_size;
    }
  } else {
    // The largest number of whole rows whose packed stream takes `size` bytes
    // (a file holds far fewer than 2^61 bytes, so size * 8 does not wrap; a
    // row longer than the whole stream gives 0 rows).
    const std::size_t w = std::size_t(f.bits);
    const std::size_t row = k.value_or(1);
    const std::size_t bits = size * 8;
    rows = row > bits / w ? 0 : bits / (w * row);
    cols = row;
    if (raw_size(f, rows, cols, pad) != size) {
      const std::string unit =
          k ? "rows of " + std::to_string(*k) + " " + f.name + " values" : std::string(f.name) + " values";
      const std::size_t below = raw_size(f, rows, cols, pad);
      std::string expected = std::to_string(below) + " bytes";
      try {
        expected = sizes_text(below, raw_size(f, rows + 1, cols, pad));
      } catch (const lowp::error&) {
        // One more row would overflow a buffer's size: only the smaller size is possible.
      }
      throw cli_error(in + ": " + std::to_string(size) + " bytes do not hold a whole number of " + unit +
                          ": expected " + expected,
                      exit_bad_input);
    }
    if (!k) {
      cols = rows;
      rows = 1;
    }
  }
  const std::vector<float> y = dequantize_tensor(f, raw, rows, cols, pad, isa);
  write_float_output(out, y, k ? std::vector<std::size_t>{rows, cols} : std::vector<std::size_t>{y.size()});
  return exit_ok;
}

}  // namespace

const command quantize_command{
    "quantize",
    "FORMAT IN OUT",
    "float32 values of IN -> the raw layout of FORMAT in OUT",
    "IN: raw little-endian float32, or .npy (float32, float16 or bfloat16; the last\n"
    "dimension is the row length, the others multiply into rows). OUT: the canonical\n"
    "raw layout of FORMAT (docs/formats.md, docs/blocks.md): for a scalar format the\n"
    "codes as one packed stream, element 0 in the low bits of byte 0, unused bits of\n"
    "the last byte zero; for a block format the rows of blocks, NVFP4's preceded by\n"
    "its float32 tensor scale. Scalar formats encode each value as is (no scaling);\n"
    "--cols then only has to divide the number of values. Block formats take --round\n"
    "and --overflow for their elements, except the ggml formats, which quantize as\n"
    "ggml does. --seed seeds stochastic rounding; the element index is row * K + col.\n"
    "IN or OUT '-' is standard input or output (raw float32, or .npy when standard\n"
    "input begins with the .npy magic string); OUT must not be the same file as IN.\n"
    "OUT is written whole or not at all.\n",
    quantize_options,
    3,
    3,
    run_quantize,
};

const command dequantize_command{
    "dequantize",
    "FORMAT IN OUT",
    "the raw layout of FORMAT in IN -> float32 values in OUT",
    "IN: the raw layout that 'lowp quantize FORMAT' writes. OUT: raw little-endian\n"
    "float32, or .npy (float32) when its name ends in .npy: of shape (rows, K) with\n"
    "--cols K, else one-dimensional. Without --cols, a block format's input is one\n"
    "row of whole blocks, and a scalar format's holds as many values as fit its\n"
    "bytes (a 4-bit stream of 3 bytes: 6 values; give --cols 5 to get the 5 that\n"
    "were quantized). With --cols K the input must hold a whole number of rows of\n"
    "K values, and a block format needs the --pad it was quantized with.\n"
    "IN or OUT '-' is standard input or output (OUT then raw float32); OUT must not\n"
    "be the same file as IN, and is written whole or not at all.\n",
    dequantize_options,
    3,
    3,
    run_dequantize,
};

}  // namespace lowp::tool
