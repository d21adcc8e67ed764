// nrm: the command-line face of the engine. Thin: parse arguments, call nrm::api::Engine, print.
// Exit status: 0 ok, 3 no pathway meets every need, 2 bad input, 1 internal error.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "api/engine.hpp"
#include "api/errors.hpp"
#include "directory/loader.hpp"
#include "model/diagnostics.hpp"
#include "rules/policy.hpp"

#ifndef NRM_DEFAULT_ROOT
#define NRM_DEFAULT_ROOT "."
#endif

namespace {

using nrm::api::ErrorCode;
using nrm::api::error_info;

struct DataOptions {
  std::string root = NRM_DEFAULT_ROOT;
  std::string providers, communities, routes, taxonomy, rules;

  void add_to(CLI::App& app) {
    app.add_option("--providers", providers, "provider directory (default: data/providers.yaml)");
    app.add_option("--communities", communities, "communities CSV (default: data/communities.csv)");
    app.add_option("--routes", routes, "air routes CSV (default: data/routes.csv)");
    app.add_option("--taxonomy", taxonomy, "taxonomy (default: data/taxonomy.yaml)");
    app.add_option("--rules", rules, "rules folder (default: rules/)");
  }
  nrm::api::EnginePaths paths() const {
    auto p = nrm::api::EnginePaths::shipped(root);
    if (!providers.empty()) p.data.providers = providers;
    if (!communities.empty()) p.data.communities = communities;
    if (!routes.empty()) p.data.routes = routes;
    if (!taxonomy.empty()) p.data.taxonomy = taxonomy;
    if (!rules.empty()) p.rules_dir = rules;
    return p;
  }
};

struct CaseOptions {
  std::string file, at, needs, gender, identity, languages, status, exploitation, require, prefer,
      avoid, as_of;
  int age = -1;
  double max_travel_hours = -1;
  int top = 0;
  bool police_consent = false;
  bool json = false;

  void add_to(CLI::App& app, bool with_top) {
    app.add_option("--case", file, "case file, YAML or JSON (- for standard input)");
    app.add_option("--at", at, "location: a community id, e.g. thunder-bay-on");
    app.add_option("--needs", needs, "needs, comma-separated, e.g. shelter.emergency,counselling.trauma");
    app.add_option("--age", age, "age in years (omit if unknown)");
    app.add_option("--gender", gender, "female | male | nonbinary | unknown");
    app.add_option("--identity", identity, "comma-separated: first_nations, inuit, metis, lgbtq2s, disability");
    app.add_option("--languages", languages, "ISO 639-3 codes, preferred first (default eng)");
    app.add_option("--status", status,
                   "citizen | permanent_resident | temporary_resident | refugee_claimant | no_status | unknown");
    app.add_option("--exploitation", exploitation, "sex | labour | both | unknown");
    app.add_option("--require", require, "attributes every in-person step must have, comma-separated");
    app.add_option("--prefer", prefer, "attributes that raise rank, comma-separated");
    app.add_option("--avoid", avoid, "communities the pathway must not use, comma-separated");
    app.add_flag("--police-consent", police_consent, "the person consents to a law-enforcement step");
    app.add_option("--max-travel-hours", max_travel_hours, "cap on the pathway's total travel");
    if (with_top) app.add_option("--top", top, "how many pathways (default 3)");
    app.add_option("--as-of", as_of, "the query's date YYYY-MM-DD (default today): reproduces an old answer");
    app.add_flag("--json", json, "print the answer as JSON (the API's format)");
  }

  bool any_flag() const {
    return !at.empty() || !needs.empty() || age >= 0 || !gender.empty() || !identity.empty() ||
           !languages.empty() || !status.empty() || !exploitation.empty() || !require.empty() ||
           !prefer.empty() || !avoid.empty() || police_consent || max_travel_hours >= 0;
  }

