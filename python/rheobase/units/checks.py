"""``check_units``: a decorator that checks the units of a function's arguments and result."""

import functools
from collections.abc import Callable

import numpy as np

from rheobase.units.dimensions import (
    DimensionMismatchError,
    get_dimensions,
    get_unit_for_display,
    have_same_dimensions,
)
from rheobase.units.quantity import Quantity

__all__ = ["check_units"]


def check_units(**au):
    """Check the units of arguments (``@check_units(v=volt, I=amp, result=ohm)``).

    A unit checks the dimension; ``1`` asks for a dimensionless value; ``bool`` for a boolean;
    a string names another argument that must have the same units; ``None`` skips the check.
    Strings and ``None`` passed as arguments are not checked.
    """

    def decorate(f):
        arg_names = f.__code__.co_varnames[: f.__code__.co_argcount]

        @functools.wraps(f)
        def checked(*args, **kwds):
            values = dict(kwds)
            for n, v in zip(arg_names, args):
                if n in au and v is not None and not isinstance(v, (Quantity, str, bool, np.bool_)):
                    try:
                        v = Quantity(v)
                    except TypeError:
                        if have_same_dimensions(au[n], 1):
                            raise TypeError(
                                f"Argument {n} is not a unitless value/array."
                            ) from None
                        raise TypeError(
                            f"Argument '{n}' is not a quantity, expected a quantity with dimensions {au[n]}"
                        ) from None
                values[n] = v
            for k, value in values.items():
                if k not in au or isinstance(value, str) or value is None or au[k] is None:
                    continue
                _check_argument(f.__name__, k, value, au[k], values)
            result = f(*args, **kwds)
            if "result" in au:
                _check_result(f.__name__, result, au["result"], args)
            return result

        checked._orig_func = f
        checked._arg_names = arg_names
        checked._arg_units = [au.get(name) for name in arg_names]
        checked._return_unit = au.get("result")
        return checked

    return decorate


def _check_argument(function, k, value, expected, values):
    if expected in (bool, np.bool_):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(
                f"Function '{function}' expected a boolean value for argument '{k}' but got '{value}'"
            )
    elif isinstance(expected, str):
        if expected not in values:
            raise TypeError(
                f"Function '{function}' expected its argument to have the same units as argument "
                f"'{k}', but there is no argument of that name"
            )
        if not have_same_dimensions(value, values[expected]):
            d1 = get_unit_for_display(get_dimensions(value))
            d2 = get_unit_for_display(get_dimensions(values[expected]))
            raise DimensionMismatchError(
                f"Function '{function}' expected the argument '{k}' to have the same units as "
                f"argument '{expected}', but argument '{k}' has unit {d1}, while argument "
                f"'{expected}' has unit {d2}."
            )
    elif not have_same_dimensions(value, expected):
        raise DimensionMismatchError(
            f"Function '{function}' expected a quantity with unit {expected!r} for argument '{k}' but got '{value}'",
            get_dimensions(value),
        )


def _check_result(function, result, expected, args):
    if expected in (bool, np.bool_):
        if not isinstance(result, (bool, np.bool_)):
            raise TypeError(
                f"The return value of function '{function}' was expected to be a boolean value, "
                f"but was of type {type(result)}"
            )
        return
    if isinstance(expected, Callable):
        expected = expected(*[get_dimensions(a) for a in args])
    if not have_same_dimensions(result, expected):
        raise DimensionMismatchError(
            f"The return value of function '{function}' was expected to have unit "
            f"{get_unit_for_display(expected)} but was '{result}'",
            get_dimensions(result),
        )
