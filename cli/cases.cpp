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

using i18n::Msg;
using i18n::tr;

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
      throw option_error("--province", tr(Msg::err_unknown_code, {{"what", tr(Msg::err_what_province)}, {"value", o.province}}));
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
    app->add_option("--db", o->db, tr(Msg::cli_opt_cases_db))->type_name(tr(Msg::cli_type_file))->required();
  };
  auto add_stats = [&](CLI::App* app) {
    add_db(app);
    app->add_option("--province", o->province, tr(Msg::cli_opt_cases_province))->type_name("CODE");
    app->add_option("--format", o->format, tr(Msg::cli_opt_stats_format))
        ->check(CLI::IsMember({"table", "csv", "json"}));
    app->footer(tr(Msg::cli_stats_footer));
  };
  if (stats_only) {
    add_stats(&sub);
    return [o, &data]() { return stats(*o, data); };
  }
  sub.require_subcommand(1);
  sub.footer(tr(Msg::cli_cases_footer));
  CLI::App* list = sub.add_subcommand("list", tr(Msg::cli_cases_list));
  add_db(list);
  list->add_option("--status", o->status, tr(Msg::cli_opt_cases_status))->check(CLI::IsMember({"open", "closed"}));
  list->add_option("--format", o->format, tr(Msg::cli_opt_cases_list_format))->check(CLI::IsMember({"table", "json"}));
  list->fallthrough();
  list->group(tr(Msg::cli_label_subcommands));
  CLI::App* show = sub.add_subcommand("show", tr(Msg::cli_cases_show));
  show->add_option("REFERENCE", o->reference, tr(Msg::cli_opt_cases_reference))->required();
  add_db(show);
  show->add_option("--format", o->format, tr(Msg::cli_opt_cases_show_format))
      ->check(CLI::IsMember({"text", "json"}));
  show->fallthrough();
  show->group(tr(Msg::cli_label_subcommands));
  CLI::App* aggregate = sub.add_subcommand("stats", tr(Msg::cli_cases_stats));
  add_stats(aggregate);
  aggregate->fallthrough();
  aggregate->group(tr(Msg::cli_label_subcommands));
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
      if (!c) throw option_error("REFERENCE", tr(Msg::err_no_case, {{"ref", o->reference}}));
      if (o->format == "json") std::cout << server::case_document(*c, nullptr).dump(2) << "\n";
      else std::cout << server::case_text(*c);
      return 0;
    }
    return stats(*o, data);
  };
}

const Registration cases_command(65, "cases", Msg::cli_cases,
                                 [](CLI::App& sub, DataOptions& data) { return setup(sub, data, false); });
// `nrm stats` is `nrm cases stats`: the name the national data collection knows it by.
const Registration stats_command(66, "stats", Msg::cli_stats,
                                 [](CLI::App& sub, DataOptions& data) { return setup(sub, data, true); });

}  // namespace

}  // namespace nrm::cli
