"""Brian2's ``SpatialNeuron``: a multicompartment neuron on a morphology, with the cable
equation solved implicitly by the engine, and its subgroups by section and by distance."""

import numbers

import numpy as np

import rheobase._core as _core
from rheobase.core.clocks import dt_seconds, engine_clock
from rheobase.core.magic import current_network, register
from rheobase.core.namespace import caller_frame, resolve, resolve_functions
from rheobase.equations import Equations
from rheobase.groups import Group, NeuronGroup
from rheobase.spatial_morphology import Compartments, Morphology, _join, _meters
from rheobase.units.allunits import farad, meter, ohm
from rheobase.units.dimensions import DimensionMismatchError, get_dimensions
from rheobase.units.quantity import Quantity

# From the dimensions, not from unit arithmetic: a unit made here would become the display
# unit of these dimensions before the user's script makes its own (Brian2 shows what the
# script wrote first, e.g. `farad / (meter ** 2)`).
_CM_DIM = farad.dim / meter.dim**2
_RI_DIM = ohm.dim * meter.dim


def _si(value, dim, what):
    if get_dimensions(value) != dim:
        raise DimensionMismatchError(f"{what} has the wrong unit", get_dimensions(value))
    return float(np.asarray(value, dtype=np.float64))


def _location(morphology, threshold_location):
    """`threshold_location` (an index or ``morpho.dend[25*um]``) as a compartment index."""
    if threshold_location is None:
        return None
    if isinstance(threshold_location, Compartments):
        return int(threshold_location)
    if isinstance(threshold_location, (numbers.Integral, np.integer)):
        k = int(threshold_location)
        if not 0 <= k < morphology.total_compartments:
            raise IndexError(
                f"threshold_location {k} is outside the morphology "
                f"({morphology.total_compartments} compartments)"
            )
        return k
    raise TypeError(
        "threshold_location must be a compartment index or a compartment of the morphology "
        "(morpho.dend[25*um])"
    )


class _Spatial:
    """What a SpatialNeuron and its section subgroups share: children by name, ``main``,
    indexing by distance and by compartment."""

    def _section_group(self, path):
        return SpatialSubgroup(self._spatial_root, self._spatial_root._spatial.section(path),
                               path)

    def _morphology_section(self):
        return self._spatial_root.morphology[self._section_path] if self._section_path \
            else self._spatial_root.morphology

    @property
    def main(self):
        """The compartments of this section without its children."""
        root = self._spatial_root
        if not self._section_path:
            return SpatialSubgroup(root, root._spatial.main(), None)
        return SpatialSubgroup(
            root, root._spatial.section_between(self._section_path, None, None), None
        )

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._has_variable(name) or (name.endswith("_") and self._has_variable(name[:-1])):
            return Group.__getattr__(self, name)
        if self._section_path is not None:
            path = _join(self._section_path, name)
            if self._spatial_root.morphology._tree.exists(path):
                return self._section_group(path)
        raise AttributeError(f"{type(self).__name__} '{self.name}' has no attribute '{name}'")

    def __getitem__(self, item):
        if isinstance(item, str):
            if self._section_path is None:
                raise TypeError("subsections are only found from a whole section")
            path = _join(self._section_path, item)
            self._spatial_root.morphology._tree.info(path)  # raises for an unknown name
            return self._section_group(path)
        root = self._spatial_root
        if isinstance(item, Compartments):
            idx = item.indices()
            start = int(idx[0]) - self._offset() if idx.size else 0
            return Group.__getitem__(self, slice(start, start + idx.size))
        if isinstance(item, Quantity) or (
            isinstance(item, slice) and any(
                v is not None and get_dimensions(v) == meter.dim for v in (item.start, item.stop)
            )
        ):
            if self._section_path is None:
                raise TypeError("distances can only index a whole section (neuron.dend[10*um])")
            if isinstance(item, slice):
                if item.step is not None:
                    raise TypeError("slices by distance take no step")
                start = None if item.start is None else float(_meters(item.start, "start"))
                stop = None if item.stop is None else float(_meters(item.stop, "stop"))
                engine = root._spatial.section_between(self._section_path, start, stop)
                return SpatialSubgroup(root, engine, None)
            k = root._spatial.compartment_at(self._section_path, float(_meters(item, "position")))
            return Group.__getitem__(self, k - self._offset())
        if isinstance(item, (numbers.Integral, np.integer)):
            k = int(item)
            if not -len(self) <= k < len(self):
                raise IndexError(
                    f"compartment {k} is outside {self.name} ({len(self)} compartments)"
                )
        return Group.__getitem__(self, item)

    def _offset(self):
        return self._engine.range[0]

    def get_states(self, vars=None, units=True, format="dict", subexpressions=False,
                   read_only_variables=True, level=0):
        states = Group.get_states(self, vars, units, format, subexpressions,
                                  read_only_variables, level)
        if vars is None:
            states = {k: v for k, v in states.items() if not k.startswith("_")}
        return states


