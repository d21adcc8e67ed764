// The store's tracked cases on their own: references, each step's state machine (of two racing
// transitions from two connections one wins), new pathways, closing, the history to the day, the
// frozen monthly figures with small cells hidden, retention, and the read-only view of `nrm cases`.
#include <sqlite3.h>

#include <atomic>
#include <cctype>
#include <set>
#include <thread>

#include "store/store.hpp"
#include "test_util.hpp"

using namespace nrm;
using namespace nrm::store;

namespace {

CaseStep step(const std::string& provider, std::vector<std::string> covers, const std::string& mode = "in_person") {
  CaseStep s;
  s.provider = provider;
  s.covers = std::move(covers);
  s.mode = mode;
  return s;
}

// A case opened on `day` in `province`, a shelter and a counsellor asked.
CaseRecord new_case(const std::string& day, const std::string& province = "ON", const std::string& exploitation = "sex") {
  CaseRecord r;
  r.opened_by = 7;
  r.role = "frontline";
  r.case_json = R"({"location":"thunder-bay-on","needs":["shelter.emergency","counselling.trauma"]})";
  r.consent_json = R"({"duty_to_report":false,"police":false,"share":true})";
  r.province = province;
  r.exploitation = exploitation;
  r.needs = {"shelter.emergency", "counselling.trauma"};
  r.opened = day;
  r.steps = {step("sh-1", {"shelter.emergency"}), step("co-1", {"counselling.trauma"}, "remote")};
  return r;
}

StepChange change(const std::string& ref, const std::string& provider, StepAction a, const std::string& day,
                  const std::string& reason = "") {
  return {ref, provider, a, reason, std::nullopt, day};
}

std::string status_of(Store& s, const std::string& ref, const std::string& provider) {
  const CaseRecord c = *s.find_case(ref);
  for (const auto& st : c.steps)
    if (st.provider == provider) return st.status;
  return "";
}

std::vector<std::string> events(const CaseRecord& c) {
  std::vector<std::string> out;
  for (const auto& e : c.history)
    out.push_back(e.day + " " + e.event + (e.provider.empty() ? "" : " " + e.provider) + (e.code.empty() ? "" : " " + e.code));
  return out;
}

const CaseTable& table(const CaseStatsPeriod& p, const std::string& breakdown) {
  for (const auto& t : p.tables)
    if (t.breakdown == breakdown) return t;
  FAIL("no breakdown " << breakdown);
  return p.tables.front();
}

std::optional<std::int64_t> cell(const CaseTable& t, const std::string& province, const std::string& value,
                                 const std::string& event, const std::string& code = "") {
  for (const auto& c : t.cells)
    if (c.province == province && c.value == value && c.event == event && c.code == code) return c.count;
  return std::nullopt;
}

std::optional<std::int64_t> total(const CaseTable& t, const std::string& value, const std::string& event,
                                  const std::string& code = "") {
  for (const auto& c : t.totals)
    if (c.value == value && c.event == event && c.code == code) return c.count;
  return std::nullopt;
}

}  // namespace

TEST_CASE("cases: a reference identifies nothing and is looked up in either case", "[store][cases]") {
  test::TempDir tmp;
  Store s(tmp.path("nrm.db"));
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string ref = s.open_case(new_case("2026-10-03"));
    REQUIRE(ref.size() == 9);
    CHECK(ref[4] == '-');
    for (std::size_t k = 0; k < ref.size(); ++k)
      if (k != 4) CHECK(kReferenceAlphabet.find(ref[k]) != std::string_view::npos);
    CHECK(seen.insert(ref).second);
  }
  const std::string ref = *seen.begin();
  std::string lower = ref;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  REQUIRE(s.find_case(lower));
  CHECK(s.find_case(lower)->reference == ref);
  CHECK_FALSE(s.find_case("ABCD-EFGH0"));
  CHECK_FALSE(s.find_case("ABCD-EFG0"));  // 0 is not in the alphabet
  CHECK_FALSE(s.find_case("2222-2222"));  // well formed, unknown
  CHECK(s.list_cases("").size() == 50);
  CHECK(s.list_cases("closed").empty());
}

