// Parameters of the travel model (rules/travel.yaml): road speeds by class, local legs, ferries
// and airports. Each has a documented meaning and an allowed range (kTravelSpecs), enforced where
// the file is read (engine/rules/policy.cpp). See docs/travel.md.
#pragma once

namespace nrm::geo {

struct TravelParams {
  // Average speeds by road class (data/roads.csv `class`), km/h, door to door on that road.
  double freeway_kmh = 100;   // 400-series, autoroutes, divided with interchanges
  double divided_kmh = 95;    // four-lane divided highways with some at-grade crossings
  double two_lane_kmh = 82;   // two-lane primary highways
  double mountain_kmh = 70;   // two-lane highways through mountains or canyons
  double gravel_kmh = 55;     // gravel or seal-coat highways (Dempster, Labrador 510, ...)
  // Local legs: a road community not on the backbone joins its nearest backbone communities.
  double local_detour = 1.3;  // road km per great-circle km on a local leg
  double local_kmh = 70;      // speed on a local leg (and on a ferry's approach road)
  double local_max_km = 150;  // farthest backbone community a local leg may reach, great-circle km
  int local_links = 1;        // how many nearest highway communities a local leg joins [1, 5]
  // Air: door-to-door time at each end of a trip, and at each change of plane.
  double air_departure_hours = 2;     // getting to the airport, check-in, security, boarding
  double air_arrival_hours = 1;       // leaving the plane, bags, getting into town
  double air_connection_hours = 1.5;  // a change of plane at a hub
  // Flights and ferries that do not run daily: the expected extra wait compared with a daily
  // service, wait_scale x 12 h x (7 / days_per_week - 1) (departures evenly spread).
  double wait_scale = 1;
};

// The numeric parameters (all but local_links, a whole number in [1, 5]) and their ranges.
struct TravelSpec {
  const char* name;
  double TravelParams::*member;
  double min, max;
};

inline constexpr TravelSpec kTravelSpecs[] = {
    {"freeway_kmh", &TravelParams::freeway_kmh, 30, 130},
    {"divided_kmh", &TravelParams::divided_kmh, 30, 130},
    {"two_lane_kmh", &TravelParams::two_lane_kmh, 20, 120},
    {"mountain_kmh", &TravelParams::mountain_kmh, 20, 110},
    {"gravel_kmh", &TravelParams::gravel_kmh, 10, 100},
    {"local_detour", &TravelParams::local_detour, 1, 3},
    {"local_kmh", &TravelParams::local_kmh, 10, 120},
    {"local_max_km", &TravelParams::local_max_km, 10, 500},
    {"air_departure_hours", &TravelParams::air_departure_hours, 0, 12},
    {"air_arrival_hours", &TravelParams::air_arrival_hours, 0, 12},
    {"air_connection_hours", &TravelParams::air_connection_hours, 0, 12},
    {"wait_scale", &TravelParams::wait_scale, 0, 2},
};

}  // namespace nrm::geo