class SpatialNeuron(_Spatial, NeuronGroup):
    """Brian2's ``SpatialNeuron(morphology, model, threshold=None, refractory=False,
    reset=None, events=None, threshold_location=None, dt=None, clock=None, order=0,
    Cm=0.9*uF/cm**2, Ri=150*ohm*cm, name='spatialneuron*', namespace=None, method=...)``.

    `model` defines the transmembrane current ``Im`` (amp/meter**2) and may declare
    ``(point current)`` terms in amp; ``v`` is implicit. Subgroups: ``neuron.main``,
    ``neuron.dend``, ``neuron.dend[10*um:50*um]``, ``neuron[5:10]``; state access and
    monitors as for a NeuronGroup."""

    def __init__(self, morphology, model=None, threshold=None, refractory=False, reset=None,
                 events=None, threshold_location=None, dt=None, clock=None, order=0,
                 Cm=0.9 * farad / meter**2 * 1e-2, Ri=150 * ohm * meter * 1e-2,
                 name=None, namespace=None, dtype=None, codeobj_class=None,
                 method=None, method_options=None, level=0, cells=1):
        if not isinstance(morphology, Morphology):
            raise TypeError("SpatialNeuron needs a morphology (Soma, Cylinder, Section, ...)")
        if model is None:
            raise TypeError("SpatialNeuron needs a model defining Im")
        cm = _si(Cm, _CM_DIM, "Cm (specific capacitance, e.g. 1*uF/cm**2)")
        ri = _si(Ri, _RI_DIM, "Ri (intracellular resistivity, e.g. 150*ohm*cm)")
        if isinstance(refractory, str):
            refr = refractory
        elif refractory is False or refractory is None:
            refr = None
        else:
            refr = dt_seconds(refractory, "refractory")
        if isinstance(method, (list, tuple)):
            method = method[0] if len(method) == 1 else None
        if name is not None and name.endswith("*"):
            name = name[:-1]
        if morphology._path:
            morphology = morphology.copy_section()
        model_text = str(model) if isinstance(model, Equations) else str(model)
        location = _location(morphology, threshold_location)
        event_list = [(event, cond, None) for event, cond in (events or {}).items()]
        frame = caller_frame(level)
        ns = resolve(frame, namespace)
        texts = [model_text, threshold, reset, refr if isinstance(refr, str) else None,
                 *(events or {}).values()]
        functions = resolve_functions(frame, namespace, texts)
        network = current_network()
        engine_clock_, dt_ = engine_clock(clock, dt, network)
        spatial = _core.SpatialNeuron(
            network, morphology._tree, model_text, cm, ri, method=method, threshold=threshold,
            threshold_location=location, reset=reset, refractory=refr, events=event_list,
            namespace=ns, dt=dt_, order=order, name=name, clock=engine_clock_,
            functions={k: t._engine for k, t in functions.items()}, cells=int(cells),
        )
        engine = spatial.group()
        for attr, value in (
            ("_spatial", spatial), ("_engine", engine), ("_functions", dict(functions)),
            ("_network", network), ("_explicit_namespace", frozenset(namespace or ())),
            ("_event_actions", {}), ("events", dict(events or {})), ("method_choice", method),
            ("namespace", {} if namespace is None else namespace),
            ("morphology", morphology), ("_spatial_root", None), ("_section_path", ""),
        ):
            object.__setattr__(self, attr, value)
        object.__setattr__(self, "_spatial_root", self)
        register(network, engine.name)


class SpatialSubgroup(_Spatial, Group):
    """Compartments of a SpatialNeuron: a section with its subtree (``neuron.dend``), a
    section alone (``neuron.main``), a range by distance or by index."""

    def __init__(self, root, engine, section_path):
        object.__setattr__(self, "_engine", engine)
        object.__setattr__(self, "_network", root._network)
        object.__setattr__(self, "source", root)
        object.__setattr__(self, "_explicit_namespace", root._explicit_namespace)
        object.__setattr__(self, "namespace", root.__dict__.get("namespace"))
        object.__setattr__(self, "_spatial_root", root)
        object.__setattr__(self, "_section_path", section_path)
        start, stop = engine.range
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "stop", stop)

    def _owner_names(self):
        return self.source._owner_names()
