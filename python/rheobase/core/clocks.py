"""``defaultclock``: the dt of the objects that name no other; settable between runs."""

import numpy as np

from rheobase.units.allunits import second
from rheobase.units.dimensions import DimensionMismatchError, get_dimensions

DEFAULT_DT = 1e-4


def dt_seconds(dt, what="dt"):
    """`dt` (a time quantity) in seconds."""
    if get_dimensions(dt) != second.dim:
        raise DimensionMismatchError(f"{what} has to be a time", get_dimensions(dt))
    return float(np.asarray(dt))


class DefaultClockProxy:
    """Brian2's ``defaultclock``: its ``dt`` applies to the current scope's network."""

    def __init__(self):
        self._dt = DEFAULT_DT

    @property
    def dt(self):
        return self._dt * second

    @dt.setter
    def dt(self, value):
        self._dt = dt_seconds(value)
        from rheobase.core import magic

        magic.current_network().set_default_dt(self._dt)

    @property
    def dt_(self):
        return self._dt

    @property
    def t(self):
        from rheobase.core import magic

        return magic.current_network().t * second

    @property
    def t_(self):
        from rheobase.core import magic

        return magic.current_network().t

    def __repr__(self):
        return f"Clock(dt={self.dt!r}, name='defaultclock')"


defaultclock = DefaultClockProxy()
