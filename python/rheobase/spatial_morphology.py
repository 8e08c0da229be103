"""Brian2's morphologies: ``Soma``, ``Cylinder``, ``Section`` and trees of them.

A Python ``Morphology`` is a view on one section of a tree kept by the engine
(``rheobase._core.Morphology``): the tree and the section's path in it. Attaching a
section (``morpho.dend = Cylinder(...)``) copies it into the tree and turns the Python object
into a view on its new place, so both names keep seeing the same section, as in Brian2.
"""

import numbers

import numpy as np

import rheobase._core as _core
from rheobase.units.dimensions import DimensionMismatchError, get_dimensions
from rheobase.units.quantity import Quantity
from rheobase.units.allunits import meter  # noqa: E402

_METER = meter.dim
_UNITS = {
    "length": 1, "diameter": 1, "start_diameter": 1, "end_diameter": 1, "distance": 1,
    "end_distance": 1, "r_length_1": 1, "r_length_2": 1, "area": 2, "volume": 3,
    "x": 1, "y": 1, "z": 1, "start_x": 1, "start_y": 1, "start_z": 1, "end_x": 1,
    "end_y": 1, "end_z": 1,
}
# SWC type codes of Brian2's section type names (for `from_points`).
_SWC_TYPES = {"undefined": 0, "soma": 1, "axon": 2, "dend": 3, "apic": 4}


def _meters(value, what, allow_none=False):
    """`value` (a length quantity, or an array of them) as SI floats."""
    if value is None:
        if allow_none:
            return None
        raise TypeError(f"{what} is missing")
    if get_dimensions(value) != _METER:
        raise DimensionMismatchError(
            f"{what} has to be a length (e.g. 10*um)", get_dimensions(value)
        )
    return np.asarray(value, dtype=np.float64)


def _points(x, y, z, count, what):
    """The `count` points given by coordinate arrays (missing ones are zero)."""
    if x is None and y is None and z is None:
        return None
    columns = []
    for name, c in (("x", x), ("y", y), ("z", z)):
        if c is None:
            columns.append(np.zeros(count))
            continue
        c = np.atleast_1d(_meters(c, f"the {name} coordinates of a {what}"))
        if c.shape != (count,):
            raise TypeError(
                f"a {what} needs {count} values for each coordinate, got {c.size} for {name}"
            )
        columns.append(c)
    return [list(map(float, p)) for p in np.stack(columns, axis=1)]


def _view(tree, path):
    """The Python object for the section `path` of `tree` (Soma, Cylinder or Section)."""
    kind = tree.info(path)[3]
    cls = {"soma": Soma, "cylinder": Cylinder, "section": Section}[kind]
    obj = object.__new__(cls)
    object.__setattr__(obj, "_tree", tree)
    object.__setattr__(obj, "_path", path)
    return obj


def _join(path, name):
    return f"{path}.{name}" if path else name


class Children:
    """``morpho.children``: the subtrees attached to a section, by name and in order."""

    def __init__(self, owner):
        self._owner = owner

    def _names(self):
        return self._owner._tree.children(self._owner._path)

    def __len__(self):
        return len(self._names())

    def __iter__(self):
        for names in self._names():
            yield self._owner[names[0]]

    def names(self):
        """The name each child was given (its number when it has none)."""
        return [names[-1] for names in self._names()]

    def __getitem__(self, name):
        return self._owner[name]

    def __contains__(self, name):
        return any(name in names for names in self._names())


