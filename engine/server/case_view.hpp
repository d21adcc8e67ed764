// Views of the store's tracked cases and statistics: the JSON the API answers and `nrm cases`
// prints (one function each, so the two cannot disagree), the statistics as CSV and as a table.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/engine.hpp"
#include "store/store.hpp"

namespace nrm::server {

// A case as GET /v1/cases/{ref} shows it: reference, status, outcome, opened, closed (days), the
// case, the consent, the steps (with each provider's name when `engine` knows it) and the history.
// The server adds "replacement".
nlohmann::json case_document(const store::CaseRecord& c, const api::Engine* engine);

// One entry of a provider's inbox (GET /v1/providers/{id}/requests): `c` holds that provider's
// step only. What the provider needs and nothing more: the reference, its step (status, covers,
// mode, requested), the case's needs, age band and languages.
nlohmann::json request_document(const store::CaseRecord& c);

// GET /v1/stats and `nrm cases stats --format json`: the referral log's figures and the cases'.
nlohmann::json stats_document(const store::Stats& s, const std::string& province);
// The same figures, one per line: period,source,breakdown,province,value,event,code,count.
std::string stats_csv(const store::Stats& s);
// The same for a terminal: one block per month and breakdown.
std::string stats_table(const store::Stats& s);

// `nrm cases list`: one line per case (reference, status, opened, closed, province, steps by status,
// outcome).
std::string cases_table(const std::vector<store::CaseRecord>& cases);
// `nrm cases show`: the case in lines.
std::string case_text(const store::CaseRecord& c);

}  // namespace nrm::server
