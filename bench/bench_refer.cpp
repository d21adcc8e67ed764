// bench_refer: referral latency of the planner on generated directories of several sizes and on
// the shipped one, against today's practice (one directory search per need, the nearest eligible
// provider each). Prints figures; asserts nothing. Build Release to measure:
//   cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release && cmake --build build/release -j2
//   build/release/bench/bench_refer [--sizes 1000,10000,50000] [--cases 300] [--providers FILE]
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "api/engine.hpp"
#include "bench_util.hpp"
#include "directory/loader.hpp"

using namespace nrm;
using bench::Clock;
using bench::ms_since;
using bench::peak_rss_mb;

namespace {

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

const char* const kNeeds[] = {"shelter.emergency", "shelter.transitional", "medical.emergency", "medical.sexual_health",
                              "counselling.trauma", "addiction.treatment", "safety.planning", "case.management",
                              "cultural.support", "legal.criminal", "legal.immigration", "legal.labour",
                              "legal.family", "income.support", "employment.training", "transport.assistance"};

std::vector<std::string> random_cases(const api::Engine& e, int n, unsigned seed) {
  std::mt19937 rng(seed);
  // Cases are placed where people are: communities weighted by population.
  std::vector<double> w;
  for (const auto& c : e.directory().geography.communities) w.push_back(static_cast<double>(c.population.value_or(500)));
  std::discrete_distribution<std::size_t> where(w.begin(), w.end());
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    std::vector<std::string> needs(std::begin(kNeeds), std::end(kNeeds));
    std::shuffle(needs.begin(), needs.end(), rng);
    int k = std::uniform_int_distribution<int>(3, 6)(rng);
    std::string list;
    for (int j = 0; j < k; ++j) list += (j ? ", " : "") + needs[static_cast<std::size_t>(j)];
    std::ostringstream y;
    y << "location: " << e.directory().geography.communities[where(rng)].id << "\n";
    y << "needs: [" << list << "]\n";
    y << "age: " << std::uniform_int_distribution<int>(14, 60)(rng) << "\n";
    y << "gender: " << (rng() % 3 == 0 ? "male" : "female") << "\n";
    y << "status: " << (rng() % 4 == 0 ? "temporary_resident" : "citizen") << "\n";
    y << "exploitation: " << (rng() % 3 == 0 ? "labour" : "sex") << "\n";
    y << "languages: [" << (rng() % 5 == 0 ? "fra" : "eng") << "]\n";
    if (rng() % 3 == 0) y << "prefer: [trauma_informed]\n";
    if (rng() % 5 == 0) y << "identity: [first_nations]\n";
    y << "top: 5\n";
    out.push_back(y.str());
  }
  return out;
}

// Today's practice: for each need, the nearest eligible provider that meets it (remote counts as
// 0 h), immediate needs first; priced with the planner's own cost so the two compare.
std::optional<rules::Cost> baseline(const api::Engine& e, const planner::Problem& p) {
  std::vector<std::int32_t> seq;
  auto pick = [&](NeedId n) -> std::optional<std::int32_t> {
    std::optional<std::int32_t> best;
    double best_h = 1e18;
    for (std::int32_t ci = 0; ci < static_cast<std::int32_t>(p.candidates.size()); ++ci) {
      const auto& k = p.candidates[static_cast<std::size_t>(ci)];
      double h;
      if (k.useful_remote & need_bit(n)) h = 0;
      else if (k.useful_in_person & need_bit(n)) h = e.travel().hours(p.start, k.community);
      else continue;
      if (h < best_h) best_h = h, best = ci;
    }
    return best;
  };
  // Immediate needs first; then in-person steps; phone/video steps last in id order (the
  // planner's canonical order, so the two are priced alike).
  for (NeedSet r = p.immediate; r; r &= r - 1) {
    auto ci = pick(std::countr_zero(r));
    if (!ci) return std::nullopt;
    if (std::find(seq.begin(), seq.end(), *ci) == seq.end()) seq.push_back(*ci);
  }
  std::vector<std::int32_t> in_person, remote;
  NeedSet rest = p.target & ~p.immediate;
  auto add_rest = [&](NeedId n) {
    auto ci = pick(n);
    if (!ci) return false;
    if (std::find(seq.begin(), seq.end(), *ci) != seq.end()) return true;
    const auto& k = p.candidates[static_cast<std::size_t>(*ci)];
    auto& into = (k.useful_remote & need_bit(n)) ? remote : in_person;
    if (std::find(into.begin(), into.end(), *ci) == into.end()) into.push_back(*ci);
    return true;
  };
  for (NeedSet r = rest; r; r &= r - 1)
    if (!add_rest(std::countr_zero(r))) return std::nullopt;
  // Interpretation if any in-person step does not speak the person's language.
  bool owed = false;
  for (auto ci : seq) owed = owed || !p.candidates[static_cast<std::size_t>(ci)].speaks;
  for (auto ci : in_person) owed = owed || !p.candidates[static_cast<std::size_t>(ci)].speaks;
  if (owed && p.interpretation && !(p.target & p.interpretation))
    if (!add_rest(std::countr_zero(p.interpretation))) return std::nullopt;
  std::sort(remote.begin(), remote.end());
  seq.insert(seq.end(), in_person.begin(), in_person.end());
  seq.insert(seq.end(), remote.begin(), remote.end());
  auto priced = e.planner().price(p, seq);
  if (priced.steps.size() != seq.size()) return std::nullopt;  // a nearest pick covered nothing new
  planner::Problem::State s;
  s.location = p.start;
  for (const auto& st : priced.steps) s.covered |= st.covers, s.owed = s.owed || st.owes_interpretation;
  if (!p.complete(s)) return std::nullopt;
  return priced.cost.total();
}

