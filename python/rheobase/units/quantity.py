"""`Quantity`: a numpy array with a physical dimension, with Brian2's arithmetic rules.

Every numpy operation reaches `Quantity.__array_ufunc__`, which checks and combines the
dimensions (with the Rust `Dimension`) and runs the ufunc on the plain values. Results without
a dimension are plain floats and arrays, as in Brian2.
"""

import numbers
import operator

import numpy as np

from rheobase import _core
from rheobase.units.dimensions import (
    DIMENSIONLESS,
    Dimension,
    DimensionMismatchError,
    fail_for_dimension_mismatch,
    get_dimensions,
    get_or_create_dimension,
    is_dimensionless,
    short_str,
)

__all__ = ["Quantity", "in_unit", "in_best_unit", "is_scalar_type", "quantity_with_dimensions"]

# Brian2's classification of numpy's ufuncs (public names, as in Brian2).
UFUNCS_PRESERVE_DIMENSIONS = [
    "absolute",
    "rint",
    "negative",
    "positive",
    "conj",
    "conjugate",
    "floor",
    "ceil",
    "trunc",
]
UFUNCS_CHANGE_DIMENSIONS = [
    "multiply",
    "divide",
    "true_divide",
    "floor_divide",
    "sqrt",
    "square",
    "reciprocal",
    "dot",
    "matmul",
]
UFUNCS_MATCHING_DIMENSIONS = ["add", "subtract", "maximum", "minimum", "remainder", "mod", "fmod"]
UFUNCS_COMPARISONS = ["less", "less_equal", "greater", "greater_equal", "equal", "not_equal"]
UFUNCS_LOGICAL = [
    "logical_and",
    "logical_or",
    "logical_xor",
    "logical_not",
    "isreal",
    "iscomplex",
    "isfinite",
    "isinf",
    "isnan",
]
UFUNCS_DIMENSIONLESS = [
    "sin",
    "sinh",
    "arcsin",
    "arcsinh",
    "cos",
    "cosh",
    "arccos",
    "arccosh",
    "tan",
    "tanh",
    "arctan",
    "arctanh",
    "log",
    "log2",
    "log10",
    "log1p",
    "exp",
    "exp2",
    "expm1",
]
UFUNCS_DIMENSIONLESS_TWOARGS = ["logaddexp", "logaddexp2", "arctan2", "hypot"]
UFUNCS_INTEGERS = [
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "invert",
    "left_shift",
    "right_shift",
]

_PRESERVE = set(UFUNCS_PRESERVE_DIMENSIONS)
_CHANGE = set(UFUNCS_CHANGE_DIMENSIONS) | {"power"}
_MATCHING = set(UFUNCS_MATCHING_DIMENSIONS)
_COMPARISONS = set(UFUNCS_COMPARISONS)
# `sign` and `ones_like` drop the dimension too.
_LOGICAL = set(UFUNCS_LOGICAL) | {"sign", "ones_like"}
_DIMENSIONLESS = set(UFUNCS_DIMENSIONLESS)
_DIMENSIONLESS_TWO = set(UFUNCS_DIMENSIONLESS_TWOARGS)
_INTEGERS = set(UFUNCS_INTEGERS)


def _plain(values):
    return [np.asarray(v) for v in values]


def _flatten(iterable):
    for item in iterable:
        if isinstance(item, list):
            yield from _flatten(item)
        else:
            yield item


def _check_dimensionless(value, function, position=None):
    dim = get_dimensions(value)
    if dim.is_dimensionless:
        return
    if position is None:
        raise _core.dimensionless_argument_error(function, short_str(value), dim)
    raise _core.dimensionless_arguments_error(function, position, short_str(value), dim)


