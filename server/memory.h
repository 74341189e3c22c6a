// Giving memory the process no longer uses back to the system.
#pragma once

namespace shoal::server {

// Returns freed heap memory to the system: tcmalloc's free page lists when
// the binary is linked with tcmalloc, else glibc's malloc_trim. Costs a few
// milliseconds; for after rare large frees (a configuration swap), never for
// the packet path.
void ReturnFreeMemoryToSystem();

}  // namespace shoal::server
