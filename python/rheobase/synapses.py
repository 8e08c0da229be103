"""Brian2's ``Synapses``: connections between groups, with state access by synapse index,
by ``(i, j)`` pairs (``S.w[3, 5]``, ``S.w[:, 2]``) and by condition (``S.w['i > j']``)."""

import numbers

import numpy as np

import rheobase._core as _core
from rheobase.core.clocks import dt_seconds, engine_clock
from rheobase.core.magic import current_network, register
from rheobase.core.preferences import apply_creation_preferences
from rheobase.core.namespace import (
    caller_frame,
    resolve,
    resolve_functions,
)
from rheobase.equations import Equations
from rheobase.groups import Group, VariableView


def _pairs(value):
    """A dict argument as the ``(key, value)`` pairs the engine takes."""
    return list(value.items()) if isinstance(value, dict) else value


def _neurons(selection, n):
    """The neuron indices a pre- or postsynaptic index selects."""
    if isinstance(selection, slice):
        return np.arange(n)[selection]
    return np.atleast_1d(np.asarray(selection, dtype=np.int64))


def _multisynaptic_test(k):
    """Which multisynaptic indices (the third index of ``S.w[i, j, k]``) ``k`` selects: a
    number, a slice (as Brian2's ``slice_to_test``) or, beyond Brian2, an array."""
    if isinstance(k, slice):
        start = 0 if k.start is None else k.start
        step = 1 if k.step is None else k.step
        if start < 0 or (k.stop is not None and k.stop < 0) or step <= 0:
            raise IndexError(f"cannot select multisynaptic indices with {k!r} (negative "
                             f"bounds or steps are not allowed)")
        stop = np.inf if k.stop is None else k.stop
        return lambda x: (x >= start) & (x < stop) & ((x - start) % step == 0)
    if isinstance(k, (int, np.integer)):
        return lambda x: x == k
    wanted = np.atleast_1d(np.asarray(k, dtype=np.int64))
    return lambda x: np.isin(x, wanted)


class SynapticSubgroup:
    """``S[...]``: a fixed selection of synapses, as Brian2's: it indexes variables
    (``S.w[S[0, :]]``) and chooses what a ``StateMonitor`` records (``record=S[0, :]``)."""

    def __init__(self, synapses, indices):
        self.synapses = synapses
        self._stored_indices = np.atleast_1d(np.asarray(indices, dtype=np.int32))
        self._source_N = len(synapses)

    def _indices(self, index_var="_idx"):
        if len(self.synapses) != self._source_N:
            raise RuntimeError("Synapses have been added/removed since this synaptic "
                               "subgroup has been created")
        return self._stored_indices

    def __len__(self):
        return len(self._stored_indices)

    def __repr__(self):
        return (f"<SynapticSubgroup, storing {len(self._stored_indices):d} indices of "
                f"{self.synapses.name}>")


class SynapticPathway:
    """``S.pre`` / ``S.post``: a pathway's ``delay`` (per synapse, or one value)."""

    def __init__(self, synapses, name):
        object.__setattr__(self, "synapses", synapses)
        object.__setattr__(self, "name", name)

    @property
    def _delay_name(self):
        return "delay" if self.name == "pre" else f"{self.name}.delay"

    @property
    def delay(self):
        return VariableView(self.synapses, self._delay_name)

    def __setattr__(self, name, value):
        if name != "delay":
            raise AttributeError(
                f"setting '{name}' of a synaptic pathway is not yet supported by rheobase"
            )
        self.synapses._set(self._delay_name, slice(None), value, unitless=False)

    def __repr__(self):
        return f"<SynapticPathway {self.synapses.name}.{self.name}>"


