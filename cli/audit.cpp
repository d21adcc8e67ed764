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

const Registration audit_command(40, "audit",
  "coverage gaps for coordinators: every community x profile, per province, what-if, suggestions",
  [](CLI::App& sub, DataOptions& data) -> Runner {
    auto o = std::make_shared<AuditOptions>();
    sub.add_option("--province", o->province, "only this province or territory, e.g. ON");
    sub.add_option("--profile", o->profile, "only these profiles (ids, comma-separated; see data/profiles.yaml)");
    sub.add_option("--format", o->format,
                   "table | csv | json | html | geojson (default table). csv: one row per community x profile, "
                   "codes not labels, latitude and longitude last; geojson: one Point per community (hours, "
                   "binding need and reason per profile) for QGIS or ArcGIS");
    sub.add_option("--out", o->out,
                   "write the report to this file instead of standard output, atomically (a temporary file in the "
                   "same folder renamed into place: a failed write leaves the previous report whole)");
    sub.add_option("--with", o->with, "what-if: add the providers of this file (same schema as providers.yaml)");
    sub.add_option("--without", o->without, "what-if: remove these providers (ids, comma-separated)");
    sub.add_option("--suggest", o->suggest,
                   "propose N (1-20) new providers for --profile P, greedily: most people newly within 2 h, then "
                   "8 h, then 24 h, then person-hours of travel saved (exact gains: re-run with each)");
    sub.add_option("--as-of", o->as_of, "the audit's date YYYY-MM-DD (default today)");
    sub.add_option("--profiles", o->profiles,
                   "profiles file, with the audit's thresholds_hours and reasons (default data/profiles.yaml)");
    sub.add_option("--compare", o->compare,
                   "show what changed since an earlier audit: PREVIOUS is the output of an earlier `nrm audit "
                   "--format json` (people newly within each threshold, communities that gained or lost their "
                   "pathway, providers added, removed or gone stale); table, html, json, csv")
        ->type_name("PREVIOUS.json");
    sub.add_option("--outlines", o->outlines,
                   "the provinces' outlines the HTML map is drawn on, GeoJSON (default data/outlines.geojson)")
        ->type_name("FILE");
    sub.add_option("--threads", o->threads, "worker threads (default 2)");
    sub.footer("Each cell is exactly what `nrm refer` answers for that profile placed in that community.\n"
               "The report opens with a summary in plain sentences (people and shares per province and for\n"
               "Canada who cannot reach every service within the last threshold), and says for every missing\n"
               "need why (the reasons of the profiles file); unknown populations are counted apart, never as 0.\n"
               "A cell whose best pathway uses an entry not verified in the last 12 months (stale_after_days)\n"
               "is marked STALE, and each province counts them: \"N cells rely on stale entries (M providers)\".\n"
               "With --with/--without the report shows the changed network and opens with the scenario (what\n"
               "was added or removed and the change it makes; the --with file by name and digest).\n"
               "The HTML map draws the provinces' outlines (Natural Earth, public domain: data/outlines.geojson)\n"
               "in Lambert conformal conic, zoomed to --province; dots by travel band on a colour-blind-safe\n"
               "palette (viridis; no pathway is a dark square), sized by population (size legend), the\n"
               "worst-served communities labelled. Printed (or saved as PDF) it fits letter and A4 portrait:\n"
               "each province's gaps on a new page. --compare PREVIOUS.json adds what changed since that audit\n"
               "(<section id=\"compare\"> in HTML, `compare` in JSON, previous_feasible and\n"
               "previous_travel_hours appended to CSV); the JSON names its format (format: nrm-audit,\n"
               "format_version 2) and lists its providers so that a later audit can compare with it. See\n"
               "docs/coordinators.md. Exit status: 0 ok, 2 bad input (a PREVIOUS that is not an nrm audit JSON,\n"
               "or of a newer format, included) or a report that could not be written (the message names the\n"
               "file; the previous report is left whole), 1 internal error.");
    return [o, &data]() {
      auto engine = data.load();
      const Directory& d = engine->directory();
      audit::Options opts;
      if (o->as_of.empty()) opts.as_of = Date::today();
      else if (auto dt = Date::parse(o->as_of)) opts.as_of = *dt;
      else throw bad("--as-of", "'" + o->as_of + "' is not a date YYYY-MM-DD");
      if (!o->province.empty()) {
        auto p = d.taxonomy.provinces.find(o->province);
        if (!p) throw bad("--province", "unknown province '" + o->province + "'; expected one of AB BC MB NB NL NS NT NU ON PE QC SK YT");
        opts.province = *p;
      }
      if (o->format != "table" && o->format != "csv" && o->format != "json" && o->format != "html" &&
          o->format != "geojson")
        throw bad("--format", "'" + o->format + "' is not a format; expected table, csv, json, html or geojson");
      if (!o->compare.empty() && o->format == "geojson")
        throw bad("--compare", "not available with --format geojson; use table, csv, json or html");
      if (o->threads < 1 || o->threads > 64) throw bad("--threads", std::to_string(o->threads) + " is out of range; expected 1 to 64");
      opts.threads = o->threads;
      opts.profile_ids = split(o->profile);
      if (o->suggest < 0 || o->suggest > 20) throw bad("--suggest", std::to_string(o->suggest) + " is out of range; expected 1 to 20");
      if (o->suggest > 0 && opts.profile_ids.size() != 1) throw bad("--suggest", "needs exactly one --profile P");
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
