"""Every unit name Brian2 defines (``brian2.units.allunits``): all SI prefixes, squares and
cubes (``mvolt``, ``umetre2``, ``kgramme3``, ...), built from the Rust registry."""

from rheobase import _core
from rheobase.units.unit import Unit

_TABLE = _core.unit_table()


def _make(row):
    name, canonical, dispname, exponent, scale, dim, _star = row
    return Unit(scale, dim=dim, scale=exponent, name=canonical, dispname=dispname)


#: Every unit by the name users write (``mV`` and ``mvolt`` are both here).
all_units = {row[0]: _make(row) for row in _TABLE}
#: The names ``from brian2 import *`` exports.
star_exported_names = [row[0] for row in _TABLE if row[6]]

globals().update(all_units)

__all__ = list(all_units)
