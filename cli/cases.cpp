// nrm cases list | show | stats: coordinators read the server's tracked cases and their published
// aggregates straight from its store, read-only (nothing written, not even a frozen month). The
// views are the server's own (server/case_view.hpp): `stats --format json` is GET /v1/stats.
#include <iostream>

#include "cli/command.hpp"
#include "directory/loader.hpp"
#include "model/diagnostics.hpp"
#include "server/case_view.hpp"
#include "store/store.hpp"

namespace nrm::cli {

namespace {

struct CasesOptions {
  std::string db, status, reference, province;
  std::string format;
};

// The store, read-only; a file that is missing or not nrm's is bad input (exit 2).
std::unique_ptr<store::Store> open_store(const std::string& db) {
  try {
    return std::make_unique<store::Store>(db, store::Durability::kFull, store::OpenMode::kReadOnly);
  } catch (const store::StoreError& e) {
    throw option_error("--db", e.what());
  }
}

int stats(const CasesOptions& o, const DataOptions& data) {
  if (!o.province.empty()) {
    const Taxonomy t = load_taxonomy(data.paths().data.taxonomy);
    if (!t.provinces.find(o.province))
      throw option_error("--province", "unknown province or territory '" + o.province + "'");
  }
  auto s = open_store(o.db);
  const store::Stats st = s->stats(o.province, store::utc_now().substr(0, 7));
  if (o.format == "json") std::cout << server::stats_document(st, o.province).dump() << "\n";
  else if (o.format == "csv") std::cout << server::stats_csv(st);
  else std::cout << server::stats_table(st);
  return 0;
}

Runner setup(CLI::App& sub, DataOptions& data, bool stats_only) {
  auto o = std::make_shared<CasesOptions>();
  auto add_db = [&](CLI::App* app) {
    app->add_option("--db", o->db, "the server's SQLite store (nrm serve --db), opened read-only")->required();
  };
  auto add_stats = [&](CLI::App* app) {
    add_db(app);
    app->add_option("--province", o->province, "cells of one province or territory (totals stay national)");
    app->add_option("--format", o->format, "table (default), csv or json (exactly GET /v1/stats)")
        ->check(CLI::IsMember({"table", "csv", "json"}));
    app->footer("Closed months only; figures under 10 left out with their complements, the rest rounded to 5.\n"
                "See docs/api.md, GET /v1/stats.");
  };
  if (stats_only) {
    add_stats(&sub);
    return [o, &data]() { return stats(*o, data); };
  }
  sub.require_subcommand(1);
  sub.footer("Read-only on the server's store: nothing is written. Exit status: 0 ok, 2 bad input (an unknown\n"
             "reference, a missing store or one nrm did not make). See docs/api.md, \"Tracked cases\".");
  CLI::App* list = sub.add_subcommand("list", "the cases, newest first: reference, status, days, province, steps, outcome");
  add_db(list);
  list->add_option("--status", o->status, "open or closed (default: both)")->check(CLI::IsMember({"open", "closed"}));
  list->add_option("--format", o->format, "table (default) or json")->check(CLI::IsMember({"table", "json"}));
  list->fallthrough();
  CLI::App* show = sub.add_subcommand("show", "one case: its steps and the history of its transitions");
  show->add_option("REFERENCE", o->reference, "the case's reference, e.g. K7QX-4MPA")->required();
  add_db(show);
  show->add_option("--format", o->format, "text (default) or json (GET /v1/cases/{ref} without names)")
      ->check(CLI::IsMember({"text", "json"}));
  show->fallthrough();
  CLI::App* aggregate = sub.add_subcommand("stats", "the published aggregates of the referral log and the cases");
  add_stats(aggregate);
  aggregate->fallthrough();
  return [o, list, show, &data]() {
    if (list->parsed()) {
      auto s = open_store(o->db);
      const auto cases = s->list_cases(o->status);
      if (o->format == "json") {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& c : cases) out.push_back(server::case_document(c, nullptr));
        std::cout << out.dump(2) << "\n";
      } else {
        std::cout << server::cases_table(cases);
      }
      return 0;
    }
    if (show->parsed()) {
      auto s = open_store(o->db);
      const auto c = s->find_case(o->reference);
      if (!c) throw option_error("REFERENCE", "no case with reference '" + o->reference + "'");
      if (o->format == "json") std::cout << server::case_document(*c, nullptr).dump(2) << "\n";
      else std::cout << server::case_text(*c);
      return 0;
    }
    return stats(*o, data);
  };
}

const Registration cases_command(65, "cases", "the server's tracked cases and their aggregates, read-only: list, show, stats",
                                 [](CLI::App& sub, DataOptions& data) { return setup(sub, data, false); });
// `nrm stats` is `nrm cases stats`: the name the national data collection knows it by.
const Registration stats_command(66, "stats", "the published aggregates (same as nrm cases stats)",
                                 [](CLI::App& sub, DataOptions& data) { return setup(sub, data, true); });

}  // namespace

}  // namespace nrm::cli
