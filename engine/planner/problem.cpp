// What a step is and what it costs (Problem::step): the one definition, shared by the search and
// the brute-force reference in tests.
#include "planner/problem.hpp"

#include <algorithm>

namespace nrm::planner {

std::optional<PlannedStep> Problem::step(const State& s, std::int32_t ci, Cost& cost,
                                         CostBreakdown* parts) const {
  const Candidate& k = candidates[static_cast<std::size_t>(ci)];
  const NeedSet rem = (target | (s.owed ? interpretation : 0)) & ~s.covered;
  const NeedSet ip = k.useful_in_person & rem, rm = k.useful_remote & rem;
  PlannedStep st;
  st.provider = k.provider;
  st.from = s.location;
  if (ip & in_person_only) {
    st.in_person = true;
    st.covers = ip;
  } else if (rm) {
    st.in_person = false;
    st.covers = rm;
  } else if (ip) {
    st.in_person = true;
    st.covers = ip;
  } else {
    return std::nullopt;
  }
  const NeedSet immediate_left = immediate & ~s.covered;
  if (immediate_left && !(st.covers & immediate_left)) return std::nullopt;
  if (s.tail && (st.in_person || (st.covers & immediate) || k.rank <= s.last_rank)) return std::nullopt;
  if (st.in_person) {
    const float seconds = travel->seconds_between(s.location, k.community);
    if (!std::isfinite(seconds)) return std::nullopt;
    st.travel_hours = seconds / 3600.0;  // travel->hours(s.location, k.community)
    st.travel_seconds = static_cast<std::int32_t>(seconds);
    if (max_travel_hours && s.travel_hours + st.travel_hours > *max_travel_hours + kHoursEps)
      return std::nullopt;
  }
  st.owes_interpretation = !k.speaks && interpretation != 0;
  if (s.last >= 0) {
    const auto& partners =
        directory->providers[candidates[static_cast<std::size_t>(s.last)].provider].partners;
    st.partner = std::binary_search(partners.begin(), partners.end(), k.provider);
  }
  const Cost travel_c = st.in_person ? travel_cost_at(st.travel_hours, s.covered) : 0;
  const Cost partner_c = st.partner ? -rules::to_cost(weights.partner_reward) : 0;
  const Cost in_person_c = st.in_person ? k.in_person_penalties : 0;
  cost = travel_c + k.base + in_person_c + partner_c;
  if (parts) {
    parts->travel += travel_c;
    parts->handoffs += k.base - k.wait - k.preferences - k.penalties;
    parts->wait += k.wait;
    parts->preferences += k.preferences;
    parts->penalties += k.penalties + in_person_c;
    parts->partners += partner_c;
  }
  return st;
}

Problem::State Problem::after(const State& s, std::int32_t ci, const PlannedStep& st) const {
  State n = s;
  if (st.in_person) n.location = candidates[static_cast<std::size_t>(ci)].community;
  n.covered |= st.covers;
  n.owed = s.owed || st.owes_interpretation;
  n.last = ci;
  n.travel_hours = s.travel_hours + st.travel_hours;
  n.travelled = after_leg(s.travelled, s.covered, st.travel_seconds);
  n.tail = s.tail || (!st.in_person && !(st.covers & immediate));
  n.last_rank = candidates[static_cast<std::size_t>(ci)].rank;
  return n;
}

}  // namespace nrm::planner
