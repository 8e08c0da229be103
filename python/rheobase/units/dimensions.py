"""Dimensions, the dimension-mismatch error and the checks built on them.

The dimension algebra is Rust's (`rheobase._core.Dimension`); this module adds Brian2's
helper functions around it.
"""

import numbers

import numpy as np

from rheobase import _core

__all__ = [
    "Dimension",
    "DIMENSIONLESS",
    "DimensionMismatchError",
    "get_or_create_dimension",
    "get_dimensions",
    "is_dimensionless",
    "have_same_dimensions",
    "fail_for_dimension_mismatch",
    "get_unit_for_display",
]

Dimension = _core.Dimension
DIMENSIONLESS = _core.DIMENSIONLESS


def get_or_create_dimension(*args, **kwds):
    """The `Dimension` for 7 exponents (m, kg, s, A, K, mol, cd) or for keywords such as
    ``length=1, mass=1, time=-2``; equal dimensions are the same object, as in Brian2."""
    if args:
        try:
            if len(args[0]) != 7:
                raise TypeError()
        except TypeError:
            raise TypeError("Need a sequence of exactly 7 items") from None
        return _core.get_or_create_dimension([float(x) for x in args[0]])
    exponents = [0.0] * 7
    for name, value in kwds.items():
        index = _core.base_index(name)
        if index is None:
            raise KeyError(name)
        exponents[index] = value
    return _core.get_or_create_dimension(exponents)


class DimensionMismatchError(Exception):
    """Raised when an operation mixes inconsistent dimensions (``3*mV + 2*nA``).

    ``DimensionMismatchError(description, *dims)``; the message adds the units of `dims`
    as Brian2 does: ``... (units are V and A).``
    """

    def __init__(self, description, *dims):
        Exception.__init__(self, description, *dims)
        self.desc = description
        self.dims = dims

    def __repr__(self):
        dims = ", ".join(repr(d) for d in self.dims)
        return f"{self.__class__.__name__}({self.desc!r}, {dims})"

    def __str__(self):
        return _core.mismatch_message(self.desc, [get_dimensions(d) for d in self.dims])


_PLAIN_TYPES = (bool, int, float, np.int32, np.int64, np.float32, np.float64, np.ndarray, np.bool_)


def get_dimensions(obj):
    """The `Dimension` of a quantity, unit or dimension; `DIMENSIONLESS` for plain numbers
    and arrays; a list of quantities has the dimension of its items."""
    try:
        return obj.dim
    except AttributeError:
        pass
    if type(obj) in _PLAIN_TYPES or isinstance(obj, (numbers.Number, np.number, np.ndarray)):
        return DIMENSIONLESS
    from rheobase.units.quantity import Quantity

    try:
        return Quantity(obj).dim
    except TypeError:
        raise TypeError(f"Object of type {type(obj)} does not have dimensions") from None


def is_dimensionless(obj):
    """Whether `obj` has no physical dimension."""
    return get_dimensions(obj).is_dimensionless


def have_same_dimensions(obj1, obj2):
    """Whether two values have the same dimensions."""
    return get_dimensions(obj1) == get_dimensions(obj2)


def get_unit_for_display(dim):
    """The text Brian2 names a dimension by in messages: ``V``, ``m^-4 kg^-1 s^3 A^2``, ``1``."""
    if isinstance(dim, int) and dim == 1:
        return "1"
    return _core.dimension_unit_string(get_dimensions(dim))


def short_str(value):
    """A value as error messages show it: arrays shortened to two items at each end."""
    with np.printoptions(edgeitems=2, threshold=5):
        return str(np.asanyarray(value))


def _is_zero(obj, dim):
    if not dim.is_dimensionless:
        return False
    try:
        return bool(np.all(np.asarray(obj) == 0))
    except (TypeError, ValueError):
        return False


def fail_for_dimension_mismatch(obj1, obj2=None, error_message=None, **error_quantities):
    """Raise `DimensionMismatchError` unless `obj1` and `obj2` (dimensionless when omitted)
    have the same dimensions; a dimensionless zero matches any dimension, as in Brian2.

    `error_message` may name entries of `error_quantities` as ``{name}``; they are filled in
    with the values' short text only when the check fails. Returns both dimensions.
    """
    dim1 = get_dimensions(obj1)
    dim2 = DIMENSIONLESS if obj2 is None else get_dimensions(obj2)
    if dim1 == dim2 or _is_zero(obj1, dim1) or _is_zero(obj2, dim2):
        return dim1, dim2
    if error_message is None:
        error_message = "Dimension mismatch"
    else:
        texts = {name: short_str(q) for name, q in error_quantities.items()}
        error_message = error_message.format(**texts)
    from rheobase.units.unit import Unit

    # A check against a named unit does not repeat that unit (the message names it).
    if obj2 is None or isinstance(obj2, (Dimension, Unit)):
        raise DimensionMismatchError(error_message, dim1)
    raise DimensionMismatchError(error_message, dim1, dim2)
