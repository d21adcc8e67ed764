// Plain text for an 80-column terminal, shared by the answer (engine.cpp) and the slip (slip.cpp).
#pragma once

#include <cstddef>
#include <string>

namespace nrm::api::detail {

inline constexpr std::size_t kColumns = 80;

// `text` in lines of at most kColumns bytes (so at most kColumns columns; words longer than a line
// kept whole), the first after `first`, the others after `rest`.
std::string wrapped(const std::string& first, const std::string& rest, const std::string& text);

}  // namespace nrm::api::detail
