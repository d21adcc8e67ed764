// Who may do what: the four roles and the one role x endpoint table every /v1 request is checked
// against (docs/api.md prints the same table).
#pragma once

#include <optional>
#include <string_view>

namespace nrm::server {

enum class Role { kFrontline, kPoliceLiaison, kCoordinator, kProviderAdmin };
inline constexpr Role kRoles[] = {Role::kFrontline, Role::kPoliceLiaison, Role::kCoordinator,
                                  Role::kProviderAdmin};

std::string_view role_name(Role r);
std::optional<Role> parse_role(std::string_view name);
// "frontline, police_liaison, coordinator, provider_admin"
std::string_view role_list();

// The /v1 endpoints.
enum class Endpoint { kReferrals, kExplain, kProviders, kProvider, kCapacity, kAudit, kStats, kReload,
                      kCaseOpen, kCase, kCaseSteps, kCaseClose, kStepAccept, kStepDecline, kStepWithdraw,
                      kRequests };

enum class Access {
  kDenied,
  kAllowed,
  kOwnProvider,  // only for the provider named in the token
  kOwnCase,      // only for a case this very token opened
};

Access access(Role role, Endpoint endpoint);

}  // namespace nrm::server
