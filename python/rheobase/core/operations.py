"""``network_operation``: Python functions called during a run, as in Brian2."""

import inspect

from rheobase.core.base import BrianObject
from rheobase.core.clocks import engine_clock
from rheobase.core.magic import current_network, register_python_object
from rheobase.units.allunits import second

_count = [0]


class NetworkOperation(BrianObject):
    """Brian2's ``NetworkOperation(function, dt=None, clock=None, when='start', order=0)``:
    calls ``function()`` or ``function(t)`` every time step of its clock. The run stops at
    an exception, which ``run()`` raises."""

    def __init__(self, function, dt=None, clock=None, when="start", order=0,
                 name="networkoperation*"):
        if name.endswith("*"):
            _count[0] += 1
            name = name[:-1] if _count[0] == 1 else f"{name[:-1]}_{_count[0] - 1}"
        self._name = name
        self.function = function
        self.when = when
        self.order = order
        self.active = True
        self._selected = True
        try:
            self._takes_t = len(inspect.signature(function).parameters) >= 1
        except (TypeError, ValueError):
            self._takes_t = False
        network = current_network()
        self._network = network
        engine_clock_, dt_ = engine_clock(clock, dt, network)
        if dt_ is not None:
            from rheobase.core.clocks import Clock

            engine_clock_ = Clock(dt_ * second)._used_in(network)
        network.network_operation(self._tick, when, order, engine_clock_)
        register_python_object(network, self)

    @property
    def name(self):
        return self._name

    def _owner_names(self):
        return set()

    def _tick(self, t):
        if not (self._selected and self.active):
            return
        if self._takes_t:
            self.function(t * second)
        else:
            self.function()

    def __call__(self, *args, **kwds):
        return self.function(*args, **kwds)


def network_operation(*args, **kwds):
    """Decorator: ``@network_operation`` or ``@network_operation(dt=..., when=...)`` turns a
    function into a `NetworkOperation` that the magic ``run`` finds in the caller's frame."""
    if len(args) == 1 and callable(args[0]) and not kwds:
        return NetworkOperation(args[0])

    def decorate(function):
        return NetworkOperation(function, *args, **kwds)

    return decorate


__all__ = ["NetworkOperation", "network_operation"]
