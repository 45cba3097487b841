#pragma once

// A minimal XML well-formedness check for the SVG that `lowp error --svg`
// writes: balanced tags, quoted attributes, only the predefined entities,
// one root element. It also collects the text of every <text> element.

#include <cctype>
#include <string>
#include <vector>

namespace lowp_test {

struct xml_summary {
  std::string problem;             // empty when well-formed
  std::string root;                // the root element's name
  std::vector<std::string> texts;  // contents of <text> elements, entities decoded
};

inline xml_summary check_xml(const std::string& s) {
  xml_summary out;
  std::vector<std::string> open;
  std::size_t roots = 0;
  std::string text;  // character data of the innermost element
  auto fail = [&](const std::string& what, std::size_t at) {
    out.problem = what + " at offset " + std::to_string(at);
    return out;
  };
  auto name_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == ':' || c == '-' || c == '.';
  };
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '&') {
      const std::size_t semi = s.find(';', i);
      if (semi == std::string::npos) return fail("unterminated entity", i);
      const std::string e = s.substr(i + 1, semi - i - 1);
      const char* decoded = e == "amp" ? "&" : e == "lt" ? "<" : e == "gt" ? ">" : e == "quot" ? "\"" : e == "apos" ? "'" : nullptr;
      if (decoded == nullptr) return fail("unknown entity &" + e + ";", i);
      text += decoded;
      i = semi + 1;
      continue;
    }
    if (s[i] != '<') {
      if (open.empty() && std::isspace(static_cast<unsigned char>(s[i])) == 0) return fail("text outside the root", i);
      text += s[i++];
      continue;
    }
    if (s.compare(i, 4, "<!--") == 0) {
      const std::size_t end = s.find("-->", i);
      if (end == std::string::npos) return fail("unterminated comment", i);
      i = end + 3;
      continue;
    }
    if (s.compare(i, 2, "<?") == 0) {
      const std::size_t end = s.find("?>", i);
      if (end == std::string::npos) return fail("unterminated processing instruction", i);
      i = end + 2;
      continue;
    }
    const bool closing = s.compare(i, 2, "</") == 0;
    std::size_t j = i + (closing ? 2 : 1);
    const std::size_t name_start = j;
    while (j < s.size() && name_char(s[j])) ++j;
    const std::string name = s.substr(name_start, j - name_start);
    if (name.empty()) return fail("tag without a name", i);
    if (closing) {
      while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j])) != 0) ++j;
      if (j >= s.size() || s[j] != '>') return fail("malformed end tag", i);
      if (open.empty() || open.back() != name) return fail("end tag </" + name + "> does not match", i);
      if (name == "text") out.texts.push_back(text);
      open.pop_back();
      i = j + 1;
      continue;
    }
    bool self_closing = false;
    for (;;) {
      while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j])) != 0) ++j;
      if (j >= s.size()) return fail("unterminated tag <" + name + ">", i);
      if (s[j] == '>') break;
      if (s.compare(j, 2, "/>") == 0) {
        self_closing = true;
        ++j;
        break;
      }
      const std::size_t attr_start = j;
      while (j < s.size() && name_char(s[j])) ++j;
      if (j == attr_start) return fail("malformed attribute in <" + name + ">", j);
      if (j >= s.size() || s[j] != '=') return fail("attribute without a value in <" + name + ">", j);
      ++j;
      if (j >= s.size() || (s[j] != '"' && s[j] != '\'')) return fail("unquoted attribute in <" + name + ">", j);
      const std::size_t close = s.find(s[j], j + 1);
      if (close == std::string::npos || s.find('<', j + 1) < close) return fail("unterminated attribute value", j);
      j = close + 1;
    }
    if (open.empty()) {
      if (++roots > 1) return fail("a second root element", i);
      out.root = name;
    }
    if (!self_closing) {
      open.push_back(name);
      text.clear();
    }
    i = j + 1;
  }
  if (!open.empty()) return fail("unclosed element <" + open.back() + ">", s.size());
  if (roots == 0) return fail("no root element", 0);
  return out;
}

}  // namespace lowp_test
