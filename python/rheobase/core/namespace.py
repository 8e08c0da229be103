"""External names in code strings, resolved as Brian2 does: an explicit ``namespace`` first,
then the creator's locals, then its globals. Only numbers and scalar quantities are
external constants; unit names (``mV``) and ``pi``/``e`` are known to the engine already.

Unlike Brian2, which resolves names at ``run()``, the engine needs the names of the model,
threshold, reset and refractory strings when the object is made: a name defined only after
``NeuronGroup(...)`` is not seen there (define it before, or pass ``namespace=``), and a
later change of its value is not picked up. Code strings given later (``G.v = 'v0 + ...'``,
``G.v['v > vt']``) are resolved where they are given, as in Brian2.
"""

import numbers
import sys

import numpy as np

import rheobase.units as _units
from rheobase.units.dimensions import DIMENSIONLESS
from rheobase.units.quantity import Quantity


def caller_frame(level):
    """The frame of the user code `level` frames above the caller of this function's caller."""
    return sys._getframe(level + 2)


def _as_constant(value):
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, Quantity):
        if value.size != 1:
            return None
        return float(np.asarray(value).reshape(())), value.dim
    if isinstance(value, (numbers.Real, np.number)):
        return float(value), DIMENSIONLESS
    return None


def resolve(frame, namespace=None):
    """``{name: (si_value, Dimension)}`` of the constants visible in `frame`, overridden by
    `namespace`."""
    visible = {}
    if frame is not None:
        visible.update(frame.f_globals)
        visible.update(frame.f_locals)
    result = {}
    for name, value in visible.items():
        if name.startswith("_"):
            continue
        # The unit objects themselves: the engine knows them.
        if getattr(_units, name, None) is value:
            continue
        constant = _as_constant(value)
        if constant is not None:
            result[name] = constant
    for name, value in (namespace or {}).items():
        constant = _as_constant(value)
        if constant is None:
            raise TypeError(
                f"namespace entry {name!r} must be a number or a scalar quantity, "
                f"got {type(value).__name__}"
            )
        result[name] = constant
    return result
