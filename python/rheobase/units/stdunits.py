"""Brian2's short unit names (``brian2.units.stdunits``): ``mV``, ``nS``, ``um2``, ..."""

from rheobase.units.allunits import unit_by_name

__all__ = [
    "mV",
    "mA",
    "uA",
    "nA",
    "pA",
    "pF",
    "uF",
    "nF",
    "nS",
    "uS",
    "mS",
    "ms",
    "us",
    "Hz",
    "kHz",
    "MHz",
    "cm",
    "cm2",
    "cm3",
    "mm",
    "mm2",
    "mm3",
    "um",
    "um2",
    "um3",
    "mM",
    "uM",
    "nM",
]

globals().update({name: unit_by_name[name] for name in __all__})
