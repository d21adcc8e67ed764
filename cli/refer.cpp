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
  std::optional<i18n::Msg> type;  // its value's name in --help; nothing for a code or id ("CODE", "ID")
  const char* type_code;
  i18n::Msg help;
  bool with_case = false;  // may go with --case (adds to the file's field)
};
using i18n::Msg;
using i18n::tr;
const CaseFlag kCaseFlags[] = {
    {"location", "--at", FlagKind::kText, std::nullopt, "ID", Msg::cli_opt_at},
    {"needs", "--needs", FlagKind::kList, Msg::cli_type_list, "", Msg::cli_opt_needs},
    {"age", "--age", FlagKind::kNumber, Msg::cli_type_years, "", Msg::cli_opt_age},
    {"gender", "--gender", FlagKind::kText, std::nullopt, "CODE", Msg::cli_opt_gender},
    {"identity", "--identity", FlagKind::kList, Msg::cli_type_list, "", Msg::cli_opt_identity},
    {"languages", "--languages", FlagKind::kList, Msg::cli_type_list, "", Msg::cli_opt_languages},
    {"status", "--status", FlagKind::kText, std::nullopt, "CODE", Msg::cli_opt_status},
    {"exploitation", "--exploitation", FlagKind::kText, std::nullopt, "CODE", Msg::cli_opt_exploitation},
    {"require", "--require", FlagKind::kList, Msg::cli_type_list, "", Msg::cli_opt_require},
    {"prefer", "--prefer", FlagKind::kList, Msg::cli_type_list, "", Msg::cli_opt_prefer},
    {"avoid", "--avoid", FlagKind::kList, Msg::cli_type_list, "", Msg::cli_opt_avoid},
    {"max_travel_hours", "--max-travel-hours", FlagKind::kNumber, Msg::cli_type_hours, "", Msg::cli_opt_max_travel_hours},
    {"exclude", "--exclude", FlagKind::kList, std::nullopt, "ID", Msg::cli_opt_exclude, true},
};
constexpr std::size_t kCaseFlagCount = sizeof kCaseFlags / sizeof kCaseFlags[0];

std::string type_of(const CaseFlag& f) { return f.type ? tr(*f.type) : f.type_code; }

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
    app.add_option("--case", file, tr(Msg::cli_opt_case))->type_name(tr(Msg::cli_type_file));
    for (std::size_t i = 0; i < kCaseFlagCount; ++i) {
      if (kCaseFlags[i].kind != FlagKind::kList) {
        app.add_option_function<std::string>(kCaseFlags[i].flag, [this, i](const std::string& v) { values[i] = v; },
                                             tr(kCaseFlags[i].help))
            ->type_name(type_of(kCaseFlags[i]));
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
             tr(kCaseFlags[i].help))
          ->type_name(type_of(kCaseFlags[i]));
    }
    app.add_flag("--police-consent", police_consent, tr(Msg::cli_opt_police_consent));
    if (with_top)
      app.add_option_function<std::string>("--top", [this](const std::string& v) { top = v; }, tr(Msg::cli_opt_top))
          ->type_name("N");
    app.add_option("--as-of", as_of, tr(Msg::cli_opt_as_of))->type_name(tr(Msg::cli_type_date));
    app.add_option("--when", when, tr(Msg::cli_opt_when))->type_name(tr(Msg::cli_type_time));
    app.add_flag("--json", json, tr(Msg::cli_opt_json));
  }

  // --when over the case's own `when`; neither: now, on the clock of the person's community.
  void apply_when(const nrm::api::Engine& engine, nrm::Case& c) const {
    if (!when.empty()) {
      if (auto t = nrm::LocalTime::parse(when)) c.when = *t;
      else throw option_error("--when", tr(Msg::err_not_local_time, {{"value", when}}));
    }
    if (!c.when) c.when = engine.now_at(c.location);
  }

  // --top over the case's own `top`, checked as the case reader checks `top`.
  void apply_top(nrm::Case& c) const {
    if (!top) return;
    const nlohmann::json n = number_of(*top);
    if (!n.is_number_integer())
      throw option_error("--top", tr(Msg::err_expected_whole, {{"found", "'" + *top + "'"}}));
    const auto v = n.get<std::int64_t>();
    if (v < 1 || v > 20)
      throw option_error("--top", tr(Msg::err_out_of_range, {{"value", *top}, {"min", "1"}, {"max", "20"}}));
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
      throw nrm::LoadError("invalid case", {{"", 0, 0, "--case", tr(Msg::err_case_or_flags)}});
    if (file.empty()) return named_by_flag([&] { return engine.case_from_json(document(), "case"); });
    nrm::Case c = from_file(engine);
    if (const auto& ex = value_of("exclude"))
      named_by_flag([&] { nrm::add_excluded(c, list_of(*ex), "case", engine.directory()); });
    return c;
  }

  nrm::Date date() const {
    if (as_of.empty()) return nrm::Date::today();
    if (auto d = nrm::Date::parse(as_of)) return *d;
    throw option_error("--as-of", tr(Msg::err_not_date, {{"value", as_of}}));
  }
};

