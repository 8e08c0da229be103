"""Everything ``from rheobase import *`` gives, without the numpy and pylab names (as
``brian2.only``)."""

from rheobase.core.base import BrianObject, BrianObjectException
from rheobase.core.clocks import Clock, defaultclock
from rheobase.core.magic import collect, restore, run, seed, start_scope, stop, store
from rheobase.core.network import Network
from rheobase.core.operations import NetworkOperation, network_operation
from rheobase.core.running import profiling_summary, scheduling_summary
from rheobase.core.preferences import (
    PreferenceError,
    all_devices,
    brian_prefs,
    device,
    get_device,
    prefs,
    set_device,
)
from rheobase.equations import Equations, Expression
from rheobase.groups import LinkedVariable, NeuronGroup, Subgroup, VariableView, linked_var
from rheobase.stateupdaters import *  # noqa: F403
from rheobase.synapses import Synapses
from rheobase.stateupdaters import __all__ as _stateupdaters_all
from rheobase.input import PoissonGroup, PoissonInput, SpikeGeneratorGroup, TimedArray
from rheobase.monitors import EventMonitor, PopulationRateMonitor, SpikeMonitor, StateMonitor
from rheobase.units import *  # noqa: F403
from rheobase.units import __all__ as _units_all
from rheobase.utils.logger import BrianLogger, get_logger, std_silent

__all__ = list(_units_all) + list(_stateupdaters_all) + [
    "BrianLogger",
    "get_logger",
    "std_silent",
    "Expression",
    "LinkedVariable",
    "linked_var",
    "PreferenceError",
    "all_devices",
    "brian_prefs",
    "BrianObject",
    "BrianObjectException",
    "Clock",
    "defaultclock",
    "NetworkOperation",
    "profiling_summary",
    "scheduling_summary",
    "network_operation",
    "collect",
    "restore",
    "run",
    "seed",
    "start_scope",
    "stop",
    "store",
    "Network",
    "device",
    "get_device",
    "prefs",
    "set_device",
    "Equations",
    "NeuronGroup",
    "Synapses",
    "PoissonGroup",
    "PoissonInput",
    "SpikeGeneratorGroup",
    "TimedArray",
    "Subgroup",
    "VariableView",
    "EventMonitor",
    "PopulationRateMonitor",
    "SpikeMonitor",
    "StateMonitor",
]
