"""``NeuronGroup`` and ``Subgroup`` with Brian2's attribute access to state variables."""

import numbers
import os
import re
import sys

import numpy as np

import rheobase._core as _core
from rheobase.core.base import BrianObject
from rheobase.core.clocks import dt_seconds, engine_clock
from rheobase.core.magic import current_network, register
from rheobase.core.preferences import apply_creation_preferences
from rheobase.equations import Equations
from rheobase.core.namespace import (
    _as_constant,
    caller_frame,
    resolve,
    resolve_functions,
)
import rheobase.units as _units
from rheobase.units.allunits import second
from rheobase.units.dimensions import (
    DIMENSIONLESS,
    DimensionMismatchError,
    get_dimensions,
)
from rheobase.units.quantity import Quantity

# Names every group has besides its model variables: (dimension, dtype).
_BUILTINS = {
    "i": (DIMENSIONLESS, np.int32),
    "N": (DIMENSIONLESS, np.int32),
    "t": (second.dim, np.float64),
    "dt": (second.dim, np.float64),
}
_DTYPES = {"float": np.float64, "float32": np.float32, "int": np.int32, "integer": np.int32, "bool": np.bool_,
           "boolean": np.bool_}


def _with_units(values, dim, dtype):
    arr = np.asarray(values, dtype=np.float64).astype(dtype)
    if dim is DIMENSIONLESS or dim.is_dimensionless:
        return arr
    return Quantity(arr, dim=dim)


