// The JSON, CSV and text views of tracked cases and statistics (see case_view.hpp).
#include "server/case_view.hpp"

#include <fmt/format.h>

#include <array>
#include <map>

#include "api/cases.hpp"

namespace nrm::server {

using json = nlohmann::json;

namespace {

json day_or_null(const std::string& day) { return day.empty() ? json(nullptr) : json(day); }
json code_or_null(const std::string& code) { return code.empty() ? json(nullptr) : json(code); }

json stored(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  return j.is_discarded() ? json::object() : j;
}

json step_document(const store::CaseStep& s, const api::Engine* engine) {
  json j = {{"provider", s.provider},     {"status", s.status},     {"covers", s.covers},
            {"mode", s.mode},             {"requested", s.requested}, {"updated", s.updated},
            {"duty_to_report", s.duty}};
  if (s.status == "declined") j["reason"] = s.reason;
  if (engine)
    if (auto p = engine->directory().find(s.provider)) j["name"] = engine->directory().providers[*p].name;
  return j;
}

}  // namespace

json case_document(const store::CaseRecord& c, const api::Engine* engine) {
  json steps = json::array();
  for (const auto& s : c.steps) steps.push_back(step_document(s, engine));
  json history = json::array();
  for (const auto& h : c.history) {
    json e = {{"day", h.day}, {"event", h.event}};
    if (!h.provider.empty()) e["provider"] = h.provider;
    if (h.event == "declined") e["reason"] = h.code;
    if (h.event == "closed") e["outcome"] = h.code;
    history.push_back(std::move(e));
  }
  return {{"reference", c.reference},
          {"status", c.status},
          {"outcome", code_or_null(c.outcome)},
          {"opened", c.opened},
          {"closed", day_or_null(c.closed)},
          {"case", stored(c.case_json)},
          {"consent", stored(c.consent_json)},
          {"steps", std::move(steps)},
          {"history", std::move(history)}};
}

json request_document(const store::CaseRecord& c) {
  const json kase = stored(c.case_json);
  const store::CaseStep& s = c.steps.at(0);
  std::optional<int> age;
  if (kase.contains("age") && kase["age"].is_number_integer()) age = kase["age"].get<int>();
  return {{"reference", c.reference},
          {"status", s.status},
          {"requested", s.requested},
          {"covers", s.covers},
          {"mode", s.mode},
          {"duty_to_report", s.duty},
          {"needs", c.needs},
          {"age_band", api::age_band(age)},
          {"languages", kase.value("languages", json::array())}};
}

json stats_document(const store::Stats& s, const std::string& province) {
  json periods = json::array();
  for (const auto& p : s.periods) {
    json cells = json::array(), totals = json::array();
    for (const auto& c : p.cells)
      cells.push_back({{"province", c.province}, {"need", c.need}, {"outcome", c.outcome}, {"count", c.count}});
    for (const auto& c : p.totals) totals.push_back({{"need", c.need}, {"outcome", c.outcome}, {"count", c.count}});
    periods.push_back({{"period", p.period},
                       {"cells", std::move(cells)},
                       {"need_totals", std::move(totals)},
                       {"suppressed_cells", p.suppressed}});
  }
  json case_periods = json::array();
  for (const auto& p : s.case_periods) {
    json period = {{"period", p.period}};
    for (const auto& t : p.tables) {
      const bool by_value = t.breakdown != "province";
      json cells = json::array(), totals = json::array();
      for (const auto& c : t.cells) {
        json x = {{"province", c.province}, {"event", c.event}, {"code", code_or_null(c.code)}, {"count", c.count}};
        if (by_value) x[t.breakdown] = c.value;
        cells.push_back(std::move(x));
      }
      for (const auto& c : t.totals) {
        json x = {{"event", c.event}, {"code", code_or_null(c.code)}, {"count", c.count}};
        if (by_value) x[t.breakdown] = c.value;
        totals.push_back(std::move(x));
      }
      period["by_" + t.breakdown] = {{"cells", std::move(cells)}, {"totals", std::move(totals)},
                                     {"suppressed_cells", t.suppressed}};
    }
    case_periods.push_back(std::move(period));
  }
  json j = {{"period", "month"},
            {"min_cell", store::Stats::kMinCell},
            {"rounded_to", store::Stats::kRounding},
            {"periods", std::move(periods)},
            {"cases", {{"periods", std::move(case_periods)}}}};
  if (!province.empty()) j["province"] = province;
  return j;
}

namespace {

// Every published figure as (period, source, breakdown, province, value, event, code, count);
// totals have an empty province.
std::vector<std::array<std::string, 8>> figures(const store::Stats& s) {
  std::vector<std::array<std::string, 8>> out;
  for (const auto& p : s.periods) {
    for (const auto& c : p.cells)
      out.push_back({p.period, "referrals", "need", c.province, c.need, c.outcome, "", std::to_string(c.count)});
    for (const auto& c : p.totals)
      out.push_back({p.period, "referrals", "need", "", c.need, c.outcome, "", std::to_string(c.count)});
  }
  for (const auto& p : s.case_periods)
    for (const auto& t : p.tables) {
      for (const auto& c : t.cells)
        out.push_back({p.period, "cases", t.breakdown, c.province, c.value, c.event, c.code, std::to_string(c.count)});
      for (const auto& c : t.totals)
        out.push_back({p.period, "cases", t.breakdown, "", c.value, c.event, c.code, std::to_string(c.count)});
    }
  return out;
}

}  // namespace

std::string stats_csv(const store::Stats& s) {
  std::string out = "period,source,breakdown,province,value,event,code,count\n";
  for (const auto& f : figures(s)) {
    for (std::size_t i = 0; i < f.size(); ++i) out += (i ? "," : "") + f[i];  // codes hold no comma or quote
    out += '\n';
  }
  return out;
}

std::string stats_table(const store::Stats& s) {
  std::string out = fmt::format(
      "Published figures: closed months only; figures under {} left out (and their complements), the rest "
      "rounded to the nearest {}. Province '-' is every province.\n",
      store::Stats::kMinCell, store::Stats::kRounding);
  std::string heading;
  for (const auto& f : figures(s)) {
    const std::string h = f[0] + " · " + f[1] + " by " + (f[2] == "province" ? "province" : "province and " + f[2]);
    if (h != heading) {
      out += "\n" + h + "\n" + fmt::format("  {:<8} {:<36} {:<16} {:<34} {:>6}\n", "province", "value", "event", "code", "count");
      heading = h;
    }
    out += fmt::format("  {:<8} {:<36} {:<16} {:<34} {:>6}\n", f[3].empty() ? "-" : f[3], f[4], f[5], f[6], f[7]);
  }
  if (heading.empty()) out += "\nNo closed month has figures yet.\n";
  std::size_t suppressed = 0;
  for (const auto& p : s.periods) suppressed += static_cast<std::size_t>(p.suppressed);
  for (const auto& p : s.case_periods)
    for (const auto& t : p.tables) suppressed += static_cast<std::size_t>(t.suppressed);
  out += fmt::format("\n{} figures left out (small cells and their complements).\n", suppressed);
  return out;
}

std::string cases_table(const std::vector<store::CaseRecord>& cases) {
  std::string out = fmt::format("{:<10} {:<7} {:<10} {:<10} {:<8} {:<40} {}\n", "reference", "status", "opened", "closed",
                                "province", "steps", "outcome");
  for (const auto& c : cases) {
    std::map<std::string, int> by;
    for (const auto& s : c.steps) ++by[s.status];
    std::string steps;
    for (const char* st : {"requested", "accepted", "declined", "withdrawn"})
      if (by.count(st)) steps += fmt::format("{}{} {}", steps.empty() ? "" : ", ", by[st], st);
    out += fmt::format("{:<10} {:<7} {:<10} {:<10} {:<8} {:<40} {}\n", c.reference, c.status, c.opened,
                       c.closed.empty() ? "-" : c.closed, c.province, steps, c.outcome.empty() ? "-" : c.outcome);
  }
  out += fmt::format("{} case{}\n", cases.size(), cases.size() == 1 ? "" : "s");
  return out;
}

std::string case_text(const store::CaseRecord& c) {
  std::string out = fmt::format("Case {} · {}{} · opened {}{}\n", c.reference, c.status,
                                c.outcome.empty() ? "" : " (" + c.outcome + ")", c.opened,
                                c.closed.empty() ? "" : ", closed " + c.closed);
  const json kase = stored(c.case_json);
  std::string needs;
  for (const auto& n : c.needs) needs += (needs.empty() ? "" : ", ") + n;
  out += fmt::format("  {} · {} · {} exploitation · needs {}\n", kase.value("location", ""), c.province, c.exploitation,
                     needs);
  out += "  consent: " + stored(c.consent_json).dump() + "\n";
  out += "Steps:\n";
  int n = 1;
  for (const auto& s : c.steps) {
    std::string covers;
    for (const auto& x : s.covers) covers += (covers.empty() ? "" : ", ") + x;
    out += fmt::format("  {}. {} · {}{} · {} · covers {}{}\n", n++, s.provider, s.status,
                       s.status == "declined" ? " (" + s.reason + ")" : "", s.mode, covers,
                       s.duty ? " · duty to report" : "");
  }
  out += "History:\n";
  for (const auto& h : c.history)
    out += fmt::format("  {} {}{}{}\n", h.day, h.event, h.provider.empty() ? "" : " " + h.provider,
                       h.code.empty() ? "" : " (" + h.code + ")");
  return out;
}

}  // namespace nrm::server
