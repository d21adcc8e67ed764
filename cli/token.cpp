// nrm token create | revoke | list: the API's bearer tokens. A secret is printed once at creation
// and only its hash is stored; list never shows secrets.
#include <iostream>

#include "cli/command.hpp"
#include "model/diagnostics.hpp"
#include "server/roles.hpp"
#include "store/store.hpp"

namespace nrm::cli {

namespace {

struct TokenOptions {
  std::string role, provider, db;
  std::int64_t id = 0;
};

using i18n::Msg;
using i18n::tr;

const Registration token_command(60, "token", Msg::cli_token,
  [](CLI::App& sub, DataOptions& data) -> Runner {
    auto o = std::make_shared<TokenOptions>();
    sub.require_subcommand(1);
    const std::string file = tr(Msg::cli_type_file);
    CLI::App* create = sub.add_subcommand("create", tr(Msg::cli_token_create));
    create->add_option("--role", o->role, tr(Msg::cli_opt_role))->type_name(tr(Msg::cli_type_role))->required();
    create->add_option("--provider", o->provider, tr(Msg::cli_opt_token_provider))->type_name("ID");
    create->add_option("--db", o->db, tr(Msg::cli_opt_db))->type_name(file)->required();
    create->fallthrough();
    CLI::App* revoke = sub.add_subcommand("revoke", tr(Msg::cli_token_revoke));
    revoke->add_option("--id", o->id, tr(Msg::cli_opt_token_id))->type_name("N")->required();
    revoke->add_option("--db", o->db, tr(Msg::cli_opt_db))->type_name(file)->required();
    revoke->fallthrough();
    CLI::App* list = sub.add_subcommand("list", tr(Msg::cli_token_list));
    list->add_option("--db", o->db, tr(Msg::cli_opt_db))->type_name(file)->required();
    list->fallthrough();
    return [o, create, revoke, list, &data]() {
      if (create->parsed()) {
        auto role = server::parse_role(o->role);
        if (!role)
          throw option_error("--role", "'" + o->role + "' is not a role; expected one of " +
                                           std::string(server::role_list()));
        if (*role == server::Role::kProviderAdmin) {
          if (o->provider.empty()) throw option_error("--provider", "a provider_admin token needs --provider ID");
          auto engine = data.load();
          if (!engine->directory().find(o->provider))
            throw option_error("--provider", "no provider with id '" + o->provider + "' in the directory");
        } else if (!o->provider.empty()) {
          throw option_error("--provider", "only provider_admin tokens name a provider");
        }
        store::Store s(o->db);
        auto t = s.create_token(o->role, o->provider);
        std::cout << t.secret << std::endl;
        std::cerr << (o->provider.empty()
                          ? tr(Msg::cli_token_created, {{"id", std::to_string(t.id)}, {"role", o->role}})
                          : tr(Msg::cli_token_created_for, {{"id", std::to_string(t.id)}, {"role", o->role}, {"provider", o->provider}}))
                  << "\n";
        return 0;
      }
      if (revoke->parsed()) {
        store::Store s(o->db);
        if (!s.revoke_token(o->id)) throw option_error("--id", "no token with id " + std::to_string(o->id));
        std::cout << tr(Msg::cli_token_revoked, {{"id", std::to_string(o->id)}}) << "\n";
        return 0;
      }
      (void)list;
      store::Store s(o->db);
      std::cout << tr(Msg::cli_token_header) << "\n";
      for (const auto& t : s.tokens())
        std::cout << t.id << "\t" << t.role << "\t" << (t.provider.empty() ? "-" : t.provider) << "\t" << t.created
                  << "\t" << (t.revoked.empty() ? "-" : t.revoked) << "\n";
      return 0;
    };
  });

}  // namespace

}  // namespace nrm::cli