class Morphology:
    """One section of a neuron's morphology and the subtrees attached to its end (Brian2's
    ``Morphology``). Build trees by attribute (``morpho.dend = Cylinder(...)``,
    ``morpho.L``, ``morpho.LR``) or by item (``morpho['dend']``); per-compartment geometry
    (``length``, ``diameter``, ``area``, ``volume``, ``distance``, ``x``...) is that of
    this section only."""

    def __init__(self, *args, **kwargs):
        raise TypeError("use Soma, Cylinder, Section or Morphology.from_file to make a morphology")

    # -- construction from files -------------------------------------------------------
    @staticmethod
    def from_swc_file(filename, spherical_soma=True):
        """The morphology in the SWC file `filename` (one compartment per SWC segment);
        ``spherical_soma=False`` keeps soma samples in sections instead of spheres."""
        return _view(_core.Morphology.from_swc_file(str(filename), bool(spherical_soma)), "")

    @staticmethod
    def from_file(filename, spherical_soma=True):
        """The morphology in `filename` (SWC, the only format Brian2 reads)."""
        if not str(filename).lower().endswith(".swc"):
            raise NotImplementedError(
                f"cannot read '{filename}': only SWC files (.swc) are supported"
            )
        return Morphology.from_swc_file(filename, spherical_soma)

    @staticmethod
    def from_points(points, spherical_soma=True):
        """A morphology from SWC-like rows ``(index, name, x, y, z, diameter, parent)`` with
        coordinates and diameters in um, as Brian2's ``from_points``."""
        lines = []
        for row in points:
            if len(row) != 7:
                raise ValueError(
                    "each point needs 7 values (index, name, x, y, z, diameter, parent), got "
                    f"{len(row)}"
                )
            index, name, x, y, z, diameter, parent = row
            code = _SWC_TYPES.get(str(name), None)
            if code is None:
                raise ValueError(f"unknown section type '{name}' (use one of {list(_SWC_TYPES)})")
            lines.append(f"{int(index)} {code} {x} {y} {z} {float(diameter) / 2} {int(parent)}")
        return _view(_core.Morphology.from_swc_str("\n".join(lines), bool(spherical_soma)), "")

    @staticmethod
    def from_swc_text(text):
        """The morphology in the SWC text `text`."""
        return _view(_core.Morphology.from_swc_str(text), "")

    # -- the tree -----------------------------------------------------------------------
    @property
    def n(self):
        """Number of compartments of this section."""
        return self._tree.info(self._path)[0]

    def __len__(self):
        return self.n

    @property
    def total_compartments(self):
        return self._tree.info(self._path)[1]

    @property
    def total_sections(self):
        return self._tree.info(self._path)[2]

    @property
    def type(self):
        return self._tree.info(self._path)[4]

    @property
    def children(self):
        return Children(self)

    @property
    def parent(self):
        if not self._path:
            return None
        return _view(self._tree, self._path.rsplit(".", 1)[0] if "." in self._path else "")

    def topology(self):
        """One line per section, indented by depth, as Brian2's ``topology()``."""
        return _Topology(self._tree.topology(self._path))

    def copy_section(self):
        """This subtree as a new, independent morphology."""
        return _view(self._tree.copy(self._path), "")

    def _child_path(self, name):
        path = _join(self._path, name)
        if not self._tree.exists(path):
            self._tree.children(self._path)  # raises for a stale view
            raise AttributeError(f"The subtree '{name}' does not exist")
        return path

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in _UNITS:
            return self._geometry(name)
        return _view(self._tree, self._child_path(name))

    def __setattr__(self, name, value):
        if name.startswith("_") or not isinstance(value, Morphology):
            if isinstance(value, Morphology) or name.startswith("_"):
                object.__setattr__(self, name, value)
                return
            raise AttributeError(
                f"cannot set '{name}' on a morphology: only subtrees (Soma, Cylinder, Section) "
                "can be attached"
            )
        self._attach(name, value)

    def _attach(self, name, child):
        if child._tree is self._tree:
            raise ValueError("a section cannot be attached to its own tree")
        self._tree.add_child(self._path, name, child._tree)
        # The Python object now stands for its copy in this tree, as in Brian2 where the
        # same object is shared.
        object.__setattr__(child, "_tree", self._tree)
        object.__setattr__(child, "_path", _join(self._path, name))

    def __delattr__(self, name):
        if name.startswith("_"):
            object.__delattr__(self, name)
            return
        self._tree.remove_child(self._path, name)

    def __setitem__(self, item, child):
        if not isinstance(item, str):
            raise TypeError("subtrees are attached by name: morpho['dend'] = Cylinder(...)")
        if not isinstance(child, Morphology):
            raise TypeError("only a Soma, Cylinder or Section can be attached")
        self._attach(item, child)

    def __delitem__(self, item):
        self._tree.remove_child(self._path, item)

    def __getitem__(self, item):
        """``morpho['dend']`` (or ``'LRL'``, ``'dend.L'``): a subtree; ``morpho[3]``,
        ``morpho[25*um]``, ``morpho[10*um:50*um]``: compartments of this section."""
        if isinstance(item, str):
            try:
                return _view(self._tree, self._child_path(item))
            except AttributeError as e:
                raise KeyError(str(e)) from None
        return Compartments(self, *self._local_range(item))

    def _local_range(self, item):
        """`(start, stop)` of the compartments of this section that `item` selects."""
        n = self.n
        if isinstance(item, (numbers.Integral, np.integer)):
            k = int(item)
            if k < 0:
                k += n
            if not 0 <= k < n:
                raise IndexError(f"compartment {item} is outside this section ({n} compartments)")
            return k, k + 1
        if isinstance(item, slice):
            lengths = [v for v in (item.start, item.stop) if v is not None]
            if lengths and all(isinstance(v, Quantity) or get_dimensions(v) == _METER
                               for v in lengths):
                if item.step is not None:
                    raise TypeError("slices by distance take no step")
                start = None if item.start is None else float(_meters(item.start, "start"))
                stop = None if item.stop is None else float(_meters(item.stop, "stop"))
                return self._tree.compartments_between(self._path, start, stop)
            if item.step not in (None, 1):
                raise TypeError("compartments can only be selected by contiguous slices")
            start, stop, _ = item.indices(n)
            return start, max(start, stop)
        if isinstance(item, Quantity):
            x = float(_meters(item, "the position"))
            k = self._tree.compartment_at(self._path, x)
            return k, k + 1
        raise TypeError(
            f"cannot index a morphology with {item!r}: use a name, an index, a distance "
            "(10*um) or a slice of them"
        )

    def _geometry(self, name):
        columns = dict(self._tree.geometry(self._path))
        if name not in columns:
            return None  # coordinates of a tree without coordinates
        return Quantity(np.asarray(columns[name]), dim=_METER ** _UNITS[name])

    @property
    def coordinates(self):
        """The ``n+1`` points of this section (``start`` of each compartment and the end)."""
        columns = dict(self._tree.geometry(self._path))
        if "x" not in columns:
            return None
        start = np.stack([columns["start_x"], columns["start_y"], columns["start_z"]], axis=1)
        end = np.array([[columns["end_x"][-1], columns["end_y"][-1], columns["end_z"][-1]]])
        return Quantity(np.concatenate([start, end]), dim=_METER)

    def _flat_start(self):
        return self._tree.flat_range(self._path)[0]

    def __repr__(self):
        return f"{type(self).__name__}(n={self.n}, path={self._path!r})"

    def __eq__(self, other):
        return (isinstance(other, Morphology) and other._tree is self._tree
                and other._path == self._path)

    def __hash__(self):
        return hash((id(self._tree), self._path))


