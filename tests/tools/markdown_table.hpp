#pragma once

// Reading docs/ files and their Markdown tables, for the tests that keep docs and code in step.

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace lowp_doc_test {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  return s;
}

// Cells of a Markdown table row "| a | b |"; empty for other lines.
inline std::vector<std::string> cells_of(const std::string& line) {
  std::vector<std::string> cells;
  std::string t = trim(line);
  if (t.size() < 2 || t.front() != '|' || t.back() != '|') return cells;
  t = t.substr(1, t.size() - 2);
  std::size_t start = 0;
  for (;;) {
    const std::size_t bar = t.find('|', start);
    cells.push_back(trim(t.substr(start, bar - start)));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return cells;
}

}  // namespace lowp_doc_test