  // The case as text: the file, or a YAML document built from the flags (one parser for both).
  std::string text(std::string& origin) const {
    if (!file.empty() && any_flag())
      throw nrm::LoadError("invalid case", {{"", 0, 0, "--case", "give either --case or the case flags (--at, --needs, ...), not both"}});
    if (!file.empty()) {
      origin = file;
      if (file != "-") return nrm::read_text(file);
      std::ostringstream ss;
      ss << std::cin.rdbuf();
      return ss.str();
    }
    origin = "case";
    auto list = [](const std::string& csv) {
      std::string out = "[";
      std::stringstream ss(csv);
      std::string item;
      bool first = true;
      while (std::getline(ss, item, ',')) {
        out += (first ? "\"" : ", \"") + item + "\"";
        first = false;
      }
      return out + "]";
    };
    std::string y = "{";
    auto add = [&](const std::string& k, const std::string& v) { y += (y.size() > 1 ? ", " : "") + k + ": " + v; };
    if (!at.empty()) add("location", "\"" + at + "\"");
    if (!needs.empty()) add("needs", list(needs));
    if (age >= 0) add("age", std::to_string(age));
    if (!gender.empty()) add("gender", "\"" + gender + "\"");
    if (!identity.empty()) add("identity", list(identity));
    if (!languages.empty()) add("languages", list(languages));
    if (!status.empty()) add("status", "\"" + status + "\"");
    if (!exploitation.empty()) add("exploitation", "\"" + exploitation + "\"");
    if (!require.empty()) add("require", list(require));
    if (!prefer.empty()) add("prefer", list(prefer));
    if (!avoid.empty()) add("avoid", list(avoid));
    if (police_consent) add("police_consent", "true");
    if (max_travel_hours >= 0) add("max_travel_hours", std::to_string(max_travel_hours));
    return y + "}";
  }

  nrm::Date date() const {
    if (as_of.empty()) return nrm::Date::today();
    if (auto d = nrm::Date::parse(as_of)) return *d;
    throw nrm::LoadError("invalid option", {{"", 0, 0, "--as-of", "'" + as_of + "' is not a date YYYY-MM-DD"}});
  }
};

int fail(ErrorCode code, const std::string& message) {
  std::cerr << "nrm: " << message;
  if (!message.empty() && message.back() != '\n') std::cerr << '\n';
  return error_info(code).exit_status;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace nrm;
  CLI::App app{"nrm: referral pathways for people affected by human trafficking in Canada.\n"
               "The shipped provider directory is SYNTHETIC: do not use it for real referrals."};
  app.require_subcommand(1);
  DataOptions data;

  CaseOptions refer_case;
  auto* refer = app.add_subcommand("refer", "ranked referral pathways for one case");
  data.add_to(*refer);
  refer_case.add_to(*refer, true);

  CaseOptions explain_case;
  std::string explain_provider;
  auto* explain = app.add_subcommand("explain", "why a provider is in or out for a case, rule by rule");
  data.add_to(*explain);
  explain_case.add_to(*explain, false);
  explain->add_option("--provider", explain_provider, "provider id")->required();

  auto* validate = app.add_subcommand("validate", "check data and rules: every error at once, with file:line");
  data.add_to(*validate);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : error_info(ErrorCode::kBadInput).exit_status;
  }

  try {
    auto engine = api::Engine::load(data.paths());
    if (*validate) {
      std::cout << engine->summary() << "\n";
      return 0;
    }
    CaseOptions& co = *refer ? refer_case : explain_case;
    std::string origin;
    std::string text = co.text(origin);
    Case c = engine->parse_case(text, origin);
    if (co.top > 0) {
      if (co.top > 20) return fail(ErrorCode::kBadInput, "--top: " + std::to_string(co.top) + " is out of range; expected 1 to 20");
      c.top = co.top;
    }
    Date as_of = co.date();
    if (*refer) {
      api::Answer a = engine->refer(c, as_of);
      if (co.json) std::cout << engine->answer_json(a).dump(2) << "\n";
      else std::cout << engine->answer_text(a);
      return a.ok() ? 0 : error_info(ErrorCode::kNoPathway).exit_status;
    }
    api::Explanation e = engine->explain(c, explain_provider, as_of);
    if (co.json) std::cout << engine->explanation_json(c, e).dump(2) << "\n";
    else std::cout << engine->explanation_text(c, e);
    return 0;
  } catch (const LoadError& e) {
    return fail(ErrorCode::kBadInput, e.report());
  } catch (const std::exception& e) {
    return fail(ErrorCode::kInternal, std::string("internal error: ") + e.what());
  }
}
