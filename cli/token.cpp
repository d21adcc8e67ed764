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

const Registration token_command(60, "token", "API tokens for nrm serve: create (shown once), revoke, list",
  [](CLI::App& sub, DataOptions& data) -> Runner {
    auto o = std::make_shared<TokenOptions>();
    sub.require_subcommand(1);
    CLI::App* create = sub.add_subcommand("create", "create a token and print it (the only time it is shown)");
    create->add_option("--role", o->role, "frontline | police_liaison | coordinator | provider_admin")->required();
    create->add_option("--provider", o->provider, "the provider a provider_admin token may update");
    create->add_option("--db", o->db, "the server's SQLite store")->required();
    create->fallthrough();
    CLI::App* revoke = sub.add_subcommand("revoke", "revoke a token by id; the server refuses it from then on");
    revoke->add_option("--id", o->id, "token id (see nrm token list)")->required();
    revoke->add_option("--db", o->db, "the server's SQLite store")->required();
    revoke->fallthrough();
    CLI::App* list = sub.add_subcommand("list", "list tokens: id, role, provider, created, revoked (no secrets)");
    list->add_option("--db", o->db, "the server's SQLite store")->required();
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
        std::cerr << "token " << t.id << " (" << o->role << (o->provider.empty() ? "" : " of " + o->provider)
                  << ") created; the secret above is shown only this once\n";
        return 0;
      }
      if (revoke->parsed()) {
        store::Store s(o->db);
        if (!s.revoke_token(o->id)) throw option_error("--id", "no token with id " + std::to_string(o->id));
        std::cout << "token " << o->id << " revoked\n";
        return 0;
      }
      (void)list;
      store::Store s(o->db);
      std::cout << "id\trole\tprovider\tcreated\trevoked\n";
      for (const auto& t : s.tokens())
        std::cout << t.id << "\t" << t.role << "\t" << (t.provider.empty() ? "-" : t.provider) << "\t" << t.created
                  << "\t" << (t.revoked.empty() ? "-" : t.revoked) << "\n";
      return 0;
    };
  });

}  // namespace

}  // namespace nrm::cli
