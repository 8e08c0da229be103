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


def run_network(network, objects, duration, report=None, report_period=10 * second,
                frame=None):
    """Runs the engine `network` for `duration` with only `objects` (Python objects) active;
    `frame` is where ``run()`` was called (names in code strings resolve there)."""
    from rheobase.core.magic import activate_only

    for obj in objects:
        check = getattr(obj, "_check_namespace", None)
        if check is not None:
            check(frame)

    seconds = dt_seconds(duration, "duration")
    period = dt_seconds(report_period, "report_period")
    callback = report_callback(report)
    activate_only(network, objects)
    if callback is None:
        network.run(seconds)
        return
    start = network.t * second
    duration = seconds * second

    def progress(elapsed, completed):
        callback(elapsed * second, completed, start, duration)

    network.run(seconds, progress, period)
