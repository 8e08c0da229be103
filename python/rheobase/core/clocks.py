"""``Clock`` and ``defaultclock``: the time steps objects run on; settable between runs."""

import numpy as np

import rheobase._core as _core

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


class Clock:
    """Brian2's ``Clock(dt, name='clock*')``: objects made with the same clock run on the same
    time steps; setting ``dt`` between runs changes it for all of them."""

    def __init__(self, dt, name="clock*"):
        if name.endswith("*"):
            name = name[:-1]
        self._dt = dt_seconds(dt)
        self._engine = _core.Clock(self._dt, name)
        self.name = name
        # The engine networks with objects on this clock (one per start_scope).
        self._networks = []

    def _used_in(self, network):
        if not any(n is network for n in self._networks):
            self._networks.append(network)
        return self._engine

    @property
    def dt(self):
        return self._dt * second

    @dt.setter
    def dt(self, value):
        dt = dt_seconds(value)
        for network in self._networks:
            network.set_clock_dt(self._engine, dt)
        self._dt = dt

    @property
    def dt_(self):
        return self._dt

    @property
    def t(self):
        return self.t_ * second

    @property
    def t_(self):
        from rheobase.core import magic

        network = self._networks[-1] if self._networks else magic.current_network()
        return network.t

    def __repr__(self):
        return f"Clock(dt={self.dt!r}, name={self.name!r})"


def engine_clock(clock, dt, network):
    """`(engine clock or None, dt in seconds or None)` for an object's ``clock``/``dt``
    arguments."""
    if clock is not None and dt is not None:
        raise ValueError("Can only specify either a dt or a clock, not both.")
    if isinstance(clock, Clock):
        return clock._used_in(network), None
    if clock is not None:  # defaultclock
        return None, None
    return None, None if dt is None else dt_seconds(dt)


defaultclock = DefaultClockProxy()
