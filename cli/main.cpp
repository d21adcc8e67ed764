// nrm: the command-line face of the engine. Thin: parse arguments, call nrm::api::Engine, print.
// Subcommands live one per file (cli/refer.cpp, ...) and register themselves (cli/command.hpp).
// Exit status: 0 ok, 3 no pathway meets every need, 2 bad input, 1 internal error.
#include <algorithm>
#include <iostream>

#include "api/errors.hpp"
#include "cli/command.hpp"
#include "model/diagnostics.hpp"

#ifndef NRM_DEFAULT_ROOT
#define NRM_DEFAULT_ROOT "."
#endif

namespace nrm::cli {

std::vector<Entry>& registry() {
  static std::vector<Entry> entries;
  return entries;
}

Registration::Registration(int order, std::string name, std::string help, Setup setup) {
  registry().push_back({order, std::move(name), std::move(help), std::move(setup)});
}

void DataOptions::add_to(CLI::App& app) {
  app.add_option("--providers", providers, "provider directory (default: data/providers.yaml)");
  app.add_option("--communities", communities, "communities CSV (default: data/communities.csv)");
  app.add_option("--routes", routes, "air routes CSV; roads.csv and ferries.csv are read from its folder (default: data/routes.csv)");
  app.add_option("--taxonomy", taxonomy, "taxonomy (default: data/taxonomy.yaml)");
  app.add_option("--fallbacks", fallbacks, "national numbers every answer ends with (default: data/fallbacks.yaml)");
  app.add_option("--rules", rules, "rules folder (default: rules/)");
}

api::EnginePaths DataOptions::paths() const {
  auto p = api::EnginePaths::shipped(root);
  if (!providers.empty()) p.data.providers = providers;
  if (!communities.empty()) p.data.communities = communities;
  if (!routes.empty()) p.data.routes = routes;
  if (!taxonomy.empty()) p.data.taxonomy = taxonomy;
  if (!fallbacks.empty()) p.data.fallbacks = fallbacks;
  if (!rules.empty()) p.rules_dir = rules;
  return p;
}

}  // namespace nrm::cli

int main(int argc, char** argv) {
  using namespace nrm;
  using api::ErrorCode;
  using api::error_info;
  CLI::App app{
      "nrm: referral pathways for people affected by human trafficking in Canada.\n"
      "The shipped provider directory is SYNTHETIC: do not use it for real referrals.\n"
      "Exit status: 0 ok, 3 no pathway meets every need, 2 bad input, 1 internal error."};
  app.require_subcommand(1);
  cli::DataOptions data;
  data.root = NRM_DEFAULT_ROOT;
  auto& entries = cli::registry();
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
  std::vector<std::pair<CLI::App*, cli::Runner>> commands;
  for (auto& e : entries) {
    CLI::App* sub = app.add_subcommand(e.name, e.help);
    data.add_to(*sub);
    commands.emplace_back(sub, e.setup(*sub, data));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : error_info(ErrorCode::kBadInput).exit_status;
  }
  try {
    for (auto& [sub, run] : commands)
      if (sub->parsed()) return run();
    return error_info(ErrorCode::kBadInput).exit_status;
  } catch (const LoadError& e) {
    std::cerr << "nrm: " << e.report();
    return error_info(ErrorCode::kBadInput).exit_status;
  } catch (const std::exception& e) {
    std::cerr << "nrm: internal error: " << e.what() << "\n";
    return error_info(ErrorCode::kInternal).exit_status;
  }
}
