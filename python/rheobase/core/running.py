"""One run of an engine network: the objects that take part, progress reports as Brian2
prints them, and Python-side objects (network operations) switched on and off."""

import sys

from rheobase.core.clocks import dt_seconds
from rheobase.units.allunits import second


def format_time(seconds):
    """Brian2's ``_format_time``: ``'3h 25m 45s'``, ``'12s'``, ``'< 1s'``."""
    remaining = seconds
    text = ""
    for divisor, letter in ((24 * 60 * 60, "d"), (60 * 60, "h"), (60, "m"), (1, "s")):
        count = int(remaining / divisor)
        remaining -= count * divisor
        if count > 0 or text:
            text += f"{' ' if text else ''}{count}{letter}"
    return text or "< 1s"


class TextReport:
    """Brian2's text progress report, written to `stream`."""

    def __init__(self, stream):
        self.stream = stream

    def __call__(self, elapsed, completed, start, duration):
        if completed == 0.0:
            self.stream.write(f"Starting simulation at t={start} for a duration of {duration}\n")
        else:
            message = f"{completed * duration} ({int(completed * 100.0)}%) simulated in " \
                      f"{format_time(float(elapsed))}"
            if completed < 1.0:
                remaining = int(round((1 - completed) / completed * float(elapsed)))
                message += f", estimated {format_time(remaining)} remaining.\n"
            else:
                message += "\n"
            self.stream.write(message)
        self.stream.flush()


def report_callback(report):
    """The function Brian2 calls for ``report=`` (``None`` when there is no report)."""
    if report is None:
        return None
    if report in ("text", "stdout"):
        return TextReport(sys.stdout)
    if report == "stderr":
        return TextReport(sys.stderr)
    if isinstance(report, str):
        raise ValueError(f'Do not know how to handle report argument "{report}".')
    if callable(report):
        return report
    raise TypeError(
        "Do not know how to handle report argument, it has to be one of 'text', 'stdout', "
        f"'stderr', or a callable function/object, but it is of type {type(report)}"
    )


def _threads_preference():
    """Brian2's ``prefs.devices.cpp_standalone.openmp_threads``: a positive number runs on
    that many threads; 0 (the default) keeps the network's setting (one thread, or the
    ``RHEOBASE_THREADS`` environment variable). Results do not depend on it."""
    from rheobase.core.preferences import prefs

    value = prefs["devices.cpp_standalone.openmp_threads"]
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


# Engine networks in a run (by id): a network operation may store or restore from there,
# at the run's own time.
_running = set()


def in_run(network):
    """Whether `network` is running (the caller is a network operation)."""
    return id(network) in _running


def at_time(network, t, action, keep_t):
    """Calls `action()` (a run, a store, a restore) with the engine `network` moved to the
    time `t` (seconds) of the Network (or magic network) that acts, and hands the engine's
    time afterwards to `keep_t`, also after an error (a run stopped by Ctrl+C goes on from
    where it stopped). Inside a run (a network operation storing) the time stays."""
    if in_run(network):
        return action()
    try:
        network.set_t(t)
        return action()
    finally:
        keep_t(network.t)


def run_network(network, objects, duration, report=None, report_period=10 * second,
                frame=None, profile=None, namespace=None):
    """Runs the engine `network` for `duration` with only `objects` (Python objects) active;
    `frame` is where ``run()`` was called: external names in code strings resolve there, or
    in `namespace` when given, as in Brian2."""
    from rheobase.core.magic import activate_only
    from rheobase.core.namespace import run_namespace

    run_ns = run_namespace(frame, namespace)
    for obj in objects:
        obj._update_namespace(run_ns)

    seconds = dt_seconds(duration, "duration")
    period = dt_seconds(report_period, "report_period")
    callback = report_callback(report)
    from rheobase.core.preferences import apply_engine_preferences

    activate_only(network, objects)
    apply_engine_preferences(network)
    network.set_profiling(bool(profile))
    threads = _threads_preference()
    if threads:
        network.set_threads(threads)
    _running.add(id(network))
    try:
        if callback is None:
            network.run(seconds)
            return
        start = network.t * second
        duration = seconds * second

        def progress(elapsed, completed):
            callback(elapsed * second, completed, start, duration)

        network.run(seconds, progress, period)
    finally:
        _running.discard(id(network))


class ProfilingSummary:
    """Brian2's ``profiling_summary``: time per object in the last run with
    ``profile=True``, longest first."""

    def __init__(self, info, show=None):
        total = sum(seconds for _, seconds in info) or 1.0
        self.names = [name for name, _ in info][:show]
        self.times = [seconds * second for _, seconds in info][:show]
        self.percentages = [100.0 * seconds / total for _, seconds in info][:show]

    def __repr__(self):
        width = max([len(n) for n in self.names] + [0])
        lines = ["Profiling summary", "================="]
        for name, t, p in zip(self.names, self.times, self.percentages):
            lines.append(f"{name:<{width}}    {str(t):>12}    {p:6.2f} %")
        return "\n".join(lines)



def profiling_summary(net=None, show=None):
    """The time spent in each object during the last run with ``profile=True``."""
    from rheobase.core.magic import current_network

    engine = current_network() if net is None else net._engine()
    info = engine.profiling_info()
    if not info:
        raise ValueError("No profiling info collected (did you run with 'profile=True'?)")
    return ProfilingSummary(info, show)


class SchedulingSummary:
    """Brian2's ``scheduling_summary``: the objects in the order they run in a step."""

    def __init__(self, rows):
        self.rows = rows

    def __repr__(self):
        header = ("object", "when", "order")
        rows = [header] + [(n, w, str(o)) for n, w, o in self.rows]
        widths = [max(len(r[k]) for r in rows) for k in range(3)]
        lines = [" | ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
        lines.insert(1, "-+-".join("-" * w for w in widths))
        return "\n".join(lines)


def scheduling_summary(net=None):
    """The objects of the network in the order they run within a time step."""
    from rheobase.core.magic import current_network

    engine = current_network() if net is None else net._engine()
    return SchedulingSummary(engine.scheduling_summary())