// refer's --slip and --pathway: the person's slip (api/slip.hpp) instead of the answer, in the
// language of the run (--lang).
struct SlipOptions {
  CLI::Option* slip_opt = nullptr;
  std::string format = "text";
  int pathway = 1;  // 1-based

  void add_to(CLI::App& app) {
    slip_opt = app.add_option("--slip", format, tr(Msg::cli_opt_slip))->expected(0, 1)->check(CLI::IsMember({"text", "html"}));
    slip_opt->excludes(app.get_option("--json"));
    app.add_option("--pathway", pathway, tr(Msg::cli_opt_pathway))->needs(slip_opt);
  }
  bool wanted() const { return slip_opt->count() > 0; }

  std::string render(const api::Engine& engine, const api::Answer& a) const {
    const std::size_t n = a.plan.pathways.size();
    if (n == 0)
      throw LoadError("no slip", {{"", 0, 0, "--slip", tr(Msg::err_no_slip)}});
    if (pathway < 1 || static_cast<std::size_t>(pathway) > n)
      throw LoadError("invalid option", {{"", 0, 0, "--pathway", out_of_range_message(n)}});
    const Lang l = i18n::current();
    const std::size_t i = static_cast<std::size_t>(pathway - 1);
    return format == "html" ? api::slip_html(engine, a, i, l) : api::slip_text(engine, a, i, l);
  }
  std::string out_of_range_message(std::size_t n) const {
    if (n == 1) return tr(Msg::err_pathway_range_one, {{"value", std::to_string(pathway)}});
    return tr(Msg::err_pathway_range, {{"value", std::to_string(pathway)}, {"count", std::to_string(n)}});
  }
};

const Registration refer_command(10, "refer", Msg::cli_refer,
  [](CLI::App& sub, DataOptions& data) -> Runner {
    auto opts = std::make_shared<CaseOptions>();
    opts->add_to(sub, true);
    auto slip = std::make_shared<SlipOptions>();
    slip->add_to(sub);
    sub.footer(tr(Msg::cli_refer_footer));
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

const Registration explain_command(20, "explain", Msg::cli_explain,
  [](CLI::App& sub, DataOptions& data) -> Runner {
    auto opts = std::make_shared<CaseOptions>();
    auto provider = std::make_shared<std::string>();
    opts->add_to(sub, false);
    sub.add_option("--provider", *provider, tr(Msg::cli_opt_provider_id))->type_name("ID")->required();
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

const Registration validate_command(30, "validate", Msg::cli_validate,
  [](CLI::App&, DataOptions& data) -> Runner {
    return [&data]() {
      auto paths = data.paths();
      paths.cache_dir.clear();  // validate always reads the sources, never a snapshot
      auto engine = api::Engine::load(paths);
      auto problems = engine->catchment_problems();
      if (!problems.empty()) throw LoadError("catchments do not tile", std::move(problems));
      std::cout << engine->summary() << "\n";
      return 0;
    };
  });

}  // namespace

}  // namespace nrm::cli
