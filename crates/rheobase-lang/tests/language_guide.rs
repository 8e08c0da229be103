//! Checks the claims of `docs/language.md` against the parser and checker: precedence,
//! dimension and type rules, functions, statements, name resolution and noise.

use rheobase_lang::check::shadowing_warnings;
use rheobase_lang::{
    check_condition, check_equations, check_expression, check_statements_detailed, parse_equations,
    parse_expression, parse_statements, Diagnostics, Scope, SourceId, StatementOptions, Typed,
    VarType,
};
use rheobase_units::{lookup_unit, Dimension, Quantity};

const SRC: SourceId = SourceId(0);
const VOLT: Dimension = Dimension::from_ints([2, 1, -3, -1, 0, 0, 0]);
const SECOND: Dimension = Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]);

const MODEL: &str = "dv/dt = (El - v)/tau + I/C : volt (unless refractory)
I = g*(El - v) : amp
El : volt
vt : volt (shared)
tau : second
C : farad
g : siemens
n_spikes : integer
active : boolean";

fn base() -> Scope {
    let mut s = Scope::neuron_group(true);
    let ms = lookup_unit("ms").expect("ms");
    s.add_constant("tau_c", Quantity::new(5.0 * ms.scale, ms.dim));
    s
}

fn scope() -> Scope {
    let eqs = parse_equations(MODEL, SRC).expect("parses");
    check_equations(&eqs, &base())
        .expect("valid")
        .scope(&base())
}

fn codes(d: &Diagnostics) -> Vec<&'static str> {
    d.iter().map(|d| d.code).collect()
}

fn typed(text: &str) -> Result<Typed, Vec<&'static str>> {
    let e = parse_expression(text, SRC).map_err(|d| codes(&d))?;
    check_expression(&e, &scope()).map_err(|d| codes(&d))
}

fn model(text: &str) -> Result<(), Vec<&'static str>> {
    let eqs = parse_equations(text, SRC).map_err(|d| codes(&d))?;
    check_equations(&eqs, &base())
        .map(|_| ())
        .map_err(|d| codes(&d))
}

/// Errors and warnings of statements checked as `options`.
fn statements(text: &str, options: &StatementOptions) -> Vec<&'static str> {
    let st = parse_statements(text, SRC).expect("parses");
    match check_statements_detailed(&st, &scope(), options) {
        Ok(checked) => codes(&checked.warnings),
        Err(d) => codes(&d),
    }
}

/// The expression with full parentheses, as the printer writes it.
fn grouped(text: &str) -> String {
    let e = parse_expression(text, SRC).expect("parses");
    e.to_string()
}

#[test]
fn precedence() {
    assert_eq!(grouped("-x**2"), grouped("-(x**2)"));
    assert_eq!(grouped("2**-1"), grouped("2**(-1)"));
    assert_eq!(grouped("2**3**2"), grouped("2**(3**2)"));
    assert_eq!(grouped("not a < b"), grouped("not (a < b)"));
    assert_eq!(grouped("a or b and c"), grouped("a or (b and c)"));
    assert_eq!(grouped("a + b * c % d"), grouped("a + ((b * c) % d)"));
    let e = parse_expression("a < b < c", SRC).unwrap_err();
    assert_eq!(codes(&e), ["syntax::chained_comparison"]);
    assert_eq!(
        codes(&parse_expression("07", SRC).unwrap_err()),
        ["syntax::invalid_number"]
    );
}

#[test]
fn dimensions_and_types() {
    assert_eq!(typed("v + 1"), Err(vec!["units::dimension_mismatch"]));
    assert_eq!(typed("v + 1*mV").map(|t| t.dim), Ok(VOLT));
    assert_eq!(typed("t // ms"), Err(vec!["units::dimension_mismatch"]));
    assert_eq!(typed("(t/ms) // 5").map(|t| t.vtype), Ok(VarType::Float));
    assert_eq!(typed("v % (1*mV)").map(|t| t.dim), Ok(VOLT));
    assert_eq!(typed("2**v"), Err(vec!["units::dimensioned_exponent"]));
    assert_eq!(typed("v**(tau/ms)"), Err(vec!["units::invalid_exponent"]));
    assert!(typed("v**2").is_ok() && typed("tau**0.5").is_ok());
    assert_eq!(typed("i / 2").map(|t| t.vtype), Ok(VarType::Float));
    assert_eq!(typed("i // 2").map(|t| t.vtype), Ok(VarType::Integer));
    assert_eq!(
        typed("i % 2 + i * 3").map(|t| t.vtype),
        Ok(VarType::Integer)
    );
    assert_eq!(typed("not i").map(|t| t.vtype), Ok(VarType::Boolean));
    assert_eq!(typed("not v"), Err(vec!["model::not_boolean"]));
    assert_eq!(typed("v and active"), Err(vec!["model::not_boolean"]));
    assert_eq!(typed("-active"), Err(vec!["model::type_mismatch"]));
    assert_eq!(
        typed("true and False").map(|t| t.vtype),
        Ok(VarType::Boolean)
    );
}

