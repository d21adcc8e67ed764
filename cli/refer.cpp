// nrm refer, nrm explain and nrm validate: one case in, pathways or an explanation out; or a check
// of the data and rules.
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api/errors.hpp"
#include "api/slip.hpp"
#include "cli/command.hpp"
#include "directory/loader.hpp"
#include "model/diagnostics.hpp"

namespace nrm::cli {

namespace {

struct CaseOptions {
  std::string file, at, needs, gender, identity, languages, status, exploitation, require, prefer,
      avoid, as_of, when;
  int age = -1;
  double max_travel_hours = -1;
  int top = -1;  // -1: not given
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
    app.add_option("--when", when,
                   "local time where the person is, YYYY-MM-DDTHH:MM (default: the case's `when`, else now "
                   "there): intake hours are checked against it");
    app.add_flag("--json", json, "print the answer as JSON (the API's format)");
  }

  // --when over the case's own `when`; neither: now, on the clock of the person's community.
  void apply_when(const nrm::api::Engine& engine, nrm::Case& c) const {
    if (!when.empty()) {
      if (auto t = nrm::LocalTime::parse(when)) c.when = *t;
      else throw nrm::LoadError("invalid option", {{"", 0, 0, "--when", "'" + when + "' is not a local time YYYY-MM-DDTHH:MM"}});
    }
    if (!c.when) c.when = engine.now_at(c.location);
  }

  bool any_flag() const {
    return !at.empty() || !needs.empty() || age >= 0 || !gender.empty() || !identity.empty() ||
           !languages.empty() || !status.empty() || !exploitation.empty() || !require.empty() ||
           !prefer.empty() || !avoid.empty() || police_consent || max_travel_hours >= 0;
  }

  // The case flags as a document (no text is printed and parsed back): the same reader and the
  // same messages as a case file.
  nlohmann::json document() const {
    auto list = [](const std::string& csv) {
      nlohmann::json out = nlohmann::json::array();
      std::stringstream ss(csv);
      std::string item;
      while (std::getline(ss, item, ',')) out.push_back(item);
      return out;
    };
    nlohmann::json j = nlohmann::json::object();
    if (!at.empty()) j["location"] = at;
    if (!needs.empty()) j["needs"] = list(needs);
    if (age >= 0) j["age"] = age;
    if (!gender.empty()) j["gender"] = gender;
    if (!identity.empty()) j["identity"] = list(identity);
    if (!languages.empty()) j["languages"] = list(languages);
    if (!status.empty()) j["status"] = status;
    if (!exploitation.empty()) j["exploitation"] = exploitation;
    if (!require.empty()) j["require"] = list(require);
    if (!prefer.empty()) j["prefer"] = list(prefer);
    if (!avoid.empty()) j["avoid"] = list(avoid);
    if (police_consent) j["police_consent"] = true;
    if (max_travel_hours >= 0) j["max_travel_hours"] = max_travel_hours;
    return j;
  }

  // The case, read and checked by the engine's case reader: from the file, or from the flags.
  nrm::Case read(const nrm::api::Engine& engine) const {
    if (!file.empty() && any_flag())
      throw nrm::LoadError("invalid case", {{"", 0, 0, "--case", "give either --case or the case flags (--at, --needs, ...), not both"}});
    if (file.empty()) return engine.case_from_json(document(), "case");
    if (file != "-") return engine.parse_case(nrm::read_text(file), file);
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return engine.parse_case(ss.str(), file);
  }

  nrm::Date date() const {
    if (as_of.empty()) return nrm::Date::today();
    if (auto d = nrm::Date::parse(as_of)) return *d;
    throw nrm::LoadError("invalid option", {{"", 0, 0, "--as-of", "'" + as_of + "' is not a date YYYY-MM-DD"}});
  }
};

// refer's --slip, --pathway and --lang: the person's slip (api/slip.hpp) instead of the answer.
struct SlipOptions {
  CLI::Option* slip_opt = nullptr;
  std::string format = "text";
  int pathway = 1;  // 1-based
  std::string lang = "en";

