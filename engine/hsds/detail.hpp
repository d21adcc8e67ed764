// Helpers shared by the HSDS import and export (engine/hsds): stable uuid-shaped ids, slugs.
#pragma once

#include <string>
#include <string_view>

namespace nrm::hsds::detail {

// A uuid-shaped id (RFC 9562 version 8, "custom") derived from `name` alone: the same name gives
// the same id on every run, so an export is byte for byte the same for the same directory.
std::string stable_uuid(std::string_view name);

// Whether `s` is shaped like a uuid (8-4-4-4-12 hexadecimal digits).
bool uuid_shaped(std::string_view s);

// A place name as a community id's name part (PRODUCT.md, "Codes everyone shares"): lower-case
// ASCII, accents and apostrophes dropped, other runs of punctuation or spaces a single hyphen.
std::string slug(std::string_view name);

}  // namespace nrm::hsds::detail
