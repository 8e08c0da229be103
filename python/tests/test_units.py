"""Unit arithmetic, numpy interop, errors and the star import, beyond the Brian2 reference
expressions (test_brian2_reference.py)."""

import copy
import json
import pathlib
import pickle

import numpy as np
import pytest

import rheobase
from rheobase import (
    DimensionMismatchError,
    Quantity,
    Unit,
    amp,
    check_units,
    cm,
    get_dimensions,
    get_or_create_dimension,
    have_same_dimensions,
    in_unit,
    is_dimensionless,
    kohm,
    metre,
    ms,
    mV,
    mvolt,
    nA,
    nS,
    second,
    siemens,
    volt,
)
from rheobase.units import constants
from rheobase.units.fundamentalunits import Dimension

REFERENCE = json.loads(
    (pathlib.Path(__file__).parent / "data" / "brian2_reference.json").read_text()
)


class TestDimension:
    def test_algebra_from_rust(self):
        v = get_dimensions(volt)
        a = get_dimensions(amp)
        assert v / a == get_dimensions(kohm)
        assert (v / a) * a == v
        assert v**2 == v * v
        assert (v**0.5) ** 2 == v
        assert (v / v).is_dimensionless
        assert not v.is_dimensionless
        assert v.dim == v

    def test_hashable_and_equal(self):
        assert hash(get_dimensions(mV)) == hash(get_dimensions(volt))
        assert len({get_dimensions(mV), get_dimensions(volt), get_dimensions(nA)}) == 2
        assert get_dimensions(mV) != get_dimensions(nA)

    def test_text(self):
        assert str(get_dimensions(volt)) == "m^2 kg s^-3 A^-1"
        assert repr(get_dimensions(volt)) == "metre ** 2 * kilogram * second ** -3 * amp ** -1"
        assert str(get_dimensions(second) ** -0.5) == "s^-0.5"
        assert repr(Dimension()) == "Dimension()"

    def test_constructors(self):
        force = get_or_create_dimension(length=1, mass=1, time=-2)
        assert force == get_or_create_dimension([1, 1, -2, 0, 0, 0, 0])
        assert tuple(force.exponents) == (1.0, 1.0, -2.0, 0.0, 0.0, 0.0, 0.0)
        assert force is get_or_create_dimension(m=1, kg=1, s=-2)
        assert get_dimensions(500 * ms) is get_or_create_dimension([0, 0, 1, 0, 0, 0, 0])
        assert get_dimensions(5.0) is rheobase.units.fundamentalunits.DIMENSIONLESS
        assert force.get_dimension("time") == -2
        with pytest.raises(KeyError):
            get_or_create_dimension(furlongs=1)
        with pytest.raises(TypeError, match="exactly 7"):
            get_or_create_dimension([1, 2, 3])
        with pytest.raises(ValueError):
            Dimension([1, 2])

    def test_exponents_must_be_simple_fractions(self):
        with pytest.raises(ValueError, match="simple fraction"):
            get_dimensions(volt) ** np.pi
        with pytest.raises(OverflowError):
            (get_dimensions(volt) ** 500) ** 500**3

    def test_pickle(self):
        d = get_dimensions(nS)
        assert pickle.loads(pickle.dumps(d)) == d


