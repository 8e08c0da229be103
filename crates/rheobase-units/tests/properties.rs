//! Properties of dimension algebra, quantity arithmetic and number formatting.

use proptest::prelude::*;
use rheobase_units::numfmt::{numpy_float_str, python_float_repr};
use rheobase_units::{format_quantity, lookup_unit, Dimension, Quantity, Ratio};

fn ratio() -> impl Strategy<Value = Ratio> {
    (-6i64..=6, prop::sample::select(vec![1i64, 2, 3, 4]))
        .prop_map(|(n, d)| Ratio::new(n, d).unwrap())
}

fn dimension() -> impl Strategy<Value = Dimension> {
    prop::array::uniform7(ratio()).prop_map(Dimension::from_exponents)
}

fn nonzero_ratio() -> impl Strategy<Value = Ratio> {
    ratio().prop_filter("non-zero", |r| !r.is_zero())
}

proptest! {
    #[test]
    fn mul_and_div_are_inverse(a in dimension(), b in dimension()) {
        prop_assert_eq!(a.mul(&b).div(&b), a);
        prop_assert_eq!(a.div(&b).mul(&b), a);
        prop_assert_eq!(a.mul(&b), b.mul(&a));
        prop_assert!(a.div(&a).is_dimensionless());
        prop_assert_eq!(a.inv().inv(), a);
    }

    #[test]
    fn powers_compose(a in dimension(), p in ratio(), q in ratio()) {
        prop_assert_eq!(a.pow(p).pow(q), a.pow(p * q));
        prop_assert_eq!(a.pow(p).mul(&a.pow(q)), a.pow(p + q));
        prop_assert_eq!(a.pow(Ratio::ONE), a);
        prop_assert!(a.pow(Ratio::ZERO).is_dimensionless());
    }

    #[test]
    fn roots_undo_powers(a in dimension(), p in nonzero_ratio()) {
        let inverse = Ratio::new(p.denom() as i64, p.numer() as i64).unwrap();
        prop_assert_eq!(a.pow(p).pow(inverse), a);
        prop_assert_eq!(a.mul(&a).sqrt(), a);
    }

    #[test]
    fn float_exponents_match_ratios(a in dimension(), p in ratio()) {
        prop_assert_eq!(a.powf(p.to_f64()), Some(a.pow(p)));
    }

    #[test]
    fn addition_needs_equal_dimensions(x in -1e6f64..1e6, y in -1e6f64..1e6, a in dimension(), b in dimension()) {
        let qa = Quantity::new(x, a);
        let qb = Quantity::new(y, b);
        let sum = qa.try_add(&qb);
        let zero_involved = (a.is_dimensionless() && x == 0.0) || (b.is_dimensionless() && y == 0.0);
        prop_assert_eq!(sum.is_ok(), a == b || zero_involved);
        if a != b && !zero_involved {
            let msg = sum.unwrap_err().to_string();
            prop_assert!(msg.starts_with("Cannot calculate "), "{}", msg);
            prop_assert!(msg.ends_with(")."), "{}", msg);
        }
    }

    #[test]
    fn quantity_product_and_quotient(x in 1e-6f64..1e6, y in 1e-6f64..1e6, a in dimension(), b in dimension()) {
        let qa = Quantity::new(x, a);
        let qb = Quantity::new(y, b);
        let back = qa.mul(&qb).div(&qb);
        prop_assert_eq!(back.dim, a);
        prop_assert!(((back.value - x) / x).abs() < 1e-12);
    }

    #[test]
    fn python_repr_round_trips(x in any::<f64>()) {
        let s = python_float_repr(x);
        if x.is_nan() {
            prop_assert_eq!(s, "nan");
        } else {
            prop_assert_eq!(s.parse::<f64>().unwrap(), x, "{}", s);
        }
    }

    #[test]
    fn numpy_str_keeps_eight_digits(x in any::<f64>().prop_filter("finite", |x| x.is_finite() && *x != 0.0)) {
        let s = numpy_float_str(x);
        // numpy writes `3.` and `1.e-05`; both parse once the bare point has a digit.
        let parsed: f64 = s.replace(".e", ".0e").trim_end_matches('.').parse().unwrap();
        let a = x.abs();
        if (1e-4..1e8).contains(&a) {
            prop_assert!((parsed - x).abs() <= 0.5e-8 * (1.0 + 1e-9), "{} -> {}", x, s);
        } else {
            prop_assert!(((parsed - x) / x).abs() <= 0.5e-8 * (1.0 + 1e-9), "{} -> {}", x, s);
        }
    }

    #[test]
    fn millivolts_print_in_a_volt_unit(x in -1e3f64..1e3) {
        let mv = lookup_unit("mV").unwrap();
        let text = format_quantity(&Quantity::new(x * mv.scale, mv.dim));
        prop_assert!(text.ends_with('V'), "{}", text);
    }
}
