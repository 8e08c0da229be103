"""The magic functions: ``run``, ``stop``, ``store``, ``restore``, ``start_scope``,
``collect``, ``seed``.

Every object is made in the network of the current scope (one engine network per
``start_scope()``). The magic ``run`` runs, as in Brian2, the objects it finds in the
caller's frame (`collect`); the scope's other objects stay inactive during that run.

Like Brian2's magic network, the magic functions have a time of their own,
apart from that of each ``Network(...)`` made in the same scope: before a run, a store or a
restore, the engine network is moved to the time of whoever runs.
"""

import logging

import numpy as np

import rheobase._core as _core
from rheobase.core.base import BrianObject
from rheobase.core.clocks import defaultclock
from rheobase.core.namespace import caller_frame

from rheobase.core import storing
from rheobase.core.running import at_time, run_network
from rheobase.units.allunits import second

logger = logging.getLogger("rheobase.core.magic")

_scope = {"network": None, "seed": None, "t": 0.0}
# Names of the objects made in each engine network (keyed by id), to tell which scheduled
# engine objects (`<group>_stateupdater`, ...) belong to which Python object.
_owners = {}
# Objects that live on the Python side (network operations), per engine network.
_python_objects = {}


def register(network, name):
    """Records that the object `name` was made in `network`."""
    _owners.setdefault(id(network), set()).add(name)


def register_python_object(network, obj):
    """Records an object whose activity Python switches (`obj._selected`)."""
    _python_objects.setdefault(id(network), []).append(obj)


def activate_only(network, objects):
    """Makes the scheduled objects of `network` that belong to `objects` active, the others
    inactive (objects no Python object owns stay active)."""
    owners = _owners.get(id(network), set())
    selected = set()
    for obj in objects:
        selected |= obj._owner_names()
    for obj in _python_objects.get(id(network), ()):
        obj._selected = any(o is obj for o in objects)
    for name in network.object_names():
        owner = max(
            (o for o in owners if name == o or name.startswith(o + "_")), key=len, default=None
        )
        network.set_active(name, owner is None or owner in selected)


def current_network():
    """The engine network of the current scope."""
    if _scope["network"] is None:
        net = _core.Network()
        net.set_default_dt(defaultclock.dt_)
        if _scope["seed"] is not None:
            net.seed(_scope["seed"])
        _scope["network"] = net
    return _scope["network"]


def start_scope():
    """Starts a new scope: objects made from now on belong to a fresh network."""
    _scope["network"] = None
    _scope["t"] = 0.0


def _magic(network, action):
    """`action()` at the magic network's time (see `running.at_time`)."""
    return at_time(network, _scope["t"], action, lambda t: _scope.__setitem__("t", t))


def collect(level=0):
    """The simulation objects visible in the caller's frame (locals and globals, and one
    level into lists, tuples and dicts), as Brian2's ``collect``."""
    return _collect_frame(caller_frame(level))


def _collect_frame(frame):
    found = {}
    for value in list(frame.f_globals.values()) + list(frame.f_locals.values()):
        items = [value]
        if isinstance(value, (list, tuple)):
            items = list(value)
        elif isinstance(value, dict):
            items = list(value.values())
        for item in items:
            if isinstance(item, BrianObject):
                found[id(item)] = item
    return list(found.values())


def run(duration, report=None, report_period=10 * second, namespace=None, profile=None,
        level=0):
    """Runs the current scope's network for `duration` (Brian2's magic ``run``): the
    objects visible in the caller take part. ``report`` is ``'text'``/``'stdout'``,
    ``'stderr'`` or a function ``report(elapsed, completed, start, duration)``, called at the
    start, every ``report_period`` of wall time and at the end."""
    network = current_network()
    frame = caller_frame(level)
    objects = [o for o in _collect_frame(frame) if o._network is network]
    _magic(network, lambda: run_network(network, objects, duration, report, report_period,
                                         frame, profile, namespace))


def stop():
    """Stops the running network at the end of the current time step."""
    current_network().stop()


def store(name="default", filename=None):
    """Keeps the complete state of the current scope's network under `name` (also in the
    pickle file `filename` when given)."""
    network = current_network()
    _magic(network, lambda: storing.store(network, name, filename))


def restore(name="default", filename=None, restore_random_state=False):
    """Returns to a state kept by `store` (from the file `filename` when given)."""
    network = current_network()
    _magic(network, lambda: storing.restore(network, name, filename, restore_random_state))


def seed(seed=None):
    """Seeds the engine's random numbers (and numpy's), as Brian2's ``seed``."""
    np.random.seed(seed)
    if seed is None:
        seed = int(np.random.randint(0, 2**31 - 1))
    _scope["seed"] = int(seed)
    current_network().seed(int(seed))
