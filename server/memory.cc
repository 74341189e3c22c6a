#include "server/memory.h"

#include <malloc.h>

// gperftools' C interface; present only when shoal-dhcp4 links tcmalloc.
extern "C" void MallocExtension_ReleaseFreeMemory(void) __attribute__((weak));

namespace shoal::server {

void ReturnFreeMemoryToSystem() {
  if (MallocExtension_ReleaseFreeMemory != nullptr) {
    MallocExtension_ReleaseFreeMemory();
  } else {
    malloc_trim(0);
  }
}

}  // namespace shoal::server
