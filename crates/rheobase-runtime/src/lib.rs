//! The runtime: networks, clocks, groups, monitors.
