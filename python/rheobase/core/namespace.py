"""External names in code strings, resolved as Brian2 does.

When an object is made, the constants visible to its creator (its explicit ``namespace``
first, then the creator's locals, then its globals) let the engine check the code's units;
only numbers and scalar quantities are external constants, unit names (``mV``) and
``pi``/``e`` are known to the engine already. The engine's kernels read each constant from a
cell, not from the compiled code.

At every ``run()`` (magic ``run`` and ``Network.run``), as in Brian2, each object's constants
are resolved anew: in the object's ``namespace`` dict (``G.namespace['tau'] = 5*ms`` works),
then in run's ``namespace=`` argument if given, else in the caller's locals and globals.
Changed values go to the engine (`update_namespace`), which checks the object's code again
with them, so a constant of another dimension gives the error it would have given when the
object was made (``DimensionMismatchError``); a name that cannot be resolved any more raises
Brian2's ``KeyError``. Unlike Brian2, a name must be defined when the object is made (the
engine checks units then); defining it only later, before ``run()``, is an error at
creation. ``run_regularly`` and ``run_on_event`` code adds the constants it names to its
group's (`rheobase.groups`), resolved at every run like the model's. State access with code
strings (``G.v = 'v0 + ...'``, ``G.v['v > vt']``) and ``connect`` conditions are resolved
where they are given, as in Brian2. TimedArrays are found only when an object is made
(`resolve_functions`).
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


def run_namespace(frame, namespace=None):
    """Brian2's run namespace: `namespace` when given, else the locals and globals of
    `frame` (where ``run()`` was called)."""
    if namespace is not None:
        return dict(namespace)
    visible = {}
    if frame is not None:
        visible.update(frame.f_globals)
        visible.update(frame.f_locals)
    return visible


def _resolved(owner, name, own, run_ns):
    for source in (own, run_ns):
        if source is not None and name in source:
            value = source[name]
            constant = _as_constant(value)
            if constant is None:
                raise TypeError(
                    f"The identifier \"{name}\" used by '{owner}' refers to "
                    f"{type(value).__name__}, not to a number or a scalar quantity."
                )
            return constant
    raise KeyError(f'The identifier "{name}" could not be resolved.')


def update_namespace(owner, engine, own, run_ns):
    """Resolves the external constants that `engine` (an engine group or synapses, made for
    the object named `owner`) uses in the object's namespace dict `own`, then in `run_ns`,
    and gives the engine their current values."""
    used = engine.namespace()
    if not used:
        return
    values = {name: _resolved(owner, name, own, run_ns) for name, _, _ in used}
    engine.set_namespace(values)


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
