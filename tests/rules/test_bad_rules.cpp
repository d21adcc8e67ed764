// Every kind of bad rules file has a fixture under fixtures/bad/ and a row here with the exact
// diagnostics (line:column: field: message) it must produce. Loading reports every problem at
// once and never returns a half-loaded policy.
#include <catch2/catch.hpp>

#include "../test_util.hpp"
#include "rules/policy.hpp"
#include "rules_world.hpp"

using namespace nrm;
using namespace nrm::test;
using rules::Policy;

namespace {

std::string bad(const std::string& name) {
  return test_dir() + "/rules/fixtures/bad/" + name;
}

struct BadRulesRow {
  const char* fixture;
  std::vector<std::string> expected;  // each "line:column: field: message", in report order
};

std::vector<Diagnostic> diagnostics_of(const std::vector<std::string>& files, const Directory& d) {
  try {
    Policy::load_files(files, d);
  } catch (const LoadError& e) {
    return e.diagnostics();
  }
  return {};
}

}  // namespace

TEST_CASE("every bad-rules error kind is reported with its line, column and rule", "[rules][bad]") {
  Directory d = rules_world();
  const std::vector<BadRulesRow> rows = {
      {"unknown-field.yaml",
       {"6:11: bad-field.when: unknown field case.agee; did you mean case.age?"}},
      {"unknown-code.yaml",
       {"6:26: bad-gender.when: unknown gender code femal; did you mean female?",
        "11:11: bad-need.need: unknown need code child.protecton; did you mean child.protection?",
        "15:13: bad-withheld.needs: unknown need code shelter.emergncy; did you mean "
        "shelter.emergency?"}},
      {"string-vs-number.yaml",
       {"6:23: text-age.when: cannot compare case.age (a number) with 'ten' (text)",
        "10:23: numeric-status.when: cannot compare case.status (a status code) with 3 (a "
        "number)"}},
      {"type-mismatch.yaml",
       {"6:11: number-as-condition.when: 'and' needs conditions; case.age is a number (compare it, "
        "e.g. case.age > 0)",
        "10:23: ordered-codes.when: case.status is a status code; it can only be compared with == "
        "or !=",
        "14:23: kinds-differ.when: cannot compare case.gender (a gender code) with case.status (a "
        "status code)",
        "18:31: set-equality.when: sets are not compared with ==; use contains_all, contains_any "
        "or "
        "count()"}},
      {"weight-out-of-range.yaml",
       {"4:16: weights.travel_hour: 500 is out of range [0, 100]",
        "5:21: weights.stale_after_days: 0 is out of range [1, 3650]",
        "10:13: too-heavy.weight: 1000 is out of range [0, 100] (the effect gives the sign: prefer "
        "and reward lower the cost, penalise raises it)",
        "14:13: negative.weight: -1 is out of range [0, 100] (the effect gives the sign: prefer "
        "and "
        "reward lower the cost, penalise raises it)"}},
      {"duplicate-id.yaml",
       {"7:9: twice: duplicate rule id twice (first at " + bad("duplicate-id.yaml") + ":4)"}},
      {"missing-schema.yaml",
       {"1:1: schema: missing schema version; start the file with 'schema: 1'"}},
      {"unsupported-schema.yaml",
       {"2:9: schema: unsupported schema version 2; this nrm reads schema 1"}},
      {"unknown-effect.yaml",
       {"7:13: spelling.effect: unknown effect penalize (expected exclude, exclude_in_person, "
        "exclude_remote, derive, withhold, prefer, reward, penalise, penalise_in_person, error, notice); "
        "did you mean penalise?"}},
      {"malformed-condition.yaml",
       {"6:21: no-operand.when: expected an operand, found end of condition",
        "10:43: no-close.when: expected ')', found end of condition",
        "14:20: single-equals.when: '=' is not an operator; write == to compare",
        "18:26: trailing.when: unexpected 'provider.national' after a complete condition",
        "22:24: chained.when: comparisons do not chain; join them with 'and' ('<')"}},
      {"yaml-syntax.yaml",
       {"8:1: not valid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 7, "
        "column 12)"}},
      {"unknown-key.yaml",
       {"8:5: typo-key.wieght: unknown key wieght (expected id, reason, reason_fr, when, effect, "
        "weight, for_each, need, needs, field, message, message_fr); did you mean weight?",
        "12:13: stray-key.weight: weight is not used by effect exclude"}},
      {"case-only.yaml",
       {"6:29: derive-reads-provider.when: a derive rule decides from the case alone; "
        "provider.ages.min is a provider field"}},
      {"unknown-weight.yaml",
       {"8:13: named.weight: unknown weight stal (a number in [0, 100] or one of travel_hour, "
        "handoff, wait_day, stale, cross_province, partner_reward, alternate_within, alternates_listed); did "
        "you mean stale?"}},
      {"unknown-section.yaml",
       {"3:1: weigths: unknown section weigths (expected schema, rules, weights, travel, "
        "language, urgency); did you mean weights?"}},
      {"duplicate-key.yaml", {"7:5: rules[0].when: given twice (first at line 6)"}},
      {"missing-parts.yaml",
       {"4:5: no-reason.reason: every rule needs a plain-language reason",
        "6:5: no-need.need: effect derive needs the need it adds (need: <code>)",
        "9:5: no-field.field: effect error needs the case field it is about"}},
  };
  for (const auto& row : rows) {
    INFO("fixture " << row.fixture);
    std::string path = bad(row.fixture);
    auto diags = diagnostics_of({path}, d);
    std::vector<std::string> got;
    for (const auto& diag : diags) {
      CHECK(diag.file == path);
      std::string s = diag.str();
      got.push_back(s.rfind(path + ":", 0) == 0 ? s.substr(path.size() + 1) : s);
    }
    CHECK(got == row.expected);
  }
}

TEST_CASE("a bad rules folder reports every file's problems and never half-loads", "[rules][bad]") {
  Directory d = rules_world();
  TempDir t;
  t.write("a-good.yaml", "schema: 1\nrules:\n  - {id: fine, reason: r, effect: exclude}\n");
  t.write("b-bad.yaml",
          "schema: 1\nrules:\n  - {id: fine, reason: r, effect: exclude, when: case.agee > 1}\n");
  t.write("c-bad.yaml", "schema: 3\n");
  std::string report = load_error([&] { Policy::load(t.path(), d); });
  CHECK_THAT(report, Catch::Contains(t.path("b-bad.yaml") + ":3:10: fine: duplicate rule id fine"));
  CHECK_THAT(report,
             Catch::Contains(t.path("b-bad.yaml") + ":3:50: fine.when: unknown field case.agee"));
  CHECK_THAT(report,
             Catch::Contains(t.path("c-bad.yaml") + ":1:9: schema: unsupported schema version 3"));
  CHECK(std::count(report.begin(), report.end(), '\n') == 3);

  // All the fixtures at once: every diagnostic of every file.
  std::vector<std::string> all;
  for (const auto& entry : std::filesystem::directory_iterator(test_dir() + "/rules/fixtures/bad"))
    all.push_back(entry.path().string());
  std::sort(all.begin(), all.end());
  CHECK(diagnostics_of(all, d).size() >= all.size());
}

TEST_CASE("a missing or empty rules folder is an error", "[rules][bad]") {
  Directory d = rules_world();
  TempDir t;
  CHECK_THAT(load_error([&] { Policy::load(t.path("nope"), d); }),
             Catch::Contains("rules folder not found"));
  CHECK_THAT(load_error([&] { Policy::load(t.path(), d); }),
             Catch::Contains("no *.yaml rules files"));
}
