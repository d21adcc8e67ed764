// The server's logic without the network: a request (method, target, bearer token, body) in, a
// response (status, JSON) out. Parse -> check (route, method, token, role) -> engine. Holds the
// current engine snapshot (swapped whole on capacity updates, beds taken by cases and reloads;
// requests in flight keep theirs), the token store, the writer (capacity, case transitions: one
// at a time, each durable before its answer) and the referral log. The tracked-case endpoints are
// in cases.cpp.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/engine.hpp"
#include "api/errors.hpp"
#include "server/metrics.hpp"
#include "store/referral_log.hpp"
#include "store/store.hpp"

namespace nrm::server {

struct Request {
  std::string_view method;
  std::string_view target;         // path and query, as sent
  std::string_view authorization;  // the Authorization header, or empty
  std::string_view accept_language;  // the Accept-Language header, or empty: the answer's language
  std::string_view body;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Allow, ...)
  std::string error_code;                                    // the table's name when refused
};

class Service {
 public:
  // Replays the stored capacity updates onto `engine`. `profiles_path` is the audit's profiles
  // file (data/profiles.yaml). Referral log rows are kept `log_retention_days`, closed cases
  // `case_retention_days` after closing (both at least until their month's figures are frozen).
  // Throws store::StoreError.
  Service(std::shared_ptr<const api::Engine> engine, const std::string& db_path,
          const std::string& profiles_path,
          int log_retention_days = store::ReferralLog::kDefaultRetentionDays,
          int case_retention_days = store::ReferralLog::kDefaultRetentionDays);

  Response handle(const Request& request);
  // Whether a request may wait for the disk before it answers (a capacity update, a case
  // transition, a reload): the HTTP side runs those off its request threads. Only a hint of
  // which thread runs it; handle() decides everything else.
  static bool durable(const Request& request);
  // A refusal decided before a request could be read whole (too large, malformed HTTP, timeout),
  // counted like the others.
  Response refuse(api::ErrorCode code, const std::string& message);

  // Loads a new engine from the same paths, replays capacity, swaps. Returns the response of
  // POST /v1/admin/reload (200, or 400 with the problems while the old engine stays).
  Response reload();

  std::shared_ptr<const api::Engine> engine() const;
  Metrics& metrics() { return metrics_; }
  // Once set, /healthz answers 503 so load balancers stop sending.
  void set_draining() { draining_ = true; }
  void flush_log() { log_.flush(); }
  // How many stored capacity updates the last (re)load applied, and which it had to skip.
  std::size_t replayed() const { return replayed_; }
  const std::vector<std::string>& replay_warnings() const { return replay_warnings_; }

 private:
  struct Context;
  Response route(const Request& request, Context& ctx);
  Response referrals(Context& ctx);
  Response explain(Context& ctx);
  Response providers(Context& ctx);
  Response provider(Context& ctx, const std::string& id);
  Response capacity(Context& ctx, const std::string& id);
  Response stats(Context& ctx);
  Response audit(Context& ctx);
  Response healthz();
  // Tracked cases (cases.cpp).
  // Whether `seg` (the path after /v1/) names a case route; if so, which, with its method.
  static bool route_case(const std::vector<std::string>& seg, Route& route, std::string_view& method,
                         std::string& ref, std::string& provider);
  Response open_case(Context& ctx);
  Response show_case(Context& ctx);
  Response replace_steps(Context& ctx);
  Response close_case(Context& ctx);
  Response accept_step(Context& ctx, const std::string& provider);
  Response decline_step(Context& ctx, const std::string& provider);
  Response withdraw_step(Context& ctx, const std::string& provider);
  Response requests(Context& ctx, const std::string& provider);
  // The case document a worker reads, with the replacement when a step was declined or withdrawn
  // and the steps still asked no longer form a valid pathway (`checked`: they were just found
  // valid, so there is none to look for).
  nlohmann::json case_answer(const api::Engine& e, const store::CaseRecord& c, bool checked = false);
  // The live engine with `provider`'s free beds moved by `delta` (-1: one taken, +1: one given
  // back; kept within 0..beds) and the bed count to store with the step; nothing when the provider
  // is not in the directory or keeps no bed count. Call under write_mu_, then set_engine.
  std::optional<std::pair<std::shared_ptr<const api::Engine>, store::BedChange>> beds(
      const std::string& provider, int delta, std::int64_t token_id);
  std::shared_ptr<const api::Engine> replay(std::shared_ptr<const api::Engine> engine);
  void set_engine(std::shared_ptr<const api::Engine> engine);

  // The engine and its generation, read together.
  std::pair<std::shared_ptr<const api::Engine>, std::uint64_t> snapshot() const;

  mutable std::mutex engine_mu_;
  std::shared_ptr<const api::Engine> engine_;
  std::atomic<std::uint64_t> generation_{1};
  std::string profiles_path_;
  std::mutex audit_mu_;  // one audit at a time; recent results kept per generation and query
  std::deque<std::pair<std::string, std::string>> audit_cache_;
  std::mutex write_mu_;  // capacity updates and reloads, one at a time
  store::Store writer_;  // synchronous=FULL: an update is on disk before its 200
  std::mutex read_mu_;
  store::Store reader_;  // tokens, statistics
  store::ReferralLog log_;
  Metrics metrics_;
  std::atomic<bool> draining_{false};
  std::size_t replayed_ = 0;
  std::vector<std::string> replay_warnings_;
};

}  // namespace nrm::server
