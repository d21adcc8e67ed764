// CSV reading for the data files (see csv.hpp).
#include "directory/csv.hpp"

#include <charconv>
#include <cmath>

#include "directory/yaml_util.hpp"

namespace nrm::detail {

std::vector<CsvRow> parse_csv(const std::string& text, const std::string& file, Diagnostics& diags) {
  std::vector<CsvRow> rows;
  std::size_t i = 0;
  int line = 1;
  while (i < text.size()) {
    CsvRow row;
    row.line = line;
    std::string field;
    bool quoted = false, was_quoted = false;
    for (; i < text.size(); ++i) {
      char ch = text[i];
      if (quoted) {
        if (ch == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            ++i;
          } else {
            quoted = false;
          }
        } else {
          if (ch == '\n') ++line;
          field += ch;
        }
      } else if (ch == '"' && field.empty() && !was_quoted) {
        quoted = was_quoted = true;
      } else if (ch == ',') {
        row.fields.push_back(std::move(field));
        field.clear();
        was_quoted = false;
      } else if (ch == '\n') {
        ++i;
        ++line;
        break;
      } else if (ch != '\r') {
        field += ch;
      }
    }
    if (quoted) diags.add(file, row.line, 0, "", "unterminated quoted field");
    row.fields.push_back(std::move(field));
    if (!(row.fields.size() == 1 && row.fields[0].empty())) rows.push_back(std::move(row));
  }
  return rows;
}

bool parse_double(const std::string& s, double& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(out);
}

std::vector<CsvRow> read_csv(const std::string& path, const std::vector<std::string>& header,
                             Diagnostics& diags) {
  auto text = detail::read_text_file(path, diags);
  if (!text) return {};
  auto rows = parse_csv(*text, path, diags);
  std::string expected = detail::join_codes(header);
  if (rows.empty() || rows[0].fields != header) {
    diags.add(path, 1, 0, "", "expected the header line: " + expected);
    return {};
  }
  std::vector<CsvRow> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    if (rows[r].fields.size() != header.size()) {
      diags.add(path, rows[r].line, 0, "",
                std::to_string(rows[r].fields.size()) + " fields; expected " +
                    std::to_string(header.size()) + " (" + expected + ")");
      continue;
    }
    out.push_back(std::move(rows[r]));
  }
  return out;
}


}  // namespace nrm::detail
