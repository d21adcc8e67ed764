// The role x endpoint table, object-level rules included (own provider, own case).
#include "server/roles.hpp"

namespace nrm::server {

namespace {

constexpr std::string_view kNames[] = {"frontline", "police_liaison", "coordinator", "provider_admin"};

// Rows: endpoints in enum order; columns: roles in enum order.
constexpr Access Y = Access::kAllowed, N = Access::kDenied, O = Access::kOwnProvider, C = Access::kOwnCase;
constexpr Access kTable[][4] = {
    //               frontline police coordinator provider_admin
    /* referrals     */ {Y, Y, Y, N},
    /* explain       */ {Y, Y, Y, N},
    /* providers     */ {Y, Y, Y, N},
    /* provider      */ {Y, Y, Y, N},
    /* capacity      */ {N, N, Y, O},
    /* audit         */ {N, N, Y, N},
    /* stats         */ {N, N, Y, N},
    /* reload        */ {N, N, Y, N},
    /* case open     */ {Y, Y, N, N},
    /* case          */ {C, C, Y, N},
    /* case steps    */ {C, C, N, N},
    /* case close    */ {C, C, Y, N},
    /* step accept   */ {N, N, N, O},
    /* step decline  */ {N, N, N, O},
    /* step withdraw */ {C, C, N, N},
    /* requests      */ {N, N, N, O},
};
static_assert(sizeof kTable / sizeof kTable[0] == static_cast<int>(Endpoint::kRequests) + 1);

}  // namespace

std::string_view role_name(Role r) { return kNames[static_cast<int>(r)]; }

std::optional<Role> parse_role(std::string_view name) {
  for (Role r : kRoles)
    if (role_name(r) == name) return r;
  return std::nullopt;
}

std::string_view role_list() { return "frontline, police_liaison, coordinator, provider_admin"; }

Access access(Role role, Endpoint endpoint) {
  return kTable[static_cast<int>(endpoint)][static_cast<int>(role)];
}

}  // namespace nrm::server
