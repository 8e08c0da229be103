"""The names of ``brian2.units.fundamentalunits``, for scripts that import from there."""

from rheobase.units.checks import check_units
from rheobase.units.dimensions import (
    DIMENSIONLESS,
    Dimension,
    DimensionMismatchError,
    fail_for_dimension_mismatch,
    get_dimensions,
    get_or_create_dimension,
    get_unit_for_display,
    have_same_dimensions,
    is_dimensionless,
)
from rheobase.units.quantity import (
    UFUNCS_CHANGE_DIMENSIONS,
    UFUNCS_COMPARISONS,
    UFUNCS_DIMENSIONLESS,
    UFUNCS_DIMENSIONLESS_TWOARGS,
    UFUNCS_INTEGERS,
    UFUNCS_LOGICAL,
    UFUNCS_MATCHING_DIMENSIONS,
    UFUNCS_PRESERVE_DIMENSIONS,
    Quantity,
    in_best_unit,
    in_unit,
    is_scalar_type,
    quantity_with_dimensions,
)
from rheobase.units.unit import Unit, get_unit, register_new_unit

__all__ = [
    "DimensionMismatchError",
    "get_or_create_dimension",
    "get_dimensions",
    "is_dimensionless",
    "have_same_dimensions",
    "in_unit",
    "in_best_unit",
    "Quantity",
    "Unit",
    "register_new_unit",
    "check_units",
    "is_scalar_type",
    "get_unit",
]

# Also importable from here, as in Brian2, but not star-exported.
_more = [
    DIMENSIONLESS,
    Dimension,
    fail_for_dimension_mismatch,
    get_unit_for_display,
    quantity_with_dimensions,
    UFUNCS_CHANGE_DIMENSIONS,
    UFUNCS_COMPARISONS,
    UFUNCS_DIMENSIONLESS,
    UFUNCS_DIMENSIONLESS_TWOARGS,
    UFUNCS_INTEGERS,
    UFUNCS_LOGICAL,
    UFUNCS_MATCHING_DIMENSIONS,
    UFUNCS_PRESERVE_DIMENSIONS,
]
