"""`Unit`: a named quantity (``mV`` prints ``mV``, its repr is ``mvolt``).

Arithmetic between units gives new named units (``nS/cm**2`` is ``nS/(cm^2)``), which are
registered for display as Brian2 does, so that later quantities of that dimension print in
them.
"""

import numpy as np

from rheobase import _core
from rheobase.units.dimensions import DIMENSIONLESS, get_dimensions, is_dimensionless
from rheobase.units.quantity import Quantity, is_scalar_type

__all__ = ["Unit", "get_unit", "register_new_unit"]


class Unit(Quantity):
    """A physical unit: value ``10**scale`` in SI units, a name (its repr) and a display name.

    ``Unit(value, dim=None, scale=0, name=None, dispname=None, latexname=None,
    iscompound=False)``
    """

    def __new__(
        cls,
        arr,
        dim=None,
        scale=0,
        name=None,
        dispname=None,
        latexname=None,
        iscompound=False,
        dtype=None,
        copy=False,
    ):
        if dim is None:
            dim = DIMENSIONLESS
        return super().__new__(cls, arr, dim=dim, dtype=dtype, copy=copy, force_quantity=True)

    def __array_finalize__(self, orig):
        self.dim = getattr(orig, "dim", DIMENSIONLESS)
        self.scale = getattr(orig, "scale", 0)
        self._name = getattr(orig, "_name", "")
        self._dispname = getattr(orig, "_dispname", "")
        self._latexname = getattr(orig, "_latexname", "")
        self.iscompound = getattr(orig, "iscompound", False)

    def __init__(
        self, value, dim=None, scale=0, name=None, dispname=None, latexname=None, iscompound=False
    ):
        if dim is None:
            dim = DIMENSIONLESS
        self.dim = dim
        self.scale = scale
        if name is None:
            name = "Unit(1)" if dim.is_dimensionless else repr(dim)
        if dispname is None:
            dispname = "1" if dim.is_dimensionless else str(dim)
        self._name = name
        self._dispname = dispname
        self._latexname = latexname if latexname is not None else f"\\mathrm{{{dispname}}}"
        self.iscompound = iscompound

    @property
    def name(self):
        return self._name

    @property
    def dispname(self):
        return self._dispname

    @property
    def latexname(self):
        return self._latexname

    def set_name(self, name):
        self._name = name

    def set_display_name(self, name):
        self._dispname = name

    def set_latex_name(self, name):
        self._latexname = name

    def __repr__(self):
        return self._name

    def __str__(self):
        return self._dispname

    def __reduce__(self):
        return _named_unit, (
            float(self),
            self.dim,
            self.scale,
            self._name,
            self._dispname,
            self.iscompound,
        )

    # -- arithmetic between units gives units --------------------------------------------

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__" and not kwargs:
            made = _unit_arithmetic(self, ufunc.__name__, inputs)
            if made is not None:
                return made
        # Anything else treats the unit as a quantity (`3*mV`, `mV + mV`).
        return super().__array_ufunc__(ufunc, method, *inputs, **kwargs)

    def _inplace(self, other):
        raise TypeError("Units cannot be modified in-place")

    __iadd__ = __isub__ = __imul__ = __itruediv__ = __ifloordiv__ = __imod__ = _inplace

    def __ipow__(self, other, modulo=None):
        raise TypeError("Units cannot be modified in-place")

    def __eq__(self, other):
        if isinstance(other, Unit):
            return other.dim == self.dim and other.scale == self.scale
        return Quantity.__eq__(self, other)

    def __ne__(self, other):
        if isinstance(other, Unit):
            return not self.__eq__(other)
        return Quantity.__ne__(self, other)

    def __hash__(self):
        return hash((self.dim, self.scale))


def _grouped(unit, attribute):
    text = getattr(unit, attribute)
    return f"({text})" if unit.iscompound else text


def _compound(value_scale, dim, name, dispname):
    u = Unit(
        10.0**value_scale, dim=dim, scale=value_scale, name=name, dispname=dispname, iscompound=True
    )
    register_new_unit(u)
    return u


def _unit_arithmetic(self, name, inputs):
    """The unit Brian2 makes for ``unit * unit``, ``unit / unit``, ``unit ** n``, ``1 / unit``,
    ``sqrt(unit)``; `None` when the operation gives a plain quantity."""
    if name == "multiply":
        first, second = inputs
        if isinstance(first, Unit) and isinstance(second, Unit):
            return _compound(
                first.scale + second.scale,
                first.dim * second.dim,
                f"{first.name} * {second.name}",
                f"{self.dispname} {second.dispname}",
            )
    elif name in ("divide", "true_divide"):
        first, second = inputs
        if isinstance(first, Unit) and isinstance(second, Unit):
            return _compound(
                first.scale - second.scale,
                first.dim / second.dim,
                f"{_grouped(first, 'name')} / {_grouped(second, 'name')}",
                f"{_grouped(first, 'dispname')}/{_grouped(second, 'dispname')}",
            )
        if (
            isinstance(second, Unit)
            and is_dimensionless(first)
            and np.shape(first) == ()
            and first == 1
        ):
            return _unit_arithmetic(second, "reciprocal", (second,))
    elif name == "power":
        first, second = inputs
        if isinstance(first, Unit) and is_scalar_type(second):
            _core.check_exponent(float(second))
            return _compound(
                first.scale * second,
                first.dim ** float(second),
                f"{_grouped(first, 'name')} ** {second!r}",
                f"{_grouped(first, 'dispname')}^{second}",
            )
    elif name in ("square", "sqrt", "reciprocal") and isinstance(inputs[0], Unit):
        power, text = {"square": (2, "2"), "sqrt": (0.5, "0.5"), "reciprocal": (-1, "-1")}[name]
        u = inputs[0]
        return _compound(
            u.scale * power,
            u.dim**power,
            f"{_grouped(u, 'name')} ** {text}",
            f"{_grouped(u, 'dispname')}^{text}",
        )
    return None


def _named_unit(value, dim, scale, name, dispname, iscompound):
    return Unit(value, dim=dim, scale=scale, name=name, dispname=dispname, iscompound=iscompound)


# Units that may be chosen for display, by repr name, so that `get_best_unit` gives back the
# unit object itself (`mvolt`), as Brian2 does.
_known_units = {}


def remember_unit(u):
    """Keep a unit so that `get_best_unit` can return it (the registry's named units)."""
    _known_units.setdefault(repr(u), u)


def register_new_unit(u):
    """Register a unit for display: quantities of its dimension that no standard unit covers
    will print in it (``register_new_unit(pfarad / mmetre**2)``)."""
    _known_units[repr(u)] = u
    _core.register_unit(repr(u), str(u), float(u), u.dim)


def unit_from_names(name, dispname, scale, dim):
    """A display unit chosen by the Rust registers, as a `Unit`."""
    known = _known_units.get(name)
    if known is not None and known.dim == dim and float(known) == scale:
        return known
    return Unit(
        scale,
        dim=dim,
        scale=float(np.log10(scale)) if scale > 0 else 0,
        name=name,
        dispname=dispname,
    )


def get_unit(d):
    """The registered unit of dimension `d` with value 1 (`volt`, not `mvolt`), or a new
    unit named after the base units."""
    d = get_dimensions(d)
    names = _core.unscaled_unit_names(d)
    if names is None:
        return Unit(1.0, dim=d)
    return Unit(1.0, dim=d, name=names[0], dispname=names[1])
