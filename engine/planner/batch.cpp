// One prepared problem planned from many starts on one set of search tables (planner.hpp, Batch):
// the audit's cells of a profile and location class differ only in where the person is.
#include <algorithm>

#include "planner/planner.hpp"
#include "planner/search.hpp"

namespace nrm::planner {

namespace {

// The tables' memory: they live as long as the batch, across searches, so not the thread's
// scratch (which one search at a time owns). From the heap under AddressSanitizer, as the scratch.
std::unique_ptr<std::pmr::memory_resource> tables_memory() {
#if defined(__SANITIZE_ADDRESS__)
  return nullptr;
#else
  return std::make_unique<std::pmr::monotonic_buffer_resource>(std::size_t{1} << 20);
#endif
}

}  // namespace

Batch::Batch(const Planner& planner, Problem prepared)
    : planner_(planner), problem_(std::move(prepared)), memory_(tables_memory()) {
  const auto& roster = planner_.roster_in(planner_.directory_.geography[problem_.start].province);
  tables_ = std::make_unique<detail::Tables>(problem_, roster.partners_begin, roster.partner_ranks,
                                             static_cast<std::size_t>(std::max(1, problem_.top)),
                                             memory_ ? memory_.get() : std::pmr::new_delete_resource());
}

Batch::~Batch() = default;

PlanResult Batch::plan(const Case& c, Date as_of) {
  problem_.start = c.location;  // the only difference between the cases of a batch (Planner::can_move)
  std::vector<std::vector<std::int32_t>> found;
  std::size_t labels = 0;
  {
    detail::Scratch scratch;  // declared first: every table of the search is dropped before it
    detail::Search search(problem_, *tables_, scratch.resource(),
                          detail::SearchMode{static_cast<std::size_t>(std::max(1, problem_.top))});
    found = search.run();
    labels = search.labels();
  }
  // No pathway: what is unmet and why, as Planner::plan says it (rare; it copies the problem).
  if (found.empty()) return planner_.plan(c, as_of, problem_);
  PlanResult res;
  res.needs = problem_.needs;
  res.complete = true;
  res.labels = labels;
  for (const auto& seq : found) res.pathways.push_back(planner_.price(problem_, seq));
  return res;
}

}  // namespace nrm::planner
