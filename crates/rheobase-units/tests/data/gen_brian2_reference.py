"""Regenerate the Brian2 2.9 reference data used by tests/brian2_reference.rs.

Run with a Python that has brian2==2.9.0 installed (never a dependency of rheobase):

    python gen_brian2_reference.py

Writes, next to this script:
- units.tsv: every unit name in brian2.units.allunits and brian2.units.stdunits with its
  canonical name, display name, value, dimension exponents and where Brian2 exposes it.
- display_registry.tsv: the standard and additional display registers in dictionary order
  (the order decides ties in best-unit selection; the last unit added for a value wins).
- quantities.tsv: str() and repr() of a grid of quantities.
- floats.tsv: numpy's formatting of single float values (as used inside str of a quantity).
"""

import itertools
import math
import os

import numpy as np

import brian2
import brian2.units.allunits as allunits
from brian2.core.namespace import DEFAULT_UNITS
from brian2.units import stdunits
from brian2.units.fundamentalunits import (
    Quantity,
    Unit,
    additional_unit_register,
    get_or_create_dimension,
    standard_unit_register,
)

HERE = os.path.dirname(os.path.abspath(__file__))
assert brian2.__version__ == "2.9.0", brian2.__version__


def dims(d):
    return "\t".join(repr(float(x)) for x in d._dims)


star = {}
exec("from brian2 import *", star)

names = {k: getattr(allunits, k) for k in dir(allunits) if isinstance(getattr(allunits, k), Unit)}
names.update({k: getattr(stdunits, k) for k in stdunits.__all__})
with open(os.path.join(HERE, "units.tsv"), "w") as f:
    f.write("# name\tcanonical\tdispname\tvalue\tm\tkg\ts\tA\tK\tmol\tcd\tstar\tequations\n")
    for name in sorted(names):
        u = names[name]
        f.write(
            f"{name}\t{u.name}\t{u.dispname}\t{float(u)!r}\t{dims(u.dim)}\t"
            f"{int(name in star)}\t{int(name in DEFAULT_UNITS)}\n"
        )

with open(os.path.join(HERE, "display_registry.tsv"), "w") as f:
    f.write("# register\tm\tkg\ts\tA\tK\tmol\tcd\tvalue\tname\tdispname\n")
    for tag, reg in [("standard", standard_unit_register), ("additional", additional_unit_register)]:
        for dim, units in reg.units_for_dimensions.items():
            if dim.is_dimensionless:
                continue  # never used: dimensionless values display without a unit
            for value, u in units.items():
                f.write(f"{tag}\t{dims(dim)}\t{value!r}\t{u.name}\t{u.dispname}\n")

# A grid of values in several dimensions, including ties, zeros and non-finite values.
values = [3.0, -3.0, 0.5, 1.0, 10.0, 0.0, 1234.5, 1e-7, 2.5e-5, 316.227766, 31.6227766,
          3.1622776601683795, 0.001, 123456789.0, 7.0 / 3.0, 1e-30, 1e30, 0.07, 65.0, -70.0,
          float("nan"), float("inf"), -float("inf"), 99999.0, 0.3]
units = ["volt", "mvolt", "second", "msecond", "amp", "namp", "siemens", "nsiemens", "farad",
         "pfarad", "ohm", "Mohm", "hertz", "metre", "umetre", "metre2", "umetre2", "metre3",
         "mmolar", "molar", "kilogram", "gram", "mole", "kelvin", "candle", "joule", "watt",
         "newton", "pascal", "coulomb", "weber", "tesla", "henry", "lux", "gray", "katal",
         "liter"]
