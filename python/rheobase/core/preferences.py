"""``prefs``, ``set_device`` and ``device``: accepted for compatibility, without effect (the
engine always runs JIT-compiled native code)."""

import logging

logger = logging.getLogger("rheobase.core.preferences")


class _Preferences:
    def __init__(self, path="prefs"):
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_values", {})

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        values = object.__getattribute__(self, "_values")
        if name not in values:
            values[name] = _Preferences(f"{self._path}.{name}")
        return values[name]

    def __setattr__(self, name, value):
        logger.info("%s.%s = %r has no effect in rheobase", self._path, name, value)
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


prefs = _Preferences()


class _Device:
    def build(self, *args, **kwargs):
        logger.info("device.build() has no effect in rheobase")

    def __repr__(self):
        return "<rheobase runtime device>"


device = _Device()


def set_device(device_name, *args, **kwargs):
    logger.info("set_device(%r) has no effect in rheobase", device_name)


def get_device():
    return device