_IDENTIFIER = re.compile(r"(?<![\w.])([A-Za-z_]\w*)(?!\s*\()")
_CALLED = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\s*\(")
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _user_frame():
    """The innermost frame outside the rheobase package: the code that did the assignment."""
    frame = sys._getframe(1)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(
        _PACKAGE_DIR
    ):
        frame = frame.f_back
    return frame


def _with_current_constants(group, code):
    """`code` with the external constants it names replaced by their current values from the
    user's frame, so that code strings given after the group was made see names as Brian2
    does (resolved where the assignment happens)."""
    frame = _user_frame()
    if frame is None:
        return code
    visible = dict(frame.f_globals)
    visible.update(frame.f_locals)

    def substitute(match):
        name = match.group(1)
        explicit = getattr(group, "_explicit_namespace", ())
        if name not in visible or name in explicit or group._has_variable(name):
            return name
        if getattr(_units, name, None) is visible[name]:
            return name
        constant = _as_constant(visible[name])
        if constant is None:
            return name
        value, dim = constant
        if dim.is_dimensionless:
            return f"({value!r})"
        return f"({value!r}*{dim!r})"

    _add_called_functions(group, code, visible)
    return _IDENTIFIER.sub(substitute, code)


def _add_called_functions(group, code, visible):
    for name in _CALLED.findall(code):
        if getattr(visible.get(name), "_is_timed_array", False):
            group._add_function(name, visible[name])


def _add_code_constants(group, code):
    """Gives the group's engine the external constants `code` (``run_regularly``,
    ``run_on_event``) names that it does not know yet, from the group's namespace dict, then
    the user's frame; like the model's, their values are resolved anew at every run."""
    frame = _user_frame()
    own = group.__dict__.get("namespace") or {}
    visible = {} if frame is None else {**frame.f_globals, **frame.f_locals}
    _add_called_functions(group, code, {**visible, **own})
    names = set(_IDENTIFIER.findall(code))
    constants = resolve(frame, {k: v for k, v in own.items() if k in names})
    group._engine.extend_namespace({k: v for k, v in constants.items() if k in names})


class VariableView:
    """``G.v``: reads and writes one variable of a group, Brian2's ``VariableView``."""

    def __init__(self, group, name, unitless=False):
        self.group = group
        self.name = name
        self.unitless = unitless
        self.dim, self.dtype, self.shared, self.read_only = group._info(name)

    def _wrap(self, values):
        if self.unitless:
            return np.asarray(values, dtype=np.float64).astype(self.dtype)
        return _with_units(values, self.dim, self.dtype)

    def get_item(self, item):
        engine = self.group._engine
        if isinstance(item, str):
            item = _with_current_constants(self.group, item)
            return self._wrap(engine.get_where(self.name, item))
        item = self.group._index(item)
        values = np.asarray(engine.get(self.name))
        if self.shared or self.name in ("N", "t", "dt"):
            values = values.reshape(-1)[:1].reshape(())
            return self._wrap(values)[()] if item in (slice(None), Ellipsis, ()) else \
                self._wrap(values)
        return self._wrap(values[item])

    def __getitem__(self, item):
        return self.get_item(item)

    def get_with_index_array(self, item):
        return self.get_item(item)

    def __setitem__(self, item, value):
        self.group._set(self.name, item, value, self.unitless)

    def __array__(self, dtype=None, copy=None):
        values = np.asarray(self.group._engine.get(self.name), dtype=np.float64)
        if (self.shared or self.name in ("N", "t", "dt")) and values.size >= 1:
            values = values.reshape(-1)[:1].reshape(())
        values = values.astype(self.dtype)
        return values if dtype is None else values.astype(dtype)

    def _value(self):
        return self.get_item(slice(None))

    def __len__(self):
        return len(np.asarray(self))

    def __iter__(self):
        return iter(self._value())

    def __repr__(self):
        return f"<{self.group.name}.{self.name}: {self._value()!r}>"

    def __str__(self):
        return str(self._value())

    def __float__(self):
        return float(np.asarray(self))

    def __int__(self):
        return int(np.asarray(self))

    @property
    def shape(self):
        return np.asarray(self).shape

    @property
    def dimensions(self):
        return self.dim


def _delegate(op):
    def method(self, *args):
        return getattr(self._value(), op)(*args)

    method.__name__ = op
    return method


for _op in ("add radd sub rsub mul rmul truediv rtruediv floordiv rfloordiv mod pow rpow "
            "neg pos abs lt le gt ge eq ne").split():
    setattr(VariableView, f"__{_op}__", _delegate(f"__{_op}__"))
VariableView.__hash__ = None


class Group(BrianObject):
    """What `NeuronGroup` and `Subgroup` share: state access and subgroups."""

    def _info(self, name):
        info = self._engine.variable_info(name)
        if info is None:
            if name in _BUILTINS:
                dim, dtype = _BUILTINS[name]
                return dim, dtype, name != "i", True
            raise AttributeError(f"{type(self).__name__} '{self.name}' has no variable '{name}'")
        dim, shared, read_only, _subexpression, vtype = info
        return dim, _DTYPES.get(vtype, np.float64), shared, read_only

    def _index(self, item):
        """`item` as an index into the variable's array (synapses translate pairs)."""
        return item

    def _add_function(self, name, table):
        """Makes the TimedArray `table` callable as `name` in code given from now on."""
        added = self.__dict__.setdefault("_functions", {})
        if added.get(name) is not table:
            self._engine.add_function(name, table._engine)
            added[name] = table

    def _has_variable(self, name):
        return name in _BUILTINS or self._engine.variable_info(name) is not None

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._has_variable(name):
            return VariableView(self, name)
        if name.endswith("_") and self._has_variable(name[:-1]):
            return VariableView(self, name[:-1], unitless=True)
        raise AttributeError(f"{type(self).__name__} '{self.name}' has no attribute '{name}'")

    def __setattr__(self, name, value):
        if not name.startswith("_") and self._has_variable(name):
            self._set(name, slice(None), value, unitless=False)
        elif (not name.startswith("_") and name.endswith("_")
              and self._has_variable(name[:-1])):
            self._set(name[:-1], slice(None), value, unitless=True)
        elif name.startswith("_") or hasattr(type(self), name) or name in self.__dict__:
            object.__setattr__(self, name, value)
        else:
            raise AttributeError(
                f"Could not find a state variable with name '{name}'. Use the add_attribute "
                "method if you intend to add a new attribute to the object."
            )

    def add_attribute(self, name):
        """Allows `name` as an ordinary (non-state) attribute, as in Brian2."""
        if self._has_variable(name):
            raise AttributeError(f"'{name}' is already a state variable")
        object.__setattr__(self, name, None)

    def _link(self, name, item, value):
        """``G.x = linked_var(H, 'y', index=...)`` (Brian2's checks, then the engine's)."""
        if not (isinstance(item, slice) and item == slice(None)):
            raise TypeError(f"Cannot link a part of the variable '{name}'")
        if not self._engine.is_linked_variable(name):
            raise TypeError(
                f"Cannot link variable '{name}', it has to be marked as a linked variable "
                "with '(linked)' in the model equations."
            )
        from rheobase.synapses import Synapses

        if isinstance(value.group, Synapses):
            raise NotImplementedError(
                f"Linking to variable {value.name} is not supported, can only link to state "
                "variables of fixed size."
            )
        own_dim = self._info(name)[0]
        target_dim = value.group._info(value.name)[0]
        if own_dim != target_dim:
            raise DimensionMismatchError(
                f"Unit of variable '{name}' does not match its link target '{value.name}'"
            )
        index = value.index
        if index is None:
            self._engine.link(name, value.group._engine, value.name)
        elif isinstance(index, str):
            self._engine.link(name, value.group._engine, value.name, index_var=index)
        else:
            indices = np.asarray(index)
            if not np.issubdtype(indices.dtype, np.integer):
                raise TypeError("The index for a linked variable has to be an integer array")
            if indices.ndim != 1:
                raise TypeError(
                    f"Index array for linked variable '{name}' has to be a one-dimensional "
                    f"array of length {len(self)}, but has shape {indices.shape}"
                )
            self._engine.link(
                name, value.group._engine, value.name, index=[int(k) for k in indices]
            )

    def _set(self, name, item, value, unitless):
        if isinstance(value, LinkedVariable):
            return self._link(name, item, value)
        if self._engine.is_linked_variable(name):
            raise ValueError(
                "Cannot set a linked variable directly, link it to another variable using "
                "'linked_var'."
            )
        dim, _dtype, shared, read_only = self._info(name)
        if read_only:
            raise TypeError(f"Variable {name} is read-only.")
        engine = self._engine
        if isinstance(item, str):
            item = _with_current_constants(self, item)
        else:
            item = self._index(item)
        if isinstance(value, str):
            value = _with_current_constants(self, value)
            if isinstance(item, str):
                engine.set_expr_where(name, item, value)
            elif isinstance(item, slice) and item == slice(None):
                engine.set_expr(name, value)
            else:
                values = np.asarray(engine.eval(value))
                indices = np.arange(len(self))[item]
                engine.set_indices(name, list(map(int, np.atleast_1d(indices))),
                                   list(np.broadcast_to(values, (len(self),))[indices].flat))
            return
        if not unitless and get_dimensions(value) != dim:
            raise DimensionMismatchError(
                f"Incorrect units for setting {name}", get_dimensions(value)
            )
        values = np.asarray(value, dtype=np.float64)
        if isinstance(item, str):
            mask = np.asarray(engine.eval(item)) != 0
            indices = np.nonzero(mask)[0]
        elif shared or (isinstance(item, slice) and item == slice(None)):
            engine.set_all(name, list(values.flat))
            return
        else:
            indices = np.atleast_1d(np.arange(len(self))[item])
        values = np.broadcast_to(values, indices.shape) if values.size == 1 else values
        engine.set_indices(name, [int(k) for k in indices], [float(x) for x in values.flat])

    def __len__(self):
        return len(self._engine)

    @property
    def N(self):
        return len(self)

    def __getitem__(self, item):
        if isinstance(item, numbers.Integral):
            item = slice(item, item + 1)
        if not isinstance(item, slice) or item.step not in (None, 1):
            raise TypeError("subgroups can only be made with contiguous slices (G[10:20])")
        start, stop, _ = item.indices(len(self))
        return Subgroup(self, start, stop)

    def get_states(self, vars=None, units=True, format="dict", subexpressions=False,
                   read_only_variables=True, level=0):
        if format != "dict":
            raise NotImplementedError("get_states(format=...) supports only 'dict' so far")
        if vars is None:
            vars = []
            for name in self._engine.variables():
                _dim, _shared, read_only, subexpression, _ = self._engine.variable_info(name)
                if subexpression and not subexpressions:
                    continue
                if read_only and not read_only_variables:
                    continue
                vars.append(name)
            if read_only_variables:
                vars += [name for name in _BUILTINS if name not in vars]
        return {name: VariableView(self, name, unitless=not units)[:] for name in vars}

    def set_states(self, values, units=True, format="dict", level=0):
        for name, value in values.items():
            self._set(name, slice(None), value, unitless=not units)

    def run_regularly(self, code, dt=None, clock=None, when="start", order=0, name=None,
                      codeobj_class=None):
        engine_clock_, dt_ = engine_clock(clock, dt, self._network)
        _add_code_constants(self, code)
        name = self._engine.run_regularly(code, dt_, when, order, name, engine_clock_)
        return RunRegularly(name, self)

    def run_on_event(self, event, code, when="after_resets", order=None):
        """Runs `code` on the neurons where `event` happened (Brian2's ``run_on_event``)."""
        _add_code_constants(self, code)
        name = self._engine.run_on_event(event, code, when, order)
        self._event_actions[event] = name
        return RunRegularly(name, self)

    def set_event_schedule(self, event, when="after_thresholds", order=None):
        """Checks `event`'s condition in another slot of the schedule."""
        self._engine.set_event_schedule(event, when, order)


class RunRegularly:
    """The operation made by `Group.run_regularly`."""

    def __init__(self, name, group):
        self.name = name
        self.group = group


class NeuronGroup(Group):
    """Brian2's ``NeuronGroup(N, model, method=None, threshold=None, reset=None,
    refractory=False, events=None, namespace=None, dt=None, clock=None, order=0, name=...)``.
    Without `method`, the engine picks the first integrator that suits the equations
    (exact, then euler, then heun for stochastic ones), as Brian2 does."""

    def __init__(self, N, model, method=None, threshold=None, reset=None, refractory=False,
                 events=None, namespace=None, dtype=None, dt=None, clock=None, order=0,
                 name=None, codeobj_class=None, method_options=None, level=0):
        if isinstance(refractory, str):
            refr = refractory
        elif refractory is False or refractory is None:
            refr = None
        else:
            refr = dt_seconds(refractory, "refractory")
        if isinstance(method, (list, tuple)):
            method = method[0] if method else None
        if name is not None and name.endswith("*"):
            name = name[:-1]
        model = model._engine if isinstance(model, Equations) else str(model)
        event_list = [
            (event, condition, None) for event, condition in (events or {}).items()
        ]
        frame = caller_frame(level)
        ns = resolve(frame, namespace)
        texts = [model if isinstance(model, str) else " ".join(model.identifiers()),
                 threshold, reset, refr if isinstance(refr, str) else None,
                 *(events or {}).values()]
        functions = resolve_functions(frame, namespace, texts)
        network = current_network()
        apply_creation_preferences(network)
        engine_clock_, dt_ = engine_clock(clock, dt, network)
        engine = _core.NeuronGroup(
            network, int(N), model, method=method, threshold=threshold, reset=reset,
            refractory=refr, events=event_list, namespace=ns, dt=dt_, order=order, name=name,
            clock=engine_clock_, functions={k: t._engine for k, t in functions.items()},
        )
        object.__setattr__(self, "_engine", engine)
        object.__setattr__(self, "_functions", dict(functions))
        object.__setattr__(self, "_network", network)
        register(network, engine.name)
        object.__setattr__(self, "_explicit_namespace", frozenset(namespace or ()))
        object.__setattr__(self, "_event_actions", {})
        object.__setattr__(self, "events", dict(events or {}))
        object.__setattr__(self, "method_choice", method)
        object.__setattr__(self, "namespace", {} if namespace is None else namespace)


class Subgroup(Group):
    """``G[start:stop]``: a contiguous part of a group, sharing its state."""

    def __init__(self, source, start, stop):
        engine = source._engine.subgroup(start, stop)
        object.__setattr__(self, "_engine", engine)
        object.__setattr__(self, "_network", source._network)
        object.__setattr__(self, "source", source)
        object.__setattr__(self, "_explicit_namespace", source._explicit_namespace)
        object.__setattr__(self, "namespace", source.__dict__.get("namespace"))
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "stop", stop)

    def _owner_names(self):
        return self.source._owner_names()


class LinkedVariable:
    """What ``linked_var(group, 'v')`` returns, to be assigned to a ``(linked)`` parameter."""

    def __init__(self, group, name, index=None):
        self.group = group
        self.name = name
        self.index = index


def linked_var(group_or_variable, name=None, index=None):
    """Brian2's ``linked_var``: ``G2.v = linked_var(G1, 'v')`` (or ``linked_var(G1.v)``)."""
    if isinstance(group_or_variable, VariableView):
        group, name = group_or_variable.group, group_or_variable.name
    else:
        group = group_or_variable
        if name is None:
            raise TypeError("linked_var(group, name): the name of the variable is missing")
    if not isinstance(group, Group) or not group._has_variable(name):
        raise ValueError(f"linked_var: {group!r} has no variable '{name}'")
    return LinkedVariable(group, name, index)
