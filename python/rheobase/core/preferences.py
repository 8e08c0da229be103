"""``prefs``, ``set_device`` and ``device``: Brian2's names, on an engine that always runs
JIT-compiled native code in process. Preferences are kept and read back (Brian2's defaults
for the common ones); those the engine cannot honour say so once. A standalone device
request runs the simulation at ``run()``, as Brian2's runtime device does."""

from rheobase.utils.logger import BrianLogger, get_logger

logger = get_logger("rheobase.core.preferences")

# Brian2's defaults for the preferences scripts read.
_DEFAULTS = {
    "codegen.target": "auto",
    "codegen.string_expression_target": "numpy",
    "codegen.loop_invariant_optimisations": True,
    "codegen.cpp.extra_compile_args": [],
    "codegen.cpp.extra_compile_args_gcc": [],
    "codegen.cpp.extra_compile_args_msvc": [],
    "codegen.cpp.compiler": "",
    "codegen.runtime.cython.multiprocess_safe": True,
    "core.default_float_dtype": "float64",
    "core.default_integer_dtype": "int32",
    "devices.cpp_standalone.openmp_threads": 0,
    "logging.console_log_level": "INFO",
    "logging.file_log": True,
    "logging.file_log_level": "DEBUG",
    "logging.delete_log_on_exit": True,
    # rheobase's own: stop a run at the first NaN/inf (docs/errors.md,
    # runtime::non_finite_value), and a memory limit in bytes for connect() and monitor
    # recordings (None: what the system has available).
    "core.watchdog": False,
    "core.memory_limit": None,
}


def float_type_name(value):
    """``"float64"`` or ``"float32"`` for a ``core.default_float_dtype`` value (a numpy
    type, a dtype, Python's ``float`` or a name); ``None`` for any other type."""
    import numpy as np

    try:
        dtype = np.dtype(value)
    except TypeError:
        return None
    return {np.dtype(np.float64): "float64", np.dtype(np.float32): "float32"}.get(dtype)


def apply_creation_preferences(network):
    """Hands the preferences read when an object is made (``core.default_float_dtype``, as
    in Brian2) to the engine network it is made in."""
    network.set_float_type(float_type_name(prefs.core.default_float_dtype) or "float64")


def apply_engine_preferences(network):
    """Hands the preferences the engine itself reads to an engine network."""
    network.set_watchdog(bool(prefs.core.watchdog))
    limit = prefs.core.memory_limit
    network.set_memory_limit(None if limit is None else int(limit))


class PreferenceError(Exception):
    """A preference set to a value rheobase cannot use (Brian2's ``PreferenceError``)."""


def _on_set(path, value):
    """What setting `path` changes in rheobase."""
    if path == "core.default_float_dtype":
        if float_type_name(value) is None:
            logger.warn(
                f"prefs.core.default_float_dtype = {value!r}: rheobase stores float64 or "
                "float32 only; using float64",
                once=True,
            )
    elif path == "logging.console_log_level":
        BrianLogger.log_level(value)
    elif path.startswith("logging.") or path in (
        "devices.cpp_standalone.openmp_threads",
        "core.watchdog",
        "core.memory_limit",
    ):
        pass
    else:
        logger.info(f"prefs.{path} = {value!r} has no effect in rheobase (it always runs "
                    "JIT-compiled native code in process)", once=True)


class _Preferences:
    def __init__(self, path=""):
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_values", {})

    def _key(self, name):
        return f"{self._path}.{name}" if self._path else name

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        values = object.__getattribute__(self, "_values")
        if name not in values:
            key = self._key(name)
            if key in _DEFAULTS:
                return _DEFAULTS[key]
            values[name] = _Preferences(key)
        return values[name]

    def __setattr__(self, name, value):
        _on_set(self._key(name), value)
        self._values[name] = value

    def __getitem__(self, key):
        node = self
        for part in key.split("."):
            node = getattr(node, part)
        return node

    def __setitem__(self, key, value):
        *parents, last = key.split(".")
        node = self
        for part in parents:
            node = getattr(node, part)
        setattr(node, last, value)

    def __repr__(self):
        return f"<preferences {self._path or 'prefs'}>"

    def reset_to_defaults(self):
        self._values.clear()

    def read_preference_file(self, file):
        """Reads ``name = value`` lines as Brian2's preference files."""
        section = ""
        for line in open(file) if isinstance(file, str) else file:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1].strip()
                continue
            key, _, value = line.partition("=")
            key = f"{section}.{key.strip()}" if section else key.strip()
            self[key] = eval(value.strip(), {})  # noqa: S307 (Brian2 evaluates them too)

    def load_preferences(self):
        """Brian2 reads its preference files here; rheobase has none."""


prefs = _Preferences()
brian_prefs = prefs


class RuntimeDevice:
    """The device that runs everything: each ``run()`` runs at once, in process."""

    def __init__(self):
        self.name = "runtime"
        self.requested = "runtime"
        self.build_on_run = True
        self.has_been_run = False

    def build(self, *args, **kwargs):
        """A no-op: every ``run()`` has already run (Brian2's standalone ``device.build``)."""
        logger.debug("device.build(): the simulation already ran at run()")

    def reinit(self):
        """Brian2 resets a standalone project here; new objects start a new scope instead."""
        from rheobase.core.magic import start_scope

        start_scope()

    def activate(self, build_on_run=True, **kwargs):
        self.build_on_run = build_on_run

    def delete(self, *args, **kwargs):
        pass

    def __repr__(self):
        if self.requested != self.name:
            return f"<rheobase runtime device (requested: {self.requested!r})>"
        return "<rheobase runtime device>"


device = RuntimeDevice()
all_devices = {"runtime": device}


def set_device(device_name, build_on_run=True, **kwargs):
    """Accepts Brian2's devices. ``'runtime'`` (and ``'numpy'``/``'cython'``) is rheobase's
    only mode; a standalone device (``'cpp_standalone'``, ``'cuda_standalone'``, ...) is
    answered by running in process with the JIT, which needs no build step: each ``run()``
    simulates at once and ``device.build()`` does nothing."""
    name = getattr(device_name, "name", device_name)
    device.requested = name
    device.build_on_run = build_on_run
    if name != "runtime":
        logger.warn(
            f"set_device({name!r}): rheobase has no separate standalone build; it compiles "
            "the model in process and simulates at each run(), and device.build() does "
            "nothing. Results are available right after run().",
            once=True,
        )


def get_device():
    return device


__all__ = ["prefs", "brian_prefs", "device", "all_devices", "set_device", "get_device",
           "PreferenceError"]
