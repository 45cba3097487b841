#pragma once

// An aligned plain-text table: columns padded to their widest cell, numbers
// right-aligned. Widths count UTF-8 code points, so "–" takes one column.

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

namespace lowp::tool {

class text_table {
 public:
  enum class align { left, right };

  void add_column(std::string header, align a = align::right) { columns_.push_back({std::move(header), a}); }
  void add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

  std::string str() const {
    std::vector<std::size_t> width(columns_.size());
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      width[c] = display_width(columns_[c].header);
      for (const auto& row : rows_)
        if (c < row.size()) width[c] = std::max(width[c], display_width(row[c]));
    }
    std::string out = line(header_cells(), width);
    std::size_t rule = 0;
    for (std::size_t c = 0; c < width.size(); ++c) rule += width[c] + (c ? 2 : 0);
    out += std::string(rule, '-') + "\n";
    for (const auto& row : rows_) out += line(row, width);
    return out;
  }

 private:
  struct column {
    std::string header;
    align a;
  };

  static std::size_t display_width(const std::string& s) {
    return std::size_t(std::count_if(s.begin(), s.end(), [](char ch) { return (ch & 0xC0) != 0x80; }));
  }

  std::vector<std::string> header_cells() const {
    std::vector<std::string> cells;
    for (const auto& c : columns_) cells.push_back(c.header);
    return cells;
  }

  std::string line(const std::vector<std::string>& cells, const std::vector<std::size_t>& width) const {
    std::string out;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      const std::string cell = c < cells.size() ? cells[c] : std::string();
      const std::string pad(width[c] - display_width(cell), ' ');
      if (c) out += "  ";
      out += columns_[c].a == align::left ? cell + pad : pad + cell;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  }

  std::vector<column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace lowp::tool
