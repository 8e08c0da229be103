"""rheobase: spiking neural networks with Brian2's semantics and a Rust engine.

``from rheobase import *`` gives what ``from brian2 import *`` gives: the pylab names when
matplotlib is installed (numpy's otherwise), the units and their functions, and the
simulator's classes as they become available.
"""

try:
    from pylab import *  # noqa: F403
except ImportError:
    import datetime  # noqa: F401  (numpy's star import must not hide the standard module)

    import numpy.ma as ma  # noqa: F401
    from numpy import *  # noqa: F403
    from numpy.fft import *  # noqa: F403
    from numpy.linalg import *  # noqa: F403
    from numpy.random import *  # noqa: F403

# numpy and np are the unit-aware versions, as in Brian2.
import rheobase.numpy_ as numpy  # noqa: E402,F401
import rheobase.numpy_ as np  # noqa: E402,F401
from rheobase._core import __version__  # noqa: E402,F401
from rheobase.only import *  # noqa: E402,F403
from rheobase.spatial_morphology import Cylinder, Morphology, Section, Soma  # noqa: E402,F401
from rheobase.spatial_neuron import SpatialNeuron, SpatialSubgroup  # noqa: E402,F401
