// nrm import hsds FILE|DIR --map MAP --out FILE and nrm export hsds --out FILE: the directory
// from and to Open Referral HSDS 3.1. Thin: reading, mapping, checking and writing are the
// engine's (engine/hsds); nothing is written unless the whole input imports.
#include <iostream>

#include "cli/command.hpp"
#include "directory/loader.hpp"
#include "hsds/hsds.hpp"

namespace nrm::cli {

namespace {

using i18n::Msg;
using i18n::tr;

struct ImportOptions {
  std::string input, map, out;
};

const Registration import_command(70, "import", Msg::cli_import,
  [](CLI::App& sub, DataOptions& data) -> Runner {
    auto o = std::make_shared<ImportOptions>();
    sub.require_subcommand(1);
    CLI::App* h = sub.add_subcommand("hsds", tr(Msg::cli_import_hsds));
    h->fallthrough();  // --providers, --communities, --lang... belong to `import`
    h->add_option("FILE", o->input, tr(Msg::cli_opt_hsds_input))->required();
    h->add_option("--map", o->map, tr(Msg::cli_opt_hsds_map))->required();
    h->add_option("--out", o->out, tr(Msg::cli_opt_hsds_out))->required();
    h->footer(tr(Msg::cli_import_hsds_footer));
    return [o, &data]() {
      // Only the codes and the communities: the providers file in place is neither needed nor read.
      const DataPaths paths = data.paths().data;
      Directory dir;
      dir.paths = paths;
      dir.taxonomy = load_taxonomy(paths.taxonomy);
      dir.geography = load_geography(paths.communities, paths.routes, dir.taxonomy);
      const hsds::Map map = hsds::load_map(o->map, dir);
      const auto input = hsds::read_input(o->input);
      const hsds::ImportResult r = hsds::import_services(input, map, dir, o->input);
      hsds::write_file_atomically(o->out, r.yaml);
      std::cout << tr(Msg::hsds_imported, {{"count", i18n::integer(r.imported)},
                                           {"skipped", i18n::integer(r.skipped)},
                                           {"out", o->out}})
                << "\n";
      return 0;
    };
  });

const Registration export_command(71, "export", Msg::cli_export,
  [](CLI::App& sub, DataOptions& data) -> Runner {
    auto out = std::make_shared<std::string>();
    sub.require_subcommand(1);
    CLI::App* h = sub.add_subcommand("hsds", tr(Msg::cli_export_hsds));
    h->fallthrough();
    h->add_option("--out", *out, tr(Msg::cli_opt_hsds_export_out))->required();
    h->footer(tr(Msg::cli_export_hsds_footer));
    return [out, &data]() {
      const Directory dir = load_directory(data.paths().data);
      const auto services = hsds::export_services(dir);
      hsds::write_file_atomically(*out, services.dump(2) + "\n");
      std::cout << tr(Msg::hsds_exported, {{"count", i18n::integer(static_cast<std::int64_t>(services.size()))},
                                           {"out", *out}})
                << "\n";
      return 0;
    };
  });

}  // namespace

}  // namespace nrm::cli
