// CSV reading for the data files (RFC 4180): rows with their line numbers, the header checked,
// each row's field count checked; every problem goes to Diagnostics with file:line.
#pragma once

#include <string>
#include <vector>

#include "model/diagnostics.hpp"

namespace nrm::detail {

struct CsvRow {
  int line = 0;
  std::vector<std::string> fields;
};

// RFC 4180 fields: commas, double-quoted fields with "" escapes; CR before LF ignored.
std::vector<CsvRow> parse_csv(const std::string& text, const std::string& file, Diagnostics& diags);

// A finite number written in full (no trailing characters).
bool parse_double(const std::string& s, double& out);

// Checks the header and returns the data rows, each with exactly header.size() fields.
std::vector<CsvRow> read_csv(const std::string& path, const std::vector<std::string>& header,
                             Diagnostics& diags);

}  // namespace nrm::detail
