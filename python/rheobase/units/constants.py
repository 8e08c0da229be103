"""Physical constants (``brian2.units.constants``), with Brian2's values (CODATA 2014):
``avogadro_constant``, ``boltzmann_constant``, ``electric_constant``, ``electron_mass``,
``elementary_charge``, ``faraday_constant``, ``gas_constant``, ``magnetic_constant``,
``molar_mass_constant``, ``zero_celsius``."""

from rheobase import _core
from rheobase.units.quantity import Quantity

_VALUES = {
    name: Quantity(value, dim=dim, force_quantity=True)
    for name, value, dim in _core.constant_table()
}

globals().update(_VALUES)

__all__ = list(_VALUES)
