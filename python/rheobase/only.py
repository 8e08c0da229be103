"""Everything ``from rheobase import *`` gives, without the numpy and pylab names (as
``brian2.only``)."""

from rheobase.units import *  # noqa: F403
from rheobase.units import __all__ as _units_all

__all__ = list(_units_all)
