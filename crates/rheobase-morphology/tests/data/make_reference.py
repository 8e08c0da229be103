"""Records Brian2 2.9's morphology values for rheobase-morphology's tests.

Run with Brian2 2.9 (e.g. /work/venv-b2/bin/python make_reference.py) from this folder;
writes brian2_morphology.txt. SWC files are read from ./swc (a copy of the shared test data, or
$SWC_DIR). Values are SI floats; `None` where Brian2 raises (the message is kept).
"""
import os
import sys

import numpy as np
from brian2 import Cylinder, Morphology, Section, Soma, um
from brian2.spatialneuron.spatialneuron import FlatMorphology

SWC_DIR = os.environ.get(
    "SWC_DIR", os.path.join(os.path.dirname(__file__), "swc")
)


def arrays(morpho):
    flat = FlatMorphology(morpho)
    out = {
        "total_compartments": int(morpho.total_compartments),
        "total_sections": int(morpho.total_sections),
        "topology": str(morpho.topology()),
    }
    for name in ["length", "diameter", "area", "volume", "distance", "r_length_1", "r_length_2"]:
        out[name] = [float(v) for v in getattr(flat, name)]
    if flat.x is not None:
        for name in ["x", "y", "z", "start_x", "end_z"]:
            out[name] = [None if np.isnan(v) else float(v) for v in getattr(flat, name)]
    return out


def handmade():
    cases = {}
    m = Soma(30 * um)
    m.dend = Cylinder(diameter=2 * um, length=100 * um, n=5)
    m.dend.L = Section(diameter=[2, 1.5, 1, 0.5] * um, length=[10, 20, 30] * um, n=3)
    m.dend.R = Cylinder(diameter=1 * um, length=50 * um, n=2)
    m.axon = Section(
        diameter=[1, 1, 0.8] * um, x=[0, 10, 30] * um, y=[0, 5, 5] * um, z=[0, 0, 1] * um, n=2
    )
    cases["soma_dend_axon"] = arrays(m)
    cases["cylinder_coordinates"] = arrays(Cylinder(diameter=1 * um, n=4, x=[0, 40] * um, y=[0, 30] * um))
    s = Soma(10 * um, x=5 * um, y=0 * um, z=0 * um)
    s.L = Cylinder(diameter=1 * um, n=2, x=[5, 25] * um)
    s.R = Cylinder(diameter=1 * um, n=2, length=20 * um)
    s.L.L = Cylinder(diameter=0.5 * um, n=1, x=[0, 0] * um, y=[0, 10] * um)
    cases["mixed_coordinates"] = arrays(s)
    # Slicing by length on a 10-compartment, 100 um cable
    cab = Cylinder(diameter=1 * um, length=100 * um, n=10)
    slices = []
    for a, b in [(10, 50), (15, 45), (None, 20), (95, None), (0, 100), (33.3, 66.6)]:
        sl = cab[(a * um if a is not None else None):(b * um if b is not None else None)]
        idx = sl._indices()
        idx = np.atleast_1d(idx)
        slices.append([a, b, int(idx[0]), int(idx[-1]) + 1])
    points = []
    for x in [0, 15, 20, 99.9, 100]:
        points.append([x, int(np.atleast_1d(cab[x * um]._indices())[0])])
    cases["slices"] = {"ranges": slices, "points": points}
    return cases


def strip_inline_comments(path):
    import tempfile

    lines = []
    with open(path) as f:
        for line in f:
            data = line.split("#")[0].strip()
            lines.append(data if data else line.strip())
    tmp = tempfile.NamedTemporaryFile("w", suffix=".swc", delete=False)
    tmp.write("\n".join(lines) + "\n")
    tmp.close()
    return tmp.name


def swc_files():
    out = {}
    for folder in ["", "edge"]:
        d = os.path.join(SWC_DIR, folder)
        for name in sorted(os.listdir(d)):
            if not name.endswith(".swc"):
                continue
            key = os.path.join(folder, name) if folder else name
            path = os.path.join(d, name)
            stripped = False
            try:
                m = Morphology.from_swc_file(path)
            except Exception as e:  # noqa: BLE001 - recorded as the expected failure
                # Brian2 rejects inline comments; rheobase accepts them, so record what
                # Brian2 makes of the file without them as well.
                try:
                    m = Morphology.from_swc_file(strip_inline_comments(path))
                    stripped = True
                except Exception as e2:  # noqa: BLE001
                    out[key] = {
                        "error": f"{type(e).__name__}: {e}",
                        "error_without_inline_comments": f"{type(e2).__name__}: {e2}",
                    }
                    continue
            flat = FlatMorphology(m)
            entry = {
                "inline_comments_stripped": stripped,
                "total_compartments": int(m.total_compartments),
                "total_sections": int(m.total_sections),
                "root_is_soma": isinstance(m, Soma),
                "sum_length_sections": float(
                    sum(flat.length[s:e].sum() for s, e in zip(flat.starts, flat.ends)
                        if not (s == 0 and isinstance(m, Soma)))
                ),
                "sum_area": float(flat.area.sum()),
                "sum_volume": float(flat.volume.sum()),
                "max_distance": float(flat.distance.max()),
                "sum_distance": float(flat.distance.sum()),
                "sum_r_length_1_inv": float((1 / flat.r_length_1).sum()),
                "children_names": sorted(str(k) for k in m.children._named_children),
            }
            if m.total_compartments <= 40:
                entry.update(arrays(m))
            out[key] = entry
    return out


def write_text(data, path):
    """The same values as `case field value...` lines (easy to read without a JSON parser).
    Strings are written with spaces and newlines escaped as \\s and \\n."""

    def fmt(v):
        if v is None:
            return "nan"
        if isinstance(v, bool):
            return str(int(v))
        if isinstance(v, float):
            return repr(v)
        if isinstance(v, str):
            return v.replace("\\", "\\\\").replace(" ", "\\s").replace("\n", "\\n")
        return str(v)

    with open(path, "w") as f:
        f.write("# Brian2 %s morphology values; made by make_reference.py\n" % data["brian2"])
        for group in ["handmade", "swc"]:
            for case, fields in data[group].items():
                for field, value in fields.items():
                    if isinstance(value, dict):
                        continue
                    if isinstance(value, list) and value and isinstance(value[0], list):
                        value = [x for row in value for x in row]
                    values = value if isinstance(value, list) else [value]
                    f.write(" ".join([case, field] + [fmt(v) for v in values]) + "\n")
        for field in ["ranges", "points"]:
            rows = data["handmade"]["slices"][field]
            f.write(" ".join(["slices", field] + [fmt(v) for row in rows for v in row]) + "\n")


if __name__ == "__main__":
    data = {"brian2": __import__("brian2").__version__, "handmade": handmade(), "swc": swc_files()}
    path = os.path.join(os.path.dirname(__file__) or ".", "brian2_morphology.txt")
    write_text(data, path)
    print("wrote", path, file=sys.stderr)
