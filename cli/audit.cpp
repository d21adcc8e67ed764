// nrm audit: the coordinators' service-gap audit (engine/audit), with what-if and suggestions.
#include <iostream>
#include <optional>
#include <sstream>

#include "api/errors.hpp"
#include "audit/audit.hpp"
#include "audit/render.hpp"
#include "cli/command.hpp"

namespace nrm::cli {

namespace {

using i18n::Msg;
using i18n::tr;

struct AuditOptions {
  std::string province, profile, format = "table", out, with, without, as_of, profiles, outlines, compare;
  int suggest = 0;
  int threads = 2;
};

std::vector<std::string> split(const std::string& csv) {
  std::vector<std::string> out;
  std::stringstream ss(csv);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

LoadError bad(const std::string& field, const std::string& message) {
  return LoadError("invalid option", {{"", 0, 0, field, message}});
}

const Registration audit_command(40, "audit", Msg::cli_audit,
  [](CLI::App& sub, DataOptions& data) -> Runner {
    auto o = std::make_shared<AuditOptions>();
    const std::string file = tr(Msg::cli_type_file);
    sub.add_option("--province", o->province, tr(Msg::cli_opt_audit_province))->type_name("CODE");
    sub.add_option("--profile", o->profile, tr(Msg::cli_opt_audit_profile))->type_name(tr(Msg::cli_type_list));
    sub.add_option("--format", o->format, tr(Msg::cli_opt_audit_format))->type_name("FORMAT");
    sub.add_option("--out", o->out, tr(Msg::cli_opt_audit_out))->type_name(file);
    sub.add_option("--with", o->with, tr(Msg::cli_opt_audit_with))->type_name(file);
    sub.add_option("--without", o->without, tr(Msg::cli_opt_audit_without))->type_name(tr(Msg::cli_type_list));
    sub.add_option("--suggest", o->suggest, tr(Msg::cli_opt_audit_suggest))->type_name(tr(Msg::cli_type_n));
    sub.add_option("--as-of", o->as_of, tr(Msg::cli_opt_audit_as_of))->type_name(tr(Msg::cli_type_date));
    sub.add_option("--profiles", o->profiles, tr(Msg::cli_opt_audit_profiles))->type_name(file);
    sub.add_option("--compare", o->compare, tr(Msg::cli_opt_audit_compare))->type_name("PREVIOUS.json");
    sub.add_option("--outlines", o->outlines, tr(Msg::cli_opt_audit_outlines))->type_name(file);
    sub.add_option("--threads", o->threads, tr(Msg::cli_opt_audit_threads))->type_name(tr(Msg::cli_type_n));
    sub.footer(tr(Msg::cli_audit_footer));
    return [o, &data]() {
      auto engine = data.load();
      const Directory& d = engine->directory();
      audit::Options opts;
      if (o->as_of.empty()) opts.as_of = Date::today();
      else if (auto dt = Date::parse(o->as_of)) opts.as_of = *dt;
      else throw bad("--as-of", tr(Msg::err_not_date, {{"value", o->as_of}}));
      if (!o->province.empty()) {
        auto p = d.taxonomy.provinces.find(o->province);
        if (!p) throw bad("--province", tr(Msg::err_audit_unknown_province, {{"value", o->province}}));
        opts.province = *p;
      }
      if (o->format != "table" && o->format != "csv" && o->format != "json" && o->format != "html" &&
          o->format != "geojson")
        throw bad("--format", tr(Msg::err_audit_not_format, {{"value", o->format}}));
      if (!o->compare.empty() && o->format == "geojson")
        throw bad("--compare", tr(Msg::err_audit_compare_geojson));
      if (o->threads < 1 || o->threads > 64)
        throw bad("--threads", tr(Msg::err_out_of_range, {{"value", std::to_string(o->threads)}, {"min", "1"}, {"max", "64"}}));
      opts.threads = o->threads;
      opts.profile_ids = split(o->profile);
      if (o->suggest < 0 || o->suggest > 20)
        throw bad("--suggest", tr(Msg::err_out_of_range, {{"value", std::to_string(o->suggest)}, {"min", "1"}, {"max", "20"}}));
      if (o->suggest > 0 && opts.profile_ids.size() != 1) throw bad("--suggest", tr(Msg::err_audit_suggest_profile));
      const std::string profiles_path = o->profiles.empty() ? data.root + "/data/profiles.yaml" : o->profiles;
      auto profiles = audit::load_profiles(profiles_path, *engine);
      // Read what the report needs before the audit runs, so that a bad file fails at once.
      std::shared_ptr<const audit::Outlines> outlines;
      if (o->format == "html")
        outlines = audit::load_outlines(o->outlines.empty() ? data.root + "/data/outlines.geojson" : o->outlines, d);
      std::optional<audit::PreviousAudit> previous;
      if (!o->compare.empty()) previous = audit::read_previous(o->compare, profiles.at(0).settings->thresholds);

      const std::vector<std::string> without = split(o->without);
      const bool what_if = !o->with.empty() || !without.empty();
      std::shared_ptr<const api::Engine> changed = what_if ? audit::with_changes(*engine, o->with, without) : engine;

      audit::Audit result = audit::run(*changed, profiles, opts);
      audit::Report r;
      r.engine = changed.get();
      r.audit = &result;
      r.stamp = audit::make_stamp(*changed, profiles_path, opts.as_of, o->with, outlines.get());
      r.outlines = outlines;
      if (previous) r.progress = audit::progress(*changed, result, *previous);
      if (!o->province.empty()) r.province = o->province;
      audit::Audit before;
      if (what_if) {
        before = audit::run(*engine, profiles, opts);
        r.what_if = audit::make_what_if(*engine, *changed, o->with, without, audit::compare(before, result));
      }
      if (o->suggest > 0) {
        r.suggest_profile = opts.profile_ids[0];
        r.suggestions = audit::suggest(*changed, result.profiles[0], o->suggest, opts);
      }
      std::string text;
      if (o->format == "table") text = audit::render_table(r);
      else if (o->format == "csv") text = audit::render_csv(r);
      else if (o->format == "json") text = audit::render_json(r).dump(2) + "\n";
      else if (o->format == "geojson") text = audit::render_geojson(r).dump(2) + "\n";
      else text = audit::render_html(r);
      if (o->out.empty()) {
        std::cout << text;
      } else {
        audit::write_atomically(o->out, text);  // a failed write leaves the previous report whole
        std::cerr << "nrm audit: wrote " << o->out << " (" << result.cells.size() << " cells in "
                  << static_cast<int>(result.seconds * 1000) << " ms)\n";
      }
      return 0;
    };
  });

}  // namespace

}  // namespace nrm::cli
