// lowp report: formats, then the round-trip accuracy of every scalar format
// on built-in tensors. Each section is one function listed in report_sections.

#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "format_info.hpp"
#include "formats_text.hpp"
#include "lowp/format/convert.hpp"
#include "lowp/quant/metrics.hpp"
#include "lowp/version.hpp"
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

constexpr std::size_t tensor_size = 65536;
constexpr std::uint64_t gaussian_seed = 1;
constexpr std::uint64_t outlier_seed = 2;

// x -> code -> value with nearest_even + saturate; `scale` divides before
// encoding and multiplies after decoding.
template <class T>
std::vector<float> round_trip(const std::vector<float>& x, double scale) {
  std::vector<float> y(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const auto code = encode<T>(double(x[i]) / scale, rounding::nearest_even, overflow::saturate);
    y[i] = float(double(decode<T>(code)) * scale);
  }
  return y;
}

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

std::string accuracy_table(const std::vector<float>& signed_x) {
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
  for_each_format<scalar_formats>([&]<class T>(type_tag<T>) {
    const format_info f = describe<T>();
    const std::vector<float>& x = f.is_signed ? signed_x : magnitudes;
    std::vector<std::string> row{f.name, std::to_string(f.bits), f.is_signed ? "x" : "|x|"};
    if (f.is_float) {
      cells(quant::compare(x, round_trip<T>(x, 1.0)), row);
    } else {
      row.insert(row.end(), {"–", "–", "–"});
    }
    const double amax = abs_max(x);
    cells(quant::compare(x, round_trip<T>(x, amax > 0 ? amax / f.max : 1.0)), row);
    t.add_row(std::move(row));
  });
  return t.str();
}

std::string accuracy_notes() {
  return "raw:    each value encoded as is (nearest_even, saturate), decoded. Not done for\n"
         "        integer formats.\n"
         "scaled: per-tensor absmax scaling, s = max|x| / max(format) in double: x/s encoded\n"
         "        (nearest_even, saturate), decoded, multiplied by s.\n"
         "on:     unsigned formats are measured on |x|, signed ones on x.\n"
         "SQNR = 10 log10(sum x^2 / sum (x - y)^2) in dB; RMSE and max abs error in units of x.\n";
}

std::string gaussian_section(const report_context&) {
  const std::vector<float> x = gaussian_tensor(tensor_size, gaussian_seed);
  return std::to_string(tensor_size) + " float32 values of N(0, 1), Box–Muller over lowp::stochastic_bits, seed " +
         std::to_string(gaussian_seed) + ".\n" + tensor_summary(x) + "\n" + accuracy_table(x) + "\n" +
         accuracy_notes();
}

std::string outlier_section(const report_context&) {
  const std::vector<float> x = outlier_tensor(tensor_size, outlier_seed);
  std::size_t outliers = 0;
  for (std::size_t i = 0; i < x.size(); ++i) outliers += is_outlier(outlier_seed, i);
  return std::to_string(tensor_size) + " float32 values of N(0, 1), seed " + std::to_string(outlier_seed) + ", with " +
         std::to_string(outliers) + " outliers (0.1% of the elements, chosen by hash) multiplied by 100.\n" +
         tensor_summary(x) + "\n" + accuracy_table(x) + "\nColumns as in the Gaussian section.\n";
}

// ---- the report ------------------------------------------------------------

const report_section report_sections[] = {
    {"Scalar formats", formats_section},
    {"Round-trip error: Gaussian tensor", gaussian_section},
    {"Round-trip error: heavy-tailed tensor", outlier_section},
};

constexpr option_spec report_options[] = {isa_option};

int run_report(const parsed_args& args) {
  const report_context context{isa_from(args)};
  std::printf("lowp %d.%d.%d report (isa: %.*s)\n", LOWP_VERSION_MAJOR, LOWP_VERSION_MINOR, LOWP_VERSION_PATCH,
              int(context.isa.size()), context.isa.data());
  for (const report_section& s : report_sections) {
    const std::string body = s.body(context);
    std::printf("\n== %.*s ==\n\n%s", int(s.title.size()), s.title.data(), body.c_str());
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
    "per-tensor absmax scale. The tensors are the same on every platform.\n",
    report_options,
    0,
    0,
    run_report,
};

}  // namespace lowp::tool
