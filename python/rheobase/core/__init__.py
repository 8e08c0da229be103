"""Networks, clocks, the magic `run` and the preferences, as in Brian2's ``brian2.core``."""