TEST_CASE("cases: each step moves once along requested -> accepted | declined | withdrawn", "[store][cases]") {
  test::TempDir tmp;
  Store s(tmp.path("nrm.db"));
  const std::string ref = s.open_case(new_case("2026-10-03"));
  CHECK(s.change_step(change(ref, "sh-1", StepAction::kAccept, "2026-10-04")));
  CHECK_FALSE(s.change_step(change(ref, "sh-1", StepAction::kAccept, "2026-10-04")));
  CHECK_FALSE(s.change_step(change(ref, "sh-1", StepAction::kDecline, "2026-10-04", "full")));
  CHECK_FALSE(s.change_step(change(ref, "nobody", StepAction::kAccept, "2026-10-04")));
  CHECK(s.change_step(change(ref, "co-1", StepAction::kDecline, "2026-10-05", "no_response")));
  CHECK_FALSE(s.change_step(change(ref, "co-1", StepAction::kWithdraw, "2026-10-05")));
  CHECK(s.change_step(change(ref, "sh-1", StepAction::kWithdraw, "2026-10-06")));
  CHECK(s.close_case(ref, "lost_contact", "2026-10-07"));
  CHECK_FALSE(s.close_case(ref, "supported", "2026-10-07"));
  CHECK_FALSE(s.change_step(change(ref, "sh-1", StepAction::kAccept, "2026-10-08")));
  const CaseRecord c = *s.find_case(ref);
  CHECK(c.status == "closed");
  CHECK(c.outcome == "lost_contact");
  CHECK(c.closed == "2026-10-07");
  CHECK(events(c) == std::vector<std::string>{"2026-10-03 opened", "2026-10-03 requested sh-1", "2026-10-03 requested co-1",
                                              "2026-10-04 accepted sh-1", "2026-10-05 declined co-1 no_response",
                                              "2026-10-06 withdrawn sh-1", "2026-10-07 closed lost_contact"});
  CHECK(c.steps[1].reason == "no_response");
}

TEST_CASE("cases: of an accept and a decline racing on one step, from two connections, one wins", "[store][cases]") {
  test::TempDir tmp;
  const std::string db = tmp.path("nrm.db");
  Store setup(db);
  for (int round = 0; round < 20; ++round) {
    const std::string ref = setup.open_case(new_case("2026-10-03"));
    std::atomic<int> go{0}, won{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t)
      threads.emplace_back([&, t] {
        Store mine(db);
        ++go;
        while (go < 2) std::this_thread::yield();
        const StepAction a = t == 0 ? StepAction::kAccept : StepAction::kDecline;
        if (mine.change_step(change(ref, "sh-1", a, "2026-10-04", t == 0 ? "" : "full"))) ++won;
      });
    for (auto& t : threads) t.join();
    INFO("round " << round);
    CHECK(won == 1);
    const CaseRecord c = *setup.find_case(ref);
    CHECK((c.steps[0].status == "accepted" || c.steps[0].status == "declined"));
    CHECK(c.history.size() == 4);  // opened, two requested, one transition
  }
}

TEST_CASE("cases: a bed taken is written with the acceptance, and replayed as capacity", "[store][cases]") {
  test::TempDir tmp;
  Store s(tmp.path("nrm.db"));
  const std::string ref = s.open_case(new_case("2026-10-03"));
  StepChange accept = change(ref, "sh-1", StepAction::kAccept, "2026-10-03");
  accept.bed = BedChange{2, 5, 9};
  REQUIRE(s.change_step(accept));
  CHECK(s.find_case(ref)->steps[0].bed);
  auto caps = s.latest_capacities();
  REQUIRE(caps.size() == 1);
  CHECK(caps[0].provider == "sh-1");
  CHECK(caps[0].available == 2);
  CHECK(caps[0].beds == 5);
  CHECK(caps[0].token_id == 9);
  // A transition that loses writes no bed.
  StepChange again = accept;
  again.bed = BedChange{1, 5, 9};
  CHECK_FALSE(s.change_step(again));
  CHECK(s.latest_capacities()[0].available == 2);
}