# Built from dimensions, not by dividing units: unit arithmetic would register new display
# units in Brian2's user register and change what later quantities print.
D = get_or_create_dimension
extra = {
    "siemens/metre2": D(m=-4, kg=-1, s=3, A=2),
    "farad/metre2": D(m=-4, kg=-1, s=4, A=2),
    "amp/metre2": D(m=-2, A=1),
    "second**-0.5": D(s=-0.5),
    "volt**0.5": D(m=1, kg=0.5, s=-1.5, A=-0.5),
    "volt/second": D(m=2, kg=1, s=-4, A=-1),
    "newton*metre": D(m=2, kg=1, s=-2),
    "farad/metre": D(m=-3, kg=-1, s=4, A=2),
    "joule/kelvin": D(m=2, kg=1, s=-2, K=-1),
    "coulomb/mole": D(s=1, A=1, mol=-1),
    "volt*second": D(m=2, kg=1, s=-2, A=-1),
    "metre**-1": D(m=-1),
    "dimensionless": None,
}
with open(os.path.join(HERE, "quantities.tsv"), "w") as f:
    f.write("# unit\tnumber\tsi_value\tm\tkg\ts\tA\tK\tmol\tcd\tstr\trepr\n")
    items = [(n, getattr(allunits, n)) for n in units] + list(extra.items())
    for (uname, u), v in itertools.product(items, values):
        if u is None:
            q = v  # Brian2 turns dimensionless results into plain floats
        elif isinstance(u, Unit):
            q = v * u
        else:
            q = Quantity(v, dim=u)
        if isinstance(q, Quantity):
            d = q.dim
        else:
            d = get_or_create_dimension()
        f.write(f"{uname}\t{v!r}\t{float(q)!r}\t{dims(d)}\t{str(q)}\t{repr(q)}\n")

from brian2.units.fundamentalunits import user_unit_register

assert list(user_unit_register.units) == ["cmetre ** 2"], "generation registered new units"

rng = np.random.default_rng(2026)
floats = [0.0, -0.0, 1.0, 3.0, -3.0, 0.5, 0.1, 1 / 3, 2 / 3, 1e-4, 9.999e-5, 1e8, 99999999.99,
          123456789.0, 0.123456785, 1.000000005, 9.999999999, 5e-324, 1.7976931348623157e308,
          1e22, 1e-5, 2.5e-7, 65.0, 1e16, 1e15, 1234567890123456.0, 12345678901234567.0]
floats += [float(x) for x in 10.0 ** rng.uniform(-12, 12, 150) * rng.choice([-1, 1], 150)]
floats += [float(round(x, int(k))) for x, k in zip(rng.uniform(0, 1000, 60), rng.integers(0, 6, 60))]
with open(os.path.join(HERE, "floats.tsv"), "w") as f:
    f.write("# value\tnumpy_array_element\tpython_repr\n")
    for x in floats:
        s = np.array_str(np.array([x])).replace("[", "").replace("]", "").strip()
        f.write(f"{x!r}\t{s}\t{x!r}\n")

# Error messages of mismatched additions, subtractions and comparisons.
from brian2.units.fundamentalunits import DimensionMismatchError  # noqa: E402

operands = [
    3 * allunits.mvolt, 5 * allunits.second, -70 * allunits.mvolt, 10 * allunits.nsiemens,
    200 * allunits.pfarad, 2 * allunits.mmolar, 0.5 * allunits.namp, 3 * allunits.umetre2,
    Quantity(5e-5, dim=D(m=-4, kg=-1, s=3, A=2)), Quantity(3.0, dim=D(s=-0.5)),
    Quantity(2.0, dim=D(m=2, kg=1, s=-2, K=-1)), Quantity(3.0, dim=D(kg=1, mol=1)),
    1 * allunits.joule, 4 * allunits.hertz, 1.5 * allunits.kelvin, 7 * allunits.katal,
    Quantity(2.0, dim=D(m=2, kg=1, s=-2, A=-1)), 0 * allunits.volt, 2.5,
]
ops = [
    ("add", lambda a, b: a + b),
    ("subtract", lambda a, b: a - b),
    ("<", lambda a, b: a < b),
    (">=", lambda a, b: a >= b),
    ("==", lambda a, b: a == b),
]
with open(os.path.join(HERE, "errors.tsv"), "w") as f:
    f.write("# op\ta_value\tm\tkg\ts\tA\tK\tmol\tcd\tb_value\tm\tkg\ts\tA\tK\tmol\tcd\tmessage\n")
    for a, b in itertools.product(operands, operands):
        if isinstance(a, float):
            continue  # a plain float on the left would call float's operators
        for op, fn in ops:
            try:
                fn(a, b)
            except DimensionMismatchError as e:
                bd = b.dim if isinstance(b, Quantity) else get_or_create_dimension()
                f.write(f"{op}\t{float(a)!r}\t{dims(a.dim)}\t{float(b)!r}\t{dims(bd)}\t{e}\n")
