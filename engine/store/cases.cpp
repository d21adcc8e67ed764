// The store's tracked cases: references (libsodium's randombytes, an alphabet that cannot be
// misread, uniqueness by the database), one transaction per transition with its history row (days
// only), retention, and a closing month's events counted for the frozen statistics.
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

#include "store/detail.hpp"
#include "store/store.hpp"

namespace nrm::store {

using detail::Stmt;
using detail::Transaction;

namespace {

constexpr const char* kCaseColumns =
    "id, reference, opened_by, role, case_json, consent, province, exploitation, needs, status, outcome, opened, "
    "closed, version";
constexpr int kReferenceTries = 16;  // a clash is one in 30^8 / cases; a few tries always suffice

std::string new_reference() {
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == 4) out += '-';
    out += kReferenceAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kReferenceAlphabet.size()))];
  }
  return out;
}

std::string joined_codes(const std::vector<std::string>& codes) {
  std::string out;
  for (const auto& c : codes) out += (out.empty() ? "" : ",") + c;
  return out;
}

std::vector<std::string> split_codes(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

CaseRecord case_row(const Stmt& s) {
  CaseRecord c;
  c.id = s.integer(0);
  c.reference = s.text(1);
  c.opened_by = s.integer(2);
  c.role = s.text(3);
  c.case_json = s.text(4);
  c.consent_json = s.text(5);
  c.province = s.text(6);
  c.exploitation = s.text(7);
  c.needs = split_codes(s.text(8));
  c.status = s.text(9);
  c.outcome = s.text(10);
  c.opened = s.text(11);
  c.closed = s.text(12);
  c.version = s.integer(13);
  return c;
}

// The row of an open case: (id, version), or nothing when unknown or closed.
std::optional<std::pair<std::int64_t, std::int64_t>> open_case_row(detail::StatementCache& db, const std::string& reference) {
  Stmt s(db, "SELECT id, version FROM cases WHERE reference = ? AND status = 'open'");
  s.bind(1, reference);
  if (!s.step()) return std::nullopt;
  return std::make_pair(s.integer(0), s.integer(1));
}

void bump_version(detail::StatementCache& db, std::int64_t id) {
  Stmt s(db, "UPDATE cases SET version = version + 1 WHERE id = ?");
  s.bind(1, id);
  s.step();
}

// Days from request to acceptance, as published (accepted_after).
std::string wait_bucket(std::int64_t days) {
  if (days <= 0) return "same_day";
  if (days == 1) return "1_day";
  if (days <= 7) return "2_to_7_days";
  return "over_7_days";
}

}  // namespace

std::optional<std::string> normal_reference(std::string_view text) {
  if (text.size() != 9 || text[4] != '-') return std::nullopt;
  std::string out(text);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i == 4) continue;
    out[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[i])));
    if (kReferenceAlphabet.find(out[i]) == std::string_view::npos) return std::nullopt;
  }
  return out;
}

void Store::add_event(std::int64_t case_id, const CaseEvent& e, const std::string& needs, std::optional<int> days) {
  Stmt s(*cache_,
         "INSERT INTO case_history(case_id, seq, day, event, provider, code, needs, days) "
         "SELECT ?1, COALESCE(MAX(seq), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7 FROM case_history WHERE case_id = ?1");
  s.bind(1, case_id).bind(2, e.day).bind(3, e.event).bind(4, e.provider).bind(5, e.code).bind(6, needs);
  if (days) s.bind(7, *days);
  else s.bind_null(7);
  s.step();
}

std::string Store::open_case(CaseRecord r) {
  Transaction tx(db_);
  Stmt ins(*cache_,
           "INSERT OR IGNORE INTO cases(reference, opened_by, role, case_json, consent, province, exploitation, needs, "
           "status, opened) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)");
  for (int attempt = 0;; ++attempt) {
    if (attempt == kReferenceTries) throw StoreError("store: no free case reference found");
    r.reference = new_reference();
    ins.reset();
    ins.bind(1, r.reference).bind(2, r.opened_by).bind(3, r.role).bind(4, r.case_json).bind(5, r.consent_json);
    ins.bind(6, r.province).bind(7, r.exploitation).bind(8, joined_codes(r.needs)).bind(9, r.opened);
    ins.step();
    if (sqlite3_changes(db_) == 1) break;  // the UNIQUE reference was free
  }
  r.id = sqlite3_last_insert_rowid(db_);
  add_event(r.id, {r.opened, "opened", "", ""}, joined_codes(r.needs));
  Stmt step(*cache_,
            "INSERT INTO case_steps(case_id, position, provider, covers, mode, status, duty, requested, updated) "
            "VALUES (?, ?, ?, ?, ?, 'requested', ?, ?, ?)");
  for (std::size_t i = 0; i < r.steps.size(); ++i) {
    const CaseStep& st = r.steps[i];
    step.reset();
    step.bind(1, r.id).bind(2, static_cast<std::int64_t>(i)).bind(3, st.provider).bind(4, joined_codes(st.covers));
    step.bind(5, st.mode).bind(6, st.duty ? 1 : 0).bind(7, r.opened).bind(8, r.opened);
    step.step();
    add_event(r.id, {r.opened, "requested", st.provider, ""}, joined_codes(st.covers));
  }
  tx.commit();
  return r.reference;
}

