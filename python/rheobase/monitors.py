"""``SpikeMonitor``, ``EventMonitor``, ``StateMonitor`` and ``PopulationRateMonitor``."""

import numpy as np

import rheobase._core as _core
from rheobase.core.base import BrianObject
from rheobase.core.clocks import dt_seconds, engine_clock
from rheobase.core.magic import register
from rheobase.units.allunits import Hz, second
from rheobase.units.quantity import Quantity


def _quantity(values, dim):
    arr = np.asarray(values, dtype=np.float64)
    if dim.is_dimensionless:
        return arr
    return Quantity(arr, dim=dim)


def _clock_args(clock, dt, network, when, order, name):
    engine_clock_, dt_ = engine_clock(clock, dt, network)
    return dt_, when, order, name, engine_clock_


def _plain_name(name):
    """Brian2's ``name='mon*'`` asks for a unique name; the engine makes names unique anyway."""
    if name is not None and name.endswith("*"):
        return name[:-1]
    return name


class _Monitor(BrianObject):
    """What every monitor has: times ``t``/``t_`` and recorded variables as attributes
    (``mon.v`` with units, ``mon.v_`` without), read through ``_values(var)``."""

    record_variables = ()

    @property
    def t_(self):
        return np.asarray(self._engine.t(), dtype=np.float64)

    @property
    def t(self):
        return Quantity(self.t_, dim=second.dim)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        unitless = name.endswith("_") and name[:-1] in self.record_variables
        var = name[:-1] if unitless else name
        if var in self.record_variables:
            values = self._values(var)
            if unitless:
                return values
            return _quantity(values, self.source._info(var)[0])
        raise AttributeError(f"{type(self).__name__} has no attribute '{name}'")


class EventMonitor(_Monitor):
    """Brian2's ``EventMonitor(source, event, variables=None, record=True, when=None,
    order=None, name=...)``."""

    def __init__(self, source, event, variables=None, record=True, when=None, order=None,
                 name=None, codeobj_class=None):
        if isinstance(variables, str):
            variables = [variables]
        self.source = source
        self.event = event
        self.record = bool(record)
        self.record_variables = list(variables or [])
        self._network = source._network
        self._engine = _core.EventMonitor(
            source._engine, event, self.record_variables, self.record, when,
            0 if order is None else order, _plain_name(name),
        )
        register(self._network, self._engine.name)

    @property
    def i(self):
        return np.asarray(self._engine.i(), dtype=np.int32)

    @property
    def it(self):
        return self.i, self.t

    @property
    def it_(self):
        return self.i, self.t_

    @property
    def count(self):
        return np.asarray(self._engine.count(), dtype=np.int32)

    @property
    def num_events(self):
        return int(self._engine.num_events())

    @property
    def N(self):
        return self.num_events

    def __len__(self):
        return self.num_events

    def event_trains(self):
        return {k: Quantity(np.asarray(train, dtype=np.float64), dim=second.dim)
                for k, train in enumerate(self._engine.event_trains())}

    def values(self, var):
        """The recorded values of `var`, per neuron."""
        data = getattr(self, var)
        i = self.i
        return {k: data[i == k] for k in range(len(self.source))}

    def all_values(self):
        return {"t": self.event_trains(),
                **{var: self.values(var) for var in self.record_variables}}

    def _values(self, var):
        return np.asarray(self._engine.values(var), dtype=np.float64)


class SpikeMonitor(EventMonitor):
    """Brian2's ``SpikeMonitor(source, variables=None, record=True, when=None, order=None,
    name=...)``."""

    def __init__(self, source, variables=None, record=True, when=None, order=None,
                 name=None, codeobj_class=None):
        EventMonitor.__init__(self, source, "spike", variables, record, when, order, name)

    @property
    def num_spikes(self):
        return self.num_events

    def spike_trains(self):
        return self.event_trains()


class _RecordedNeuron:
    """``mon[k]``: the recorded traces of neuron `k`."""

    def __init__(self, monitor, row):
        self._monitor = monitor
        self._row = row

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._monitor, name)[self._row]


class StateMonitor(_Monitor):
    """Brian2's ``StateMonitor(source, variables, record, dt=None, clock=None,
    when='start', order=0, name=...)``: ``mon.v`` has shape (recorded neurons, times)."""

    def __init__(self, source, variables, record, dt=None, clock=None, when="start",
                 order=0, name=None, codeobj_class=None):
        if variables is True:
            variables = [v for v in source._engine.variables()]
        elif isinstance(variables, str):
            variables = [variables]
        n = len(source)
        if record is True:
            indices = np.arange(n)
        elif record is False or record is None:
            indices = np.arange(0)
        elif hasattr(record, "_indices"):  # a subgroup, e.g. of synapses (S[0, :])
            indices = np.asarray(record._indices()) - getattr(source, "_offset", 0)
        else:
            indices = np.atleast_1d(np.asarray(record, dtype=np.int64))
        self.source = source
        self.record_variables = list(variables)
        self.record = indices.astype(np.int32)
        self.n_indices = len(indices)
        self._network = source._network
        self._engine = _core.StateMonitor(
            source._engine, self.record_variables, [int(k) for k in indices],
            *_clock_args(clock, dt, source._network, when, order, _plain_name(name)),
        )
        register(self._network, self._engine.name)

    @property
    def N(self):
        return len(self.t_)

    def _values(self, var):
        values = self._engine.values(var)
        arr = np.asarray(values, dtype=np.float64)
        return arr.reshape(self.n_indices, -1)

    def __getitem__(self, item):
        indices = np.atleast_1d(np.asarray(item))
        rows = []
        for k in indices:
            where = np.nonzero(self.record == k)[0]
            if len(where) == 0:
                raise IndexError(f"Index number {k} has not been recorded")
            rows.append(int(where[0]))
        if np.ndim(item) == 0:
            return _RecordedNeuron(self, rows[0])
        return _RecordedNeuron(self, rows)


class PopulationRateMonitor(_Monitor):
    """Brian2's ``PopulationRateMonitor(source, name=...)``."""

    def __init__(self, source, name=None, codeobj_class=None, dtype=np.float64):
        self.source = source
        self._network = source._network
        self._engine = _core.PopulationRateMonitor(source._engine, _plain_name(name))
        register(self._network, self._engine.name)

    @property
    def rate_(self):
        return np.asarray(self._engine.rate(), dtype=np.float64)

    @property
    def rate(self):
        return Quantity(self.rate_, dim=Hz.dim)

    @property
    def N(self):
        return len(self.t_)

    def smooth_rate(self, window="gaussian", width=None):
        """The rate smoothed with a 'gaussian' (standard deviation `width`) or 'flat'
        (`width` wide) window, or with an array of weights (normalised to sum 1; an odd
        length keeps the rate centred), as Brian2's."""
        if not isinstance(window, str):
            if width is not None:
                raise TypeError("Do not specify a width when using a custom window array.")
            weights = np.asarray(window, dtype=np.float64)
            if weights.ndim != 1 or len(weights) == 0 or len(weights) % 2 == 0:
                raise TypeError("The window array has to be a 1-d array of odd length.")
            smoothed = np.convolve(self.rate_, weights / weights.sum(), mode="same")
            return Quantity(smoothed, dim=Hz.dim)
        if width is None:
            raise TypeError("smooth_rate needs a width")
        rate = self._engine.smooth_rate(window, dt_seconds(width, "width"))
        return Quantity(np.asarray(rate, dtype=np.float64), dim=Hz.dim)