def _power_dimension(base, exponent):
    exp_dim = get_dimensions(exponent)
    if not exp_dim.is_dimensionless:
        raise _core.dimensioned_exponent_error(short_str(exponent), exp_dim)
    base_dim = get_dimensions(base)
    if base_dim.is_dimensionless:
        return base_dim
    exponent = np.asarray(exponent)
    if exponent.size != 1:
        raise TypeError("Only length-1 arrays can be used as an exponent for quantities.")
    return base_dim ** float(exponent.reshape(()))


class Quantity(np.ndarray):
    """A number or array with a physical dimension (``3*mV``, ``np.ones(3)*nS``).

    ``Quantity(arr, dim=None, dtype=None, copy=False, force_quantity=False)``: without
    `force_quantity`, a dimensionless result is a plain array (or a float for a scalar).
    """

    def __new__(cls, arr, dim=None, dtype=None, copy=False, force_quantity=False):
        if dim is not None and dim.is_dimensionless and not force_quantity:
            arr = np.array(arr, dtype=dtype) if copy else np.asarray(arr, dtype=dtype)
            return arr.item() if arr.shape == () else arr
        subarr = (np.array(arr, dtype=dtype) if copy else np.asarray(arr, dtype=dtype)).view(cls)
        if not issubclass(np.dtype(subarr.dtype).type, (np.number, np.bool_)):
            raise TypeError("Quantities can only be created from numerical data.")
        if dim is not None:
            subarr.dim = dim
            return subarr
        try:
            subarr.dim = arr.dim
        except AttributeError:
            subarr.dim = DIMENSIONLESS
            if not isinstance(arr, (np.ndarray, np.number, numbers.Number)):
                try:
                    items = list(_flatten(arr))
                except TypeError:
                    items = []
                is_quantity = [isinstance(x, Quantity) for x in items]
                if is_quantity and all(is_quantity):
                    first = items[0].dim
                    for item in items:
                        if item.dim != first:
                            raise DimensionMismatchError(
                                "Mixing quantities with different dimensions is not allowed",
                                item.dim,
                                first,
                            )
                    subarr.dim = first
                elif any(is_quantity):
                    raise TypeError("Mixing quantities and non-quantities is not allowed.")
        return subarr

    def __array_finalize__(self, orig):
        self.dim = getattr(orig, "dim", DIMENSIONLESS)

    # -- numpy ufuncs ---------------------------------------------------------------------

    def __array_ufunc__(self, uf, method, *inputs, **kwargs):
        if method not in ("__call__", "reduce"):
            return NotImplemented
        call = getattr(uf, method)
        if "out" in kwargs:
            if self.ndim == 0:
                del kwargs["out"]
            else:
                kwargs["out"] = tuple(np.asarray(o) for o in kwargs["out"])
        name = uf.__name__
        if name in _LOGICAL:
            return call(*_plain(inputs), **kwargs)
        if name in _PRESERVE:
            return Quantity(call(*_plain(inputs), **kwargs), dim=self.dim)
        if name in _CHANGE:
            return Quantity(
                call(*_plain(inputs), **kwargs), dim=self._changed_dim(name, method, inputs)
            )
        if name in _INTEGERS:
            raise TypeError(f"{name} cannot be used on quantities.")
        if name in _MATCHING or name in _COMPARISONS:
            if method == "__call__":
                a, b = inputs[0], inputs[1]
                dim_a, dim_b = get_dimensions(a), get_dimensions(b)
                if not (dim_a == dim_b or _is_zero(a, dim_a) or _is_zero(b, dim_b)):
                    raise _core.binary_error(name, short_str(a), dim_a, short_str(b), dim_b)
            if name in _COMPARISONS:
                return call(*_plain(inputs), **kwargs)
            return Quantity(call(*_plain(inputs), **kwargs), dim=self.dim)
        if name in _DIMENSIONLESS:
            _check_dimensionless(inputs[0], name)
            return call(np.asarray(inputs[0]), *inputs[1:], **kwargs)
        if name in _DIMENSIONLESS_TWO:
            _check_dimensionless(inputs[0], name, 0)
            _check_dimensionless(inputs[1], name, 1)
            return call(np.asarray(inputs[0]), np.asarray(inputs[1]), *inputs[2:], **kwargs)
        return NotImplemented

    def _changed_dim(self, name, method, inputs):
        if name == "sqrt":
            return self.dim**0.5
        if name == "power":
            return _power_dimension(inputs[0], inputs[1])
        if name == "square":
            return self.dim**2
        if name in ("divide", "true_divide", "floor_divide"):
            return get_dimensions(inputs[0]) / get_dimensions(inputs[1])
        if name == "reciprocal":
            return get_dimensions(inputs[0]) ** -1
        # multiply, dot, matmul: a reduction keeps the dimension (as Brian2 does)
        if method == "__call__":
            return get_dimensions(inputs[0]) * get_dimensions(inputs[1])
        return get_dimensions(inputs[0])

    # -- comparisons (Brian2's own message, with the operator symbol) -------------------

    def _comparison(self, other, symbol, operation):
        scalar = is_scalar_type(other)
        if not scalar and not isinstance(other, np.ndarray):
            return NotImplemented
        if not scalar or not np.isinf(other):
            other_dim = get_dimensions(other)
            if not (
                self.dim == other_dim or _is_zero(self, self.dim) or _is_zero(other, other_dim)
            ):
                raise _core.comparison_error(
                    symbol, short_str(self), self.dim, short_str(other), other_dim
                )
        return operation(np.asarray(self), np.asarray(other))

    def __lt__(self, other):
        return self._comparison(other, "<", operator.lt)

    def __le__(self, other):
        return self._comparison(other, "<=", operator.le)

    def __gt__(self, other):
        return self._comparison(other, ">", operator.gt)

    def __ge__(self, other):
        return self._comparison(other, ">=", operator.ge)

    def __eq__(self, other):
        return self._comparison(other, "==", operator.eq)

    def __ne__(self, other):
        return self._comparison(other, "!=", operator.ne)

    __hash__ = None

    # -- dimensions -----------------------------------------------------------------------

    @staticmethod
    def with_dimensions(value, *args, **keywords):
        """A quantity with the given dimension (a `Dimension`, 7 exponents or keywords)."""
        if args and isinstance(args[0], Dimension):
            dim = args[0]
        else:
            dim = get_or_create_dimension(*args, **keywords)
        return Quantity(value, dim=dim)

    @property
    def is_dimensionless(self):
        """Whether this quantity has no physical dimension."""
        return self.dim.is_dimensionless

    @property
    def dimensions(self):
        return self.dim

    @dimensions.setter
    def dimensions(self, dim):
        self.dim = dim

    def has_same_dimensions(self, other):
        return self.dim == get_dimensions(other)

    # -- text -----------------------------------------------------------------------------

    def get_best_unit(self):
        """The unit Brian2 would print this quantity in (a `Unit`, or a `Quantity` of value 1
        when no unit has this dimension)."""
        from rheobase.units.unit import Unit, unit_from_names

        if self.is_dimensionless:
            return Unit(1)
        best = _core.best_unit(_display_values(self), self.dim)
        if best is None:
            return Quantity(1, self.dim)
        return unit_from_names(*best, self.dim)

    def in_unit(self, u, precision=None, python_code=False):
        """The quantity as text in unit `u`: ``in_unit(3*mV, volt)`` is ``'0.003 V'``."""
        if get_dimensions(u) != self.dim and not _is_zero(self, self.dim):
            raise _core.in_unit_error("method", self.dim)
        return _text_in_unit(
            np.asarray(self) / np.asarray(u), u, precision, python_code, type(self).__name__
        )

    def in_best_unit(self, precision=None, python_code=False):
        """The quantity as text in the unit closest to 10: ``1.23456 mV``."""
        if precision is not None:
            precision = _core.check_precision(precision)
        if self.ndim == 0 and not self.is_dimensionless and _default_print_options():
            # Rust writes numbers as numpy does with its default print options.
            return _core.in_best_unit(float(self), self.dim, precision, python_code)
        return self.in_unit(self.get_best_unit(), precision=precision, python_code=python_code)

    def __str__(self):
        return self.in_best_unit()

    def __repr__(self):
        return self.in_best_unit(python_code=True)

    def __format__(self, format_spec):
        if format_spec == "":
            return str(self)
        return super().__format__(format_spec)

    # -- items and copies -----------------------------------------------------------------

    def __getitem__(self, key):
        return Quantity(np.ndarray.__getitem__(self, key), self.dim)

    def item(self, *args):
        return Quantity(np.ndarray.item(self, *args), self.dim)

    def __setitem__(self, key, value):
        fail_for_dimension_mismatch(self, value, "Inconsistent units in assignment")
        return super().__setitem__(key, value)

    def tolist(self):
        """A (nested) list of scalar quantities."""

        def replace(seq):
            if not isinstance(seq, list):
                return Quantity(seq, self.dim)
            return [replace(item) for item in seq]

        return replace(np.asarray(self).tolist())

    def __deepcopy__(self, memo):
        return Quantity(self, copy=True)

    def __reduce__(self):
        return quantity_with_dimensions, (np.asarray(self), self.dim)

    # -- methods that keep, change or drop the dimension ---------------------------------

    def _keep(name):
        method = getattr(np.ndarray, name)

        def wrapped(self, *args, **kwds):
            return Quantity(method(np.asarray(self), *args, **kwds), dim=self.dim)

        wrapped.__name__ = name
        wrapped.__doc__ = method.__doc__
        return wrapped

    def _drop(name):
        method = getattr(np.ndarray, name)

        def wrapped(self, *args, **kwds):
            return method(np.asarray(self), *args, **kwds)

        wrapped.__name__ = name
        wrapped.__doc__ = method.__doc__
        return wrapped

    cumsum = _keep("cumsum")
    diagonal = _keep("diagonal")
    max = _keep("max")
    mean = _keep("mean")
    min = _keep("min")
    ravel = _keep("ravel")
    round = _keep("round")
    std = _keep("std")
    sum = _keep("sum")
    trace = _keep("trace")
    all = _drop("all")
    any = _drop("any")
    nonzero = _drop("nonzero")
    argmax = _drop("argmax")
    argmin = _drop("argmin")
    argsort = _drop("argsort")
    del _keep, _drop

    def ptp(self, *args, **kwds):
        return Quantity(np.ptp(np.asarray(self), *args, **kwds), dim=self.dim)

    def var(self, *args, **kwds):
        return Quantity(np.asarray(self).var(*args, **kwds), dim=self.dim**2)

    def fill(self, values):
        fail_for_dimension_mismatch(self, values, "fill")
        super().fill(values)

    def put(self, indices, values, *args, **kwds):
        fail_for_dimension_mismatch(self, values, "fill")
        super().put(indices, values, *args, **kwds)

    def clip(self, a_min=None, a_max=None, *args, **kwds):
        if a_min is not None:
            fail_for_dimension_mismatch(self, a_min, "clip")
        if a_max is not None:
            fail_for_dimension_mismatch(self, a_max, "clip")
        low = None if a_min is None else np.asarray(a_min)
        high = None if a_max is None else np.asarray(a_max)
        return Quantity(np.clip(np.asarray(self), low, high, *args, **kwds), self.dim)

    def dot(self, other, **kwds):
        return Quantity(
            np.array(self).dot(np.array(other), **kwds), self.dim * get_dimensions(other)
        )

    def searchsorted(self, v, **kwds):
        fail_for_dimension_mismatch(self, v, "searchsorted")
        return super().searchsorted(np.asarray(v), **kwds)

    def prod(self, *args, **kwds):
        result = np.asarray(self).prod(*args, **kwds)
        exponent = np.ones_like(np.asarray(self)).sum(*args, **kwds)
        if np.size(exponent) > 1:
            exponent = np.ravel(exponent)[0]
        return Quantity(np.asarray(result), self.dim ** float(exponent))

    def cumprod(self, *args, **kwds):
        if not self.is_dimensionless:
            raise TypeError(
                "cumprod over array elements on quantities with dimensions is not possible."
            )
        return Quantity(np.asarray(self).cumprod(*args, **kwds))


