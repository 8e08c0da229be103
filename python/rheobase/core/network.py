"""``Network``: an explicit set of objects to run."""

from rheobase.core.base import BrianObject
from rheobase.core.magic import current_network
from rheobase.core.namespace import caller_frame
from rheobase.core import storing
from rheobase.core.running import run_network
from rheobase.units.allunits import second


class Network:
    """Brian2's ``Network(*objs)``. All objects must belong to one engine network (the scope
    they were made in); running the network runs every object of that scope."""

    def __init__(self, *objs, name="network"):
        self.name = name
        self.objects = []
        self._network = None
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
        return self._engine().t * second

    @property
    def t_(self):
        return self._engine().t

    def run(self, duration, report=None, report_period=10 * second, namespace=None,
            profile=None, level=0):
        """Runs the network's objects for `duration` (``report`` as for the magic ``run``)."""
        run_network(self._engine(), self.objects, duration, report, report_period,
                    caller_frame(level), profile)

    @property
    def profiling_info(self):
        """``[(name, time)]`` of the last run with ``profile=True``, longest first."""
        return [(n, s * second) for n, s in self._engine().profiling_info()]

    def stop(self):
        self._engine().stop()

    def store(self, name="default", filename=None):
        """Keeps the complete state under `name` (also in the file `filename` if given)."""
        storing.store(self._engine(), name, filename)

    def restore(self, name="default", filename=None, restore_random_state=False):
        """Returns to a state kept by `store`."""
        storing.restore(self._engine(), name, filename, restore_random_state)

    def __len__(self):
        return len(self.objects)

    def __contains__(self, obj):
        return any(o is obj for o in self.objects)
