// How nrm's subcommands plug in: each cli/*.cpp registers itself (name, order, setup) with a
// static Registration, sets up its CLI11 subcommand and returns the function that runs it. The
// runner returns the exit status; main() maps LoadError to 2 and anything else to 1.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/engine.hpp"
#include "model/diagnostics.hpp"

namespace nrm::cli {

// --providers, --communities, --routes, --taxonomy, --fallbacks, --rules: every command takes them.
struct DataOptions {
  std::string root;
  std::string providers, communities, routes, taxonomy, fallbacks, rules;
  void add_to(CLI::App& app);
  api::EnginePaths paths() const;
  std::shared_ptr<const api::Engine> load() const { return api::Engine::load(paths()); }
};

using Runner = std::function<int()>;
using Setup = std::function<Runner(CLI::App& sub, DataOptions& data)>;

struct Registration {
  Registration(int order, std::string name, std::string help, Setup setup);
};

struct Entry {
  int order;
  std::string name;
  std::string help;
  Setup setup;
};
std::vector<Entry>& registry();

// A bad option value: exit 2 with "OPTION: message" (main maps LoadError).
inline LoadError option_error(const std::string& option, const std::string& message) {
  return LoadError("invalid option", {Diagnostic{"", 0, 0, option, message}});
}

}  // namespace nrm::cli
