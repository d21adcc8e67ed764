// What an answer leaves the person with: the national fallbacks every answer ends with
// (data/fallbacks.yaml) and the referral slip, a page the worker prints or copies for the person
// (docs/frontline.md). The slip names no one and says nothing of the case: no need codes, no age,
// gender or status, no word of trafficking in its title, no address of a confidential provider.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "api/engine.hpp"

namespace nrm::api {

// The answer's `fallbacks` field: every entry of the file, every text in English and French
// (docs/api.md). answer_json and answer_json_text both write this document.
nlohmann::json fallbacks_json(const Directory& d);
// The answer text's last block, in the thread's current language: lines of at most 80 columns.
std::string fallbacks_text(const Directory& d);

// The slip for pathway `pathway` (0-based) of `a`, in `lang`: for each step in order the provider's
// name, intake phone and hours, how to go (in person, with the address unless the provider is
// confidential; or by phone or video), the wait and what to bring for each need it covers; then
// the fallbacks by their slip names. Text: lines of at most 80 columns. HTML: one standalone
// printable page, every string escaped, no external resource. Throws std::out_of_range when `a`
// has no such pathway.
std::string slip_text(const Engine& e, const Answer& a, std::size_t pathway, Lang lang);
std::string slip_html(const Engine& e, const Answer& a, std::size_t pathway, Lang lang);

}  // namespace nrm::api