void Store::load_case(CaseRecord& c, bool history) {
  Stmt s(*cache_,
         "SELECT provider, covers, mode, status, reason, duty, bed, requested, updated FROM case_steps "
         "WHERE case_id = ? ORDER BY position");
  s.bind(1, c.id);
  while (s.step())
    c.steps.push_back({s.text(0), split_codes(s.text(1)), s.text(2), s.text(3), s.text(4), s.integer(5) != 0,
                       s.integer(6) != 0, s.text(7), s.text(8)});
  if (!history) return;
  Stmt h(*cache_, "SELECT day, event, provider, code FROM case_history WHERE case_id = ? ORDER BY seq");
  h.bind(1, c.id);
  while (h.step()) c.history.push_back({h.text(0), h.text(1), h.text(2), h.text(3)});
}

std::optional<CaseRecord> Store::find_case(std::string_view reference) {
  const auto ref = normal_reference(reference);
  if (!ref) return std::nullopt;
  Stmt s(*cache_, std::string("SELECT ") + kCaseColumns + " FROM cases WHERE reference = ?");
  s.bind(1, *ref);
  if (!s.step()) return std::nullopt;
  CaseRecord c = case_row(s);
  load_case(c, true);
  return c;
}

std::vector<CaseRecord> Store::list_cases(const std::string& status) {
  Stmt s(*cache_, std::string("SELECT ") + kCaseColumns + " FROM cases WHERE ?1 = '' OR status = ?1 ORDER BY id DESC");
  s.bind(1, status);
  std::vector<CaseRecord> out;
  while (s.step()) out.push_back(case_row(s));
  for (auto& c : out) load_case(c, false);
  return out;
}

std::vector<CaseRecord> Store::requests_for(const std::string& provider) {
  Stmt s(*cache_,
         "SELECT c.id, c.reference, c.opened_by, c.role, c.case_json, c.consent, c.province, c.exploitation, c.needs, "
         "c.status, c.outcome, c.opened, c.closed, c.version, "
         "s.provider, s.covers, s.mode, s.status, s.reason, s.duty, s.bed, s.requested, s.updated "
         "FROM case_steps s JOIN cases c ON c.id = s.case_id "
         "WHERE s.provider = ? AND c.status = 'open' AND s.status IN ('requested', 'accepted') "
         "ORDER BY s.requested, c.reference");
  s.bind(1, provider);
  std::vector<CaseRecord> out;
  while (s.step()) {
    CaseRecord c = case_row(s);
    c.steps.push_back({s.text(14), split_codes(s.text(15)), s.text(16), s.text(17), s.text(18), s.integer(19) != 0,
                       s.integer(20) != 0, s.text(21), s.text(22)});
    out.push_back(std::move(c));
  }
  return out;
}

