//! Snapshots of rendered diagnostics for bad inputs (`src/snapshots/`). A change in wording or
//! caret position shows up in review. Regenerate with `INSTA_UPDATE=always cargo test`, then read
//! every changed snapshot.

use crate::equations::Equations;
use crate::parser::{
    parse_equations, parse_expression, parse_statements, validate_flags, NEURON_GROUP_FLAGS,
};
use crate::span::SourceMap;
use proptest::prelude::*;

enum Kind {
    Expression,
    Statements,
    Equations,
    /// Parse as equations for a `NeuronGroup`, then check the flags.
    NeuronGroupModel,
}

/// The rendered diagnostics for `text`, parsed as `kind` from a source called `name`; the
/// input is shown on top so the snapshot reads on its own.
fn render(kind: Kind, name: &str, text: &str) -> String {
    let mut sources = SourceMap::new();
    let src = sources.add(name, text);
    let diagnostics = match kind {
        Kind::Expression => parse_expression(text, src).err(),
        Kind::Statements => parse_statements(text, src).err(),
        Kind::Equations => Equations::parse(text, src).err(),
        Kind::NeuronGroupModel => match parse_equations(text, src) {
            Err(d) => Some(d),
            Ok(eqs) => eqs
                .iter()
                .filter_map(|eq| validate_flags(eq, &NEURON_GROUP_FLAGS).err())
                .next(),
        },
    };
    let diagnostics = diagnostics.expect("this input must be rejected");
    format!("{text}\n---\n{}", diagnostics.render(&sources))
}

macro_rules! snapshot {
    ($name:ident, $kind:expr, $source:expr, $text:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), render($kind, $source, $text));
        }
    };
}

snapshot!(
    unbalanced_parenthesis,
    Kind::Equations,
    "neurons.model",
    "dv/dt = (El - v/tau : volt"
);
snapshot!(
    unmatched_closing_parenthesis,
    Kind::Expression,
    "neurons.threshold",
    "v > (vt + 2*mV))"
);
snapshot!(
    unexpected_token,
    Kind::Expression,
    "neurons.threshold",
    "v > vt 2*mV"
);
snapshot!(
    missing_unit,
    Kind::Equations,
    "neurons.model",
    "dv/dt = (El - v)/tau\ntau : second"
);
snapshot!(
    missing_unit_after_colon,
    Kind::Equations,
    "neurons.model",
    "tau :   # the time constant"
);
snapshot!(
    unknown_unit,
    Kind::Equations,
    "neurons.model",
    "g : siemenz"
);
snapshot!(scaled_unit, Kind::Equations, "neurons.model", "v : mV");
snapshot!(
    quantity_as_unit,
    Kind::Equations,
    "neurons.model",
    "v : 2*volt"
);
snapshot!(
    bad_flag,
    Kind::NeuronGroupModel,
    "neurons.model",
    "dv/dt = -v/tau : volt (constant)"
);
snapshot!(
    flags_before_unit_in_equation,
    Kind::Equations,
    "neurons.model",
    "dv/dt = -v/tau (unless refractory) : volt"
);
snapshot!(
    flags_before_unit,
    Kind::Equations,
    "neurons.model",
    "tau : (constant) second"
);
snapshot!(
    flags_without_unit,
    Kind::Equations,
    "neurons.model",
    "tau : (constant)"
);
snapshot!(
    bad_derivative,
    Kind::Equations,
    "neurons.model",
    "dv/dx = -v/tau : volt"
);
snapshot!(
    derivative_without_right_side,
    Kind::Equations,
    "neurons.model",
    "dv/dt : volt"
);
snapshot!(
    trailing_operator,
    Kind::Statements,
    "neurons.reset",
    "v = vr +\n"
);
snapshot!(
    empty_right_side,
    Kind::Equations,
    "neurons.model",
    "dv/dt =  : volt"
);
snapshot!(missing_name, Kind::Equations, "neurons.model", ": volt");
snapshot!(not_an_equation, Kind::Equations, "neurons.model", "v volt");
snapshot!(
    duplicate_definition,
    Kind::Equations,
    "neurons.model",
    "v : volt\ntau : second\ndv/dt = -v/tau : volt"
);
snapshot!(
    unknown_character,
    Kind::Equations,
    "neurons.model",
    "dv/dt = -v/tau $ 2 : volt"
);
snapshot!(
    caret_for_power,
    Kind::Expression,
    "neurons.threshold",
    "v > x^2"
);
snapshot!(
    comparison_as_assignment,
    Kind::Statements,
    "neurons.reset",
    "v == vr"
);
snapshot!(
    missing_assignment,
    Kind::Statements,
    "neurons.reset",
    "v = vr; w b"
);
snapshot!(
    two_errors_in_one_string,
    Kind::Equations,
    "neurons.model",
    "dv/dt = -v/ : volt\nw : amperes"
);
snapshot!(
    bad_number,
    Kind::Statements,
    "neurons.reset",
    "v = 1.2.3*mV"
);
snapshot!(
    chained_comparison,
    Kind::Expression,
    "neurons.threshold",
    "0*mV < v < vt"
);
snapshot!(
    error_on_a_continued_line,
    Kind::Equations,
    "neurons.model",
    "dv/dt = (El - v)/tau +\n        I/C * : volt"
);
snapshot!(
    tabs_in_source,
    Kind::Equations,
    "neurons.model",
    "v : volt\n\tdw/dt = -w/\ttau : voltage"
);
snapshot!(
    differential_boolean,
    Kind::Equations,
    "neurons.model",
    "dv/dt = 1 : boolean"
);
snapshot!(
    reserved_name,
    Kind::Equations,
    "neurons.model",
    "dt/dt = 1/second : 1"
);
snapshot!(
    unclosed_flag_list,
    Kind::Equations,
    "neurons.model",
    "v : volt (constant\nw : volt"
);
snapshot!(
    many_lines_wide_gutter,
    Kind::Equations,
    "neurons.model",
    "a : 1\nb : 1\nc : 1\nd : 1\ne : 1\nf : 1\ng : 1\nh : 1\nk : 1\nm : foo"
);
snapshot!(
    circular_subexpression,
    Kind::Equations,
    "neurons.model",
    "dv/dt = -(v + w)/tau : 1\nw = 2*x : 1  # uses x\nx = 3*w : 1"
);

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    /// Any text, however broken, gives a result or diagnostics that render; never a panic.
    #[test]
    fn arbitrary_text_never_panics(
        text in "([a-z]{1,3}|[0-9.eE]{1,4}|[-+*/%<>=!:;,()#\\^$ \t\n]|dv/dt|\\(unless refractory\\)|τ){0,24}"
    ) {
        let mut sources = SourceMap::new();
        let src = sources.add("fuzz", text.clone());
        let failures = [
            parse_expression(&text, src).err(),
            parse_statements(&text, src).err(),
            Equations::parse(&text, src).err(),
        ];
        for d in failures.into_iter().flatten() {
            prop_assert!(!d.is_empty());
            let rendered = d.render(&sources);
            prop_assert!(rendered.starts_with("error["));
        }
    }
}
