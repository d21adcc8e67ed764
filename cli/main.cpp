// nrm: the command-line face of the engine. Thin: parse arguments, call nrm::api::Engine, print.
// Subcommands live one per file (cli/refer.cpp, ...) and register themselves (cli/command.hpp).
// Exit status: 0 ok, 3 no pathway meets every need, 2 bad input, 1 internal error.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "api/errors.hpp"
#include "cli/command.hpp"
#include "i18n/text.hpp"
#include "model/diagnostics.hpp"

#ifndef NRM_DEFAULT_ROOT
#define NRM_DEFAULT_ROOT "."
#endif
#ifndef NRM_VERSION
#define NRM_VERSION "unknown"
#endif

namespace nrm::cli {

std::vector<Entry>& registry() {
  static std::vector<Entry> entries;
  return entries;
}

Registration::Registration(int order, std::string name, i18n::Msg help, Setup setup) {
  registry().push_back({order, std::move(name), help, {}, std::move(setup)});
}
Registration::Registration(int order, std::string name, std::string help, Setup setup) {
  registry().push_back({order, std::move(name), std::nullopt, std::move(help), std::move(setup)});
}

void DataOptions::add_to(CLI::App& app) {
  using i18n::Msg;
  using i18n::tr;
  const std::string file = tr(Msg::cli_type_file);
  app.add_option("--providers", providers, tr(Msg::cli_opt_providers))->type_name(file);
  app.add_option("--communities", communities, tr(Msg::cli_opt_communities))->type_name(file);
  app.add_option("--routes", routes, tr(Msg::cli_opt_routes))->type_name(file);
  app.add_option("--taxonomy", taxonomy, tr(Msg::cli_opt_taxonomy))->type_name(file);
  app.add_option("--fallbacks", fallbacks, tr(Msg::cli_opt_fallbacks))->type_name(file);
  app.add_option("--rules", rules, tr(Msg::cli_opt_rules))->type_name(tr(Msg::cli_type_dir));
  // Read before anything else (requested_lang); declared here so that every command accepts it.
  app.add_option("--lang", lang, tr(Msg::cli_opt_lang))->type_name(tr(Msg::cli_type_lang))->check(CLI::IsMember({"en", "fr"}));
}

// The language of every text (docs/frontline.md): --lang, wherever it stands on the command line
// (it must be known before --help is written), else the locale variables, else English.
Lang requested_lang(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    std::string value;
    if (a == "--lang" && i + 1 < argc) value = argv[i + 1];
    else if (a.rfind("--lang=", 0) == 0) value = a.substr(7);
    else continue;
    if (value == "en") return Lang::kEn;
    if (value == "fr") return Lang::kFr;
  }
  return i18n::lang_from_environment();
}

// CLI11's own words (Usage, Options, REQUIRED...) in the current language.
void translate_help(CLI::App& app) {
  using i18n::Msg;
  using i18n::tr;
  auto f = app.get_formatter();
  f->label("Usage", tr(Msg::cli_label_usage));
  f->label("REQUIRED", tr(Msg::cli_label_required));
  f->label("Positionals", tr(Msg::cli_label_positionals));
  f->label("Excludes", tr(Msg::cli_label_excludes));
  f->label("Needs", tr(Msg::cli_label_needs));
  f->label("OPTIONS", tr(Msg::cli_label_opts));
  f->label("SUBCOMMAND", tr(Msg::cli_label_command));
  f->label("SUBCOMMANDS", tr(Msg::cli_label_command));
  app.option_defaults()->group(tr(Msg::cli_label_options));
  app.set_help_flag("-h,--help", tr(Msg::cli_help));
}

// The folder holding data/ and rules/ (docs/install.md): $NRM_DATA; else, for an installed nrm,
// <prefix>/share/nrm beside <prefix>/bin/nrm; else the source tree this binary was built from.
std::string data_root() {
  if (const char* env = std::getenv("NRM_DATA"); env && *env) return env;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto installed = exe.parent_path().parent_path() / "share" / "nrm";
    if (std::filesystem::is_regular_file(installed / "data" / "taxonomy.yaml", ec)) return installed.string();
  }
  return NRM_DEFAULT_ROOT;
}

// Where compiled snapshots go (docs/data.md, "The snapshot cache"): $NRM_CACHE ("off" for
// none); else systemd's $CACHE_DIRECTORY (the nrm-serve unit); else $XDG_CACHE_HOME/nrm; else
// ~/.cache/nrm; else none.
std::string cache_root() {
  auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v ? v : "";
  };
  if (std::string v = env("NRM_CACHE"); !v.empty()) return v == "off" ? "" : v;
  if (std::string v = env("CACHE_DIRECTORY"); !v.empty()) return v.substr(0, v.find(':'));
  if (std::string v = env("XDG_CACHE_HOME"); !v.empty() && v[0] == '/') return v + "/nrm";
  if (std::string v = env("HOME"); !v.empty() && v[0] == '/') return v + "/.cache/nrm";
  return "";
}

api::EnginePaths DataOptions::paths() const {
  auto p = api::EnginePaths::shipped(root);
  p.cache_dir = cache_root();
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
  const i18n::LangScope language(cli::requested_lang(argc, argv));
  CLI::App app{i18n::tr(i18n::Msg::cli_about)};
  cli::translate_help(app);
  app.footer(i18n::tr(i18n::Msg::cli_footer));
  app.set_version_flag("--version", "nrm " NRM_VERSION);
  app.require_subcommand(1);
  cli::DataOptions data;
  data.root = cli::data_root();
  auto& entries = cli::registry();
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
  std::vector<std::pair<CLI::App*, cli::Runner>> commands;
  for (auto& e : entries) {
    CLI::App* sub = app.add_subcommand(e.name, e.help ? i18n::tr(*e.help) : e.help_text);
    sub->group(i18n::tr(i18n::Msg::cli_label_subcommands));
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
    std::cerr << "nrm: " << i18n::tr(i18n::Msg::cli_internal_error, {{"what", e.what()}}) << "\n";
    return error_info(ErrorCode::kInternal).exit_status;
  }
}
