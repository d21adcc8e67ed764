// nrm refer, nrm explain and nrm validate: one case in, pathways or an explanation out; or a check
// of the data and rules.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <vector>

#include "api/errors.hpp"
#include "api/slip.hpp"
#include "cli/command.hpp"
#include "directory/loader.hpp"
#include "model/diagnostics.hpp"

namespace nrm::cli {

namespace {

// The case flags: each fills one case field, and a problem with that field is reported under the
// flag's name (the one place the field -> flag mapping is written down).
enum class FlagKind { kText, kList, kNumber };
struct CaseFlag {
  const char* field;
  const char* flag;
  FlagKind kind;
  const char* type;
  const char* help;
  bool with_case = false;  // may go with --case (adds to the file's field)
};
const CaseFlag kCaseFlags[] = {
    {"location", "--at", FlagKind::kText, "ID", "location: a community id, e.g. thunder-bay-on"},
    {"needs", "--needs", FlagKind::kList, "LIST", "needs, comma-separated, e.g. shelter.emergency,counselling.trauma"},
    {"age", "--age", FlagKind::kNumber, "YEARS", "age in years, 0 to 120 (omit if unknown)"},
    {"gender", "--gender", FlagKind::kText, "CODE", "female | male | nonbinary | unknown"},
    {"identity", "--identity", FlagKind::kList, "LIST", "comma-separated: first_nations, inuit, metis, lgbtq2s, disability"},
    {"languages", "--languages", FlagKind::kList, "LIST", "ISO 639-3 codes, preferred first (default eng)"},
    {"status", "--status", FlagKind::kText, "CODE",
     "citizen | permanent_resident | temporary_resident | refugee_claimant | no_status | unknown"},
    {"exploitation", "--exploitation", FlagKind::kText, "CODE", "sex | labour | both | unknown"},
    {"require", "--require", FlagKind::kList, "LIST", "attributes every in-person step must have, comma-separated"},
    {"prefer", "--prefer", FlagKind::kList, "LIST", "attributes that raise rank, comma-separated"},
    {"avoid", "--avoid", FlagKind::kList, "LIST", "communities the pathway must not use, comma-separated"},
    {"max_travel_hours", "--max-travel-hours", FlagKind::kNumber, "HOURS", "cap on the pathway's total travel, 0 to 240"},
    {"exclude", "--exclude", FlagKind::kList, "ID",
     "providers not to use (one that said no), comma-separated; with --case, added to its exclude", true},
};
constexpr std::size_t kCaseFlagCount = sizeof kCaseFlags / sizeof kCaseFlags[0];

// The flag that fills a case field ("" for none): "location" -> "--at", "police_consent" ->
// "--police-consent".
std::string flag_of(const std::string& field) {
  if (field == "police_consent") return "--police-consent";
  for (const CaseFlag& f : kCaseFlags)
    if (field == f.field) return f.flag;
  return "";
}

// A comma-separated list, each item trimmed of spaces ("a, b" is a and b); empty items are left
// out, as a trailing comma in a YAML list is.
nlohmann::json list_of(const std::string& csv) {
  nlohmann::json out = nlohmann::json::array();
  std::stringstream ss(csv);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

// A number flag's text as a case file would hold it: a whole number, another number, or (not a
// number at all) the text itself, which the case reader then refuses by name.
nlohmann::json number_of(const std::string& text) {
  std::int64_t i = 0;
  const char* end = text.data() + text.size();
  if (auto [p, ec] = std::from_chars(text.data(), end, i); ec == std::errc() && p == end) return i;
  double d = 0;
  if (auto [p, ec] = std::from_chars(text.data(), end, d); ec == std::errc() && p == end && std::isfinite(d)) return d;
  return text;
}

struct CaseOptions {
  std::string file, as_of, when;
  std::array<std::optional<std::string>, kCaseFlagCount> values;  // as typed; absent = not given
  std::optional<std::string> top;
  bool police_consent = false;
  bool json = false;

  void add_to(CLI::App& app, bool with_top) {
    app.add_option("--case", file, "case file, YAML or JSON (- for standard input)");
    for (std::size_t i = 0; i < kCaseFlagCount; ++i) {
      if (kCaseFlags[i].kind != FlagKind::kList) {
        app.add_option_function<std::string>(kCaseFlags[i].flag, [this, i](const std::string& v) { values[i] = v; },
                                             kCaseFlags[i].help)
            ->type_name(kCaseFlags[i].type);
        continue;
      }
      // A list: comma-separated, or several words, or the flag given again (--exclude A B, --exclude A --exclude B).
      app.add_option_function<std::vector<std::string>>(
             kCaseFlags[i].flag,
             [this, i](const std::vector<std::string>& v) {
               std::string all;
               for (const std::string& item : v) all += (all.empty() ? "" : ",") + item;
               values[i] = all;
             },
             kCaseFlags[i].help)
          ->type_name(kCaseFlags[i].type);
    }
    app.add_flag("--police-consent", police_consent, "the person consents to a law-enforcement step");
    if (with_top)
      app.add_option_function<std::string>("--top", [this](const std::string& v) { top = v; },
                                           "how many pathways, 1 to 20 (default 3)")
          ->type_name("N");
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

  // --top over the case's own `top`, checked as the case reader checks `top`.
  void apply_top(nrm::Case& c) const {
    if (!top) return;
    const nlohmann::json n = number_of(*top);
    if (!n.is_number_integer())
      throw nrm::LoadError("invalid option", {{"", 0, 0, "--top", "expected a whole number, found '" + *top + "'"}});
    const auto v = n.get<std::int64_t>();
    if (v < 1 || v > 20)
      throw nrm::LoadError("invalid option", {{"", 0, 0, "--top", *top + " is out of range; expected 1 to 20"}});
    c.top = static_cast<int>(v);
  }

  const std::optional<std::string>& value_of(const std::string& field) const {
    static const std::optional<std::string> kNone;
    for (std::size_t i = 0; i < kCaseFlagCount; ++i)
      if (field == kCaseFlags[i].field) return values[i];
    return kNone;
  }

  // A case flag given that cannot go with --case.
  bool any_flag() const {
    if (police_consent) return true;
    for (std::size_t i = 0; i < kCaseFlagCount; ++i)
      if (values[i] && !kCaseFlags[i].with_case) return true;
    return false;
  }

  // The case flags as a document (no text is printed and parsed back): the same reader and the
  // same messages as a case file.
  nlohmann::json document() const {
    nlohmann::json j = nlohmann::json::object();
    for (std::size_t i = 0; i < kCaseFlagCount; ++i) {
      if (!values[i]) continue;
      const std::string& v = *values[i];
      switch (kCaseFlags[i].kind) {
        case FlagKind::kText: j[kCaseFlags[i].field] = v; break;
        case FlagKind::kList: j[kCaseFlags[i].field] = list_of(v); break;
        case FlagKind::kNumber: j[kCaseFlags[i].field] = number_of(v); break;
      }
    }
    if (police_consent) j["police_consent"] = true;
    return j;
  }

  // What the flags give, read by the case reader; a problem is reported under the flag's name,
  // without a position (the flags are no file): "--age: -4 is out of range; expected 0 to 120".
  template <typename F>
  static auto named_by_flag(F&& read) {
    try {
      return read();
    } catch (const nrm::LoadError& e) {
      std::vector<nrm::Diagnostic> named;
      for (nrm::Diagnostic d : e.diagnostics()) {
        const std::string flag = flag_of(d.field);
        d.field = flag.empty() ? d.field : flag;
        if (d.file == "case") d.file.clear();
        d.line = d.column = 0;
        named.push_back(std::move(d));
      }
      throw nrm::LoadError(e.what(), std::move(named));
    }
  }

  nrm::Case from_file(const nrm::api::Engine& engine) const {
    if (file != "-") return engine.parse_case(nrm::read_text(file), file);
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    return engine.parse_case(ss.str(), file);
  }

  // The case, read and checked by the engine's case reader: from the file (and --exclude), or
  // from the flags.
  nrm::Case read(const nrm::api::Engine& engine) const {
    if (!file.empty() && any_flag())
      throw nrm::LoadError("invalid case", {{"", 0, 0, "--case", "give either --case or the case flags (--at, --needs, ...), not both"}});
    if (file.empty()) return named_by_flag([&] { return engine.case_from_json(document(), "case"); });
    nrm::Case c = from_file(engine);
    if (const auto& ex = value_of("exclude"))
      named_by_flag([&] { nrm::add_excluded(c, list_of(*ex), "case", engine.directory()); });
    return c;
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
               "A provider said no? Run the same case again with --exclude ID (several: ID,ID): the\n"
               "answer is planned without them and names them in `exclude`.\n"
               "--slip prints, instead of the answer, a slip for the person (neutral title, no case\n"
               "details, no confidential address): --slip html > slip.html for printing.\n"
               "Exit status: 0 pathways found, 3 no pathway meets every need (the best partial\n"
               "pathway and what is missing are still printed), 2 bad input, 1 internal error.");
    return [opts, slip, &data]() {
      auto engine = data.load();
      Case c = opts->read(*engine);
      opts->apply_when(*engine, c);
      opts->apply_top(c);
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
