"""Every unit name Brian2 defines (``brian2.units.allunits``): all SI prefixes, squares and
cubes (``mvolt``, ``umetre2``, ``kgramme3``, ...), built from the Rust registry."""

from rheobase import _core
from rheobase.units.unit import Unit, remember_unit

_TABLE = _core.unit_table()

# One object per unit: `mV` is `mvolt`, as in Brian2.
_by_canonical = {}


def _make(row):
    _name, canonical, dispname, exponent, scale, dim, _star = row
    u = _by_canonical.get(canonical)
    if u is None:
        u = _by_canonical[canonical] = Unit(
            scale, dim=dim, scale=exponent, name=canonical, dispname=dispname
        )
        remember_unit(u)
    return u


#: Every unit by the name users write (``mV`` and ``mvolt`` are both here).
unit_by_name = {row[0]: _make(row) for row in _TABLE}
#: Every unit once, as Brian2's ``all_units`` list.
all_units = list(_by_canonical.values())
#: The names ``from brian2 import *`` exports.
star_exported_names = [row[0] for row in _TABLE if row[6]]

globals().update(unit_by_name)

__all__ = list(unit_by_name)
