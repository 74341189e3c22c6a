// The run loop of a listener thread: a handler that throws only loses its own
// connection; the thread goes on serving the others until the io_context is
// stopped.
#pragma once

#include "boost/asio/io_context.hpp"

namespace shoal::control {

inline void RunListenerLoop(boost::asio::io_context& io) {
  for (;;) {
    try {
      io.run();
      return;
    } catch (...) {
      // The failing connection is gone; keep serving the others.
    }
  }
}

}  // namespace shoal::control
