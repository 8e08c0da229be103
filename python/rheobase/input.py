"""Brian2's inputs (``brian2.input``): ``TimedArray``, ``PoissonGroup``,
``SpikeGeneratorGroup`` and ``PoissonInput``, on the engine's objects."""

import numpy as np

import rheobase._core as _core
from rheobase.core.base import BrianObject
from rheobase.core.clocks import dt_seconds, engine_clock
from rheobase.core.magic import current_network, register
from rheobase.core.namespace import caller_frame, resolve, resolve_functions
from rheobase.groups import Group
from rheobase.units.allunits import Hz, second
from rheobase.units.dimensions import DimensionMismatchError, get_dimensions
from rheobase.units.quantity import Quantity


def _strip_star(name, default):
    if name is None:
        return None
    name = name[:-1] if name.endswith("*") else name
    return None if name == default else name


def _quantity_of(values, dim):
    if dim.is_dimensionless:
        return values
    return Quantity(values, dim=dim)


class TimedArray:
    """Brian2's ``TimedArray(values, dt, name=None)``: ``name(t)`` (1-D) or ``name(t, i)``
    (2-D, one column per index) in model strings, and callable from Python."""

    _is_timed_array = True

    def __init__(self, values, dt, name=None):
        dim = get_dimensions(values)
        array = np.asarray(values, dtype=np.float64)
        if array.ndim not in (1, 2):
            raise NotImplementedError("Only 1d and 2d TimedArrays are supported")
        self.dim = dim
        self.values = _quantity_of(array.copy(), dim)
        self.dt = dt_seconds(dt) * second
        cols = None if array.ndim == 1 else int(array.shape[1])
        self._engine = _core.TimedArray(
            [float(x) for x in array.ravel()], dim, dt_seconds(dt), cols, name,
        )
        self.name = self._engine.name

    def __call__(self, t, i=None):
        t_s = np.asarray(t, dtype=np.float64)
        if get_dimensions(t) != second.dim:
            raise DimensionMismatchError("The argument of a TimedArray has to be a time",
                                         get_dimensions(t))
        if i is None:
            values = np.vectorize(lambda x: self._engine.at(float(x)), otypes=[float])(t_s)
        else:
            values = np.vectorize(lambda x, k: self._engine.at(float(x), int(k)),
                                  otypes=[float])(t_s, np.asarray(i))
        return _quantity_of(values, self.dim) if values.ndim else \
            _quantity_of(float(values), self.dim)

    def __repr__(self):
        return f"TimedArray(name={self.name!r}, shape={np.shape(self.values)})"


class PoissonGroup(Group):
    """Brian2's ``PoissonGroup(N, rates, dt=None, clock=None, when='thresholds', order=0,
    namespace=None, name='poissongroup*')``: `rates` a rate, one per neuron, or a string
    expression (re-evaluated every step)."""

    def __init__(self, N, rates, dt=None, clock=None, when="thresholds", order=0,
                 namespace=None, name="poissongroup*", codeobj_class=None, level=0):
        frame = caller_frame(level)
        network = current_network()
        engine_clock_, dt_ = engine_clock(clock, dt, network)
        functions = {}
        if isinstance(rates, str):
            engine_rates = rates
            functions = resolve_functions(frame, namespace, [rates])
        else:
            if get_dimensions(rates) != Hz.dim:
                raise DimensionMismatchError("rates have to be given in Hz",
                                             get_dimensions(rates))
            array = np.asarray(rates, dtype=np.float64)
            engine_rates = float(array) if array.ndim == 0 else [float(x) for x in array]
        engine = _core.poisson_group(
            network, int(N), engine_rates, dt_, engine_clock_, when, order,
            resolve(frame, namespace), {k: t._engine for k, t in functions.items()},
            _strip_star(name, "poissongroup"),
        )
        object.__setattr__(self, "_engine", engine)
        object.__setattr__(self, "_network", network)
        object.__setattr__(self, "_explicit_namespace", frozenset(namespace or ()))
        object.__setattr__(self, "namespace", {} if namespace is None else namespace)
        register(network, engine.name)


class SpikeGeneratorGroup(Group):
    """Brian2's ``SpikeGeneratorGroup(N, indices, times, dt=None, clock=None,
    period=0*second, when='thresholds', order=0, sorted=False,
    name='spikegeneratorgroup*')``."""

    def __init__(self, N, indices, times, dt=None, clock=None, period=0 * second,
                 when="thresholds", order=0, sorted=False, name="spikegeneratorgroup*",
                 codeobj_class=None):
        network = current_network()
        engine_clock_, dt_ = engine_clock(clock, dt, network)
        generator = _core.SpikeGeneratorGroup(
            network, int(N), *self._spikes(indices, times), dt_seconds(period, "period"),
            dt_, engine_clock_, when, order, bool(sorted),
            _strip_star(name, "spikegeneratorgroup"),
        )
        object.__setattr__(self, "_generator", generator)
        object.__setattr__(self, "_engine", generator.group())
        object.__setattr__(self, "_network", network)
        object.__setattr__(self, "_explicit_namespace", frozenset())
        register(network, self._engine.name)

    @staticmethod
    def _spikes(indices, times):
        if get_dimensions(times) != second.dim:
            raise DimensionMismatchError("times have to be given in seconds",
                                         get_dimensions(times))
        indices = [int(k) for k in np.atleast_1d(np.asarray(indices))]
        times = [float(t) for t in np.atleast_1d(np.asarray(times, dtype=np.float64))]
        if len(indices) != len(times):
            raise ValueError("Length of the indices and times array must match, but "
                             f"{len(indices)} != {len(times)}")
        return indices, times

    def set_spikes(self, indices, times, period=0 * second, sorted=False):
        """Replaces the spikes; they take effect from the next time step run."""
        self._generator.set_spikes(*self._spikes(indices, times),
                                   dt_seconds(period, "period"), bool(sorted))

    @property
    def period(self):
        return self._generator.period() * second


class PoissonInput(BrianObject):
    """Brian2's ``PoissonInput(target, target_var, N, rate, weight, when='synapses',
    order=0)``: `N` independent Poisson inputs of `rate` each adding `weight` (a quantity or
    an expression) to `target_var`."""

    def __init__(self, target, target_var, N, rate, weight, when="synapses", order=0):
        if get_dimensions(rate) != Hz.dim:
            raise DimensionMismatchError("rate has to be given in Hz", get_dimensions(rate))
        if not isinstance(weight, str):
            weight = (float(np.asarray(weight)), get_dimensions(weight))
        self.target = target
        self.target_var = target_var
        self.N = int(N)
        self.rate = rate
        self.weight = weight
        self._network = target._network
        self._engine = _core.PoissonInput(target._engine, target_var, self.N, float(rate),
                                          weight, when, order, None)
        register(self._network, self._engine.name)

    def _update_namespace(self, run_ns):
        # The weight is an expression in the target's context (its namespace).
        self.target._update_namespace(run_ns)


__all__ = ["TimedArray", "PoissonGroup", "SpikeGeneratorGroup", "PoissonInput"]
