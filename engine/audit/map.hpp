// The HTML report's pictures (internal to engine/audit): the SVG map of the provinces' outlines with
// a dot per community, its legends and labels, and the one palette the map, the bars and the tables
// share (viridis: light is near, dark is far, and no pathway is the darkest and a square).
#pragma once

#include <optional>
#include <string>

#include "audit/render.hpp"

namespace nrm::audit::detail {

// Every missing need of a cell and why, in words: "Emergency shelter (providers exist but refuse
// this gender)" (tooltips and gap tables).
std::string gaps_words(const Audit& a, const Directory& d, const Cell& c);
// " (relies on a stale entry: Alpha Shelter (fictitious) (sh-alpha), last verified ...)" or "".
std::string cell_stale_words(const Directory& d, const Cell& c);

// A cell's band: k (0..kThresholdCount-1) within threshold k, kThresholdCount beyond the last,
// kNoPathway when no pathway meets every need.
inline constexpr int kNoPathway = kThresholdCount + 1;
int band_of(const Audit& a, const Cell& c);  // audit::band, with kNoPathway for -1
const char* band_colour(int band);
// "within 2 h", "2 to 8 h", "8 to 24 h", "over 24 h", "no pathway".
std::string band_label(const Audit& a, int band);
// A table cell's background for a share of the population (0..1) on the same scale, and the
// text colour that reads on it: style="background:...;color:...".
std::string share_style(double share);

// A community's dot radius in the map's units: grows with the square root of the population
// (area with people), the same function for the map and its size legend; `zoom` is 1 for a map of
// several provinces and more for one (its dots must stay visible when it fills the map).
double dot_radius(std::optional<std::int64_t> population, double zoom);

// <svg id="map">: the audited provinces' outlines (r.outlines) in Lambert conformal conic, framed
// to fit them, neighbours drawn lighter; a dot per audited community coloured by band for the
// map profile; province labels; labels for the worst-served communities; the band and size
// legends. Then <p class="map-caption"> naming the projection and the outlines' source.
std::string map_svg(const Report& r);
// <svg id="bars">: per province, the population of the map profile split by band.
std::string bars_svg(const Report& r);

}  // namespace nrm::audit::detail
