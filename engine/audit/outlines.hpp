// The outlines of the provinces and territories the audit's map is drawn on (data/outlines.geojson:
// Natural Earth's coastline and boundaries, docs/data.md "Provincial outlines"), loaded and checked
// once, every problem named with file:line, the feature and the field.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "model/directory.hpp"

namespace nrm::audit {

// One province's or territory's outline: polygons, each a list of closed rings (the first the
// exterior, the others holes), each ring a list of [longitude, latitude] in decimal degrees.
struct Outline {
  int province = -1;  // taxonomy index
  std::string name;   // properties.name, e.g. "Nunavut"
  std::string name_fr;
  std::vector<std::vector<std::vector<std::array<double, 2>>>> polygons;
};

struct Outlines {
  std::string file;    // the file's name, no folder (reports never name a path of the machine)
  std::string digest;  // FNV-1a 64 of its bytes, as the stamp gives every data file
  std::string source;  // the file's `source`: the data set, its licence, the simplification
  std::vector<Outline> provinces;  // in file order
  // The outline of a province (taxonomy index), or nullptr.
  const Outline* find(int province) const;
};

// Loads a GeoJSON FeatureCollection of provinces and territories: `source` (text), and `features`,
// each {type: Feature, properties: {province, name, name_fr}, geometry: Polygon or MultiPolygon}.
// Checks that each province is a code of the taxonomy and appears once; that every ring has at
// least 4 positions, is closed, and holds [longitude, latitude] pairs with -180 <= longitude <= 180
// and 0 <= latitude <= 90 (the map's conic projection is of the northern hemisphere); and that
// every province or territory with a community in `directory` has an outline. A missing file, a
// file that is not JSON or any of these throws LoadError with every problem, file:line:column,
// feature (index and province) and field.
std::shared_ptr<const Outlines> load_outlines(const std::string& path, const Directory& directory);

}  // namespace nrm::audit
