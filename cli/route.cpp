// nrm route FROM TO [--json]: the travel between two communities as nrm sees it: hours, and each
// leg with its mode (road, ferry, air) and the communities it passes through. Thin: the journey
// and its renderings come from the engine (Engine::route_json, route_text).
#include <iostream>

#include "api/errors.hpp"
#include "api/route.hpp"
#include "cli/command.hpp"

namespace nrm::cli {

namespace {

struct RouteOptions {
  std::string from, to;
  bool json = false;
};

const Registration route_command(35, "route", "the travel between two communities: hours, legs, modes, communities passed",
  [](CLI::App& sub, DataOptions& data) -> Runner {
    auto o = std::make_shared<RouteOptions>();
    sub.add_option("FROM", o->from, "community id, e.g. thunder-bay-on")->required();
    sub.add_option("TO", o->to, "community id, e.g. sault-ste-marie-on")->required();
    sub.add_flag("--json", o->json,
                 "print {\"from\", \"to\", \"hours\", \"legs\": [{\"from\", \"to\", \"mode\", \"hours\", \"via\"}]}");
    sub.footer("Road legs follow data/roads.csv (speeds by road class in rules/travel.yaml); ferries\n"
               "and flights include their typical waits and time at the airports. roads.csv and\n"
               "ferries.csv are read from the folder of --routes; --providers is not read.\n"
               "See docs/travel.md.\n"
               "Exit status: 0 a way exists, 3 no way in the data, 2 bad input, 1 internal error.");
    return [o, &data]() {
      auto travel = api::TravelOnly::load(data.paths());  // no providers needed
      auto j = travel->route_json(o->from, o->to);
      if (o->json) std::cout << j.dump(2) << "\n";
      else std::cout << travel->route_text(o->from, o->to);
      return j["hours"].is_null() ? api::error_info(api::ErrorCode::kNoPathway).exit_status : 0;
    };
  });

}  // namespace

}  // namespace nrm::cli
