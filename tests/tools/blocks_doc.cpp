// docs/blocks.md's accuracy table and docs/blocks_pareto.svg against the
// round trips of lowp::reference on the built-in tensors of `lowp report`
// (tools/lowp/tensors.hpp), and the SVG chart's structure. Runs in every
// build, with or without the tool.

#include <catch2/catch.hpp>

#include "markdown_table.hpp"

#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../../tools/lowp/accuracy_text.hpp"
#include "../../tools/lowp/pareto_svg.hpp"
#include "../../tools/lowp/tensors.hpp"
#include "lowp/block/formats.hpp"
#include "lowp/quant/metrics.hpp"
#include "lowp/reference/block.hpp"
#include "xml_check.hpp"

namespace {

using lowp::tool::block_accuracy_row;

using lowp_doc_test::read_text;

using lowp_doc_test::cells_of;
using lowp_doc_test::trim;

// Every block format on the two report tensors, through the scalar reference.
const std::vector<block_accuracy_row>& reference_rows() {
  static const std::vector<block_accuracy_row> rows = [] {
    const std::vector<float> g = lowp::tool::report_gaussian_tensor();
    const std::vector<float> h = lowp::tool::report_heavy_tailed_tensor();
    constexpr std::size_t R = lowp::tool::report_rows, C = lowp::tool::report_cols;
    std::vector<block_accuracy_row> out;
    lowp::for_each_format<lowp::block_formats>([&]<class BF>(lowp::type_tag<BF>) {
      auto round_trip = [&](const std::vector<float>& x) {
        return lowp::reference::dequantize<BF>(lowp::reference::quantize<BF>(x, R, C), R, C);
      };
      out.push_back({BF::name,
                     lowp::tool::effective_bits(lowp::reference::raw_bytes<BF>(R, C), R * C),
                     lowp::quant::compare(g, round_trip(g)), lowp::quant::compare(h, round_trip(h))});
    });
    return out;
  }();
  return rows;
}

}  // namespace

TEST_CASE("docs/blocks.md accuracy table matches the reference round trips", "[tools][blocks][docs]") {
  std::vector<std::string> lines;
  {
    std::istringstream in(read_text(LOWP_SOURCE_DIR "/docs/blocks.md"));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  const std::vector<std::string>& columns = lowp::tool::block_accuracy_columns();
  std::size_t header = lines.size();
  for (std::size_t i = 0; i < lines.size(); ++i)
    if (cells_of(lines[i]) == columns) {
      REQUIRE(header == lines.size());  // exactly one accuracy table
      header = i;
    }
  INFO("regenerate the table with: lowp report --blocks-markdown");
  REQUIRE(header + 1 < lines.size());

  std::map<std::string, const block_accuracy_row*> expected;
  for (const block_accuracy_row& r : reference_rows()) expected[r.format] = &r;
  std::map<std::string, int> seen;
  for (std::size_t i = header + 2; i < lines.size() && !cells_of(lines[i]).empty(); ++i) {
    std::vector<std::string> cells = cells_of(lines[i]);
    INFO("docs/blocks.md line " << i + 1 << ": " << lines[i]);
    REQUIRE(cells.size() == columns.size());
    std::string name = cells[0];
    if (name.size() >= 2 && name.front() == '`' && name.back() == '`') name = name.substr(1, name.size() - 2);
    REQUIRE(expected.count(name) == 1);
    ++seen[name];
    const std::vector<std::string> want = lowp::tool::block_accuracy_cells(*expected[name]);
    for (std::size_t c = 1; c < columns.size(); ++c) {
      INFO("column '" << columns[c] << "'");
      CHECK(cells[c] == want[c]);
    }
  }
  for (const auto& [name, row] : expected) {
    INFO(name);
    CHECK(seen[name] == 1);
  }
  // The Markdown that `lowp report --blocks-markdown` prints is the table itself.
  CHECK(lowp::tool::block_accuracy_markdown(reference_rows()).find(lines[header + 2]) != std::string::npos);
}

TEST_CASE("docs/blocks_pareto.svg is the chart of the reference round trips", "[tools][blocks][docs]") {
  // The points `lowp error <every block format> gaussian.npy heavy_tailed.npy --svg`
  // draws (docs/blocks.md): tensors in file order, formats in argument order.
  std::vector<lowp::tool::chart_point> points;
  for (const char* tensor : {"gaussian.npy", "heavy_tailed.npy"})
    for (const block_accuracy_row& r : reference_rows())
      points.push_back({tensor, r.format, r.bits_per_element,
                        (tensor[0] == 'g' ? r.gaussian : r.heavy_tailed).sqnr_db});
  const std::string svg = lowp::tool::pareto_svg(points, lowp::tool::sqnr_chart_title);
  INFO("regenerate docs/blocks_pareto.svg with the commands in docs/blocks.md");
  CHECK(read_text(LOWP_SOURCE_DIR "/docs/blocks_pareto.svg") == svg);
}

TEST_CASE("pareto_svg: well-formed, every point labelled, escapes names", "[tools][svg]") {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<lowp::tool::chart_point> points{
      {"a<b&\"c\".npy", "mxfp4", 4.25, 17.5},  {"a<b&\"c\".npy", "nvfp4", 4.5, 20.25},
      {"a<b&\"c\".npy", "int8", 8.0005, 39.7}, {"t2.safetensors:w", "mxfp4", 4.25, 17.6},
      {"t2.safetensors:w", "bfloat16", 16.0005, inf},  // exact: not drawn
  };
  const std::string svg = lowp::tool::pareto_svg(points, "title & <more>");
  CHECK(svg.rfind("<svg ", 0) == 0);
  const lowp_test::xml_summary xml = lowp_test::check_xml(svg);
  INFO(xml.problem);
  REQUIRE(xml.problem.empty());
  CHECK(xml.root == "svg");
  auto count = [&](const std::string& text) {
    std::size_t n = 0;
    for (const std::string& t : xml.texts) n += t == text;
    return n;
  };
  CHECK(count("mxfp4") == 2);
  CHECK(count("nvfp4") == 1);
  CHECK(count("int8") == 1);
  CHECK(count("bfloat16") == 0);
  CHECK(count("a<b&\"c\".npy") == 1);  // legend
  CHECK(count("t2.safetensors:w") == 1);
  CHECK(count("title & <more>") == 1);
  CHECK(count("1 point not drawn") == 1);
  // Axis titles and at least three numeric ticks on each axis.
  CHECK(count("SQNR (dB)") == 1);
  std::size_t numbers = 0;
  for (const std::string& t : xml.texts)
    numbers += !t.empty() && t.find_first_not_of("0123456789.-") == std::string::npos;
  CHECK(numbers >= 6);
  // Deterministic: the same points give the same bytes.
  CHECK(lowp::tool::pareto_svg(points, "title & <more>") == svg);
  // No points at all still gives a document.
  CHECK(lowp_test::check_xml(lowp::tool::pareto_svg({}, "empty")).problem.empty());
}