class TestArithmetic:
    def test_scalars_are_zero_dimensional_quantities(self):
        x = 3 * mV
        assert isinstance(x, Quantity) and x.shape == ()
        assert float(x) == pytest.approx(0.003)

    def test_dimensionless_results_are_plain(self):
        assert type(3 * mV / mV) is float
        ratio = np.ones(3) * mV / mV
        assert type(ratio) is np.ndarray
        assert type(float(1 * volt / (1 * mV))) is float

    def test_zero_matches_any_dimension(self):
        assert 3 * mV + 0 == 3 * mV
        assert (3 * mV > 0) and not (3 * mV == 0)
        assert sum([1 * mV, 2 * mV]) == 3 * mV  # Python's sum starts at 0
        with pytest.raises(DimensionMismatchError):
            3 * mV + 0 * second

    def test_in_place(self):
        x = np.ones(3) * mV
        x += 2 * mV
        assert np.allclose(np.asarray(x), 0.003)
        x *= 2
        assert np.allclose(np.asarray(x), 0.006)
        with pytest.raises(DimensionMismatchError):
            x += 1 * nA
        with pytest.raises(TypeError, match="in-place"):
            u = mV
            u += mV

    def test_setitem_checks_units(self):
        x = np.zeros(3) * mV
        x[1] = 5 * mV
        assert x[1] == 5 * mV
        with pytest.raises(DimensionMismatchError, match="Inconsistent units in assignment"):
            x[0] = 1 * nA

    def test_reductions_keep_units(self):
        x = np.array([1.0, 2.0, 4.0]) * mV
        for f in (np.sum, np.mean, np.min, np.max, np.std, np.median, np.cumsum):
            assert have_same_dimensions(f(x), volt), f.__name__
        assert have_same_dimensions(np.var(x), volt**2)
        assert np.argmax(x) == 2
        assert have_same_dimensions(x.prod(), volt**3)

    def test_numpy_builders(self):
        v = np.linspace(10, 100, 300) * mV
        assert v.shape == (300,) and have_same_dimensions(v, volt)
        r = np.random.rand(5) * 10 * mV
        assert have_same_dimensions(r, volt)
        t = np.arange(10) * 0.1 * ms
        assert type(t / ms) is np.ndarray

    def test_functions_need_dimensionless_arguments(self):
        assert rheobase.exp(0.0) == 1.0
        assert np.exp(2 * mV / mV) == pytest.approx(np.e**2)
        for f in (rheobase.exp, rheobase.log, rheobase.sin, np.exp, np.log, np.cos):
            with pytest.raises(DimensionMismatchError, match="expects a dimensionless argument"):
                f(3 * mV)

    def test_sqrt_and_powers(self):
        assert have_same_dimensions(np.sqrt(4 * metre**2), metre)
        assert have_same_dimensions((2 * mV) ** 3, volt**3)
        with pytest.raises(DimensionMismatchError, match="exponent for a power"):
            2 ** (3 * mV)
        with pytest.raises(ValueError, match="simple fraction"):
            (3 * mV) ** np.pi

    def test_units_combine_into_units(self):
        u = mV / ms
        assert isinstance(u, Unit) and str(u) == "mV/ms" and repr(u) == "mvolt / msecond"
        assert isinstance(2 / ms, Quantity) and not isinstance(2 / ms, Unit)
        assert mV == mvolt and hash(mV) == hash(mvolt) and mV != volt

    def test_best_unit_is_the_unit_object(self):
        assert (np.arange(10) * mV).get_best_unit() is mvolt
        assert (3 * volt).get_best_unit() is volt
        density = nS / rheobase.cm2  # a new unit, registered for display
        assert (5 * density).get_best_unit() is density
        assert str(0.5 * nS / rheobase.cm2) == "0.5 nS/cm^2"  # cm2 is a named unit

    def test_list_to_quantity(self):
        q = Quantity([1 * mV, 2 * mV])
        assert have_same_dimensions(q, volt) and q.shape == (2,)
        with pytest.raises(DimensionMismatchError, match="Mixing quantities"):
            Quantity([1 * mV, 2 * nA])
        with pytest.raises(TypeError, match="Quantities can only be created from numerical data"):
            Quantity(["a"])

    def test_copy_and_pickle_keep_units(self):
        x = np.array([1.0, 2.0]) * nS
        for y in (copy.deepcopy(x), pickle.loads(pickle.dumps(x)), x.copy()):
            assert have_same_dimensions(y, siemens)
            assert np.array_equal(np.asarray(y), np.asarray(x))
        assert pickle.loads(pickle.dumps(mV)) == mV


class TestDisplay:
    def test_numpy_print_options_apply(self):
        # What Brian2 2.9 prints under the same options.
        with np.printoptions(precision=3):
            assert str(1.23456789 * mV) == "1.235 mV"
            assert repr(1.23456789 * mV) == "1.235 * mvolt"
            assert str(np.array([1.23456789]) * mV) == "[1.235] mV"
        assert str(1.23456789 * mV) == "1.23456789 mV"

    def test_in_best_unit_precision(self):
        assert (0.00123456 * volt).in_best_unit(3) == "1.235 mV"
        with pytest.raises(ValueError, match="precision"):
            (3 * mV).in_best_unit(-1)