#[test]
fn functions() {
    assert_eq!(typed("sqrt(v*v)").map(|t| t.dim), Ok(VOLT));
    assert_eq!(typed("abs(i)").map(|t| t.vtype), Ok(VarType::Integer));
    assert_eq!(
        typed("floor(v)").map(|t| (t.dim, t.vtype)),
        Ok((VOLT, VarType::Float))
    );
    assert_eq!(
        typed("sign(v)").map(|t| t.dim),
        Ok(Dimension::DIMENSIONLESS)
    );
    assert_eq!(typed("clip(v, El, vt)").map(|t| t.dim), Ok(VOLT));
    assert_eq!(
        typed("clip(v, El, tau)"),
        Err(vec!["units::function_argument"])
    );
    assert_eq!(typed("int(v/mV)").map(|t| t.vtype), Ok(VarType::Integer));
    assert_eq!(typed("poisson(2)").map(|t| t.vtype), Ok(VarType::Integer));
    assert_eq!(
        typed("timestep(t, dt)").map(|t| t.vtype),
        Ok(VarType::Integer)
    );
    assert_eq!(typed("exp(v)"), Err(vec!["units::function_argument"]));
    assert_eq!(
        typed("exp(v/mV, 2)"),
        Err(vec!["model::wrong_argument_count"])
    );
    assert_eq!(typed("tau(v)"), Err(vec!["model::not_a_function"]));
    assert_eq!(typed("v*exp"), Err(vec!["model::function_as_variable"]));
}

#[test]
fn equations() {
    // Multi-line right-hand side, flags on the next line, comments.
    assert_eq!(
        model("dv/dt = (El - v)\n   / tau : volt # leak\n  (unless refractory)\nEl : volt\ntau : second"),
        Ok(())
    );
    assert_eq!(model("v : mV"), Err(vec!["units::not_base_unit"]));
    assert_eq!(
        model("n : integer\nb : boolean\nr : 1\nh : 1/second"),
        Ok(())
    );
    assert_eq!(
        model("dn/dt = 1/second : integer"),
        Err(vec!["model::invalid_type"])
    );
    // Subexpressions in any order; cycles refused.
    assert_eq!(model("a = 2*b : 1\nb = 3*c : 1\nc : 1"), Ok(()));
    assert!(model("a = 2*b : 1\nb = 3*a : 1").is_err());
    assert_eq!(
        model("r = rand() : 1"),
        Err(vec!["model::stateful_subexpression"])
    );
    assert_eq!(model("r = rand() : 1 (constant over dt)"), Ok(()));
    for name in ["t", "xi_2", "pi", "exp", "mV", "_x"] {
        assert!(model(&format!("{name} : 1")).is_err(), "{name}");
    }
}

#[test]
fn statements_rules() {
    let reset = &StatementOptions::RESET;
    let regularly = &StatementOptions::RUN_REGULARLY;
    assert!(
        statements("x = v/2\nv = x", reset).is_empty(),
        "temporaries"
    );
    assert_eq!(statements("v *= 2", reset), Vec::<&str>::new());
    assert_eq!(
        statements("v *= El", reset),
        ["units::assignment_dimension"]
    );
    assert_eq!(
        statements("I = 0*amp", reset),
        ["model::read_only_assignment"]
    );
    assert_eq!(
        statements("t = 0*ms", reset),
        ["model::read_only_assignment"]
    );
    assert_eq!(statements("active = 1", reset), ["model::not_boolean"]);
    assert_eq!(
        statements("n_spikes = v/mV", reset),
        ["model::float_to_integer"]
    );
    assert_eq!(
        statements("vt = -50*mV", reset),
        ["model::shared_write_not_allowed"]
    );
    assert!(statements("vt = -50*mV\nv = El", regularly).is_empty());
    assert_eq!(
        statements("v = El\nvt = -50*mV", regularly),
        ["model::shared_write_order"]
    );
    assert_eq!(
        statements("vt = v", regularly),
        ["model::shared_non_shared"]
    );
    assert_eq!(
        statements("v += xi*mV", reset),
        ["model::noise_not_allowed"]
    );
}

#[test]
fn name_resolution() {
    let mut s = scope();
    s.add_constant("e", Quantity::dimensionless(3.0));
    s.add_constant("my_tau", Quantity::new(0.01, SECOND));
    let e = parse_expression("e + N + my_tau/ms", SRC).expect("parses");
    let t = check_expression(&e, &s).expect("checks");
    assert_eq!(t.dim, Dimension::DIMENSIONLESS);
    let w = shadowing_warnings(&e, &s);
    assert_eq!(codes(&w), ["model::ambiguous_name"]);
    assert!(w.0[0].message.contains("`e`"));
    assert_eq!(typed("k_B"), Err(vec!["model::undefined_identifier"]));
    let cond = parse_expression("v > vt and not_refractory", SRC).unwrap();
    assert!(check_condition(&cond, &scope(), "threshold condition").is_ok());
}

