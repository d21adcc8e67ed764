// Provider helpers.
#include "model/provider.hpp"

namespace nrm {

const char* delivery_name(Delivery d) {
  switch (d) {
    case Delivery::kInPerson: return "in_person";
    case Delivery::kRemote: return "remote";
    case Delivery::kBoth: return "both";
  }
  return "in_person";
}

}  // namespace nrm
