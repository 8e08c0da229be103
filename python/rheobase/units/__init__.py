"""Physical units, as ``brian2.units``: every unit name, `Quantity`, `Unit`, the dimension
checks and the unit-aware numpy functions. Constants are in `rheobase.units.constants`."""

from rheobase.units import allunits, constants, stdunits  # noqa: F401  (submodules, as in Brian2)
from rheobase.units.allunits import (
    star_exported_names as _star_names,
    unit_by_name as _unit_by_name,
)
from rheobase.units.fundamentalunits import *  # noqa: F403
from rheobase.units.fundamentalunits import __all__ as _fundamental_all
from rheobase.units.unitsafefunctions import *  # noqa: F403
from rheobase.units.unitsafefunctions import __all__ as _safe_all

globals().update({name: _unit_by_name[name] for name in _star_names})

__all__ = list(_star_names) + list(_safe_all) + list(_fundamental_all)
