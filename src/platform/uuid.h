// Random (version 4) UUIDs, used for query ids and run ids. Thread-safe.
#pragma once

#include <string>

namespace sluice {

/// Returns a random RFC 4122 version-4 UUID in the canonical lower-case form
/// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" (y is one of 8, 9, a, b).
std::string GenerateUuid();

/// Returns whether `text` has the canonical 8-4-4-4-12 hexadecimal UUID form (any version).
bool IsUuid(const std::string& text);

}  // namespace sluice