void run(const std::string& label, const api::EnginePaths& paths, int cases, double load_ms_extra = 0) {
  auto t0 = Clock::now();
  auto engine = api::Engine::load(paths);
  double load_ms = ms_since(t0) + load_ms_extra;
  const Date as_of = *Date::parse("2026-11-27");
  auto texts = random_cases(*engine, cases, 2018);
  std::vector<Case> parsed;
  for (const auto& t : texts) parsed.push_back(engine->parse_case(t, "bench"));
  // Steady state, as in a server that has answered for a while: every row of shortest travel
  // times computed (each is computed once, on first use, and kept).
  auto t_rows = Clock::now();
  for (CommunityIndex i = 0; i < engine->directory().geography.size(); ++i) engine->travel().by_air(i, i);
  const double rows_ms = ms_since(t_rows);
  std::vector<double> lat, bare, prep, srch;
  std::size_t labels = 0, complete = 0, compared = 0, better = 0, worse = 0;
  double saved = 0;
  double slowest = 0;
  std::string slowest_case;
  std::size_t slowest_labels = 0;
  std::vector<char> only;  // NRM_BENCH_ONLY=3,17: only these cases (to study slow ones)
  if (const char* o = std::getenv("NRM_BENCH_ONLY")) {
    only.assign(parsed.size(), 0);
    std::stringstream ss(o);
    for (std::string item; std::getline(ss, item, ',');)
      if (auto i = static_cast<std::size_t>(std::atoi(item.c_str())); i < only.size()) only[i] = 1;
  }
  for (std::size_t ci = 0; ci < parsed.size(); ++ci) {
    if (!only.empty() && !only[ci]) continue;
    const Case& c = parsed[ci];
    // What `nrm refer` and the API compute: distinct options, every step's fallback, alternates.
    auto t1 = Clock::now();
    // NRM_BENCH_EXTRAS=dfa (the default): which of distinct, fallbacks, alternates to compute.
    const std::string extras = std::getenv("NRM_BENCH_EXTRAS") ? std::getenv("NRM_BENCH_EXTRAS") : "dfa";
    auto res = engine->planner().plan(c, as_of, planner::PlanExtras{extras.find('d') != std::string::npos,
                                                                     extras.find('f') != std::string::npos,
                                                                     extras.find('a') != std::string::npos});
    lat.push_back(ms_since(t1));
    auto t1b = Clock::now();
    (void)engine->planner().plan(c, as_of);  // the bare k best, for what the extras cost
    bare.push_back(ms_since(t1b));
    {  // the same case again, split into its two phases
      // NRM_BENCH_REPEAT=n: the least of n runs of each phase (a noisy machine only adds time).
      const int repeat = std::getenv("NRM_BENCH_REPEAT") ? std::atoi(std::getenv("NRM_BENCH_REPEAT")) : 1;
      double least_prep = 1e18;
      planner::Problem prob;
      for (int i = 0; i < std::max(1, repeat); ++i) {
        auto t2 = Clock::now();
        prob = engine->planner().prepare(c, as_of);
        least_prep = std::min(least_prep, ms_since(t2));
      }
      prep.push_back(least_prep);
      std::size_t search_labels = 0;
      double least = 1e18;
      for (int i = 0; i < std::max(1, repeat); ++i) {
        auto t3 = Clock::now();
        (void)engine->planner().search(prob, &search_labels);
        least = std::min(least, ms_since(t3));
      }
      srch.push_back(least);
      if (std::getenv("NRM_BENCH_PER_CASE"))
        fmt::print("case {:>4} needs {} candidates {:>6} refer {:>8.3f} ms (bare {:>8.3f}) prepare {:>8.3f} ms search {:>8.3f} ms "
                   "labels {:>7} (with extras {:>7}) {} at {}\n",
                   ci, std::popcount(prob.target), prob.candidates.size(), lat.back(), bare.back(), prep.back(), srch.back(),
                   search_labels, res.labels, res.complete ? "complete" : "partial", engine->directory().geography[c.location].name);
    }
    if (const char* dump = std::getenv("NRM_BENCH_DUMP")) {  // each case's answer, to compare builds
      std::FILE* f = std::fopen(dump, ci == 0 ? "w" : "a");
      if (f) {
        std::string line = "case " + std::to_string(ci) + (res.complete ? " complete" : " partial");
        for (const auto& pw : res.pathways) {
          line += " | " + std::to_string(pw.cost.total());
          for (const auto& st : pw.steps) line += " " + engine->directory().providers[st.provider].id;
        }
        for (const auto& u : res.unmet) line += " ! " + std::to_string(u.need) + " " + u.blocked_by;
        std::fprintf(f, "%s\n", line.c_str());
        std::fclose(f);
      }
    }
    if (const char* dump = std::getenv("NRM_BENCH_ANSWERS")) {  // each case's whole answer as JSON (options too)
      std::FILE* f = std::fopen(dump, ci == 0 ? "w" : "a");
      if (f) {
        const std::string json = engine->answer_json_text(engine->refer(c, as_of), -1);
        std::fprintf(f, "case %zu %s\n", ci, json.c_str());
        std::fclose(f);
      }
    }
    labels += res.labels;
    if (lat.back() > slowest) slowest = lat.back(), slowest_case = texts[ci], slowest_labels = res.labels;
    if (!res.complete) continue;
    ++complete;
    auto p = engine->planner().prepare(c, as_of);
    if (auto base = baseline(*engine, p)) {
      ++compared;
      rules::Cost best = res.pathways[0].cost.total();
      if (best < *base) ++better, saved += rules::from_cost(*base - best);
      if (best > *base) ++worse;
    }
  }
  fmt::print("{:<22} providers {:>6}  load {:>7.0f} ms (+{:.0f} ms all travel rows)  peak RSS {:>5} MB  | refer p50 {:>7.3f} ms  p99 {:>7.3f} ms  "
             "max {:>7.3f} ms  labels/case {:>6.0f}  complete {}/{}\n",
             label, engine->directory().providers.size(), load_ms, rows_ms, peak_rss_mb(), percentile(lat, 0.5),
             percentile(lat, 0.99), percentile(lat, 1.0), static_cast<double>(labels) / static_cast<double>(cases),
             complete, cases);
  fmt::print("{:<22} without fallbacks, alternates and distinct options: p50 {:.3f} ms p99 {:.3f} ms\n", "",
             percentile(bare, 0.5), percentile(bare, 0.99));
  fmt::print("{:<22} phases: prepare p50 {:.3f} ms p99 {:.3f} ms; search p50 {:.3f} ms p99 {:.3f} ms\n", "",
             percentile(prep, 0.5), percentile(prep, 0.99), percentile(srch, 0.5), percentile(srch, 0.99));
  fmt::print("{:<22} vs nearest-per-need baseline on {} cases: planner cheaper on {}, equal on {}, dearer on {} "
             "(must be 0); mean saving {:.2f} cost units\n",
             "", compared, better, compared - better - worse, worse, compared ? saved / static_cast<double>(compared) : 0.0);
  if (std::getenv("NRM_BENCH_SHOW_SLOWEST"))
    fmt::print("slowest ({:.3f} ms, {} labels):\n{}\n", slowest, slowest_labels, slowest_case);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> sizes = {1000, 10000, 50000};
  int cases = 300;
  std::string providers_file;  // a directory file to measure instead of generated ones
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--cases") cases = std::atoi(argv[i + 1]);
    else if (a == "--providers") providers_file = argv[i + 1];
    else if (a == "--sizes") {
      sizes.clear();
      std::stringstream ss(argv[i + 1]);
      std::string s;
      while (std::getline(ss, s, ',')) sizes.push_back(std::stoi(s));
    } else {
      fmt::print(stderr, "usage: bench_refer [--sizes 1000,10000,50000] [--cases 300] [--providers FILE]\n");
      return 2;
    }
  }
  const std::string root = NRM_SOURCE_ROOT;
  fmt::print("bench_refer: {} random cases per directory (3-6 needs, top 5), single thread\n", cases);
  if (!providers_file.empty()) {
    auto paths = api::EnginePaths::shipped(root);
    paths.data.providers = providers_file;
    run(providers_file, paths, cases);
    return 0;
  }
  run("shipped", api::EnginePaths::shipped(root), cases);
  auto tmp = std::filesystem::temp_directory_path() / ("nrm-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(tmp);
  for (int n : sizes) {
    auto out = (tmp / ("providers-" + std::to_string(n) + ".yaml")).string();
    if (const std::string cmd = bench::generate_directory(root, n, out); !cmd.empty()) {
      fmt::print(stderr, "bench_refer: generator failed: {}\n", cmd);
      return 1;
    }
    auto paths = api::EnginePaths::shipped(root);
    paths.data.providers = out;
    run("generated", paths, cases);
  }
  std::filesystem::remove_all(tmp);
  return 0;
}
