// lowp report: formats, then the round-trip accuracy of every scalar and
// block format on built-in tensors. Each section is one function listed in
// report_sections.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <tuple>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "accuracy_text.hpp"
#include "commands.hpp"
#include "lowp/threads.hpp"
#include "format_info.hpp"
#include "formats_text.hpp"
#include "lowp/isa.hpp"
#include "lowp/block/formats.hpp"
#include "lowp/kernels/convert.hpp"
#include "lowp/kernels/gemm.hpp"
#include "lowp/reference/block.hpp"
#include "lowp/quant/metrics.hpp"
#include "lowp/version.hpp"
#include "round_trip.hpp"
#include "tensor_codec.hpp"
#include "tensor_files.hpp"
#include "tensors.hpp"
#include "text_table.hpp"

namespace lowp::tool {

namespace {

struct report_context {
  std::string_view isa;
};

struct report_section {
  std::string_view title;
  std::string (*body)(const report_context&);
};

std::string format_fixed(const char* fmt, double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

// ---- formats ---------------------------------------------------------------

std::string formats_section(const report_context&) {
  return formats_text(all_format_infos()) +
         "\n'lowest' is the least finite value; '–' marks a limit the format does not have;\n"
         "NaN encoding: S = sign bit, m = mantissa bit. `lowp formats --json` prints exact values.\n";
}

// ---- round-trip accuracy ---------------------------------------------------

double abs_max(const std::vector<float>& x) {
  double m = 0;
  for (float v : x) m = std::fabs(double(v)) > m ? std::fabs(double(v)) : m;
  return m;
}

std::string tensor_summary(const std::vector<float>& x) {
  double sum = 0, sum2 = 0;
  for (float v : x) sum += v;
  const double mean = sum / double(x.size());
  for (float v : x) sum2 += (v - mean) * (v - mean);
  return format_fixed("mean %.4f", mean) + format_fixed(", std %.4f", std::sqrt(sum2 / double(x.size()))) +
         format_fixed(", max|x| %.4g", abs_max(x)) + "\n";
}

std::string accuracy_table(const std::vector<float>& signed_x, std::string_view isa) {
  std::vector<float> magnitudes(signed_x.size());
  for (std::size_t i = 0; i < signed_x.size(); ++i) magnitudes[i] = std::fabs(signed_x[i]);

  text_table t;
  t.add_column("format", text_table::align::left);
  t.add_column("bits");
  t.add_column("on", text_table::align::left);
  for (const char* h : {"raw SQNR", "raw RMSE", "raw max abs", "scaled SQNR", "scaled RMSE", "scaled max abs"})
    t.add_column(h);

  auto cells = [](const quant::error_metrics& m, std::vector<std::string>& row) {
    row.push_back(m.nonfinite ? "n/a" : format_fixed("%.2f", m.sqnr_db));
    row.push_back(format_fixed("%.3e", m.rmse));
    row.push_back(format_fixed("%.3e", m.max_abs));
  };
  for (const format_info& info : all_format_infos()) {
    const format_desc f = *find_format(info.name);
    const std::vector<float>& x = f.is_signed ? signed_x : magnitudes;
    std::vector<std::string> row{f.name, std::to_string(f.bits), f.is_signed ? "x" : "|x|"};
    if (f.is_float) {
      cells(quant::compare(x, raw_round_trip(f, x, isa)), row);
    } else {
      row.insert(row.end(), {"–", "–", "–"});
    }
    const round_trip_result scaled = scaled_round_trip(f, signed_x, 1, signed_x.size(), isa);
    cells(quant::compare(scaled.reference, scaled.reconstructed), row);
    t.add_row(std::move(row));
  }
  return t.str();
}

std::string accuracy_notes() {
  return "raw:    each value encoded as is (nearest_even, saturate), decoded. Not done for\n"
         "        integer formats.\n"
         "scaled: per-tensor absmax scaling, s = max|x| / max(format) in double: x/s rounded\n"
         "        to float32, encoded (nearest_even, saturate), decoded, multiplied by s.\n"
         "on:     unsigned formats are measured on |x|, signed ones on x.\n"
         "SQNR = 10 log10(sum x^2 / sum (x - y)^2) in dB; RMSE and max abs error in units of x.\n";
}

std::string gaussian_section(const report_context& c) {
  const std::vector<float> x = report_gaussian_tensor();
  return std::to_string(report_tensor_size) +
         " float32 values of N(0, 1), Box–Muller over lowp::stochastic_bits, seed " + std::to_string(gaussian_seed) +
         ".\n" + tensor_summary(x) + "\n" + accuracy_table(x, c.isa) + "\n" + accuracy_notes();
}

std::string outlier_section(const report_context& c) {
  const std::vector<float> x = report_heavy_tailed_tensor();
  std::size_t outliers = 0;
  for (std::size_t i = 0; i < x.size(); ++i) outliers += is_outlier(outlier_seed, i);
  return std::to_string(report_tensor_size) + " float32 values of N(0, 1), seed " + std::to_string(outlier_seed) +
         ", with " + std::to_string(outliers) +
         " outliers (0.1% of the elements, chosen by hash) multiplied by 100.\n" + tensor_summary(x) + "\n" +
         accuracy_table(x, c.isa) + "\nColumns as in the Gaussian section.\n";
}

// ---- block formats -------------------------------------------------------------

// Every block format on both built-in tensors, blocked along rows of report_cols.
std::vector<block_accuracy_row> block_accuracy(std::string_view isa) {
  const std::vector<float> g = report_gaussian_tensor();
  const std::vector<float> h = report_heavy_tailed_tensor();
  std::vector<block_accuracy_row> rows;
  for (const format_desc& f : block_format_descs()) {
    const round_trip_result rg = scaled_round_trip(f, g, report_rows, report_cols, isa);
    const round_trip_result rh = scaled_round_trip(f, h, report_rows, report_cols, isa);
    rows.push_back({f.name, rg.bits_per_element, quant::compare(rg.reference, rg.reconstructed),
                    quant::compare(rh.reference, rh.reconstructed)});
  }
  return rows;
}

std::string block_section(const report_context& c) {
  text_table t;  // block_accuracy_columns(), abbreviated
  t.add_column("format", text_table::align::left);
  for (const char* h : {"bits", "Gauss SQNR", "Gauss RMSE", "Gauss max abs", "heavy SQNR", "heavy RMSE",
                        "heavy max abs"})
    t.add_column(h);
  for (const block_accuracy_row& r : block_accuracy(c.isa)) t.add_row(block_accuracy_cells(r));
  return "The tensors of the two sections above as " + std::to_string(report_rows) + " rows of " +
         std::to_string(report_cols) + " values, blocked along the rows;\n"
         "each block format's own scale rule, elements nearest_even + saturate (ggml: as ggml).\n\n" +
         t.str() +
         "\nbits: storage bits per value, block scales and NVFP4's float32 tensor scale included.\n"
         "Gauss: the Gaussian tensor; heavy: the heavy-tailed one. SQNR in dB, RMSE and max abs\n"
         "error in units of x. docs/blocks.md explains each format and scale rule.\n";
}

// ---- kernel throughput ------------------------------------------------------

// Best of several runs, in G elements per second.
template <class F>
double best_rate(std::size_t elements, F&& kernel) {
  double best = 0;
  for (int rep = 0; rep < 7; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    kernel();
    const std::chrono::duration<double> dt = std::chrono::steady_clock::now() - t0;
    if (dt.count() > 0) best = std::max(best, double(elements) / dt.count() * 1e-9);
  }
  return best;
}

std::string throughput_section(const report_context&) {
  // The Gaussian tensor repeated to 2^20 values: 4 MiB of float32.
  const std::vector<float> base = report_gaussian_tensor();
  std::vector<float> x(std::size_t{1} << 20);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = base[i % base.size()];
  std::vector<float> y(x.size());
  std::vector<std::uint8_t> codes(x.size() * 2);

  text_table t;
  t.add_column("format", text_table::align::left);
  t.add_column("isa", text_table::align::left);
  t.add_column("encode G/s");
  t.add_column("decode G/s");
  auto row = [&]<class T>(type_tag<T>) {
    for (lowp::isa i : lowp::all_isas) {
      if (!lowp::isa_available(i)) continue;
      const packed_span<T> q(codes.data(), x.size());
      const double enc = best_rate(x.size(), [&] { lowp::quantize<T>(x, q, rounding::nearest_even, overflow::saturate, 0, 0, i); });
      const double dec = best_rate(x.size(), [&] { lowp::dequantize<T>(packed_span<const T>(q), y, i); });
      t.add_row({T::name, std::string(lowp::name(i)), format_fixed("%.2f", enc), format_fixed("%.2f", dec)});
    }
  };
  for_each_format<std::tuple<float8_e4m3fn, float8_e5m2, float6_e3m2fn, float4_e2m1fn, bfloat16, int4>>(row);
  const double copy = best_rate(x.size(), [&] { std::memcpy(y.data(), x.data(), x.size() * sizeof(float)); });
  char note[160];
  std::snprintf(note, sizeof note, "memcpy of the same float32 values: %.2f G elements/s.\n", copy);
  return "lowp::quantize (nearest_even + saturate) and lowp::dequantize of 2^20 values (4 MiB\n"
         "of float32, in cache on most machines), one thread, best of 7 runs; every ISA this\n"
         "build runs on this CPU. Timings vary from run to run; lowp_bench measures properly.\n\n" +
         t.str() + "\n" + note;
}

std::string gemm_section(const report_context&) {
  constexpr std::size_t n = 256, wn = 1024, wm = 64, vn = 2048;
  const std::vector<float> base = report_gaussian_tensor();
  auto values = [&](std::size_t count, std::size_t offset) {
    std::vector<float> v(count);
    for (std::size_t i = 0; i < count; ++i) v[i] = base[(i + offset) % base.size()];
    return v;
  };
  const std::vector<float> a = values(n * n, 0), b = values(n * n, 7), w = values(wn * wn, 3), x = values(vn, 11);
  const std::vector<float> act = values(wm * wn, 5), gv = values(vn * vn, 13);
  std::vector<std::uint8_t> a8(n * n);
  std::vector<std::int8_t> b8(n * n);
  for (std::size_t i = 0; i < n * n; ++i) {
    a8[i] = std::uint8_t(std::lround(std::fabs(a[i]) * 60) & 0xff);
    b8[i] = std::int8_t(std::clamp(std::lround(b[i] * 40), -128L, 127L));
  }
  const std::vector<std::uint8_t> wq = lowp::reference::quantize<mxfp4>(w, wn, wn);
  const std::vector<std::uint8_t> gq = lowp::reference::quantize<ggml_q4_0>(gv, vn, vn);
  const block_matrix_view<ggml_q4_0> gqv(gq.data(), vn, vn, padding::none);
  const block_matrix_view<mxfp4> wv(wq.data(), wn, wn, padding::none);
  std::vector<float> c(std::max(n * n, wm * wn)), y(vn);
  std::vector<std::int32_t> c32(n * n);

  text_table t;
  t.add_column("isa", text_table::align::left);
  t.add_column("f32 GEMM GFLOP/s");
  t.add_column("mxfp4 x f32 GFLOP/s");
  t.add_column("u8 x s8 GEMM GOP/s");
  t.add_column("f32 GEMV GB/s");
  t.add_column("q4_0 x s8 GEMV GB/s");
  const double ops = 2.0 * double(n) * double(n) * double(n), wops = 2.0 * double(wm) * double(wn) * double(wn);
  for (lowp::isa i : lowp::all_isas) {
    if (!lowp::isa_available(i)) continue;
    const double f32 = best_rate(std::size_t(ops), [&] {
      gemm(1.0f, matrix_view<const float>(a.data(), n, n), matrix_view<const float>(b.data(), n, n), 0.0f,
           matrix_view<float>(c.data(), n, n), i);
    });
    const double wo = best_rate(std::size_t(wops), [&] {
      gemm(1.0f, matrix_view<const float>(act.data(), wm, wn), wv.transposed(), 0.0f,
           matrix_view<float>(c.data(), wm, wn), i);
    });
    const double i8 = best_rate(std::size_t(ops), [&] {
      gemm(std::int32_t(1), matrix_view<const std::uint8_t>(a8.data(), n, n),
           matrix_view<const std::int8_t>(b8.data(), n, n), std::int32_t(0), matrix_view<std::int32_t>(c32.data(), n, n),
           i);
    });
    const double mv = best_rate(vn * vn * sizeof(float), [&] {
      gemv(1.0f, matrix_view<const float>(gv.data(), vn, vn), x.data(), vn, 0.0f, y.data(), vn, i);
    });
    const double q4 = best_rate(gq.size(), [&] {
      gemv(1.0f, gqv, x.data(), vn, 0.0f, y.data(), vn, gemv_options{activation_quantization::per_block}, i);
    });
    t.add_row({std::string(lowp::name(i)), format_fixed("%.1f", f32), format_fixed("%.1f", wo),
               format_fixed("%.1f", i8), format_fixed("%.1f", mv), format_fixed("%.1f", q4)});
  }
  return "lowp::gemm and lowp::gemv (datapath::fast), one thread, best of 7 runs: float32\n"
         "256 x 256 x 256; 64 x 1024 activations times 1024 x 1024 mxfp4 weights decoded while\n"
         "packed; uint8 x int8 -> int32 256 x 256 x 256; GEMV on 2048 x 2048 weights, float32\n"
         "(16 MiB) and ggml_q4_0 times the activations quantized per block to int8 inside the\n"
         "call (bytes of weights per second). scalar is the portable engine. Small sizes,\n"
         "in cache; lowp_bench measures the large ones against OpenBLAS and oneDNN\n"
         "(docs/benchmarks.md).\n\n" +
         t.str();
}

// ---- the report ------------------------------------------------------------

const report_section report_sections[] = {
    {"Scalar formats", formats_section},
    {"Round-trip error: Gaussian tensor", gaussian_section},
    {"Round-trip error: heavy-tailed tensor", outlier_section},
    {"Round-trip error: block formats", block_section},
    {"Conversion kernel throughput per ISA", throughput_section},
    {"GEMM and GEMV kernel throughput per ISA", gemm_section},
};

constexpr option_spec report_options[] = {
    isa_option,
    {"--write-tensors", "DIR", "write the built-in tensors as DIR/gaussian.npy and DIR/heavy_tailed.npy", true},
    {"--blocks-markdown", "", "print the block format table of docs/blocks.md", true},
};

// Maintainers' options: the inputs of docs/blocks_pareto.svg, the table of docs/blocks.md.
int write_tensors(const std::string& dir) {
  if (dir.empty()) throw usage_error("--write-tensors needs a directory");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw cli_error(dir + ": cannot create the directory: " + ec.message(), exit_bad_input);
  const std::pair<const char*, std::vector<float>> tensors[] = {{"gaussian.npy", report_gaussian_tensor()},
                                                                 {"heavy_tailed.npy", report_heavy_tailed_tensor()}};
  for (const auto& [file, values] : tensors) {
    const std::string path = (std::filesystem::path(dir) / file).string();
    write_float_output(path, values, {report_rows, report_cols});
    std::printf("%s\n", path.c_str());
  }
  return exit_ok;
}

int run_report(const parsed_args& args) {
  const report_context context{isa_from(args)};
  // The throughput sections run lowp::gemm, which reads LOWP_NUM_THREADS: a bad
  // value is reported before anything is printed.
  (void)lowp::num_threads();
  if (const auto dir = args.value("--write-tensors")) return write_tensors(*dir);
  if (args.flag("--blocks-markdown")) {
    std::fputs(block_accuracy_markdown(block_accuracy(context.isa)).c_str(), stdout);
    if (std::fflush(stdout) != 0) throw cli_error("cannot write to stdout", exit_bad_input);
    return exit_ok;
  }
  // Printed section by section as each is ready (the throughput sections take
  // seconds); the checks above run first, so a bad setting prints nothing.
  std::printf("lowp %d.%d.%d report (isa: %.*s)\n", LOWP_VERSION_MAJOR, LOWP_VERSION_MINOR, LOWP_VERSION_PATCH,
              int(context.isa.size()), context.isa.data());
  for (const report_section& s : report_sections) {
    const std::string body = s.body(context);
    std::printf("\n== %.*s ==\n\n%s", int(s.title.size()), s.title.data(), body.c_str());
    std::fflush(stdout);
  }
  if (std::fflush(stdout) != 0) throw cli_error("cannot write to stdout", exit_bad_input);
  return exit_ok;
}

}  // namespace

const command report_command{
    "report",
    "",
    "formats, and round-trip accuracy of every format on built-in tensors",
    "Sections: the scalar formats table; round-trip error (SQNR, RMSE, max abs) of every\n"
    "scalar format on a Gaussian and on a heavy-tailed built-in tensor, raw and with a\n"
    "per-tensor absmax scale; the same for every block format, with its bits per\n"
    "element. The tensors are the same on every platform. Last, the throughput of the\n"
    "conversion kernels and of GEMM/GEMV on every ISA this build runs on this CPU.\n",
    report_options,
    0,
    0,
    run_report,
};

}  // namespace lowp::tool
