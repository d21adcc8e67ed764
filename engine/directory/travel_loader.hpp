// Loading the travel network beside the communities: data/routes.csv (scheduled flights),
// data/roads.csv (highway segments) and data/ferries.csv, the last two read from the folder of
// the routes file. Every problem goes to Diagnostics with file:line; see docs/data.md.
#pragma once

#include <string>

#include "model/diagnostics.hpp"
#include "model/geography.hpp"

namespace nrm::detail {

// The folder part of a path ("data/routes.csv" -> "data/"), "" for a bare file name.
std::string folder_of(const std::string& path);

// Reads routes_path, then roads.csv and ferries.csv from its folder, into geo (whose communities
// are loaded and indexed). Rows with problems are reported and left out; the caller throws.
void load_travel_network(const std::string& routes_path, Geography& geo, Diagnostics& diags);

}  // namespace nrm::detail