class TestErrors:
    def test_exception_carries_description_and_dims(self):
        with pytest.raises(DimensionMismatchError) as info:
            3 * mV + 2 * nA
        e = info.value
        assert e.desc == "Cannot calculate 3. mV add 2. nA, the units do not match"
        assert e.dims == (get_dimensions(volt), get_dimensions(amp))
        assert isinstance(e, Exception)

    def test_users_can_raise_it(self):
        e = DimensionMismatchError("Oops", get_dimensions(volt), get_dimensions(second))
        assert str(e) == "Oops (units are V and s)."
        assert str(DimensionMismatchError("Plain")) == "Plain"
        assert repr(DimensionMismatchError("Oops", get_dimensions(volt))).startswith(
            "DimensionMismatchError('Oops'"
        )

    def test_in_unit_errors(self):
        with pytest.raises(DimensionMismatchError, match='Non-matching unit for method "in_unit"'):
            in_unit(3 * mV, second)


class TestCheckUnits:
    def test_arguments_and_result(self):
        @check_units(v=volt, i=amp, result=volt / amp)
        def resistance(v, i):
            return v / i

        assert have_same_dimensions(resistance(3 * mV, 2 * nA), kohm)
        with pytest.raises(DimensionMismatchError) as info:
            resistance(3 * nA, 2 * nA)
        assert str(info.value) == (
            "Function 'resistance' expected a quantity with unit volt for argument 'v' but got "
            "'3. nA' (unit is A)."
        )

        @check_units(x=1, result=volt)
        def wrong(x):
            return x

        with pytest.raises(DimensionMismatchError, match="return value of function 'wrong'"):
            wrong(2)

    def test_same_units_as_and_booleans(self):
        @check_units(a=None, b="a", flag=bool)
        def f(a, b, flag=False):
            return a

        assert f(1 * mV, 2 * mV) == 1 * mV
        with pytest.raises(DimensionMismatchError, match="same units as argument 'a'"):
            f(1 * mV, 2 * nA)
        with pytest.raises(TypeError, match="boolean"):
            f(1 * mV, 2 * mV, flag=3)
        assert f(1 * mV, "v") == 1 * mV  # strings name variables and pass


class TestNamespace:
    def test_every_brian2_units_name_exists(self):
        from rheobase import units

        missing = [n for n in REFERENCE["units_all"] if not hasattr(units, n)]
        # register_new_unit and friends are all there; nothing of brian2.units is missing.
        assert missing == []

    def test_star_import(self):
        ns = {}
        exec("from rheobase import *", ns)
        for name in [
            "mV",
            "nS",
            "um2",
            "cmetre",
            "Quantity",
            "Unit",
            "DimensionMismatchError",
            "check_units",
            "in_unit",
            "in_best_unit",
            "get_dimensions",
            "have_same_dimensions",
            "is_dimensionless",
            "linspace",
            "arange",
            "exp",
            "log",
            "sqrt",
            "sum",
            "mean",
            "array",
            "ones",
            "zeros",
            "rand",
            "randn",
            "pi",
            "inf",
            "np",
            "numpy",
        ]:
            assert name in ns, name
        assert ns["exp"] is rheobase.units.unitsafefunctions.exp
        assert ns["np"].exp is rheobase.units.unitsafefunctions.exp
        assert "celsius" not in ns and "faraday_constant" not in ns and "radian" not in ns

    def test_only_has_no_numpy_names(self):
        ns = {}
        exec("from rheobase.only import *", ns)
        assert "mV" in ns and "Quantity" in ns
        assert "array" not in ns and "rand" not in ns

    def test_constants(self):
        for name, (value, dim) in REFERENCE["constants"].items():
            c = getattr(constants, name)
            assert float(c) == value, name
            assert str(get_dimensions(c)) == dim, name

    def test_is_dimensionless(self):
        assert is_dimensionless(3) and is_dimensionless(ms / second) and not is_dimensionless(mV)
        assert cm == 0.01 * metre
