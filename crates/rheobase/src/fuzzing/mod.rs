//! Entry points of the fuzz targets (`fuzz/`) and of their regression tests
//! (`tests/fuzz_corpus.rs`): each takes arbitrary bytes and must return without panicking.
//! A target that finds a disagreement or an invariant broken panics on purpose, so that the
//! fuzzer keeps the input.
//!
//! - [`parse_text`]: every parser entry point on arbitrary text, with diagnostics rendered;
//! - [`model_pipeline`]: a random but well-formed model (built by [`ModelGen`] from the bytes)
//!   through checking, integration, lowering and a short run on the interpreter and on the
//!   JIT, whose results must agree bit for bit (or both fail with the same error);
//! - [`swc`]: the SWC morphology reader on arbitrary text;
//! - [`kernels`]: random kernel IR on the interpreter and every JIT variant, bit for bit.
//!
//! The TOML model-file reader's target lives with it, in `rheobase_cli::fuzzing`.

mod kernels;
mod swc;

pub use kernels::{kernels, kernels_native};
pub use swc::swc;

use rheobase_lang::{
    parse_equations, parse_expression, parse_generator, parse_statements, parse_unit, SourceMap,
};
use rheobase_runtime::{
    default_backend, interpreter, Network, NeuronGroup, NeuronGroupOptions, Refractory,
};

/// Runs the text through every parser; errors are expected, panics are bugs. Rendering the
/// diagnostics checks that every span lies within the text on character boundaries.
pub fn parse_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut sources = SourceMap::new();
    let src = sources.add("fuzz", text);
    let mut rendered = String::new();
    let mut keep = |r: Result<(), rheobase_lang::Diagnostics>| {
        if let Err(d) = r {
            rendered.push_str(&d.render(&sources));
        }
    };
    keep(parse_expression(text, src).map(drop));
    keep(parse_statements(text, src).map(drop));
    keep(parse_equations(text, src).map(drop));
    keep(parse_generator(text, src).map(drop));
    keep(parse_unit(text, src).map(drop));
    // Equations objects also substitute and concatenate; their errors render the same way.
    keep(rheobase_lang::Equations::parse(text, src).map(drop));
    std::hint::black_box(rendered);
}

/// Reads choices from the fuzzer's bytes; past the end it answers zero, so every input is a
/// complete (if small) model.
pub struct ByteSource<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> ByteSource<'a> {
    pub fn new(data: &'a [u8]) -> ByteSource<'a> {
        ByteSource { data, at: 0 }
    }

    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    /// A choice among `n` options.
    pub fn choose(&mut self, n: usize) -> usize {
        self.byte() as usize % n.max(1)
    }

    pub fn exhausted(&self) -> bool {
        self.at >= self.data.len()
    }
}

/// Writes random well-formed model text: dimensionless state variables `v` and `w`, a
/// parameter `p`, a subexpression `s`, a time constant `tau` from the namespace.
pub struct ModelGen<'a, 'b> {
    bytes: &'b mut ByteSource<'a>,
}

const LEAVES: &[&str] = &[
    "v",
    "w",
    "p",
    "s",
    "1",
    "0.5",
    "2",
    "-3.25",
    "1e-3",
    "t/tau",
    "i",
    "N",
    "pi",
    "(1.0*mV/mV)",
];
const UNARY: &[&str] = &[
    "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "exprel", "floor", "ceil", "sign", "expm1",
    "log10", "arctan", "int",
];
const BINARY: &[&str] = &["+", "-", "*", "/", "**", "%", "//"];
const COMPARE: &[&str] = &["<", "<=", ">", ">=", "==", "!="];
const METHODS: &[Option<&str>] = &[
    None,
    Some("euler"),
    Some("rk2"),
    Some("rk4"),
    Some("heun"),
    Some("milstein"),
    Some("exponential_euler"),
    Some("exact"),
];

impl<'a, 'b> ModelGen<'a, 'b> {
    pub fn new(bytes: &'b mut ByteSource<'a>) -> ModelGen<'a, 'b> {
        ModelGen { bytes }
    }

    /// A dimensionless expression of depth at most `depth`; `allow_s` is false inside `s`
    /// itself (a subexpression may not refer to itself).
    pub fn expr(&mut self, depth: u32, allow_s: bool) -> String {
        let leaf = |g: &mut Self| loop {
            let l = LEAVES[g.bytes.choose(LEAVES.len())];
            if allow_s || l != "s" {
                return l.to_string();
            }
        };
        if depth == 0 || self.bytes.exhausted() {
            return leaf(self);
        }
        match self.bytes.choose(8) {
            0 | 1 => leaf(self),
            2 => {
                let f = UNARY[self.bytes.choose(UNARY.len())];
                format!("{f}({})", self.expr(depth - 1, allow_s))
            }
            3 => format!("-({})", self.expr(depth - 1, allow_s)),
            4 => {
                let (a, b) = (self.expr(depth - 1, allow_s), self.expr(depth - 1, allow_s));
                let c = COMPARE[self.bytes.choose(COMPARE.len())];
                format!("int(({a}) {c} ({b}))")
            }
            5 => format!(
                "clip({}, -1, {})",
                self.expr(depth - 1, allow_s),
                self.expr(depth - 1, allow_s)
            ),
            _ => {
                let op = BINARY[self.bytes.choose(BINARY.len())];
                let a = self.expr(depth - 1, allow_s);
                let b = self.expr(depth - 1, allow_s);
                if op == "**" {
                    // Small integer powers keep most results finite.
                    format!("({a})**{}", self.bytes.choose(4))
                } else {
                    format!("({a}) {op} ({b})")
                }
            }
        }
    }