  void add_to(CLI::App& app) {
    slip_opt = app.add_option("--slip", format, "print a slip for the person instead of the answer: text (default) or html")
                   ->expected(0, 1)
                   ->check(CLI::IsMember({"text", "html"}));
    slip_opt->excludes(app.get_option("--json"));
    app.add_option("--pathway", pathway, "with --slip: which pathway, 1 for the first (default 1)")->needs(slip_opt);
    app.add_option("--lang", lang, "the slip's language: en (default) or fr")->check(CLI::IsMember({"en", "fr"}));
  }
  bool wanted() const { return slip_opt->count() > 0; }

  std::string render(const api::Engine& engine, const api::Answer& a) const {
    const std::size_t n = a.plan.pathways.size();
    if (n == 0)
      throw LoadError("no slip", {{"", 0, 0, "--slip", "no pathway was found, so there is no slip to print; "
                                                       "the answer without --slip says what is missing"}});
    if (pathway < 1 || static_cast<std::size_t>(pathway) > n)
      throw LoadError("invalid option", {{"", 0, 0, "--pathway", out_of_range_message(n)}});
    const Lang l = lang == "fr" ? Lang::kFr : Lang::kEn;
    const std::size_t i = static_cast<std::size_t>(pathway - 1);
    return format == "html" ? api::slip_html(engine, a, i, l) : api::slip_text(engine, a, i, l);
  }
  std::string out_of_range_message(std::size_t n) const {
    return std::to_string(pathway) + " is out of range; this answer has " + std::to_string(n) + " pathway" +
           (n == 1 ? "" : "s") + " (1 to " + std::to_string(n) + ")";
  }
};

const Registration refer_command(10, "refer", "ranked referral pathways for one case",
  [](CLI::App& sub, DataOptions& data) -> Runner {
    auto opts = std::make_shared<CaseOptions>();
    opts->add_to(sub, true);
    auto slip = std::make_shared<SlipOptions>();
    slip->add_to(sub);
    sub.footer("A case names no one: location, needs and situation only. See docs/frontline.md.\n"
               "--slip prints, instead of the answer, a slip for the person (neutral title, no case\n"
               "details, no confidential address): --slip html > slip.html for printing.\n"
               "Exit status: 0 pathways found, 3 no pathway meets every need (the best partial\n"
               "pathway and what is missing are still printed), 2 bad input, 1 internal error.");
    return [opts, slip, &data]() {
      auto engine = data.load();
      Case c = opts->read(*engine);
      opts->apply_when(*engine, c);
      if (opts->top != -1) {
        if (opts->top < 1 || opts->top > 20)
          throw LoadError("invalid option", {{"", 0, 0, "--top", std::to_string(opts->top) + " is out of range; expected 1 to 20"}});
        c.top = opts->top;
      }
      api::Answer a = engine->refer(c, opts->date());
      if (slip->wanted()) std::cout << slip->render(*engine, a);
      else if (opts->json) std::cout << engine->answer_json_text(a, 2) << "\n";  // what the server sends
      else std::cout << engine->answer_text(a);
      return a.ok() ? 0 : api::error_info(api::ErrorCode::kNoPathway).exit_status;
    };
  });

const Registration explain_command(20, "explain", "why a provider is in or out for a case, rule by rule",
  [](CLI::App& sub, DataOptions& data) -> Runner {
    auto opts = std::make_shared<CaseOptions>();
    auto provider = std::make_shared<std::string>();
    opts->add_to(sub, false);
    sub.add_option("--provider", *provider, "provider id")->required();
    return [opts, provider, &data]() {
      auto engine = data.load();
      Case c = opts->read(*engine);
      opts->apply_when(*engine, c);
      api::Explanation e = engine->explain(c, *provider, opts->date());
      if (opts->json) std::cout << engine->explanation_json(c, e).dump(2) << "\n";
      else std::cout << engine->explanation_text(c, e);
      return 0;
    };
  });

const Registration validate_command(30, "validate",
  "check data and rules (and that child-protection and police catchments tile each province): every error at once, with file:line; exit 0 and a summary when all is well",
  [](CLI::App&, DataOptions& data) -> Runner {
    return [&data]() {
      auto engine = data.load();
      auto problems = engine->catchment_problems();
      if (!problems.empty()) throw LoadError("catchments do not tile", std::move(problems));
      std::cout << engine->summary() << "\n";
      return 0;
    };
  });

}  // namespace

}  // namespace nrm::cli