class Synapses(Group):
    """Brian2's ``Synapses(source, target=None, model=None, on_pre=None, on_post=None,
    delay=None, on_event='spike', multisynaptic_index=None, namespace=None, dt=None,
    clock=None, order=0, method=None, name='synapses*')``. No synapse exists until
    ``connect``."""

    def __init__(self, source, target=None, model=None, on_pre=None, pre=None, on_post=None,
                 post=None, connect=None, delay=None, on_event="spike",
                 multisynaptic_index=None, namespace=None, dtype=None, codeobj_class=None,
                 dt=None, clock=None, order=0, method=None, method_options=None,
                 name="synapses*", level=0):
        if connect is not None:
            raise TypeError("The connect keyword argument is no longer supported, call the "
                            "connect method instead.")
        if pre is not None:
            if on_pre is not None:
                raise TypeError("Cannot specify both 'pre' and 'on_pre'.")
            on_pre = pre
        if post is not None:
            if on_post is not None:
                raise TypeError("Cannot specify both 'post' and 'on_post'.")
            on_post = post
        if target is None:
            target = source
        if isinstance(method, (list, tuple)):
            method = method[0] if method else None
        if name is not None and name.endswith("*"):
            name = name[:-1] or None
        if name == "synapses":
            name = None
        model = "" if model is None else str(model) if isinstance(model, Equations) else model
        if isinstance(delay, dict):
            delay = [(k, dt_seconds(v, "delay")) for k, v in delay.items()]
        elif delay is not None:
            delay = dt_seconds(delay, "delay")
        frame = caller_frame(level)
        ns = resolve(frame, namespace)
        code = [model]
        for pathway in (on_pre, on_post):
            code.extend(pathway.values() if isinstance(pathway, dict) else [pathway])
        functions = resolve_functions(frame, namespace, [c for c in code if isinstance(c, str)])
        network = current_network()
        apply_creation_preferences(network)
        engine_clock_, dt_ = engine_clock(clock, dt, network)
        engine = _core.Synapses(
            source._engine, target._engine, model, on_pre=_pairs(on_pre),
            on_post=_pairs(on_post), delay=delay, on_event=_pairs(on_event),
            multisynaptic_index=multisynaptic_index, method=None if method is None else
            str(method), namespace=ns, dt=dt_, clock=engine_clock_, order=order, name=name,
            functions={k: t._engine for k, t in functions.items()},
        )
        object.__setattr__(self, "_engine", engine)
        object.__setattr__(self, "_network", network)
        register(network, engine.name)
        explicit = frozenset(namespace or ())
        object.__setattr__(self, "_explicit_namespace", explicit)
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "multisynaptic_index", multisynaptic_index)
        object.__setattr__(self, "namespace", {} if namespace is None else namespace)
        for pathway in engine.pathways():
            object.__setattr__(self, pathway, SynapticPathway(self, pathway))

    def connect(self, condition=None, i=None, j=None, p=1.0, n=1, skip_if_invalid=False,
                namespace=None, level=0):
        """Brian2's ``connect``: all pairs (``connect()``), a condition string (with ``p``
        and ``n`` as numbers or expressions), explicit arrays ``i``/``j``, or a generator
        expression (``j='k for k in range(i-3, i+4) if ...'``)."""
        if condition is True:
            condition = None
        elif condition is False:
            return
        if condition is not None and not isinstance(condition, str):
            raise TypeError("condition argument must be bool or string. If you want to "
                            "connect based on indices, use connect(i=..., j=...).")
        frame = caller_frame(level)
        ns = resolve(frame, {**self.namespace, **(namespace or {})})
        i, j = self._connect_indices(i, j)
        if isinstance(p, numbers.Real):
            p = float(p)
        if isinstance(n, numbers.Integral):
            n = float(n)
        from rheobase.core.preferences import apply_engine_preferences

        apply_engine_preferences(self._network)  # prefs.core.memory_limit
        self._engine.connect(condition, i, j, p, n, bool(skip_if_invalid), ns)

    @staticmethod
    def _connect_indices(i, j):
        def convert(x):
            if x is None or isinstance(x, str):
                return x
            return [int(k) for k in np.atleast_1d(np.asarray(x)).astype(np.int64)]

        i, j = convert(i), convert(j)
        if isinstance(i, list) and isinstance(j, list):
            if len(i) == 1 and len(j) > 1:
                i = i * len(j)
            elif len(j) == 1 and len(i) > 1:
                j = j * len(i)
        if isinstance(i, list) and j is None or isinstance(j, list) and i is None:
            raise TypeError("connect(i=...) with indices needs j as well (and vice versa), "
                            "or a generator string for the other one")
        return i, j

    def _index(self, item):
        if hasattr(item, "_indices"):
            return item._indices()
        if not isinstance(item, tuple):
            return item
        if len(item) not in (2, 3):
            raise IndexError(f"Need 1, 2 or 3 indices, got {len(item)}.")
        pre = _neurons(item[0], len(self.source))
        post = _neurons(item[1], len(self.target))
        i = np.asarray(self._engine.get("i"), dtype=np.int64)
        j = np.asarray(self._engine.get("j"), dtype=np.int64)
        matching = np.nonzero(np.isin(i, pre) & np.isin(j, post))[0]
        k = item[2] if len(item) == 3 else slice(None)
        if isinstance(k, slice) and k == slice(None):
            return matching
        if self.multisynaptic_index is None:
            raise IndexError("To index by the third dimension you need to switch on the "
                             "calculation of the 'multisynaptic_index' when you create the "
                             "Synapses object.")
        numbers = np.asarray(self._engine.get(self.multisynaptic_index),
                             dtype=np.int64)[matching]
        return matching[_multisynaptic_test(k)(numbers)]

    def __getitem__(self, item):
        if isinstance(item, str):
            # A condition on the synapses' variables (S['i > j'], S['w > 0.5*gmax']):
            # the synapses that satisfy it now.
            mask = np.asarray(self._engine.eval(item)) != 0
            return SynapticSubgroup(self, np.nonzero(mask)[0].astype(np.int32))
        indices = np.arange(len(self), dtype=np.int32)[self._index(item)]
        return SynapticSubgroup(self, indices)

    def __repr__(self):
        return (f"<Synapses {self.name!r} from {self.source.name!r} to "
                f"{self.target.name!r} ({len(self)} synapses)>")


__all__ = ["Synapses", "SynapticSubgroup"]
