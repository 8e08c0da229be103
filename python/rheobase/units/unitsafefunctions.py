"""numpy functions made unit-aware, as in ``brian2.units.unitsafefunctions``: the ones that
need a dimensionless argument (``exp``, ``log``, ``sin``, ...) check it; ``arange``,
``linspace`` and ``where`` keep units."""

import functools

import numpy as np

from rheobase.units.checks import check_units
from rheobase.units.dimensions import (
    DIMENSIONLESS,
    fail_for_dimension_mismatch,
    get_dimensions,
    is_dimensionless,
)
from rheobase.units.quantity import Quantity, _check_dimensionless

__all__ = [
    "log",
    "log10",
    "exp",
    "expm1",
    "log1p",
    "exprel",
    "sin",
    "cos",
    "tan",
    "arcsin",
    "arccos",
    "arctan",
    "sinh",
    "cosh",
    "tanh",
    "arcsinh",
    "arccosh",
    "arctanh",
    "diagonal",
    "ravel",
    "trace",
    "dot",
    "where",
    "ones_like",
    "zeros_like",
    "arange",
    "linspace",
    "ptp",
]


def _dimensionless(func):
    @functools.wraps(func)
    def wrapped(x, *args, **kwds):
        _check_dimensionless(x, func.__name__)
        return func(np.asarray(x), *args, **kwds)

    wrapped.__module__ = __name__
    return wrapped


sin = _dimensionless(np.sin)
sinh = _dimensionless(np.sinh)
arcsin = _dimensionless(np.arcsin)
arcsinh = _dimensionless(np.arcsinh)
cos = _dimensionless(np.cos)
cosh = _dimensionless(np.cosh)
arccos = _dimensionless(np.arccos)
arccosh = _dimensionless(np.arccosh)
tan = _dimensionless(np.tan)
tanh = _dimensionless(np.tanh)
arctan = _dimensionless(np.arctan)
arctanh = _dimensionless(np.arctanh)
log = _dimensionless(np.log)
log10 = _dimensionless(np.log10)
exp = _dimensionless(np.exp)
expm1 = _dimensionless(np.expm1)
log1p = _dimensionless(np.log1p)


def ptp(x, *args, **kwds):
    """Peak to peak (max - min), keeping the unit."""
    return Quantity(np.ptp(np.asarray(x), *args, **kwds), dim=get_dimensions(x))


def ones_like(x, *args, **kwds):
    return np.ones_like(np.asarray(x), *args, **kwds)


def zeros_like(x, *args, **kwds):
    return np.zeros_like(np.asarray(x), *args, **kwds)


@check_units(x=1, result=1)
def exprel(x):
    """``(exp(x) - 1)/x``, exact near 0 (1 at 0); `x` must be dimensionless."""
    x = np.asarray(x)
    if x.shape == ():
        if np.abs(x) < 1e-16:
            return 1.0
        if x > 717:
            return np.inf
        return np.expm1(x) / x
    result = np.empty_like(x, dtype=np.float64 if issubclass(x.dtype.type, np.integer) else None)
    small = np.abs(x) < 1e-16
    big = x > 717
    between = ~(small | big)
    result[small] = 1.0
    result[big] = np.inf
    result[between] = np.expm1(x[between]) / x[between]
    return result


def where(condition, *args, **kwds):
    """numpy's ``where``; with `x` and `y`, both must have the same unit, which is kept."""
    if len(args) != 2:
        return np.where(condition, *args, **kwds)
    fail_for_dimension_mismatch(args[0], args[1], "x and y need to have the same dimensions")
    if is_dimensionless(args[0]):
        return np.where(condition, *args, **kwds)
    return Quantity(
        np.where(condition, *[np.asarray(a) for a in args]), dim=get_dimensions(args[0])
    )


def _to_method(func):
    @functools.wraps(func)
    def wrapped(x, *args, **kwds):
        if isinstance(x, Quantity):
            return getattr(x, func.__name__)(*args, **kwds)
        return func(x, *args, **kwds)

    wrapped.__module__ = __name__
    return wrapped


ravel = _to_method(np.ravel)
diagonal = _to_method(np.diagonal)
trace = _to_method(np.trace)
dot = _to_method(np.dot)


@functools.wraps(np.arange)
def arange(*args, **kwargs):
    start = kwargs.pop("start", 0)
    step = kwargs.pop("step", 1)
    stop = kwargs.pop("stop", None)
    if len(args) == 1:
        if stop is not None:
            raise TypeError("Duplicate definition of 'stop'")
        stop = args[0]
    elif len(args) == 2:
        if start != 0:
            raise TypeError("Duplicate definition of 'start'")
        if stop is not None:
            raise TypeError("Duplicate definition of 'stop'")
        start, stop = args
    elif len(args) == 3:
        if start != 0:
            raise TypeError("Duplicate definition of 'start'")
        if stop is not None:
            raise TypeError("Duplicate definition of 'stop'")
        if step != 1:
            raise TypeError("Duplicate definition of 'step'")
        start, stop, step = args
    elif len(args) > 3:
        raise TypeError("Need between 1 and 3 non-keyword arguments")
    if stop is None:
        raise TypeError("Missing stop argument.")
    fail_for_dimension_mismatch(
        start,
        stop,
        "Start value {start} and stop value {stop} have to have the same units.",
        start=start,
        stop=stop,
    )
    fail_for_dimension_mismatch(
        stop,
        step,
        "Stop value {stop} and step value {step} have to have the same units.",
        stop=stop,
        step=step,
    )
    dim = getattr(stop, "dim", DIMENSIONLESS)
    if np.all(np.asarray(start) == 0):
        values = np.arange(stop=np.asarray(stop), step=np.asarray(step), **kwargs)
    else:
        values = np.arange(
            np.asarray(start), stop=np.asarray(stop), step=np.asarray(step), **kwargs
        )
    return Quantity(values, dim=dim)


@functools.wraps(np.linspace)
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None):
    fail_for_dimension_mismatch(
        start,
        stop,
        "Start value {start} and stop value {stop} have to have the same units.",
        start=start,
        stop=stop,
    )
    dim = getattr(start, "dim", DIMENSIONLESS)
    result = np.linspace(
        np.asarray(start),
        np.asarray(stop),
        num=num,
        endpoint=endpoint,
        retstep=retstep,
        dtype=dtype,
    )
    return Quantity(result, dim=dim)


for _f in (arange, linspace, where, ptp, ones_like, zeros_like, exprel):
    _f.__module__ = __name__
