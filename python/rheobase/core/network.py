"""``Network``: an explicit set of objects to run, with a time of its own."""

from rheobase.core.base import BrianObject
from rheobase.core.magic import current_network
from rheobase.core.namespace import caller_frame
from rheobase.core import storing
from rheobase.core.running import at_time, run_network
from rheobase.units.allunits import second


class Network:
    """Brian2's ``Network(*objs)``. All objects must belong to one engine network (the scope
    they were made in); a run runs only the network's objects (the scope's others stay
    inactive). Each Network has its own time ``t``, starting at 0 like Brian2's: the engine
    network is moved to it before each run, store and restore."""

    def __init__(self, *objs, name="network"):
        self.name = name
        self.objects = []
        self._network = None
        self._t = 0.0
        self.add(*objs)

    def add(self, *objs):
        for obj in objs:
            if isinstance(obj, (list, tuple, set)):
                self.add(*obj)
                continue
            if not isinstance(obj, BrianObject):
                raise TypeError(f"cannot add {type(obj).__name__} to a Network")
            if self._network is None:
                self._network = obj._network
            elif obj._network is not self._network:
                raise NotImplementedError(
                    "objects made in different scopes (start_scope) cannot run together yet"
                )
            self.objects.append(obj)

    def _engine(self):
        if self._network is None:
            self._network = current_network()
        return self._network

    @property
    def t(self):
        """The network's time (Brian2's ``Network.t``)."""
        return self._t * second

    @property
    def t_(self):
        return self._t

    def _at_own_time(self, action):
        engine = self._engine()

        def keep_t(t):
            self._t = t

        return at_time(engine, self._t, lambda: action(engine), keep_t)

    def run(self, duration, report=None, report_period=10 * second, namespace=None,
            profile=None, level=0):
        """Runs the network's objects for `duration` from the network's time (``report`` as
        for the magic ``run``); external names in code strings resolve in `namespace` if
        given, else in the caller's locals and globals."""
        frame = caller_frame(level)
        self._at_own_time(lambda engine: run_network(
            engine, self.objects, duration, report, report_period, frame, profile, namespace))

    @property
    def profiling_info(self):
        """``[(name, time)]`` of the last run with ``profile=True``, longest first."""
        return [(n, s * second) for n, s in self._engine().profiling_info()]

    def stop(self):
        self._engine().stop()

    def store(self, name="default", filename=None):
        """Keeps the complete state under `name` (also in the file `filename` if given)."""
        self._at_own_time(lambda engine: storing.store(engine, name, filename))

    def restore(self, name="default", filename=None, restore_random_state=False):
        """Returns to a state kept by `store`."""
        self._at_own_time(
            lambda engine: storing.restore(engine, name, filename, restore_random_state))

    def __len__(self):
        return len(self.objects)

    def __contains__(self, obj):
        return any(o is obj for o in self.objects)
