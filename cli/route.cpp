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

using i18n::Msg;
using i18n::tr;

const Registration route_command(35, "route", Msg::cli_route,
  [](CLI::App& sub, DataOptions& data) -> Runner {
    auto o = std::make_shared<RouteOptions>();
    sub.add_option("FROM", o->from, tr(Msg::cli_opt_from))->required();
    sub.add_option("TO", o->to, tr(Msg::cli_opt_to))->required();
    sub.add_flag("--json", o->json, tr(Msg::cli_opt_route_json));
    sub.footer(tr(Msg::cli_route_footer));
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