class _Topology(str):
    """The text of ``topology()``; printing it shows the tree."""

    def __repr__(self):
        return str(self)


class Compartments:
    """``morpho.dend[10*um:50*um]``: some compartments of one section (Brian2 uses these
    for ``threshold_location`` and for indexing a SpatialNeuron)."""

    def __init__(self, section, start, stop):
        self.section = section
        self.start = start
        self.stop = stop

    def indices(self):
        """The compartment indices in the whole tree."""
        base = self.section._flat_start()
        return np.arange(base + self.start, base + self.stop)

    def __int__(self):
        idx = self.indices()
        if idx.size != 1:
            raise TypeError(f"{idx.size} compartments are not one index")
        return int(idx[0])

    __index__ = __int__

    def __len__(self):
        return self.stop - self.start

    def __getattr__(self, name):
        if name in _UNITS:
            values = self.section._geometry(name)
            return None if values is None else values[self.start:self.stop]
        raise AttributeError(name)

    def __repr__(self):
        return f"<compartments {self.start}:{self.stop} of {self.section!r}>"


class Soma(Morphology):
    """Brian2's ``Soma(diameter, x=None, y=None, z=None, type='soma')``: a sphere, one
    compartment."""

    def __init__(self, diameter, x=None, y=None, z=None, type="soma"):
        d = _meters(diameter, "the diameter of a Soma")
        if d.size != 1:
            raise TypeError("a Soma has one diameter")
        position = None
        if not (x is None and y is None and z is None):
            position = [float(_meters(c, "a Soma coordinate")) if c is not None else 0.0
                        for c in (x, y, z)]
        tree = _core.Morphology.soma(float(d), position)
        if type is not None and type != "soma":
            tree.set_type("", str(type))
        object.__setattr__(self, "_tree", tree)
        object.__setattr__(self, "_path", "")


class Cylinder(Morphology):
    """Brian2's ``Cylinder(diameter, n=1, length=None, x=None, y=None, z=None, type=None)``:
    `n` compartments of one diameter; the coordinates give its start and end point
    (relative to the parent's end)."""

    def __init__(self, diameter, n=1, length=None, x=None, y=None, z=None, type=None):
        d = _meters(diameter, "the diameter of a Cylinder")
        if d.size != 1:
            raise TypeError("a Cylinder has one diameter (use Section for several)")
        n = _count(n)
        points = _points(x, y, z, 2, "Cylinder")
        length = None if length is None else float(_meters(length, "the length of a Cylinder"))
        tree = _core.Morphology.cylinder(float(d), n, length, points)
        if type is not None:
            tree.set_type("", str(type))
        object.__setattr__(self, "_tree", tree)
        object.__setattr__(self, "_path", "")


class Section(Morphology):
    """Brian2's ``Section(diameter, n=1, length=None, x=None, y=None, z=None, type=None)``:
    `n` truncated cones, `n+1` diameters at their boundaries, `n` lengths (or `n+1`
    points)."""

    def __init__(self, diameter, n=1, length=None, x=None, y=None, z=None, type=None):
        d = np.atleast_1d(_meters(diameter, "the diameters of a Section"))
        n = _count(n)
        points = _points(x, y, z, n + 1, "Section")
        lengths = None
        if length is not None:
            lengths = [float(v) for v in np.atleast_1d(_meters(length, "the lengths of a Section"))]
        tree = _core.Morphology.section([float(v) for v in d], n, lengths, points)
        if type is not None:
            tree.set_type("", str(type))
        object.__setattr__(self, "_tree", tree)
        object.__setattr__(self, "_path", "")


def _count(n):
    if not isinstance(n, (numbers.Integral, np.integer)) or isinstance(n, bool):
        raise TypeError(f"the number of compartments n has to be an integer, got {n!r}")
    if n < 1:
        raise ValueError(f"the number of compartments n has to be at least 1, got {n}")
    return int(n)
