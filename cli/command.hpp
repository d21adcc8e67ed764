// How nrm's subcommands plug in: each cli/*.cpp registers itself (name, order, setup) with a
// static Registration, sets up its CLI11 subcommand and returns the function that runs it. The
// runner returns the exit status; main() maps LoadError to 2 and anything else to 1.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/engine.hpp"
#include "i18n/text.hpp"
#include "model/diagnostics.hpp"

namespace nrm::cli {

// --providers, --communities, --routes, --taxonomy, --fallbacks, --rules, --lang: every command
// takes them.
struct DataOptions {
  std::string root;
  std::string providers, communities, routes, taxonomy, fallbacks, rules;
  std::string lang;  // already applied by main (requested_lang): the thread's current language
  void add_to(CLI::App& app);
  api::EnginePaths paths() const;
  std::shared_ptr<const api::Engine> load() const { return api::Engine::load(paths()); }
};

using Runner = std::function<int()>;
using Setup = std::function<Runner(CLI::App& sub, DataOptions& data)>;

// A subcommand: its name, its place in `nrm --help`, its one-line help (a catalogue message,
// written in the language of the run) and its setup.
struct Registration {
  Registration(int order, std::string name, i18n::Msg help, Setup setup);
  Registration(int order, std::string name, std::string help, Setup setup);  // not yet in the catalogue
};

struct Entry {
  int order;
  std::string name;
  std::optional<i18n::Msg> help;
  std::string help_text;  // when help is not a catalogue message
  Setup setup;
};
std::vector<Entry>& registry();

// Where data/ and rules/ are: $NRM_DATA, an installed share/nrm, or the source tree (cli/main.cpp).
std::string data_root();
// Where compiled snapshots are kept: $NRM_CACHE ("off": none), systemd's $CACHE_DIRECTORY,
// $XDG_CACHE_HOME/nrm or ~/.cache/nrm (cli/main.cpp; docs/data.md).
std::string cache_root();
// --lang, else LC_ALL, LC_MESSAGES or LANG, else English (cli/main.cpp).
Lang requested_lang(int argc, char** argv);
// CLI11's own words in the current language.
void translate_help(CLI::App& app);
// A bad option value: exit 2 with "OPTION: message" (main maps LoadError).
inline LoadError option_error(const std::string& option, const std::string& message) {
  return LoadError("invalid option", {Diagnostic{"", 0, 0, option, message}});
}

}  // namespace nrm::cli