bool Store::change_step(const StepChange& ch) {
  Transaction tx(db_);
  const auto row = open_case_row(*cache_, ch.reference);
  if (!row) return false;
  const std::int64_t id = row->first;
  std::string covers, requested;
  std::string status;
  {
    Stmt s(*cache_, "SELECT covers, requested, status FROM case_steps WHERE case_id = ? AND provider = ?");
    s.bind(1, id).bind(2, ch.provider);
    if (!s.step()) return false;
    covers = s.text(0);
    requested = s.text(1);
    status = s.text(2);
  }
  const bool allowed = status == "requested" || (ch.action == StepAction::kWithdraw && status == "accepted");
  if (!allowed) return false;
  const char* next = ch.action == StepAction::kAccept ? "accepted" : ch.action == StepAction::kDecline ? "declined" : "withdrawn";
  {
    // The status is checked again by the update itself: of two racing transitions, one changes it.
    Stmt u(*cache_, "UPDATE case_steps SET status = ?, reason = ?, bed = ?, updated = ? "
                "WHERE case_id = ? AND provider = ? AND status = ?");
    u.bind(1, std::string(next)).bind(2, ch.action == StepAction::kDecline ? ch.reason : std::string());
    u.bind(3, ch.action == StepAction::kAccept && ch.bed ? 1 : 0).bind(4, ch.day).bind(5, id).bind(6, ch.provider);
    u.bind(7, status);
    u.step();
    if (sqlite3_changes(db_) != 1) return false;
  }
  std::optional<int> waited;
  if (ch.action == StepAction::kAccept) {
    Stmt d(*cache_, "SELECT CAST(julianday(?) - julianday(?) AS INTEGER)");
    d.bind(1, ch.day).bind(2, requested);
    d.step();
    waited = static_cast<int>(d.integer(0));
  }
  add_event(id, {ch.day, next, ch.provider, ch.action == StepAction::kDecline ? ch.reason : std::string()}, covers, waited);
  if (ch.bed) {
    Stmt cap(*cache_, "INSERT INTO capacity_updates(provider, available, beds, time, token_id) VALUES (?, ?, ?, ?, ?)");
    cap.bind(1, ch.provider).bind(2, ch.bed->available).bind(3, ch.bed->beds).bind(4, utc_now()).bind(5, ch.bed->token_id);
    cap.step();
  }
  bump_version(*cache_, id);
  tx.commit();  // durable here (synchronous=FULL): only now may the caller acknowledge it
  return true;
}

bool Store::replace_steps(const std::string& reference, std::int64_t version, const std::vector<CaseStep>& steps,
                          const std::string& day) {
  Transaction tx(db_);
  const auto row = open_case_row(*cache_, reference);
  if (!row || row->second != version) return false;
  const std::int64_t id = row->first;
  std::map<std::string, std::string> status;  // provider -> status
  std::vector<std::string> order;
  {
    Stmt s(*cache_, "SELECT provider, status, covers FROM case_steps WHERE case_id = ? ORDER BY position");
    s.bind(1, id);
    while (s.step()) {
      status[s.text(0)] = s.text(1);
      order.push_back(s.text(0));
    }
  }
  std::int64_t position = 0;
  for (const CaseStep& st : steps) {
    const auto it = status.find(st.provider);
    const std::string covers = joined_codes(st.covers);
    if (it == status.end()) {
      Stmt ins(*cache_,
               "INSERT INTO case_steps(case_id, position, provider, covers, mode, status, duty, requested, updated) "
               "VALUES (?, ?, ?, ?, ?, 'requested', ?, ?, ?)");
      ins.bind(1, id).bind(2, position).bind(3, st.provider).bind(4, covers).bind(5, st.mode).bind(6, st.duty ? 1 : 0);
      ins.bind(7, day).bind(8, day);
      ins.step();
      add_event(id, {day, "requested", st.provider, ""}, covers);
    } else if (it->second == "requested" || it->second == "withdrawn") {
      Stmt u(*cache_,
             "UPDATE case_steps SET position = ?, covers = ?, mode = ?, duty = ?, status = 'requested', reason = '', "
             "bed = 0, requested = CASE WHEN status = 'withdrawn' THEN ?5 ELSE requested END, "
             "updated = CASE WHEN status = 'withdrawn' THEN ?5 ELSE updated END WHERE case_id = ? AND provider = ?");
      u.bind(1, position).bind(2, covers).bind(3, st.mode).bind(4, st.duty ? 1 : 0).bind(5, day).bind(6, id);
      u.bind(7, st.provider);
      u.step();
      if (it->second == "withdrawn") add_event(id, {day, "requested", st.provider, ""}, covers);
    } else if (it->second == "accepted") {
      Stmt u(*cache_, "UPDATE case_steps SET position = ? WHERE case_id = ? AND provider = ?");
      u.bind(1, position).bind(2, id).bind(3, st.provider);
      u.step();
    } else {
      return false;  // declined: never asked again (the engine refuses it first)
    }
    if (it != status.end()) status.erase(it);
    ++position;
  }
  for (const std::string& provider : order) {
    const auto it = status.find(provider);
    if (it == status.end()) continue;  // listed
    if (it->second == "accepted") return false;  // accepted steps stay (the engine refuses it first)
    Stmt u(*cache_, "UPDATE case_steps SET position = ?, status = CASE WHEN status = 'requested' THEN 'withdrawn' ELSE status END, "
                "updated = CASE WHEN status = 'requested' THEN ? ELSE updated END WHERE case_id = ? AND provider = ?");
    u.bind(1, position++).bind(2, day).bind(3, id).bind(4, provider);
    u.step();
    if (it->second == "requested") {
      Stmt c(*cache_, "SELECT covers FROM case_steps WHERE case_id = ? AND provider = ?");
      c.bind(1, id).bind(2, provider);
      c.step();
      add_event(id, {day, "withdrawn", provider, ""}, c.text(0));
    }
  }
  bump_version(*cache_, id);
  tx.commit();
  return true;
}

