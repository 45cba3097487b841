#pragma once

// The chart of `lowp error --svg`: SQNR (dB) against storage bits per element,
// one labelled point per format and tensor, one colour and marker per tensor,
// and each tensor's Pareto frontier. A self-contained SVG 1.1 document,
// written by hand; the same points always give the same bytes.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace lowp::tool {

// The title of the chart of `lowp error --svg`.
inline constexpr std::string_view sqnr_chart_title = "Round-trip SQNR against storage bits per element";

struct chart_point {
  std::string series;  // the tensor
  std::string label;   // the format
  double bits = 0;     // x: bits per element
  double sqnr_db = 0;  // y
};

namespace detail {

inline std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control characters are not allowed in XML 1.0.
        out += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
    }
  }
  return out;
}

inline std::string coord(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// A tick label: the shortest of %g with up to 6 significant digits.
inline std::string tick_text(double v) {
  if (std::fabs(v) < 1e-9) v = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// Ticks at multiples of 1, 2, 2.5 or 5 times a power of ten covering
// [lo, hi] with at most 8 intervals; lo and hi are widened to ticks.
struct axis {
  double lo = 0, hi = 1, step = 1;

  axis(double min_value, double max_value) {
    double span = max_value - min_value;
    if (!(span > 0)) {
      const double half = std::max(0.5, std::fabs(min_value) * 0.05);
      min_value -= half;
      max_value += half;
      span = max_value - min_value;
    }
    min_value -= span * 0.04;
    max_value += span * 0.04;
    span = max_value - min_value;
    const double base = std::pow(10.0, std::floor(std::log10(span / 8)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
      step = m * base;
      if (span / step <= 8) break;
    }
    lo = std::floor(min_value / step) * step;
    hi = std::ceil(max_value / step) * step;
  }

  std::vector<double> ticks() const {
    std::vector<double> t;
    const long n = std::lround((hi - lo) / step);
    for (long i = 0; i <= n; ++i) t.push_back(lo + double(i) * step);
    return t;
  }
};

struct box {
  double x0, y0, x1, y1;
  bool overlaps(const box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

inline const char* series_colour(std::size_t i) {
  static constexpr const char* colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
                                            "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};
  return colours[i % 10];
}

// Marker of series i centred on (x, y): circle, square, triangle, diamond.
inline std::string marker(std::size_t i, double x, double y, const char* colour) {
  const std::string fill = "fill=\"" + std::string(colour) + "\"";
  switch ((i / 10 + i) % 4) {
    case 0: return "<circle cx=\"" + coord(x) + "\" cy=\"" + coord(y) + "\" r=\"3.5\" " + fill + "/>";
    case 1:
      return "<rect x=\"" + coord(x - 3.2) + "\" y=\"" + coord(y - 3.2) + "\" width=\"6.4\" height=\"6.4\" " + fill +
             "/>";
    case 2:
      return "<polygon points=\"" + coord(x) + "," + coord(y - 4.2) + " " + coord(x - 4) + "," + coord(y + 3) + " " +
             coord(x + 4) + "," + coord(y + 3) + "\" " + fill + "/>";
    default:
      return "<polygon points=\"" + coord(x) + "," + coord(y - 4.5) + " " + coord(x + 4.5) + "," + coord(y) + " " +
             coord(x) + "," + coord(y + 4.5) + " " + coord(x - 4.5) + "," + coord(y) + "\" " + fill + "/>";
  }
}

}  // namespace detail

// The chart of `points`; points whose bits or SQNR are not finite are left
// out and counted in a note.
inline std::string pareto_svg(const std::vector<chart_point>& points, std::string_view title) {
  using detail::coord;
  using detail::xml_escape;
  constexpr double width = 980, height = 660;
  constexpr double left = 72, right = 760, top = 48, bottom = 596;  // the plot area
  constexpr double char_width = 6.0, label_height = 10;               // 10px monospace

  std::vector<chart_point> shown;
  std::size_t omitted = 0;
  for (const chart_point& p : points) {
    if (std::isfinite(p.bits) && std::isfinite(p.sqnr_db)) shown.push_back(p);
    else ++omitted;
  }
  std::vector<std::string> series;
  for (const chart_point& p : points)
    if (std::find(series.begin(), series.end(), p.series) == series.end()) series.push_back(p.series);
  auto series_index = [&](const std::string& s) {
    return std::size_t(std::find(series.begin(), series.end(), s) - series.begin());
  };

  double xmin = 0, xmax = 1, ymin = 0, ymax = 1;
  if (!shown.empty()) {
    xmin = xmax = shown[0].bits;
    ymin = ymax = shown[0].sqnr_db;
    for (const chart_point& p : shown) {
      xmin = std::min(xmin, p.bits), xmax = std::max(xmax, p.bits);
      ymin = std::min(ymin, p.sqnr_db), ymax = std::max(ymax, p.sqnr_db);
    }
  }
  const detail::axis ax(xmin, xmax), ay(ymin, ymax);
  auto px = [&](double v) { return left + (v - ax.lo) / (ax.hi - ax.lo) * (right - left); };
  auto py = [&](double v) { return bottom - (v - ay.lo) / (ay.hi - ay.lo) * (bottom - top); };

  std::string s;
  s += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + coord(width) + "\" height=\"" +
       coord(height) + "\" viewBox=\"0 0 " + coord(width) + " " + coord(height) +
       "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n";
  s += "<title>" + xml_escape(title) + "</title>\n";
  s += "<rect x=\"0\" y=\"0\" width=\"" + coord(width) + "\" height=\"" + coord(height) + "\" fill=\"white\"/>\n";
  s += "<text x=\"" + coord((left + right) / 2) + "\" y=\"28\" font-size=\"16\" text-anchor=\"middle\">" +
       xml_escape(title) + "</text>\n";

  // Grid, ticks and axes.
  s += "<g stroke=\"#e4e4e4\" stroke-width=\"1\">\n";
  for (double t : ax.ticks())
    s += "<line x1=\"" + coord(px(t)) + "\" y1=\"" + coord(top) + "\" x2=\"" + coord(px(t)) + "\" y2=\"" +
         coord(bottom) + "\"/>\n";
  for (double t : ay.ticks())
    s += "<line x1=\"" + coord(left) + "\" y1=\"" + coord(py(t)) + "\" x2=\"" + coord(right) + "\" y2=\"" +
         coord(py(t)) + "\"/>\n";
  s += "</g>\n";
  s += "<rect x=\"" + coord(left) + "\" y=\"" + coord(top) + "\" width=\"" + coord(right - left) + "\" height=\"" +
       coord(bottom - top) + "\" fill=\"none\" stroke=\"black\"/>\n";
  s += "<g font-size=\"12\" text-anchor=\"middle\">\n";
  for (double t : ax.ticks()) {
    s += "<line x1=\"" + coord(px(t)) + "\" y1=\"" + coord(bottom) + "\" x2=\"" + coord(px(t)) + "\" y2=\"" +
         coord(bottom + 5) + "\" stroke=\"black\"/>\n";
    s += "<text x=\"" + coord(px(t)) + "\" y=\"" + coord(bottom + 19) + "\">" + detail::tick_text(t) + "</text>\n";
  }
  s += "</g>\n<g font-size=\"12\" text-anchor=\"end\">\n";
  for (double t : ay.ticks()) {
    s += "<line x1=\"" + coord(left - 5) + "\" y1=\"" + coord(py(t)) + "\" x2=\"" + coord(left) + "\" y2=\"" +
         coord(py(t)) + "\" stroke=\"black\"/>\n";
    s += "<text x=\"" + coord(left - 8) + "\" y=\"" + coord(py(t) + 4) + "\">" + detail::tick_text(t) + "</text>\n";
  }
  s += "</g>\n";
  s += "<text x=\"" + coord((left + right) / 2) + "\" y=\"" + coord(bottom + 42) +
       "\" font-size=\"13\" text-anchor=\"middle\">bits per element (storage: elements, scales, padding)</text>\n";
  s += "<text x=\"20\" y=\"" + coord((top + bottom) / 2) + "\" font-size=\"13\" text-anchor=\"middle\" transform=\"rotate(-90 20 " +
       coord((top + bottom) / 2) + ")\">SQNR (dB)</text>\n";

  // Each series' Pareto frontier: the points that no point of the series
  // beats with as few bits or fewer.
  for (std::size_t k = 0; k < series.size(); ++k) {
    std::vector<const chart_point*> pts;
    for (const chart_point& p : shown)
      if (p.series == series[k]) pts.push_back(&p);
    std::stable_sort(pts.begin(), pts.end(), [](const chart_point* a, const chart_point* b) {
      return a->bits != b->bits ? a->bits < b->bits : a->sqnr_db > b->sqnr_db;
    });
    std::string line;
    double best = -INFINITY;
    for (const chart_point* p : pts) {
      if (p->sqnr_db <= best) continue;
      best = p->sqnr_db;
      line += (line.empty() ? "" : " ") + coord(px(p->bits)) + "," + coord(py(p->sqnr_db));
    }
    if (!line.empty())
      s += "<polyline points=\"" + line + "\" fill=\"none\" stroke=\"" + detail::series_colour(k) +
           "\" stroke-width=\"1.2\" stroke-dasharray=\"5,4\" stroke-opacity=\"0.7\"/>\n";
  }

  // Points.
  std::vector<detail::box> taken;
  for (const chart_point& p : shown) {
    const std::size_t k = series_index(p.series);
    s += detail::marker(k, px(p.bits), py(p.sqnr_db), detail::series_colour(k)) + "\n";
    taken.push_back({px(p.bits) - 4.5, py(p.sqnr_db) - 4.5, px(p.bits) + 4.5, py(p.sqnr_db) + 4.5});
  }

  // Labels, top to bottom: right of the point, else nudged up or down, else
  // left of it, whichever place is free first; a nudged label gets a leader.
  std::vector<std::size_t> order(shown.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return shown[a].sqnr_db > shown[b].sqnr_db; });
  s += "<g font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"10\">\n";
  for (std::size_t i : order) {
    const chart_point& p = shown[i];
    const std::size_t k = series_index(p.series);
    const double x = px(p.bits), y = py(p.sqnr_db);
    const double w = char_width * double(p.label.size());
    detail::box chosen{x + 7, y - label_height / 2, x + 7 + w, y + label_height / 2};
    bool found = false;
    for (int side = 0; side < 2 && !found; ++side) {
      for (int step = 0; step <= 16 && !found; ++step) {
        const double dy = (step % 2 == 1 ? -1.0 : 1.0) * double((step + 1) / 2) * (label_height + 1);
        const double x0 = side == 0 ? x + 7 : x - 7 - w;
        const detail::box b{x0, y + dy - label_height / 2, x0 + w, y + dy + label_height / 2};
        if (b.x0 < left + 1 || b.x1 > right - 1 || b.y0 < top + 1 || b.y1 > bottom - 1) continue;
        bool clear = true;
        for (const detail::box& t : taken) clear = clear && !b.overlaps(t);
        if (clear) chosen = b, found = true;
      }
    }
    taken.push_back(chosen);
    const double label_y = (chosen.y0 + chosen.y1) / 2;
    if (std::fabs(label_y - y) > 1) {
      const double lx = chosen.x0 > x ? chosen.x0 - 1 : chosen.x1 + 1;
      s += "<line x1=\"" + coord(x) + "\" y1=\"" + coord(y) + "\" x2=\"" + coord(lx) + "\" y2=\"" + coord(label_y) +
           "\" stroke=\"" + detail::series_colour(k) + "\" stroke-width=\"0.6\" stroke-opacity=\"0.6\"/>\n";
    }
    s += "<text x=\"" + coord(chosen.x0) + "\" y=\"" + coord(label_y + 3.5) + "\" fill=\"" + detail::series_colour(k) +
         "\">" + xml_escape(p.label) + "</text>\n";
  }
  s += "</g>\n";

  // Legend: one entry per series, then the notes.
  double ly = top + 8;
  s += "<g font-size=\"12\">\n";
  for (std::size_t k = 0; k < series.size(); ++k) {
    s += detail::marker(k, right + 22, ly, detail::series_colour(k)) + "\n";
    s += "<text x=\"" + coord(right + 34) + "\" y=\"" + coord(ly + 4) + "\">" + xml_escape(series[k]) + "</text>\n";
    ly += 20;
  }
  s += "<line x1=\"" + coord(right + 12) + "\" y1=\"" + coord(ly) + "\" x2=\"" + coord(right + 30) + "\" y2=\"" +
       coord(ly) + "\" stroke=\"black\" stroke-dasharray=\"5,4\"/>\n";
  s += "<text x=\"" + coord(right + 34) + "\" y=\"" + coord(ly + 4) + "\">Pareto frontier</text>\n";
  if (omitted != 0)
    s += "<text x=\"" + coord(right + 12) + "\" y=\"" + coord(ly + 24) + "\">" + std::to_string(omitted) +
         (omitted == 1 ? " point" : " points") + " not drawn</text>\n<text x=\"" + coord(right + 12) + "\" y=\"" +
         coord(ly + 40) + "\">(exact, empty or non-finite)</text>\n";
  s += "</g>\n</svg>\n";
  return s;
}

}  // namespace lowp::tool
