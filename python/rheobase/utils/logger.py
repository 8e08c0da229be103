"""Brian2-style logging control on Python's ``logging``: every rheobase module logs below the
``rheobase`` logger; ``BrianLogger.log_level_debug()`` and friends set what the console shows
(warnings by default, as in Brian2), ``suppress_hierarchy``/``suppress_name`` silence parts.
"""

import contextlib
import logging
import sys

ROOT = "rheobase"
DIAGNOSTIC = 5
logging.addLevelName(DIAGNOSTIC, "DIAGNOSTIC")

_LEVELS = {"DEBUG": logging.DEBUG, "INFO": logging.INFO, "WARNING": logging.WARNING,
           "WARN": logging.WARNING, "ERROR": logging.ERROR, "CRITICAL": logging.CRITICAL,
           "DIAGNOSTIC": DIAGNOSTIC}


class _NameFilter(logging.Filter):
    """Drops records from the suppressed names and hierarchies."""

    def __init__(self):
        super().__init__()
        self.hierarchies = set()
        self.names = set()

    def filter(self, record):
        if any(record.name == h or record.name.startswith(h + ".") for h in self.hierarchies):
            return False
        return not any(record.name.endswith(n) for n in self.names)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a message comes (it may be replaced)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


_console = _StderrHandler()
_console.setFormatter(logging.Formatter("%(levelname)-10s %(message)s [%(name)s]"))
_console.setLevel(logging.WARNING)
_filter = _NameFilter()
_console.addFilter(_filter)
_root = logging.getLogger(ROOT)
_root.addHandler(_console)
_root.setLevel(DIAGNOSTIC)
_root.propagate = False
_once = set()


def _qualified(name):
    if name == ROOT or name.startswith(ROOT + "."):
        return name
    if name.startswith("brian2"):
        name = name[len("brian2"):].lstrip(".")
    return f"{ROOT}.{name}" if name else ROOT


class BrianLogger:
    """Brian2's ``BrianLogger``: ``get_logger(__name__)`` gives one per module, with
    ``diagnostic``, ``debug``, ``info``, ``warn`` and ``error`` (each with ``once=True`` to
    log a message only once); the class methods control what is shown."""

    console_handler = _console

    def __init__(self, name):
        self.name = _qualified(name)
        self._logger = logging.getLogger(self.name)

    def _log(self, level, msg, name_suffix=None, once=False):
        name = self.name if name_suffix is None else f"{self.name}.{name_suffix}"
        if once:
            key = (name, msg)
            if key in _once:
                return
            _once.add(key)
        logging.getLogger(name).log(level, msg)

    def diagnostic(self, msg, name_suffix=None, once=False):
        self._log(DIAGNOSTIC, msg, name_suffix, once)

    def debug(self, msg, name_suffix=None, once=False):
        self._log(logging.DEBUG, msg, name_suffix, once)

    def info(self, msg, name_suffix=None, once=False):
        self._log(logging.INFO, msg, name_suffix, once)

    def warn(self, msg, name_suffix=None, once=False):
        self._log(logging.WARNING, msg, name_suffix, once)

    warning = warn

    def error(self, msg, name_suffix=None, once=False):
        self._log(logging.ERROR, msg, name_suffix, once)

    @staticmethod
    def log_level(level):
        """Shows messages from `level` up (a name such as ``'DEBUG'`` or a number)."""
        if isinstance(level, str):
            if level.upper() not in _LEVELS:
                raise ValueError(f"Unknown log level '{level}'; use one of {sorted(_LEVELS)}")
            level = _LEVELS[level.upper()]
        _console.setLevel(level)

    @staticmethod
    def log_level_diagnostic():
        BrianLogger.log_level(DIAGNOSTIC)

    @staticmethod
    def log_level_debug():
        BrianLogger.log_level(logging.DEBUG)

    @staticmethod
    def log_level_info():
        BrianLogger.log_level(logging.INFO)

    @staticmethod
    def log_level_warn():
        BrianLogger.log_level(logging.WARNING)

    @staticmethod
    def log_level_error():
        BrianLogger.log_level(logging.ERROR)

    @staticmethod
    def suppress_hierarchy(name, filter_log_file=False):
        """Hides messages from `name` and the loggers below it (``'brian2.codegen'`` is
        accepted for ``'rheobase.codegen'``)."""
        _filter.hierarchies.add(_qualified(name))

    @staticmethod
    def suppress_name(name, filter_log_file=False):
        """Hides messages whose logger name ends with `name`."""
        _filter.names.add(name)

    @staticmethod
    def initialize():
        """Brian2 sets up its handlers here; rheobase's are set up on import."""


def get_logger(module_name="rheobase"):
    """A `BrianLogger` for a module (Brian2's ``get_logger(__name__)``)."""
    return BrianLogger(module_name)


@contextlib.contextmanager
def std_silent(alwaysprint=False):
    """Brian2's context manager that hides output of compilers; rheobase compiles in
    process without printing, so it only runs the block."""
    yield


__all__ = ["BrianLogger", "get_logger", "std_silent"]
