"""External names in code strings, resolved as Brian2 does: an explicit ``namespace`` first,
then the creator's locals, then its globals. Only numbers and scalar quantities are
external constants; unit names (``mV``) and ``pi``/``e`` are known to the engine already.

Unlike Brian2, which resolves names at ``run()``, the engine needs the names of the model,
threshold, reset and refractory strings when the object is made: a name defined only after
``NeuronGroup(...)`` is not seen there (define it before, or pass ``namespace=``). A later
change of a value the object uses is not picked up by the engine, so ``run()`` checks the
names in its caller's frame as Brian2 would resolve them and raises ``NotImplementedError``
if one of them changed (never a silently different simulation). Code strings given later
(``G.v = 'v0 + ...'``, ``G.v['v > vt']``) are resolved where they are given, as in Brian2.
"""

import numbers
import re
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
        if getattr(value, "_is_timed_array", False):
            continue
        constant = _as_constant(value)
        if constant is None:
            raise TypeError(
                f"namespace entry {name!r} must be a number or a scalar quantity, "
                f"got {type(value).__name__}"
            )
        result[name] = constant
    return result


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def used_constants(namespace, texts, explicit=()):
    """The entries of `namespace` (from `resolve`) that the code `texts` name, except those
    given explicitly (``namespace=``), which do not depend on the caller."""
    names = set()
    for text in texts:
        if text:
            names.update(_IDENTIFIER.findall(text))
    return {n: namespace[n] for n in names if n in namespace and n not in explicit}


def check_unchanged(owner, constants, frame):
    """Raises if a constant `owner` was built with now has another value in `frame` (the
    frame ``run()`` was called from, where Brian2 resolves names)."""
    if frame is None or not constants:
        return
    visible = dict(frame.f_globals)
    visible.update(frame.f_locals)
    changed = []
    for name, (value, dim) in sorted(constants.items()):
        if name not in visible:
            continue
        now = _as_constant(visible[name])
        if now is not None and (now[0] != value or now[1] != dim):
            changed.append(name)
    if changed:
        names = ", ".join(f"'{n}'" for n in changed)
        raise NotImplementedError(
            f"{owner} was built with other values of {names} than they have now. Brian2 "
            "would use the new values in this run; rheobase fixes external constants when "
            "an object is made. Pass them in a variable of the model (e.g. a '(shared)' "
            "parameter) to change them between runs, or make the object after setting them."
        )


def resolve_functions(frame, namespace, texts):
    """``{name: TimedArray}`` of the TimedArrays the code `texts` call, from `namespace`
    first, then the frame's locals and globals."""
    names = set()
    for text in texts:
        if text:
            names.update(_IDENTIFIER.findall(text))
    visible = {}
    if frame is not None:
        visible.update(frame.f_globals)
        visible.update(frame.f_locals)
    visible.update(namespace or {})
    return {n: visible[n] for n in names
            if n in visible and getattr(visible[n], "_is_timed_array", False)}
