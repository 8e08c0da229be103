"""numpy with rheobase's unit-aware replacements, as ``brian2.numpy_``: scripts that write
``np.exp`` or ``numpy.linspace`` get the unit-checking versions."""

import numpy
from numpy import *  # noqa: F403
from numpy import abs, max, min, round  # noqa: F401

from rheobase.units.unitsafefunctions import *  # noqa: F403
from rheobase.units.unitsafefunctions import __all__ as _safe_all

from builtins import bool, complex, float  # noqa: E402,F401  (Python's, not numpy's)

__all__ = list(numpy.__all__) + list(_safe_all)