bool Store::close_case(const std::string& reference, const std::string& outcome, const std::string& day) {
  Transaction tx(db_);
  const auto row = open_case_row(*cache_, reference);
  if (!row) return false;
  const std::int64_t id = row->first;
  std::vector<std::pair<std::string, std::string>> pending;  // provider, covers
  {
    Stmt s(*cache_, "SELECT provider, covers FROM case_steps WHERE case_id = ? AND status = 'requested' ORDER BY position");
    s.bind(1, id);
    while (s.step()) pending.emplace_back(s.text(0), s.text(1));
  }
  for (const auto& [provider, covers] : pending) {
    Stmt u(*cache_, "UPDATE case_steps SET status = 'withdrawn', updated = ? WHERE case_id = ? AND provider = ?");
    u.bind(1, day).bind(2, id).bind(3, provider);
    u.step();
    add_event(id, {day, "withdrawn", provider, ""}, covers);
  }
  {
    Stmt u(*cache_, "UPDATE cases SET status = 'closed', outcome = ?, closed = ?, version = version + 1 WHERE id = ?");
    u.bind(1, outcome).bind(2, day).bind(3, id);
    u.step();
  }
  std::string needs;
  {
    Stmt n(*cache_, "SELECT needs FROM cases WHERE id = ?");
    n.bind(1, id);
    n.step();
    needs = n.text(0);
  }
  add_event(id, {day, "closed", "", outcome}, needs);
  tx.commit();
  return true;
}

std::int64_t Store::purge_cases(int retention_days, const std::string& today) {
  close_periods(today.substr(0, 7));
  const std::string cutoff = detail::days_before(today, retention_days);
  Transaction tx(db_);
  const char* old =
      "SELECT id FROM cases WHERE status = 'closed' AND closed < ?1 "
      "AND substr(closed, 1, 7) IN (SELECT period FROM closed_periods)";
  for (const char* table : {"case_history", "case_steps"}) {
    Stmt del(db_, (std::string("DELETE FROM ") + table + " WHERE case_id IN (" + old + ")").c_str());
    del.bind(1, cutoff);
    del.step();
  }
  Stmt del(db_, (std::string("DELETE FROM cases WHERE id IN (") + old + ")").c_str());
  del.bind(1, cutoff);
  del.step();
  const std::int64_t n = sqlite3_changes(db_);
  tx.commit();
  return n;
}

std::vector<detail::CaseCount> detail::count_case_events(sqlite3* db, const std::string& period) {
  Stmt s(db,
         "SELECT c.province, c.exploitation, h.event, h.code, h.needs, h.days FROM case_history h "
         "JOIN cases c ON c.id = h.case_id WHERE substr(h.day, 1, 7) = ?1");
  s.bind(1, period);
  std::map<std::tuple<std::string, std::string, std::string, std::string, std::string>, std::int64_t> counts;
  while (s.step()) {
    const std::string province = s.text(0), exploitation = s.text(1);
    std::vector<std::pair<std::string, std::string>> events = {{s.text(2), s.text(3)}};
    if (events[0].first == "accepted" && !s.is_null(5)) events.emplace_back("accepted_after", wait_bucket(s.integer(5)));
    const auto needs = split_codes(s.text(4));
    for (const auto& [event, code] : events) {
      ++counts[{"province", province, "", event, code}];
      ++counts[{"exploitation", province, exploitation, event, code}];
      for (const auto& need : needs) ++counts[{"need", province, need, event, code}];
    }
  }
  std::vector<CaseCount> out;
  for (const auto& [key, n] : counts)
    out.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), std::get<3>(key), std::get<4>(key), n});
  return out;
}

}  // namespace nrm::store