TEST_CASE("cases: a new pathway keeps accepted steps, withdraws requested ones left out", "[store][cases]") {
  test::TempDir tmp;
  Store s(tmp.path("nrm.db"));
  const std::string ref = s.open_case(new_case("2026-10-03"));
  REQUIRE(s.change_step(change(ref, "co-1", StepAction::kAccept, "2026-10-03")));
  REQUIRE(s.change_step(change(ref, "sh-1", StepAction::kDecline, "2026-10-04", "full")));
  const std::int64_t v = s.find_case(ref)->version;
  const std::vector<CaseStep> next = {step("co-1", {"counselling.trauma"}, "remote"), step("sh-2", {"shelter.emergency"}),
                                      step("le-1", {"legal.family"})};
  CHECK_FALSE(s.replace_steps(ref, v - 1, next, "2026-10-05"));  // read before the decline: refused
  REQUIRE(s.replace_steps(ref, v, next, "2026-10-05"));
  CHECK_FALSE(s.replace_steps(ref, v, next, "2026-10-05"));  // the same version twice
  REQUIRE(s.replace_steps(ref, v + 1, {next[0], next[1]}, "2026-10-06"));
  const CaseRecord c = *s.find_case(ref);
  std::vector<std::string> got;
  for (const auto& st : c.steps) got.push_back(st.provider + ":" + st.status);
  CHECK(got == std::vector<std::string>{"co-1:accepted", "sh-2:requested", "le-1:withdrawn", "sh-1:declined"});
  // A withdrawn step asked again is requested again.
  REQUIRE(s.replace_steps(ref, c.version, next, "2026-10-07"));
  CHECK(status_of(s, ref, "le-1") == "requested");
  // Closing withdraws what is still requested.
  REQUIRE(s.close_case(ref, "supported", "2026-10-08"));
  got.clear();
  const CaseRecord closed = *s.find_case(ref);
  for (const auto& st : closed.steps) got.push_back(st.provider + ":" + st.status);
  CHECK(got == std::vector<std::string>{"co-1:accepted", "sh-2:withdrawn", "le-1:withdrawn", "sh-1:declined"});
  CHECK_FALSE(s.replace_steps(ref, s.find_case(ref)->version, next, "2026-10-09"));  // closed
}

TEST_CASE("cases: the inbox holds a provider's open requests with their case", "[store][cases]") {
  test::TempDir tmp;
  Store s(tmp.path("nrm.db"));
  const std::string a = s.open_case(new_case("2026-10-03"));
  const std::string b = s.open_case(new_case("2026-10-04"));
  const std::string closed = s.open_case(new_case("2026-10-02"));
  REQUIRE(s.close_case(closed, "other", "2026-10-02"));
  REQUIRE(s.change_step(change(b, "sh-1", StepAction::kDecline, "2026-10-04", "full")));
  auto inbox = s.requests_for("sh-1");
  REQUIRE(inbox.size() == 1);
  CHECK(inbox[0].reference == a);
  REQUIRE(inbox[0].steps.size() == 1);
  CHECK(inbox[0].steps[0].covers == std::vector<std::string>{"shelter.emergency"});
  CHECK(s.requests_for("co-1").size() == 2);
}

