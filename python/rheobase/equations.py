"""Brian2's ``Equations``: model equations parsed and checked by the engine, with ``+`` and
substitutions (``Equations('dv/dt = -v/tau : volt', tau='tau_e')``)."""

import numbers

import numpy as np

import rheobase._core as _core
from rheobase.units.dimensions import get_dimensions
from rheobase.units.quantity import Quantity

DIFFERENTIAL_EQUATION = "differential equation"
SUBEXPRESSION = "subexpression"
PARAMETER = "parameter"
_KINDS = {"differential": DIFFERENTIAL_EQUATION, "subexpression": SUBEXPRESSION,
          "parameter": PARAMETER}


class Expression:
    """The right-hand side of an equation; ``code`` is its text."""

    def __init__(self, code):
        self.code = code

    def __str__(self):
        return self.code

    def __repr__(self):
        return f"Expression({self.code!r})"


class SingleEquation:
    """One line of a model: ``type``, ``varname``, ``dim``, ``var_type``, ``expr``,
    ``flags``."""

    def __init__(self, varname, kind, dim, var_type, flags, rhs):
        self.varname = varname
        self.type = _KINDS[kind]
        self.dim = dim
        self.var_type = var_type
        self.flags = list(flags)
        self.expr = None if rhs is None else Expression(rhs)

    def __repr__(self):
        return f"<SingleEquation {self.type} {self.varname!r}>"


def _replacement(name, value):
    if isinstance(value, str):
        return value
    if isinstance(value, (Quantity, numbers.Real, np.number)) and np.size(value) == 1:
        return float(np.asarray(value).reshape(())), get_dimensions(value)
    raise TypeError(
        f"Cannot substitute '{name}' with {value!r}: a replacement must be a string (a new "
        "name or an expression) or a scalar quantity."
    )


class Equations:
    """Brian2's ``Equations(eqns, **kwds)``: `eqns` is a model string (or another
    ``Equations``); keyword arguments replace names, with a string (a new name or an
    expression) or a value. Errors in the text raise when the object is made."""

    def __init__(self, eqns="", **kwds):
        if isinstance(eqns, Equations):
            engine = eqns._engine
        elif isinstance(eqns, _core.Equations):
            engine = eqns
        elif isinstance(eqns, str):
            engine = _core.Equations(eqns)
        else:
            raise TypeError(f"Equations expects a string, got {type(eqns).__name__}")
        if kwds:
            engine = engine.substitute([(k, _replacement(k, v)) for k, v in kwds.items()])
        self._engine = engine

    def substitute(self, **kwds):
        """These equations with names replaced, as the keyword arguments of ``Equations``."""
        return Equations(self, **kwds)

    def __add__(self, other):
        if isinstance(other, str):
            other = Equations(other)
        if not isinstance(other, Equations):
            return NotImplemented
        return Equations(self._engine.concat(other._engine))

    def __radd__(self, other):
        if isinstance(other, str):
            return Equations(other) + self
        return NotImplemented

    @property
    def names(self):
        return set(self._engine.names())

    @property
    def diff_eq_names(self):
        return set(self._engine.diff_eq_names())

    @property
    def subexpr_names(self):
        return set(self._engine.subexpr_names())

    @property
    def parameter_names(self):
        return set(self._engine.parameter_names())

    @property
    def eq_names(self):
        return self.diff_eq_names | self.subexpr_names

    @property
    def identifiers(self):
        """External names the right-hand sides read (units and functions excluded)."""
        from rheobase.units import allunits

        return {n for n in self._engine.identifiers()
                if n not in ("t", "dt", "xi") and not hasattr(allunits, n)}

    def __getitem__(self, name):
        info = self._engine.equation(name)
        if info is None:
            raise KeyError(name)
        kind, dim, var_type, flags, rhs = info
        return SingleEquation(name, kind, dim, var_type, flags, rhs)

    @property
    def ordered(self):
        return [self[name] for name in self._engine.ordered_names()]

    @property
    def dimensions(self):
        return {name: self[name].dim for name in self._engine.names()}

    @property
    def units(self):
        from rheobase.units.unit import get_unit

        return {name: get_unit(dim) for name, dim in self.dimensions.items()}

    def __iter__(self):
        return iter(self._engine.names())

    def __len__(self):
        return len(self._engine)

    def __contains__(self, name):
        return name in self._engine.names()

    def __eq__(self, other):
        if isinstance(other, str):
            other = Equations(other)
        return isinstance(other, Equations) and str(self) == str(other)

    def __hash__(self):
        return hash(str(self))

    def __str__(self):
        return str(self._engine)

    def __repr__(self):
        return f"<Equations object consisting of {len(self)} equations>"


__all__ = ["Equations"]