    /// A whole model with its options.
    pub fn model(&mut self) -> (String, NeuronGroupOptions, String) {
        let unless = if self.bytes.choose(3) == 0 {
            " (unless refractory)"
        } else {
            ""
        };
        let noise = match self.bytes.choose(4) {
            0 => " + 0.1*xi*tau**-0.5",
            _ => "",
        };
        let dv = self.expr(3, true);
        let dw = self.expr(2, true);
        let s = self.expr(2, false);
        let model = format!(
            "dv/dt = ({dv})/tau{noise} : 1{unless}\ndw/dt = ({dw})/tau : 1\ns = {s} : 1\np : 1"
        );
        let mut options = NeuronGroupOptions {
            method: METHODS[self.bytes.choose(METHODS.len())].map(str::to_string),
            namespace: crate::namespace(&[("tau", "10*ms")]).expect("a valid constant"),
            ..Default::default()
        };
        if self.bytes.choose(2) == 0 {
            options.threshold = Some(format!("v > {}", self.expr(1, true)));
            options.reset = Some(format!("v = {}", self.expr(1, true)));
            options.refractory = match self.bytes.choose(3) {
                0 => Refractory::None,
                1 => Refractory::Duration(1e-3),
                _ => Refractory::Expression("(1 + p)*ms".into()),
            };
        }
        let init = self.expr(2, false);
        (model, options, init)
    }
}

/// What one backend made of a model: the final state, or the error text.
fn simulate(
    net: Network,
    model: &str,
    options: NeuronGroupOptions,
    init: &str,
) -> Result<Vec<Vec<u64>>, String> {
    net.seed(7);
    let g = NeuronGroup::new(&net, 5, model, options).map_err(|e| e.to_string())?;
    g.set_expr("p", "0.1*i").map_err(|e| e.to_string())?;
    g.set_expr("v", init).map_err(|e| e.to_string())?;
    g.set_expr("w", "rand()").map_err(|e| e.to_string())?;
    net.run(20.0 * 0.1e-3).map_err(|e| e.to_string())?;
    ["v", "w", "s"]
        .iter()
        .map(|name| {
            g.get(name)
                .map(|vals| vals.iter().map(|x| canonical_bits(*x)).collect())
                .map_err(|e| e.to_string())
        })
        .collect()
}

/// Bits of a value, with every NaN the same (backends may produce different NaN payloads).
fn canonical_bits(x: f64) -> u64 {
    if x.is_nan() {
        f64::NAN.to_bits()
    } else {
        x.to_bits()
    }
}

/// A random model through the whole pipeline on the interpreter and the JIT. Both must give
/// the same bits, or fail with the same message.
pub fn model_pipeline(data: &[u8]) {
    let mut bytes = ByteSource::new(data);
    let (model, options, init) = ModelGen::new(&mut bytes).model();
    let oracle = simulate(
        Network::with_backend(interpreter()),
        &model,
        options.clone(),
        &init,
    );
    let jit = simulate(
        Network::with_backend(default_backend()),
        &model,
        options,
        &init,
    );
    assert_eq!(
        oracle, jit,
        "interpreter and JIT disagree on\n{model}\n(initial v = {init})"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_models_are_well_formed_and_backends_agree() {
        // A spread of inputs: most models must build (the generator writes valid text).
        let mut built = 0;
        for seed in 0u32..40 {
            let data: Vec<u8> = (0..64)
                .map(|k| (seed.wrapping_mul(2654435761).wrapping_add(k * 40503) >> 7) as u8)
                .collect();
            let mut bytes = ByteSource::new(&data);
            let (model, options, init) = ModelGen::new(&mut bytes).model();
            if simulate(Network::with_backend(interpreter()), &model, options, &init).is_ok() {
                built += 1;
            }
            model_pipeline(&data);
        }
        assert!(built >= 20, "only {built} of 40 generated models built");
    }

    #[test]
    fn parse_text_survives_odd_text() {
        for text in [
            "",
            "dv/dt = (",
            "x = 1 : volt (unless",
            "é = ü",
            "\u{0}",
            "1e999999",
        ] {
            parse_text(text.as_bytes());
        }
    }
}