TEST_CASE("cases: figures per closed month by province, exploitation and need, small cells hidden", "[store][cases]") {
  test::TempDir tmp;
  const std::string db = tmp.path("nrm.db");
  Store s(db);
  // October: 12 cases in ON (labour), 3 in QC (sex). ON: every shelter declines as
  // not_accepting_trafficking_victims; QC: accepted, one the same day, two after 3 days.
  for (int i = 0; i < 12; ++i) {
    const std::string ref = s.open_case(new_case("2026-10-03", "ON", "labour"));
    REQUIRE(s.change_step(change(ref, "sh-1", StepAction::kDecline, "2026-10-04", "not_accepting_trafficking_victims")));
    REQUIRE(s.close_case(ref, "declined_all", "2026-10-20"));
  }
  for (int i = 0; i < 3; ++i) {
    const std::string ref = s.open_case(new_case("2026-10-03", "QC", "sex"));
    REQUIRE(s.change_step(change(ref, "sh-1", StepAction::kAccept, i == 0 ? "2026-10-03" : "2026-10-06")));
  }
  // November is still open: nothing of it is published.
  s.open_case(new_case("2026-11-02"));

  const Stats st = s.stats("", "2026-11");
  REQUIRE(st.case_periods.size() == 1);
  const CaseStatsPeriod& oct = st.case_periods[0];
  CHECK(oct.period == "2026-10");
  const CaseTable& by_province = table(oct, "province");
  CHECK(cell(by_province, "ON", "", "declined", "not_accepting_trafficking_victims") == 10);  // 12 rounded to 5
  CHECK(cell(by_province, "ON", "", "closed", "declined_all") == 10);
  CHECK_FALSE(cell(by_province, "QC", "", "opened"));  // 3: left out
  // Complementary: the opened row's total is shown (15), so ON's 12 hides with QC's 3 (otherwise
  // 15 - 12 would give QC away).
  CHECK_FALSE(cell(by_province, "ON", "", "opened"));
  CHECK(total(by_province, "", "opened") == 15);
  CHECK(by_province.suppressed >= 2);
  CHECK_FALSE(cell(by_province, "QC", "", "accepted"));
  CHECK_FALSE(cell(by_province, "QC", "", "accepted_after", "2_to_7_days"));
  const CaseTable& by_exploitation = table(oct, "exploitation");
  CHECK(cell(by_exploitation, "ON", "labour", "declined", "not_accepting_trafficking_victims") == 10);
  CHECK(total(by_exploitation, "labour", "declined", "not_accepting_trafficking_victims") == 10);
  const CaseTable& by_need = table(oct, "need");
  CHECK(cell(by_need, "ON", "shelter.emergency", "declined", "not_accepting_trafficking_victims") == 10);
  CHECK_FALSE(cell(by_need, "ON", "counselling.trauma", "declined", "not_accepting_trafficking_victims"));
  // Asked of ON alone: ON's cells, the totals still national.
  const Stats on = s.stats("ON", "2026-11");
  for (const auto& c : table(on.case_periods[0], "province").cells) CHECK(c.province == "ON");
  CHECK(total(table(on.case_periods[0], "province"), "", "opened") == 15);

  // The same figures read-only, before and after the month is frozen; the read-only view writes nothing.
  const std::string fresh = tmp.path("copy.db");
  {
    Store copy(fresh);
    for (int i = 0; i < 10; ++i) {
      const std::string ref = copy.open_case(new_case("2026-10-03", "MB", "both"));
      REQUIRE(copy.change_step(change(ref, "co-1", StepAction::kAccept, "2026-10-05")));
    }
  }
  Stats ro = Store(fresh, Durability::kFull, OpenMode::kReadOnly).stats("", "2026-11");
  REQUIRE(ro.case_periods.size() == 1);
  CHECK(cell(table(ro.case_periods[0], "need"), "MB", "counselling.trauma", "accepted_after", "2_to_7_days") == 10);
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(fresh.c_str(), &h) == SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  REQUIRE(sqlite3_prepare_v2(h, "SELECT COUNT(*) FROM closed_periods", -1, &q, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(q) == SQLITE_ROW);
  CHECK(sqlite3_column_int(q, 0) == 0);
  sqlite3_finalize(q);
  sqlite3_close(h);
  Stats rw = Store(fresh).stats("", "2026-11");
  CHECK(cell(table(rw.case_periods[0], "need"), "MB", "counselling.trauma", "accepted_after", "2_to_7_days") == 10);
  CHECK_THROWS_AS(Store(tmp.path("missing.db"), Durability::kFull, OpenMode::kReadOnly), StoreError);
}

TEST_CASE("cases: closed cases are deleted after retention, their figures stay", "[store][cases]") {
  test::TempDir tmp;
  Store s(tmp.path("nrm.db"));
  std::vector<std::string> old;
  for (int i = 0; i < 10; ++i) {
    old.push_back(s.open_case(new_case("2026-09-10")));
    REQUIRE(s.close_case(old.back(), "supported", "2026-09-20"));
  }
  const std::string open = s.open_case(new_case("2026-09-10"));
  const std::string recent = s.open_case(new_case("2026-12-01"));
  REQUIRE(s.close_case(recent, "other", "2026-12-02"));
  const Stats before = s.stats("", "2026-12");
  // 2026-12-15 with 90 days: the cutoff is 2026-09-16; September's cases closed on the 20th stay.
  CHECK(s.purge_cases(90, "2026-12-15") == 0);
  // 2026-12-20 with 90 days: cutoff 2026-09-21; they go. The open one and December's stay.
  CHECK(s.purge_cases(90, "2026-12-20") == 10);
  for (const auto& ref : old) CHECK_FALSE(s.find_case(ref));
  CHECK(s.find_case(open));
  CHECK(s.find_case(recent));
  // A case closed this month stays until the month is frozen, whatever the setting.
  CHECK(s.purge_cases(1, "2026-12-20") == 0);
  const Stats after = s.stats("", "2026-12");
  REQUIRE(after.case_periods.size() == before.case_periods.size());
  CHECK(cell(table(after.case_periods[0], "province"), "ON", "", "closed", "supported") == 10);
}