#[test]
fn noise() {
    let ok = "dv/dt = -v/tau + sigma*sqrt(2/tau)*xi : volt\nsigma : volt\ntau : second";
    assert_eq!(model(ok), Ok(()));
    let two =
        "dv/dt = -v/tau + xi*mV/ms**0.5 : volt\ndw/dt = -w/tau + xi/ms**0.5 : 1\ntau : second";
    assert_eq!(model(two), Err(vec!["model::invalid_noise"]));
    let named =
        "dv/dt = -v/tau + xi_1*mV/ms**0.5 : volt\ndw/dt = -w/tau + xi_2/ms**0.5 : 1\ntau : second";
    assert_eq!(model(named), Ok(()));
    let sub = "dv/dt = -v/tau + n : volt\nn = xi_1*mV/ms**0.5 : volt/second\ntau : second";
    assert_eq!(model(sub), Ok(()));
    assert!(
        model("dv/dt = -v/tau + n : volt\nn = xi*mV/ms**0.5 : volt/second\ntau : second").is_err()
    );
}

#[test]
fn flags_per_group() {
    use rheobase_lang::check::GroupKind;
    let check = |text: &str, group| {
        let eqs = parse_equations(text, SRC).map_err(|d| codes(&d))?;
        let mut s = Scope::new();
        s.add_synapse_builtins();
        let scope = if group == GroupKind::Synapses {
            s
        } else {
            base()
        };
        rheobase_lang::check_equations_for(&eqs, &scope, group)
            .map(|_| ())
            .map_err(|d| codes(&d))
    };
    let neurons = GroupKind::NeuronGroup;
    let synapses = GroupKind::Synapses;
    assert_eq!(check("x : 1 (constant, shared)", neurons), Ok(()));
    assert_eq!(check("x : 1 (linked)", neurons), Ok(()));
    assert_eq!(
        check("x : 1 (shared, shared)", neurons),
        Err(vec!["model::invalid_flag"])
    );
    assert_eq!(
        check("dx/dt = -x/second : 1 (event-driven)", neurons),
        Err(vec!["model::invalid_flag"])
    );
    assert_eq!(
        check("dx/dt = -x/second : 1 (event-driven)", synapses),
        Ok(())
    );
    assert_eq!(
        check(
            "dx/dt = -x/second : 1 (event-driven, clock-driven)",
            synapses
        ),
        Err(vec!["model::invalid_flag"])
    );
    assert_eq!(check("y = 2*w : 1 (summed)\nw : 1", synapses), Ok(()));
    assert_eq!(
        check("y = 2*w : 1 (summed, constant over dt)\nw : 1", synapses),
        Err(vec!["model::invalid_flag"])
    );
    assert_eq!(
        check(
            "dv/dt = -v/tau : volt\n  (unless refractory)\ntau : second",
            neurons
        ),
        Ok(())
    );
}

#[test]
fn integration_methods() {
    use rheobase_lang::integrate::{choose_method, integrate, Method, OdeSystem};
    assert_eq!("RK4".parse::<Method>().ok(), Some(Method::Rk4));
    assert_eq!("linear".parse::<Method>().ok(), Some(Method::Exact));
    assert_eq!(
        "rk5".parse::<Method>().map_err(|d| d.code),
        Err("integrate::unknown_method")
    );
    let system = |text: &str| {
        let eqs = rheobase_lang::Equations::parse(text, SRC).expect("parses");
        OdeSystem::from_equations(&eqs, true)
    };
    let leak = system("dv/dt = -v/tau : volt\ntau : second");
    assert_eq!(
        choose_method(&leak).map(|(m, _)| m).ok(),
        Some(Method::Exact)
    );
    // Singular (no decay): the automatic choice leaves it to euler; `exact` by name solves it.
    let drive = system("dv/dt = I/C : volt\nI : amp\nC : farad");
    assert_eq!(
        choose_method(&drive).map(|(m, _)| m).ok(),
        Some(Method::Euler)
    );
    assert!(integrate(&drive, Method::Exact).is_ok());
    let squared = system("dv/dt = -v**2/(tau*mV) : volt\ntau : second");
    assert_eq!(
        choose_method(&squared).map(|(m, _)| m).ok(),
        Some(Method::Euler)
    );
    let noisy = system("dv/dt = -v/tau + v*xi**2 : volt\ntau : second");
    assert_eq!(
        integrate(&noisy, Method::Euler).map_err(|d| d.code).err(),
        Some("integrate::nonlinear_noise")
    );
}
