//! Keeps `docs/errors.md` true:
//! - every diagnostic code in the crates' sources (outside tests) has a `### `code`` entry,
//!   and every entry names a code that still exists;
//! - every rendered example in the page is what the engine prints today: each case below is
//!   parsed and checked, and its rendering must appear verbatim in the page.
//!
//! After a change in wording, print the new renderings with
//! `RHEOBASE_PRINT_ERROR_DOCS=1 cargo test -p rheobase-lang --test error_codes_documented -- --nocapture`
//! and paste them into `docs/errors.md`.

use rheobase_lang::check::{check_refractory, shadowing_warnings};
use rheobase_lang::{
    check_condition, check_equations, check_expression, check_statements_detailed, parse_equations,
    parse_expression, parse_statements, Diagnostics, Equations, Scope, SourceMap, StatementOptions,
    Substitution,
};
use rheobase_units::{lookup_unit, Quantity};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const AREAS: [&str; 7] = [
    "syntax",
    "units",
    "model",
    "integrate",
    "codegen",
    "runtime",
    "io",
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn errors_page() -> String {
    let path = workspace_root().join("docs/errors.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A source file without its test code: test-only files (`*tests.rs`, `testutil.rs`, files
/// in a `tests/` folder) are skipped, and a file is cut at its `#[cfg(test)] mod tests`
/// (codes such as `"syntax::x"` there are fixtures).
fn non_test_source(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let root = workspace_root();
    let relative = path.strip_prefix(&root).unwrap_or(path);
    let in_tests_folder = relative.components().any(|c| c.as_os_str() == "tests");
    if in_tests_folder || name.ends_with("tests.rs") || name == "testutil.rs" {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let lines: Vec<&str> = text.lines().collect();
    let cut = lines
        .windows(2)
        .position(|w| {
            // An inline `mod tests { ... }`; `mod tests;` declares a file skipped above.
            w[0].trim() == "#[cfg(test)]"
                && w[1].trim_start().starts_with("mod tests")
                && w[1].trim_end().ends_with('{')
        })
        .unwrap_or(lines.len());
    Some(lines[..cut].join("\n"))
}

/// Quoted code strings `"area::snake_case"` in `text`.
fn codes_in(text: &str, out: &mut BTreeSet<String>) {
    for piece in text.split('"').skip(1).step_by(2) {
        let Some((area, name)) = piece.split_once("::") else {
            continue;
        };
        let well_formed = AREAS.contains(&area)
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        if well_formed {
            out.insert(piece.to_string());
        }
    }
}

/// Codes the engine can emit, from every crate's sources.
fn source_codes() -> BTreeSet<String> {
    let mut files = Vec::new();
    let crates = workspace_root().join("crates");
    for entry in std::fs::read_dir(&crates).expect("crates/").flatten() {
        rust_files(&entry.path().join("src"), &mut files);
    }
    let mut codes = BTreeSet::new();
    for f in files {
        if let Some(text) = non_test_source(&f) {
            codes_in(&text, &mut codes);
        }
    }
    codes
}

/// Codes with an entry (`### `area::name``) in the page.
fn documented_codes(page: &str) -> BTreeSet<String> {
    page.lines()
        .filter_map(|l| l.strip_prefix("### `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn every_code_in_the_sources_is_documented() {
    let documented = documented_codes(&errors_page());
    let source = source_codes();
    assert!(source.len() > 40, "found only {source:?}");
    let missing: Vec<_> = source.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "codes without an entry in docs/errors.md: {missing:?}"
    );
}

#[test]
fn every_documented_code_still_exists() {
    let documented = documented_codes(&errors_page());
    let source = source_codes();
    let stale: Vec<_> = documented.difference(&source).collect();
    assert!(
        stale.is_empty(),
        "docs/errors.md documents codes no source emits: {stale:?}"
    );
}

/// The model the threshold, reset and expression examples are checked against.
pub const EXAMPLE_MODEL: &str = "dv/dt = (El - v)/tau + I/C : volt (unless refractory)
I = g*(El - v) : amp
El : volt
vt : volt (shared)
tau : second
C : farad
g : siemens
n_spikes : integer
active : boolean";

/// What an example is, and so how it is checked.
enum Input {
    /// A `NeuronGroup` model (parsed, then checked).
    Model(&'static str),
    /// A model given to `Equations(...)` (parsed, names and subexpression order checked).
    Equations(&'static str),
    /// `Equations(text, name=value)`.
    Substituted(&'static str, &'static str, f64),
    /// An expression, against [`EXAMPLE_MODEL`].
    Expression(&'static str),
    /// A threshold condition, against [`EXAMPLE_MODEL`].
    Threshold(&'static str),
    /// A `refractory` expression, against [`EXAMPLE_MODEL`].
    Refractory(&'static str),
    /// Reset code, against [`EXAMPLE_MODEL`] (warnings included).
    Reset(&'static str),
    /// `run_regularly` code, against [`EXAMPLE_MODEL`].
    RunRegularly(&'static str),
    /// An expression against [`EXAMPLE_MODEL`] with `N = 100` in the user's namespace
    /// (shadowing warnings).
    WithNamespaceN(&'static str),
    /// A model integrated with a method (`method="..."`; `None`: Brian2's automatic choice).
    Integrated(&'static str, Option<&'static str>),
    /// Differential equations built in code, not parsed (the integrators' own checks of
    /// what the parser already refuses): `(variable, right-hand side)` pairs, each one line.
    OdeSystem(&'static [(&'static str, &'static str)]),
    /// `symbolic::differentiate(expr, var)` (used by the integrators).
    Derivative(&'static str, &'static str),
    /// `symbolic::eval_const(expr)` (numeric evaluation of a constant expression).
    Evaluated(&'static str),
}

/// The scope of a `NeuronGroup` with refractoriness and `tau_c = 5*ms` in its namespace.
fn base_scope() -> Scope {
    let mut s = Scope::neuron_group(true);
    let ms = lookup_unit("ms").expect("ms");
    s.add_constant("tau_c", Quantity::new(5.0 * ms.scale, ms.dim));
    s
}

fn model_scope(sources: &mut SourceMap, base: &Scope) -> Scope {
    let src = sources.add("neurons.model", EXAMPLE_MODEL);
    let eqs = parse_equations(EXAMPLE_MODEL, src).expect("the example model parses");
    check_equations(&eqs, base)
        .expect("the example model is valid")
        .scope(base)
}

/// Parses and checks one example; returns the source map and what was reported.
fn run(input: &Input) -> (SourceMap, Diagnostics) {
    let mut sources = SourceMap::new();
    let base = base_scope();
    let expression = |sources: &mut SourceMap, name: &str, text: &str| {
        let src = sources.add(name, text);
        parse_expression(text, src)
    };
    let statements = |sources: &mut SourceMap, name: &str, text: &str| {
        let src = sources.add(name, text);
        parse_statements(text, src)
    };
    let result: Result<Diagnostics, Diagnostics> = match *input {
        Input::Model(text) => {
            let src = sources.add("neurons.model", text);
            parse_equations(text, src)
                .and_then(|eqs| check_equations(&eqs, &base))
                .map(|_| Diagnostics::new())
        }
        Input::Equations(text) => {
            let src = sources.add("neurons.model", text);
            Equations::parse(text, src).map(|_| Diagnostics::new())
        }
        Input::Substituted(text, name, value) => {
            let src = sources.add("neurons.model", text);
            let sub = [(name, Substitution::Value(Quantity::dimensionless(value)))];
            Equations::with_substitutions(text, src, &sub).map(|_| Diagnostics::new())
        }
        Input::Expression(text) => {
            let scope = model_scope(&mut sources, &base);
            expression(&mut sources, "neurons.expr", text)
                .and_then(|e| check_expression(&e, &scope))
                .map(|_| Diagnostics::new())
        }
        Input::Threshold(text) => {
            let scope = model_scope(&mut sources, &base);
            expression(&mut sources, "neurons.threshold", text)
                .and_then(|e| check_condition(&e, &scope, "threshold condition"))
                .map(|_| Diagnostics::new())
        }
        Input::Refractory(text) => {
            let scope = model_scope(&mut sources, &base);
            expression(&mut sources, "neurons.refractory", text)
                .and_then(|e| check_refractory(&e, &scope))
                .map(|_| Diagnostics::new())
        }
        Input::Reset(text) => {
            let scope = model_scope(&mut sources, &base);
            statements(&mut sources, "neurons.reset", text)
                .and_then(|s| check_statements_detailed(&s, &scope, &StatementOptions::RESET))
                .map(|checked| checked.warnings)
        }
        Input::RunRegularly(text) => {
            let scope = model_scope(&mut sources, &base);
            statements(&mut sources, "neurons.run_regularly", text)
                .and_then(|s| {
                    check_statements_detailed(&s, &scope, &StatementOptions::RUN_REGULARLY)
                })
                .map(|checked| checked.warnings)
        }
        Input::Integrated(..)
        | Input::OdeSystem(_)
        | Input::Derivative(..)
        | Input::Evaluated(_) => Ok(Diagnostics::new()),
        Input::WithNamespaceN(text) => {
            let mut scope = model_scope(&mut sources, &base);
            scope.add_typed_constant(
                "N",
                Quantity::dimensionless(100.0),
                rheobase_lang::VarType::Integer,
            );
            expression(&mut sources, "neurons.expr", text).and_then(|e| {
                check_expression(&e, &scope)?;
                Ok(shadowing_warnings(&e, &scope))
            })
        }
    };
    let result = match *input {
        Input::Integrated(text, method) => integrated(&mut sources, text, method),
        Input::OdeSystem(odes) => ode_system(&mut sources, odes),
        Input::Derivative(text, var) => expression(&mut sources, "neurons.expr", text)
            .and_then(|e| Ok(rheobase_lang::symbolic::differentiate(&e, var).map(|_| ())?))
            .map(|()| Diagnostics::new()),
        Input::Evaluated(text) => expression(&mut sources, "neurons.expr", text)
            .and_then(|e| Ok(rheobase_lang::symbolic::eval_const(&e).map(|_| ())?))
            .map(|()| Diagnostics::new()),
        _ => result,
    };
    let diagnostics = match result {
        Ok(warnings) => warnings,
        Err(errors) => errors,
    };
    (sources, diagnostics)
}

/// Parses `text` as a refractory `NeuronGroup` model and integrates it.
fn integrated(
    sources: &mut SourceMap,
    text: &str,
    method: Option<&str>,
) -> Result<Diagnostics, Diagnostics> {
    use rheobase_lang::integrate::{choose_method, integrate, Method, OdeSystem};
    let src = sources.add("neurons.model", text);
    let eqs = Equations::parse(text, src)?;
    check_equations(eqs.as_slice(), &base_scope())?;
    let system = OdeSystem::from_equations(&eqs, true);
    let outcome = match method {
        Some(name) => name
            .parse::<Method>()
            .and_then(|m| integrate(&system, m))
            .map(|_| ()),
        None => choose_method(&system).map(|_| ()),
    };
    outcome
        .map(|()| Diagnostics::new())
        .map_err(Diagnostics::from)
}

/// Integrates equations built in code with `euler`.
fn ode_system(sources: &mut SourceMap, odes: &[(&str, &str)]) -> Result<Diagnostics, Diagnostics> {
    use rheobase_lang::integrate::{integrate, Method, Ode, OdeSystem};
    let text: Vec<String> = odes
        .iter()
        .map(|(var, rhs)| format!("d{var}/dt = {rhs}"))
        .collect();
    let text = text.join("\n");
    let src = sources.add("neurons.model", text.clone());
    // The diagnostics point at whole equations; the right-hand sides' own spans are unused.
    let unused = rheobase_lang::SourceId(u32::MAX as _);
    let mut start = 0;
    let mut system = Vec::new();
    for (line, (var, rhs)) in text.split('\n').zip(odes) {
        system.push(Ode {
            var: var.to_string(),
            rhs: parse_expression(rhs, unused)?,
            unless_refractory: false,
            span: rheobase_lang::Span::new(src, start, start + line.len()),
        });
        start += line.len() + 1;
    }
    integrate(&OdeSystem::new(system), Method::Euler)
        .map(|_| Diagnostics::new())
        .map_err(Diagnostics::from)
}

fn nested(depth: usize) -> &'static str {
    Box::leak(format!("{}1", "-".repeat(depth)).into_boxed_str())
}

/// One example per code the language front end emits.
fn cases() -> Vec<(&'static str, Input)> {
    use Input::*;
    vec![
        ("syntax::unexpected_character", Model("dv/dt = -v^2/tau : volt")),
        ("syntax::invalid_number", Model("dv/dt = -v/(1.5.0*ms) : volt")),
        ("syntax::unexpected_token", Model("dv/dt = (El - v) tau : volt")),
        ("syntax::unclosed_parenthesis", Model("dv/dt = (El - v/tau : volt")),
        ("syntax::unmatched_parenthesis", Threshold("v > vt)")),
        ("syntax::trailing_operator", Model("dv/dt = -v/tau + : volt")),
        ("syntax::too_deeply_nested", Expression(nested(201))),
        ("syntax::chained_comparison", Threshold("-60*mV < v < vt")),
        ("syntax::expected_statement", Reset("5 = v")),
        ("syntax::expected_assignment", Reset("v := El")),
        ("syntax::comparison_as_assignment", Reset("v == El")),
        ("syntax::expected_equation", Model("v volt")),
        ("syntax::invalid_lhs", Model("dv/dx = -v/tau : volt")),
        ("syntax::missing_expression", Model("dv/dt = : volt")),
        ("syntax::missing_unit", Model("dv/dt = -v/tau")),
        ("syntax::misplaced_flags", Model("dv/dt = -v/tau : (unless refractory) volt")),
        ("syntax::invalid_flag_list", Model("dv/dt = -v/tau : volt ()")),
        ("units::unknown_unit", Model("v : volts")),
        ("units::not_base_unit", Model("v : mV")),
        ("units::invalid_unit", Model("v : volt + amp")),
        (
            "units::dimension_mismatch",
            Model("dv/dt = (El - v)/tau + I : volt\nEl : volt\ntau : second\nI : amp"),
        ),
        ("units::dimensioned_exponent", Expression("2**v")),
        ("units::invalid_exponent", Expression("v**(tau/ms)")),
        ("units::function_argument", Expression("exp(v)")),
        ("units::equation_dimension", Model("dv/dt = El - v : volt\nEl : volt")),
        ("units::assignment_dimension", Reset("v = 5*ms")),
        ("model::undefined_identifier", Model("dv/dt = (El - v)/tua : volt\nEl : volt\ntau : second")),
        ("model::unknown_function", Expression("expp(v/mV)")),
        ("model::not_a_function", Expression("tau(v)")),
        ("model::function_as_variable", Expression("v*exp")),
        ("model::wrong_argument_count", Expression("exp(v/mV, 2)")),
        ("model::not_boolean", Threshold("v - vt")),
        ("model::type_mismatch", Reset("active += 1")),
        ("model::noise_not_allowed", Reset("v += xi*mV")),
        (
            "model::invalid_noise",
            Model("dv/dt = -v/tau + xi*mV/ms**0.5 : volt\ndw/dt = -w/tau + xi/ms**0.5 : 1\ntau : second"),
        ),
        ("model::read_only_assignment", Reset("I = 0*amp")),
        ("model::shared_non_shared", RunRegularly("vt = v")),
        ("model::shared_write_not_allowed", Reset("vt = -50*mV")),
        ("model::shared_write_order", RunRegularly("v = El\nvt = -50*mV")),
        ("model::float_to_integer", Reset("n_spikes = v/mV")),
        ("model::ambiguous_name", WithNamespaceN("v/N")),
        ("model::circular_definition", Model("a = 2*b : 1\nb = 3*a : 1")),
        ("model::circular_subexpression", Equations("a = 2*b : 1\nb = 3*a : 1")),
        ("model::stateful_subexpression", Model("r = rand() : 1")),
        ("model::invalid_flag", Model("tau : second (unless refractory)")),
        ("model::invalid_name", Model("t : second")),
        ("model::invalid_type", Model("dn/dt = 1/second : integer")),
        ("model::duplicate_definition", Model("v : volt\nv : amp")),
        ("model::invalid_refractory", Refractory("v")),
        (
            "model::invalid_substitution",
            Substituted("dv/dt = -v/tau : volt\ntau : second", "v", 3.0),
        ),
        ("integrate::unknown_method", Integrated("dv/dt = -v/tau : volt\ntau : second", Some("rk5"))),
        (
            "integrate::unsupported_method",
            Integrated("dv/dt = -v**2/(tau*mV) : volt\ntau : second", Some("exact")),
        ),
        (
            "integrate::nonlinear_noise",
            Integrated("dv/dt = -v/tau + v*xi**2 : volt\ntau : second", Some("euler")),
        ),
        (
            "integrate::not_differentiable",
            Derivative("floor(v/mV)*mV/tau", "v"),
        ),
        ("integrate::duplicate_variable", OdeSystem(&[("v", "-v/second"), ("v", "v/second")])),
        ("integrate::reserved_name", OdeSystem(&[("t", "1")])),
        ("model::cannot_evaluate", Evaluated("2*rand()")),
    ]
}

/// How the page shows an example's input.
fn describe(input: &Input) -> String {
    let (what, text) = match *input {
        Input::Model(t) => ("model", t),
        Input::Equations(t) => ("`Equations(...)`", t),
        Input::Substituted(t, name, value) => {
            return format!("`Equations(..., {name}={value})` of\n\n```text\n{t}\n```")
        }
        Input::Expression(t) => ("expression", t),
        Input::Threshold(t) => ("threshold", t),
        Input::Refractory(t) => ("refractory", t),
        Input::Reset(t) => ("reset", t),
        Input::RunRegularly(t) => ("`run_regularly` code", t),
        Input::WithNamespaceN(t) => ("expression, with `N = 100` in the namespace", t),
        Input::Integrated(t, Some(m)) => {
            return format!("model, with `method='{m}'`:\n\n```text\n{t}\n```")
        }
        Input::Integrated(t, None) => ("model, no method given", t),
        Input::Derivative(t, var) => {
            return format!(
                "`symbolic::differentiate` with respect to `{var}` of\n\n```text\n{t}\n```"
            )
        }
        Input::Evaluated(t) => ("`symbolic::eval_const` of", t),
        Input::OdeSystem(odes) => {
            let lines: Vec<String> = odes.iter().map(|(v, r)| format!("d{v}/dt = {r}")).collect();
            return format!("equations built in code (not parsed), integrated with `euler`:\n\n```text\n{}\n```", lines.join("\n"));
        }
    };
    format!("{what}:\n\n```text\n{text}\n```")
}

#[test]
fn rendered_examples_are_in_the_docs() {
    let page = errors_page();
    let print = std::env::var_os("RHEOBASE_PRINT_ERROR_DOCS").is_some();
    let mut problems = Vec::new();
    for (code, input) in cases() {
        let (sources, diagnostics) = run(&input);
        let rendered = diagnostics.render(&sources);
        if print {
            println!(
                "### `{code}`\n\n{}\n\n```text\n{rendered}\n```\n",
                describe(&input)
            );
        }
        if !diagnostics.iter().any(|d| d.code == code) {
            problems.push(format!("{code}: the example reports {rendered:?}"));
        } else if !page.contains(&format!("```text\n{rendered}\n```")) {
            problems.push(format!("{code}: the page lacks\n{rendered}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
