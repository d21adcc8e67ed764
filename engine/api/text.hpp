// Plain text for an 80-column terminal, shared by the answer (engine.cpp) and the slip (slip.cpp).
#pragma once

#include <cstddef>
#include <string>

#include "i18n/lang.hpp"

namespace nrm::api::detail {

inline constexpr std::size_t kColumns = 80;

// `text` in lines of at most kColumns columns (UTF-8 code points; words longer than a line kept
// whole), the first after `first`, the others after `rest`. Words are split at ordinary spaces
// only: a no-break space (French typography, "Cas\u00a0:") keeps its neighbours together.
std::string wrapped(const std::string& first, const std::string& rest, const std::string& text);

// The columns a line takes on a terminal: its UTF-8 code points.
std::size_t columns(const std::string& text);

// Intake hours as written (docs/data.md's grammar), in `lang`: "24/7", "by appointment" and the
// day names are the grammar's only words.
std::string hours_in(Lang lang, const std::string& hours);
// A weekday as LocalTime::weekday() writes it ("Mon"), in the current language ("lun.").
std::string weekday_in(const std::string& day);

}  // namespace nrm::api::detail
