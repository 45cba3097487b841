// lowp error: the round-trip error of formats on the tensors of .npy and
// .safetensors files, as a table and optionally as an SVG chart.

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "accuracy_text.hpp"
#include "commands.hpp"
#include "lowp/io/file.hpp"
#include "lowp/quant/metrics.hpp"
#include "pareto_svg.hpp"
#include "round_trip.hpp"
#include "tensor_codec.hpp"
#include "tensor_files.hpp"
#include "text_table.hpp"

namespace lowp::tool {

namespace {

// rows x cols of a tensor blocked along its last dimension.
std::pair<std::size_t, std::size_t> matrix_shape(const float_tensor& t) {
  if (t.shape.empty()) return {1, t.values.size()};
  const std::size_t cols = t.shape.back();
  return {cols == 0 ? 0 : t.values.size() / cols, cols};
}

constexpr option_spec error_options[] = {
    {"--svg", "FILE", "also draw SQNR against bits per element for every tensor and format, as SVG"},
    isa_option,
};

int run_error(const parsed_args& args) {
  const std::string_view isa = isa_from(args);
  const std::optional<std::string> svg = args.value("--svg");
  if (svg && svg->empty()) throw usage_error("--svg needs a file name");

  std::vector<format_desc> formats;
  std::vector<std::string> files;
  for (const std::string& a : args.positionals()) {
    if (auto f = find_format(a)) formats.push_back(*f);
    else if (has_suffix(a, ".npy") || has_suffix(a, ".safetensors") || is_stdio(a)) files.push_back(a);
    else
      throw usage_error("'" + a + "' is neither a format nor a .npy or .safetensors file", true);
  }
  if (formats.empty()) throw usage_error("no FORMAT given (a scalar or block format name)", true);
  if (files.empty()) throw usage_error("no FILE given (.npy or .safetensors)", true);
  if (std::count(files.begin(), files.end(), std::string(io::standard_stream)) > 1)
    throw usage_error("'-' (standard input) is given more than once");
  if (svg) {
    if (is_stdio(*svg)) throw usage_error("--svg -: the table goes to standard output; give the chart a file name");
    for (const std::string& file : files) refuse_same_file(file, *svg, "--svg");
  }

  // Read and check every file before printing anything.
  std::vector<float_tensor> tensors;
  for (const std::string& file : files)
    for (float_tensor& t : read_tensor_file(file)) tensors.push_back(std::move(t));

  text_table table;
  table.add_column("tensor", text_table::align::left);
  table.add_column("format", text_table::align::left);
  table.add_column("on", text_table::align::left);
  for (const char* h : {"bits/element", "SQNR dB", "RMSE", "max abs", "max rel"}) table.add_column(h);
  std::vector<chart_point> points;
  for (const float_tensor& t : tensors) {
    const auto [rows, cols] = matrix_shape(t);
    for (const format_desc& f : formats) {
      const round_trip_result r = scaled_round_trip(f, t.values, rows, cols, isa);
      const quant::error_metrics m = quant::compare(r.reference, r.reconstructed);
      table.add_row({t.name, f.name, r.on_magnitudes ? "|x|" : "x", bits_cell(r.bits_per_element), sqnr_cell(m),
                     error_cell(m.rmse), error_cell(m.max_abs), error_cell(m.max_rel)});
      points.push_back({t.name, f.name, r.bits_per_element, m.sqnr_db});
    }
  }
  std::string out = table.str();
  out +=
      "\nBlock formats: blocked along the last dimension (rows = product of the others), nearest_even\n"
      "and saturate; a row length that is not a multiple of the block size is zero-padded.\n"
      "Scalar formats: per-tensor absmax scaling as in 'lowp report' (s = max|x| / max(format);\n"
      "x/s rounded to float32, encoded with nearest_even and saturate, decoded, times s);\n"
      "unsigned formats are measured on |x| (on: |x|).\n"
      "bits/element: storage per value including scales, NVFP4's tensor scale, the float32\n"
      "scale of scalar formats and any padding. SQNR = 10 log10(sum x^2 / sum (x - y)^2).\n";
  if (svg) {
    const std::string chart = pareto_svg(points, sqnr_chart_title);
    write_bytes(*svg, std::span(reinterpret_cast<const std::uint8_t*>(chart.data()), chart.size()));
  }
  std::fputs(out.c_str(), stdout);
  if (std::fflush(stdout) != 0) throw cli_error("cannot write to stdout", exit_bad_input);
  return exit_ok;
}

}  // namespace

const command error_command{
    "error",
    "FORMAT... FILE...",
    "round-trip error of formats on the tensors of .npy and .safetensors files",
    "Arguments that name a format (scalar or block) are formats; the others must be\n"
    ".npy or .safetensors files (float32, float16 or bfloat16 tensors; every tensor\n"
    "of a .safetensors file), or '-' for one read from standard input. --svg FILE\n"
    "must not be one of the inputs. For every tensor and format: the tensor is quantized\n"
    "and dequantized, and the table gives the storage bits per element and the\n"
    "SQNR (dB), RMSE, max abs and max rel error of the round trip (the notes under\n"
    "the table say how each kind of format is applied). All files are read and\n"
    "checked before anything is printed.\n",
    error_options,
    2,
    std::size_t(-1),
    run_error,
};

}  // namespace lowp::tool