def _is_zero(obj, dim):
    if not dim.is_dimensionless:
        return False
    try:
        return bool(np.all(np.asarray(obj) == 0))
    except (TypeError, ValueError):
        return False


_DEFAULT_PRINT_OPTIONS = {"precision": 8, "floatmode": "maxprec", "suppress": False, "sign": "-"}


def _default_print_options():
    """Whether numpy's print options that shape a number are the defaults."""
    options = np.get_printoptions()
    return all(options.get(k) == v for k, v in _DEFAULT_PRINT_OPTIONS.items())


def _display_values(q):
    """The SI values that decide the display unit (Brian2 looks at the printed ones only)."""
    values = np.asarray(q, dtype=float) if not np.iscomplexobj(q) else np.abs(np.asarray(q))
    options = np.get_printoptions()
    edge, threshold = options["edgeitems"], options["threshold"]
    if values.size > threshold and values.ndim > 1:
        # The corners numpy prints, as in Brian2's UnitRegistry.
        index = tuple(
            np.r_[0:edge, n - edge : n] if n > 2 * edge else slice(None) for n in values.shape
        )
        values = values[np.ix_(*[np.arange(n)[i] for n, i in zip(values.shape, index)])]
    return values.ravel().tolist()


def _text_in_unit(value, u, precision, python_code, class_name="Quantity"):
    """Brian2's text for values already divided by unit `u`."""
    from rheobase.units.unit import Unit

    value = np.asarray(value)
    if precision is not None:
        precision = _core.check_precision(precision)
    if value.shape == ():
        s = (
            np.array_str(np.array([value]), precision=precision)
            .replace("[", "")
            .replace("]", "")
            .strip()
        )
    elif python_code:
        s = np.array_repr(value, precision=precision)
    else:
        s = np.array_str(value, precision=precision)
    u_dim = get_dimensions(u)
    if not u_dim.is_dimensionless:
        if isinstance(u, Unit):
            s += f" * {u!r}" if python_code else f" {u}"
        else:
            s += f" * {u_dim!r}" if python_code else f" {u_dim}"
    elif python_code:
        return f"{class_name}({s.strip()})"
    return s.strip()


def is_scalar_type(obj):
    """Whether `obj` is a single number that can act as a dimensionless quantity."""
    try:
        return obj.ndim == 0 and is_dimensionless(obj)
    except AttributeError:
        return np.isscalar(obj) and not isinstance(obj, str)


def quantity_with_dimensions(floatval, dims):
    """A quantity from a value and a `Dimension` (used when unpickling)."""
    return Quantity(floatval, get_dimensions(dims))


def in_unit(x, u, precision=None):
    """`x` as text in unit `u`: ``in_unit(3*volt, mvolt)`` is ``'3000. mV'``."""
    if is_dimensionless(x):
        if not get_dimensions(u).is_dimensionless:
            raise _core.in_unit_error("function", DIMENSIONLESS)
        return str(np.asarray(x / u))
    return x.in_unit(u, precision=precision)


def in_best_unit(x, precision=None):
    """`x` as text in the unit Brian2 finds best: ``in_best_unit(0.00123456*volt)`` is
    ``'1.23456 mV'``."""
    if is_dimensionless(x):
        if precision is None:
            precision = np.get_printoptions()["precision"]
        return str(np.round(x, precision))
    return x.in_best_unit(precision=precision)
