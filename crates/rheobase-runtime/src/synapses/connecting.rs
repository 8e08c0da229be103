//! `Synapses.connect`: every Brian2 form (condition, `p` as number or expression, `n`,
//! explicit arrays, one-to-one and generator syntax), evaluated per candidate pair with the
//! connected groups' values, and the growth of the synapse arrays and pathways.

use super::connect::{
    connect_all_pairs, connect_arrays, connect_probability, connect_probability_with_condition,
    ConnectError, NewSynapses, SynapseSink, UniformSource,
};
use super::generator::{
    condition_placement, connect_generator, iterator_kind, GeneratorCallbacks, GeneratorOver,
    GeneratorPlan, IteratorBounds,
};
use super::object::Synapses;
use super::pathway::PathwayOp;
use super::sources::Sources;
use crate::error::{Result, RuntimeError};
use crate::huge_pages::{prefault_spare, Prefault};
use crate::interrupt::Interrupter;
use crate::kernel::stream_hash;
use crate::network::{GroupId, NetworkCore};
use crate::resources::{check_memory, product};
use crate::state::{ArrayData, ArrayStore};
use crate::variables::{builtin_constant, Variable};
use rheobase_codegen::philox::philox4x32_10_words_wide;
use rheobase_codegen::prefetch::prefetch;
use rheobase_codegen::random::stream_key;
use rheobase_codegen::vmath::log_in_place;
use rheobase_lang::check::check_condition;
use rheobase_lang::symbolic::eval::binary;
use rheobase_lang::symbolic::functions;
use rheobase_lang::{
    ast, parse_expression, parse_generator, BinOp, ExprKind, GeneratorIterator, SampleSize, UnOp,
};
use rheobase_units::Quantity;
use std::cell::RefCell;
use std::collections::HashMap;

/// Explicit indices or a generator expression, for `connect(i=...)` / `connect(j=...)`.
#[derive(Clone, Debug, PartialEq)]
pub enum ConnectIndices {
    Array(Vec<i64>),
    /// `'k for k in range(i-3, i+4) if ...'`, `'i'`, `'k for k in sample(N_post, p=0.1)'`.
    Generator(String),
}

/// A number, or an expression of `i`, `j` and the groups' variables.
#[derive(Clone, Debug, PartialEq)]
pub enum NumberOrExpr {
    Number(f64),
    Expr(String),
}

/// Brian2's arguments of `connect`. The default connects all pairs once.
#[derive(Clone, Debug, PartialEq)]
pub struct Connect {
    pub condition: Option<String>,
    pub i: Option<ConnectIndices>,
    pub j: Option<ConnectIndices>,
    pub p: NumberOrExpr,
    pub n: NumberOrExpr,
    pub skip_if_invalid: bool,
    /// Extra constants for this call's expressions.
    pub namespace: HashMap<String, Quantity>,
}

impl Default for Connect {
    fn default() -> Self {
        Connect {
            condition: None,
            i: None,
            j: None,
            p: NumberOrExpr::Number(1.0),
            n: NumberOrExpr::Number(1.0),
            skip_if_invalid: false,
            namespace: HashMap::new(),
        }
    }
}

impl Connect {
    /// `connect(condition)`.
    pub fn condition(c: &str) -> Connect {
        Connect {
            condition: Some(c.into()),
            ..Default::default()
        }
    }

    /// `connect(p=p)`.
    pub fn p(p: f64) -> Connect {
        Connect {
            p: NumberOrExpr::Number(p),
            ..Default::default()
        }
    }

    /// `connect(i=..., j=...)`.
    pub fn arrays(i: Vec<i64>, j: Vec<i64>) -> Connect {
        Connect {
            i: Some(ConnectIndices::Array(i)),
            j: Some(ConnectIndices::Array(j)),
            ..Default::default()
        }
    }

    /// `connect(j='...')`.
    pub fn j(generator: &str) -> Connect {
        Connect {
            j: Some(ConnectIndices::Generator(generator.into())),
            ..Default::default()
        }
    }

    /// `connect(i='...')`.
    pub fn i(generator: &str) -> Connect {
        Connect {
            i: Some(ConnectIndices::Generator(generator.into())),
            ..Default::default()
        }
    }

    /// How the call reads in Python, for error messages.
    fn text(&self) -> String {
        let mut parts = Vec::new();
        if let Some(c) = &self.condition {
            parts.push(format!("condition='{c}'"));
        }
        for (name, idx) in [("i", &self.i), ("j", &self.j)] {
            match idx {
                Some(ConnectIndices::Array(v)) if v.len() <= 8 => {
                    parts.push(format!("{name}={v:?}"))
                }
                Some(ConnectIndices::Array(v)) => {
                    parts.push(format!("{name}=<{} values>", v.len()))
                }
                Some(ConnectIndices::Generator(g)) => parts.push(format!("{name}='{g}'")),
                None => {}
            }
        }
        for (name, v) in [("p", &self.p), ("n", &self.n)] {
            match v {
                NumberOrExpr::Number(x) if *x == 1.0 => {}
                NumberOrExpr::Number(x) => parts.push(format!("{name}={x}")),
                NumberOrExpr::Expr(e) => parts.push(format!("{name}='{e}'")),
            }
        }
        if self.skip_if_invalid {
            parts.push("skip_if_invalid=True".into());
        }
        parts.join(", ")
    }
}

/// Uniform numbers from the network's Philox generator, keyed by (seed, object, call): block
/// `b` of the counter `[b_lo, b_hi, 0, CONNECT_DOMAIN]` gives two numbers (the top 53 bits of
/// each 64-bit half), so a connect call never shares counters with kernel draws' layout.
///
/// Blocks are made [`PHILOX_BATCH`] at a time into a buffer: independent blocks in a row
/// overlap in the processor (a block alone is a chain of ten dependent rounds). The numbers
/// and their order are the same as one block at a time.
struct PhiloxUniform {
    key: u64,
    /// The next block to make.
    block: u64,
    buffer: [f64; 2 * PHILOX_BATCH],
    /// `ln(1 - u)` of each number of `buffer`, once asked for (see `logs_ready`).
    logs: [f64; 2 * PHILOX_BATCH],
    logs_ready: bool,
    /// The next number of `buffer` to hand out (`buffer.len()`: none left).
    next: usize,
}

/// Blocks made per refill of [`PhiloxUniform`]'s buffer.
const PHILOX_BATCH: usize = 16;

/// Marks connect draws in the counter's last word (kernel draws keep it below 2^16 there
/// only with block numbers; a distinct key per call separates them anyway).
const CONNECT_DOMAIN: u32 = 0xC0_4E_C7;

impl PhiloxUniform {
    fn new(key: u64) -> PhiloxUniform {
        PhiloxUniform {
            key,
            block: 0,
            buffer: [0.0; 2 * PHILOX_BATCH],
            logs: [0.0; 2 * PHILOX_BATCH],
            logs_ready: false,
            next: 2 * PHILOX_BATCH,
        }
    }

    /// Box-Muller from two uniforms (the first shifted into (0, 1]).
    fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    fn refill(&mut self) {
        let key = [self.key as u32, (self.key >> 32) as u32];
        let scale = 1.0 / (1u64 << 53) as f64;
        let hi = |a: u32, b: u32| ((u64::from(a) << 32 | u64::from(b)) >> 11) as f64 * scale;
        // Counter k: (block + k as two words, 0, CONNECT_DOMAIN), held word by word so that
        // the rounds of all blocks run in vector lanes.
        let block = |k: usize| self.block + k as u64;
        let mut words = [
            std::array::from_fn(|k| block(k) & 0xffff_ffff),
            std::array::from_fn(|k| block(k) >> 32 & 0xffff_ffff),
            [0; PHILOX_BATCH],
            [u64::from(CONNECT_DOMAIN); PHILOX_BATCH],
        ];
        philox4x32_10_words_wide(&mut words, key);
        for (k, pair) in self.buffer.chunks_exact_mut(2).enumerate() {
            pair[0] = hi(words[0][k] as u32, words[1][k] as u32);
            pair[1] = hi(words[2][k] as u32, words[3][k] as u32);
        }
        self.block += PHILOX_BATCH as u64;
        self.next = 0;
        self.logs_ready = false;
    }
}

impl UniformSource for PhiloxUniform {
    #[inline]
    fn uniform(&mut self) -> f64 {
        if self.next == self.buffer.len() {
            self.refill();
        }
        let x = self.buffer[self.next];
        self.next += 1;
        x
    }

    /// The logarithms of the whole buffer at once: several lanes at a time.
    #[inline]
    fn log_of_complement(&mut self) -> f64 {
        if self.next == self.buffer.len() {
            self.refill();
        }
        if !self.logs_ready {
            for (log, &u) in self.logs.iter_mut().zip(&self.buffer) {
                *log = 1.0 - u;
            }
            log_in_place(&mut self.logs);
            self.logs_ready = true;
        }
        let x = self.logs[self.next];
        self.next += 1;
        x
    }
}

/// How a name in a connect expression gets its value.
#[derive(Clone, Copy)]
enum Lookup<'a> {
    I,
    J,
    Var,
    Const(f64),
    Pre(&'a ArrayData, bool),
    Post(&'a ArrayData, bool),
}

/// A connect expression with its names resolved once, evaluated per candidate pair.
enum Node<'a> {
    Value(Lookup<'a>),
    Unary(UnOp, Box<Node<'a>>),
    Binary(BinOp, Box<Node<'a>>, Box<Node<'a>>),
    Rand,
    Randn,
    Call(String, Vec<Node<'a>>),
}

/// Evaluates connect expressions for candidate pairs.
struct PairEval<'a> {
    names: HashMap<String, Lookup<'a>>,
    pre_start: usize,
    post_start: usize,
    rng: RefCell<PhiloxUniform>,
    text: String,
}

impl<'a> PairEval<'a> {
    fn new(
        core: &'a NetworkCore,
        gid: GroupId,
        extra: &HashMap<String, Quantity>,
        var: Option<&str>,
        rng: PhiloxUniform,
        text: String,
    ) -> PairEval<'a> {
        let links = &core.synapses[&gid];
        let g = core.group(gid);
        let mut names = HashMap::new();
        let add_group = |names: &mut HashMap<String, Lookup<'a>>, gid: GroupId, pre: bool| {
            for (name, v) in core.group(gid).variables.iter() {
                if let Variable::Array { id, shared, .. } = v {
                    let data = core.store.get(*id);
                    let look = if pre {
                        Lookup::Pre(data, *shared)
                    } else {
                        Lookup::Post(data, *shared)
                    };
                    if !pre && g.variables.get(name).is_none() {
                        names.insert(name.to_string(), look);
                    }
                    names.insert(
                        format!("{name}{}", if pre { "_pre" } else { "_post" }),
                        look,
                    );
                }
            }
        };
        add_group(&mut names, links.target, false);
        add_group(&mut names, links.source, true);
        for (k, q) in g.namespace.iter().chain(extra) {
            names.insert(k.clone(), Lookup::Const(q.value));
        }
        names.insert("N_pre".into(), Lookup::Const(links.n_pre() as f64));
        names.insert("N_post".into(), Lookup::Const(links.n_post() as f64));
        names.insert("i".into(), Lookup::I);
        names.insert("j".into(), Lookup::J);
        if let Some(v) = var {
            names.insert(v.to_string(), Lookup::Var);
        }
        PairEval {
            names,
            pre_start: links.source_range.start,
            post_start: links.target_range.start,
            rng: RefCell::new(rng),
            text,
        }
    }

    fn fail(&self, message: String) -> ConnectError {
        ConnectError::Evaluation {
            message,
            text: self.text.clone(),
        }
    }

    /// Resolves the names of an expression (unknown names and functions are errors here).
    fn compile(&self, e: &ast::Expr) -> std::result::Result<Node<'a>, ConnectError> {
        Ok(match &e.kind {
            ExprKind::Float(x) => Node::Value(Lookup::Const(*x)),
            ExprKind::Int(k) => Node::Value(Lookup::Const(*k as f64)),
            ExprKind::Bool(b) => Node::Value(Lookup::Const(f64::from(u8::from(*b)))),
            ExprKind::Name(n) => match self.names.get(n.as_str()) {
                Some(l) => Node::Value(*l),
                None => match builtin_constant(n) {
                    Some(x) => Node::Value(Lookup::Const(x)),
                    None => {
                        return Err(self.fail(format!(
                            "'{n}' has no value when connecting (only i, j, the generator's variable, N_pre, N_post, constants and the variables of the connected groups do)"
                        )))
                    }
                },
            },
            ExprKind::Unary(op, a) => Node::Unary(*op, Box::new(self.compile(a)?)),
            ExprKind::Binary(op, a, b) => {
                Node::Binary(*op, Box::new(self.compile(a)?), Box::new(self.compile(b)?))
            }
            ExprKind::Call { name, args, .. } => {
                let args = args
                    .iter()
                    .map(|a| self.compile(a))
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                match name.as_str() {
                    "rand" if args.is_empty() => Node::Rand,
                    "randn" if args.is_empty() => Node::Randn,
                    _ if functions::arity(name) == Some(args.len()) && !functions::is_random(name) => {
                        Node::Call(name.clone(), args)
                    }
                    _ => {
                        return Err(self.fail(format!(
                            "the function '{name}' with {} argument(s) cannot be used when connecting",
                            args.len()
                        )))
                    }
                }
            }
        })
    }

    fn eval(
        &self,
        node: &Node<'a>,
        i: i64,
        j: i64,
        var: i64,
    ) -> std::result::Result<f64, ConnectError> {
        Ok(match node {
            Node::Value(l) => match *l {
                Lookup::I => i as f64,
                Lookup::J => j as f64,
                Lookup::Var => var as f64,
                Lookup::Const(x) => x,
                Lookup::Pre(d, shared) => {
                    self.read(d, shared, self.pre_start as i64 + i, "i", i)?
                }
                Lookup::Post(d, shared) => {
                    self.read(d, shared, self.post_start as i64 + j, "j", j)?
                }
            },
            Node::Unary(op, a) => {
                let a = self.eval(a, i, j, var)?;
                match op {
                    UnOp::Neg => -a,
                    UnOp::Pos => a,
                    UnOp::Not => f64::from(u8::from(a == 0.0)),
                }
            }
            Node::Binary(op, a, b) => {
                let a = self.eval(a, i, j, var)?;
                binary(*op, a, self.eval(b, i, j, var)?)
            }
            Node::Rand => self.rng.borrow_mut().uniform(),
            Node::Randn => self.rng.borrow_mut().normal(),
            Node::Call(name, args) => {
                let values = args
                    .iter()
                    .map(|a| self.eval(a, i, j, var))
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                functions::apply(name, &values)
                    .ok_or_else(|| self.fail(format!("cannot evaluate '{name}(...)'")))?
            }
        })
    }

    fn read(
        &self,
        d: &ArrayData,
        shared: bool,
        k: i64,
        index: &str,
        rel: i64,
    ) -> std::result::Result<f64, ConnectError> {
        let k = if shared { 0 } else { k };
        if k >= 0 && (k as usize) < d.len() {
            Ok(d.get_f64(k as usize))
        } else {
            Err(self.fail(format!(
                "a variable is read at {index}={rel}, outside its group"
            )))
        }
    }
}

fn parse(core: &mut NetworkCore, gid: GroupId, what: &str, code: &str) -> Result<ast::Expr> {
    let src = core.add_source(gid, what, code);
    let g = core.group(gid);
    parse_expression(code, src).map_err(|d| RuntimeError::model(&g.name, d, &g.sources))
}

/// New synapses, with the interrupt poll asked as they are made (connecting with a constant
/// `p` and no condition tests nothing else per synapse).
struct InterruptibleSink<'a> {
    new: &'a mut NewSynapses,
    /// Held for the whole call: nothing else polls meanwhile.
    interrupt: std::cell::RefMut<'a, Interrupter>,
    /// Faults in the target array's reserved pages ahead of the pushes.
    prefault: Option<Prefault>,
}

impl SynapseSink for InterruptibleSink<'_> {
    fn push(&mut self, pre: i32, post: i32) {
        self.new.push(pre, post);
    }

    fn reserve(&mut self, additional: usize) {
        self.prefault = None;
        self.new.reserve(additional);
        self.prefault = prefault_spare(&self.new.post);
    }

    fn interrupted(&mut self) -> bool {
        self.interrupt.tick()
    }
}

/// Ticks the interrupt poll (see [`crate::interrupt`]); every loop of `connect()` calls it.
fn interrupted(
    interrupt: &RefCell<Interrupter>,
    text: &str,
) -> std::result::Result<(), ConnectError> {
    if interrupt.borrow_mut().tick() {
        return Err(ConnectError::Interrupted {
            text: text.to_string(),
        });
    }
    Ok(())
}

fn connect_err(object: &str, e: ConnectError) -> RuntimeError {
    match e {
        ConnectError::Interrupted { .. } => RuntimeError::Interrupted {
            object: object.to_string(),
            what: e.to_string(),
        },
        _ => RuntimeError::invalid(object, e.to_string()),
    }
}

impl Synapses {
    /// Creates synapses (Brian2's `connect`); several calls add up.
    pub fn connect(&self, args: Connect) -> Result<()> {
        let mut core = self.net.lock();
        let gid = self.id;
        let object = self.name().to_string();
        let text = args.text();
        let (n_pre, n_post) = {
            let l = &core.synapses[&gid];
            (l.n_pre(), l.n_post())
        };
        let calls = {
            let l = core.synapses.get_mut(&gid).expect("links");
            l.connect_calls += 1;
            l.connect_calls
        };
        let rng = PhiloxUniform::new(stream_key(
            core.seed,
            stream_hash(&[&object, "connect", &calls.to_string()]),
        ));
        check_connect_memory(&core, gid, &object, &text, &args, n_pre, n_post)?;
        // The clock is read every 1024 pairs or synapses; the poll runs every 50 ms.
        let interrupt = RefCell::new(Interrupter::new(core.interrupt.clone(), 10));
        let mut new = NewSynapses::default();
        let err = |e| connect_err(&object, e);
        match (&args.i, &args.j) {
            (Some(ConnectIndices::Array(i)), Some(ConnectIndices::Array(j))) => {
                if args.condition.is_some() {
                    return Err(RuntimeError::invalid(
                        &object,
                        format!(
                            "connect({text}): a condition cannot be combined with explicit i and j"
                        ),
                    ));
                }
                let p = match args.p {
                    NumberOrExpr::Number(p) => p,
                    NumberOrExpr::Expr(_) => {
                        return Err(RuntimeError::not_supported(
                            &object,
                            format!("connect({text}): p as an expression with explicit i and j"),
                        ))
                    }
                };
                let n = match args.n {
                    NumberOrExpr::Number(n) => n as i64,
                    NumberOrExpr::Expr(_) => {
                        return Err(RuntimeError::not_supported(
                            &object,
                            format!("connect({text}): n as an expression with explicit i and j"),
                        ))
                    }
                };
                let mut rng = rng;
                connect_arrays(i, j, &[n], p, n_pre, n_post, &mut rng, &mut new, &text)
                    .map_err(err)?;
            }
            (Some(ConnectIndices::Array(_)), _) | (_, Some(ConnectIndices::Array(_))) => {
                return Err(RuntimeError::invalid(&object, format!("connect({text}): give both i and j as arrays (or one as a generator string)")));
            }
            (Some(ConnectIndices::Generator(_)), Some(ConnectIndices::Generator(_))) => {
                return Err(RuntimeError::invalid(
                    &object,
                    format!("connect({text}): give a generator for i or for j, not both"),
                ));
            }
            (Some(ConnectIndices::Generator(g)), None)
            | (None, Some(ConnectIndices::Generator(g))) => {
                let over = if args.j.is_some() {
                    GeneratorOver::Presynaptic
                } else {
                    GeneratorOver::Postsynaptic
                };
                if args.condition.is_some() || args.p != NumberOrExpr::Number(1.0) {
                    return Err(RuntimeError::invalid(&object, format!("connect({text}): the generator syntax cannot be combined with a condition or p; put them into the generator")));
                }
                let src = core.add_source(gid, "connect generator", g);
                let spec = {
                    let gd = core.group(gid);
                    parse_generator(g, src)
                        .map_err(|d| RuntimeError::model(&gd.name, d, &gd.sources))?
                };
                let n_expr = match &args.n {
                    NumberOrExpr::Expr(e) => Some(parse(&mut core, gid, "connect n", e)?),
                    NumberOrExpr::Number(_) => None,
                };
                let n_const = match args.n {
                    NumberOrExpr::Number(n) => n as i64,
                    _ => 1,
                };
                let plan = GeneratorPlan {
                    over,
                    n_pre,
                    n_post,
                    iterator: iterator_kind(&spec),
                    condition: condition_placement(&spec, over),
                    skip_if_invalid: args.skip_if_invalid,
                    text: &text,
                };
                let eval = PairEval::new(
                    &core,
                    gid,
                    &args.namespace,
                    Some(&spec.var),
                    rng,
                    text.clone(),
                );
                let mut callbacks = GeneratorEval {
                    interrupt: &interrupt,
                    text: &text,
                    nodes: GeneratorNodes::new(&spec, &eval).map_err(err)?,
                    eval: &eval,
                    over,
                    n_expr: n_expr
                        .as_ref()
                        .map(|n| eval.compile(n))
                        .transpose()
                        .map_err(err)?,
                    n_const,
                };
                // The generator's own sampling draws from a second stream of the same call.
                let mut sampler = PhiloxUniform::new(stream_key(
                    core.seed,
                    stream_hash(&[&object, "connect_sample", &calls.to_string()]),
                ));
                connect_generator(&plan, &mut callbacks, &mut sampler, &mut new).map_err(err)?;
            }
            (None, None) => {
                let cond = match &args.condition {
                    Some(c) => {
                        let e = parse(&mut core, gid, "connect condition", c)?;
                        let mut scope = crate::frontend::core_scope(&core, gid);
                        for (k, q) in &args.namespace {
                            scope.add_constant(k.clone(), *q);
                        }
                        check_condition(&e, &scope, "condition").map_err(|d| {
                            let g = core.group(gid);
                            RuntimeError::model(&g.name, d, &g.sources)
                        })?;
                        Some(e)
                    }
                    None => None,
                };
                let p_expr = match &args.p {
                    NumberOrExpr::Expr(e) => Some(parse(&mut core, gid, "connect p", e)?),
                    NumberOrExpr::Number(_) => None,
                };
                let n_expr = match &args.n {
                    NumberOrExpr::Expr(e) => Some(parse(&mut core, gid, "connect n", e)?),
                    NumberOrExpr::Number(_) => None,
                };
                let n_const = match args.n {
                    NumberOrExpr::Number(n) if n >= 0.0 => n as u32,
                    NumberOrExpr::Number(n) => {
                        return Err(RuntimeError::invalid(
                            &object,
                            format!("connect({text}): the number of synapses n={n} is negative"),
                        ))
                    }
                    _ => 1,
                };
                let eval = PairEval::new(&core, gid, &args.namespace, None, rng, text.clone());
                let compile =
                    |e: &Option<ast::Expr>| e.as_ref().map(|e| eval.compile(e)).transpose();
                let cond = compile(&cond).map_err(err)?;
                let p_expr = compile(&p_expr).map_err(err)?;
                let n_expr = compile(&n_expr).map_err(err)?;
                let test = |i: i32, j: i32| -> std::result::Result<bool, ConnectError> {
                    interrupted(&interrupt, &text)?;
                    match &cond {
                        Some(c) => Ok(eval.eval(c, i as i64, j as i64, 0)? != 0.0),
                        None => Ok(true),
                    }
                };
                let per_pair_n = if n_expr.is_some() { 1 } else { n_const };
                match (&p_expr, &args.p) {
                    (Some(p), _) => {
                        connect_all_pairs(
                            n_pre,
                            n_post,
                            per_pair_n,
                            |i, j| {
                                if !test(i, j)? {
                                    return Ok(false);
                                }
                                let p = eval.eval(p, i as i64, j as i64, 0)?;
                                Ok(p >= 1.0 || eval.rng.borrow_mut().uniform() < p)
                            },
                            &mut new,
                        )
                        .map_err(err)?;
                    }
                    (None, NumberOrExpr::Number(p)) if *p >= 1.0 => {
                        connect_all_pairs(n_pre, n_post, per_pair_n, test, &mut new)
                            .map_err(err)?;
                    }
                    (None, NumberOrExpr::Number(p)) => {
                        let mut sampler = PhiloxUniform::new(stream_key(
                            core.seed,
                            stream_hash(&[&object, "connect_sample", &calls.to_string()]),
                        ));
                        if cond.is_none() {
                            let mut sink = InterruptibleSink {
                                new: &mut new,
                                interrupt: interrupt.borrow_mut(),
                                prefault: None,
                            };
                            connect_probability(
                                n_pre,
                                n_post,
                                *p,
                                per_pair_n,
                                &mut sampler,
                                &mut sink,
                                &text,
                            )
                            .map_err(err)?;
                        } else {
                            connect_probability_with_condition(
                                n_pre,
                                n_post,
                                *p,
                                per_pair_n,
                                test,
                                &mut sampler,
                                &mut new,
                                &text,
                            )
                            .map_err(err)?;
                        }
                    }
                    (None, NumberOrExpr::Expr(_)) => unreachable!("parsed above"),
                }
                if let Some(n) = &n_expr {
                    let mut expanded = NewSynapses::default();
                    for (i, &j) in new.pre.iter().zip(&new.post) {
                        interrupted(&interrupt, &text).map_err(err)?;
                        let count = eval.eval(n, i as i64, j as i64, 0).map_err(err)?;
                        if count < 0.0 {
                            return Err(err(ConnectError::NegativeMultiplicity {
                                n: count as i64,
                                i: i as i64,
                                j: j as i64,
                                text: text.clone(),
                            }));
                        }
                        for _ in 0..count as i64 {
                            expanded.push(i, j);
                        }
                    }
                    new = expanded;
                }
            }
        }
        // What the synapses' arrays need beyond the index pairs already made.
        let bytes = product(&[new.len() as f64, synapse_bytes(&core, gid) as f64]);
        check_memory(
            core.memory_limit,
            &object,
            || format!("connect({text}) made {} synapses, whose arrays", new.len()),
            bytes,
        )?;
        let NewSynapses { pre, post } = new;
        add_synapses(&mut core, gid, &pre, post)
    }
}

/// Bytes per synapse: its arrays (indices, model variables, delays, `lastupdate`, ...), the
/// scratch array, the pathways' indices, and the pair of indices made while connecting.
fn synapse_bytes(core: &NetworkCore, gid: GroupId) -> u64 {
    let links = &core.synapses[&gid];
    let mut ids = links.per_synapse.clone();
    ids.sort_by_key(|id| id.0);
    ids.dedup();
    let arrays: u64 = ids
        .iter()
        .map(|&id| match core.store.elem_type(id) {
            rheobase_codegen::ElemType::F64 => 8,
            rheobase_codegen::ElemType::F32 | rheobase_codegen::ElemType::I32 => 4,
            rheobase_codegen::ElemType::Bool => 1,
        })
        .sum();
    arrays + 8 + 16 + 8
}

/// Refuses, before any pair is tried, a `connect` whose number of synapses is known in
/// advance (no condition, `p` and `n` numbers) and would not fit in memory or in the
/// index type; a conditional one is checked once its pairs are known, before the synapses'
/// arrays grow.
fn check_connect_memory(
    core: &NetworkCore,
    gid: GroupId,
    object: &str,
    text: &str,
    args: &Connect,
    n_pre: usize,
    n_post: usize,
) -> Result<()> {
    if args.condition.is_some() || args.i.is_some() || args.j.is_some() {
        return Ok(());
    }
    let (NumberOrExpr::Number(p), NumberOrExpr::Number(n)) = (&args.p, &args.n) else {
        return Ok(());
    };
    let expected = n_pre as f64 * n_post as f64 * p.clamp(0.0, 1.0) * n.max(0.0);
    let bytes = product(&[expected, synapse_bytes(core, gid) as f64]);
    check_memory(
        core.memory_limit,
        object,
        || {
            format!(
                "connect({text}) on {n_pre} x {n_post} neurons ({expected:.3e} synapses expected)"
            )
        },
        bytes,
    )?;
    let existing = core.group(gid).n as f64;
    if expected + existing > i32::MAX as f64 {
        return Err(RuntimeError::invalid(
            object,
            format!(
                "connect({text}) would make about {expected:.3e} synapses, more than supported ({})",
                i32::MAX
            ),
        ));
    }
    Ok(())
}

/// A generator's expressions, compiled.
struct GeneratorNodes<'a> {
    /// start, stop, step (absent for the one-to-one form).
    bounds: Option<[Node<'a>; 3]>,
    p: Option<Node<'a>>,
    size: Option<Node<'a>>,
    element: Node<'a>,
    condition: Option<Node<'a>>,
}

impl<'a> GeneratorNodes<'a> {
    fn new(
        spec: &rheobase_lang::GeneratorSpec,
        eval: &PairEval<'a>,
    ) -> std::result::Result<GeneratorNodes<'a>, ConnectError> {
        let (bounds, p, size) = match &spec.iterator {
            GeneratorIterator::Range { start, stop, step } => (
                Some([
                    eval.compile(start)?,
                    eval.compile(stop)?,
                    eval.compile(step)?,
                ]),
                None,
                None,
            ),
            GeneratorIterator::Sample {
                start,
                stop,
                step,
                size,
            } => {
                let bounds = [
                    eval.compile(start)?,
                    eval.compile(stop)?,
                    eval.compile(step)?,
                ];
                match size {
                    SampleSize::Probability(p) => (Some(bounds), Some(eval.compile(p)?), None),
                    SampleSize::Fixed(n) => (Some(bounds), None, Some(eval.compile(n)?)),
                }
            }
            GeneratorIterator::Single => (None, None, None),
        };
        Ok(GeneratorNodes {
            bounds,
            p,
            size,
            element: eval.compile(&spec.element)?,
            condition: spec
                .condition
                .as_ref()
                .map(|c| eval.compile(c))
                .transpose()?,
        })
    }
}

struct GeneratorEval<'a, 'b> {
    interrupt: &'a RefCell<Interrupter>,
    text: &'a str,
    nodes: GeneratorNodes<'b>,
    eval: &'a PairEval<'b>,
    over: GeneratorOver,
    n_expr: Option<Node<'b>>,
    n_const: i64,
}

impl<'b> GeneratorEval<'_, 'b> {
    /// (i, j) for an outer index and a created index.
    fn pair(&self, outer: i32, result: i64) -> (i64, i64) {
        match self.over {
            GeneratorOver::Presynaptic => (outer as i64, result),
            GeneratorOver::Postsynaptic => (result, outer as i64),
        }
    }

    /// Evaluates at an outer index only: the created index is not known yet (Brian2's
    /// template does not allow the iterator to read it either).
    fn at_outer(
        &self,
        e: &Node<'b>,
        outer: i32,
        var: i64,
    ) -> std::result::Result<f64, ConnectError> {
        let (i, j) = self.pair(outer, -1);
        self.eval.eval(e, i, j, var)
    }
}

impl GeneratorCallbacks for GeneratorEval<'_, '_> {
    fn iterator_bounds(&mut self, outer: i32) -> std::result::Result<IteratorBounds, ConnectError> {
        let int = |x: f64| x as i64;
        let Some([start, stop, step]) = &self.nodes.bounds else {
            return Ok(IteratorBounds::range(0, 1, 1));
        };
        let mut b = IteratorBounds::range(
            int(self.at_outer(start, outer, 0)?),
            int(self.at_outer(stop, outer, 0)?),
            int(self.at_outer(step, outer, 0)?),
        );
        if let Some(p) = &self.nodes.p {
            b.p = self.at_outer(p, outer, 0)?;
        }
        if let Some(n) = &self.nodes.size {
            b.size = int(self.at_outer(n, outer, 0)?);
        }
        Ok(b)
    }

    fn element(&mut self, outer: i32, var: i64) -> std::result::Result<i64, ConnectError> {
        interrupted(self.interrupt, self.text)?;
        let x = self.at_outer(&self.nodes.element, outer, var)?;
        Ok(x as i64)
    }

    fn outer_condition(&mut self, outer: i32) -> std::result::Result<bool, ConnectError> {
        match &self.nodes.condition {
            Some(c) => Ok(self.at_outer(c, outer, 0)? != 0.0),
            None => Ok(true),
        }
    }

    fn element_condition(
        &mut self,
        outer: i32,
        var: i64,
        result: i64,
    ) -> std::result::Result<bool, ConnectError> {
        match &self.nodes.condition {
            Some(c) => {
                let (i, j) = self.pair(outer, result);
                Ok(self.eval.eval(c, i, j, var)? != 0.0)
            }
            None => Ok(true),
        }
    }

    fn multiplicity(&mut self, outer: i32, result: i32) -> std::result::Result<i64, ConnectError> {
        match &self.n_expr {
            Some(n) => {
                let (i, j) = self.pair(outer, result as i64);
                Ok(self.eval.eval(n, i, j, 0)? as i64)
            }
            None => Ok(self.n_const),
        }
    }
}

/// Appends synapses (indices relative to the source and target (sub)groups): grows every
/// per-synapse array, fills the indices and counts, and adds them to every pathway.
/// How many synapses ahead the count of incoming synapses asks for its counter.
const COUNT_AHEAD: usize = 32;

pub(crate) fn add_synapses(
    core: &mut NetworkCore,
    gid: GroupId,
    pre: &Sources,
    post: Vec<i32>,
) -> Result<()> {
    if pre.is_empty() {
        return Ok(());
    }
    let links = core.synapses[&gid].clone();
    let n_old = core.group(gid).n;
    let n_new = n_old + pre.len();
    if n_new > i32::MAX as usize {
        return Err(RuntimeError::invalid(
            &core.group(gid).name,
            format!("{n_new} synapses are more than supported ({})", i32::MAX),
        ));
    }
    // The pathways first: their checks fail before any array has changed.
    for &o in &links.pathways {
        let op = core.objects[o.0]
            .op
            .as_any_mut()
            .downcast_mut::<PathwayOp>()
            .ok_or_else(|| RuntimeError::Internal("a pathway is not a PathwayOp".into()))?;
        op.add_synapses(pre, &post)?;
    }
    // Source indices stay runs over the sources while synapses come in source order.
    let mut resized = std::collections::HashSet::new();
    let mut pre_filled = Vec::new();
    for id in [links.pre_abs, links.i] {
        if resized.insert(id) && core.store.append_runs(id, pre) {
            pre_filled.push(id);
        }
    }
    resized.retain(|id| pre_filled.contains(id));
    // Target indices are appended below (no zero fill first).
    resized.insert(links.post_abs);
    resized.insert(links.j);
    for &id in &links.per_synapse {
        if resized.insert(id) {
            core.store.resize(id, n_new);
        }
    }
    if let Some(s) = core.groups[gid.0].scratch {
        core.store.resize(s, n_new);
    }
    let (ps, ts) = (
        links.source_range.start as i32,
        links.target_range.start as i32,
    );
    core.store.get_mut(links.n_var).set_f64(0, n_new as f64);
    if let ArrayData::I32(v) = core.store.get_mut(links.n_outgoing) {
        for (source, count) in pre.runs() {
            v[(source + ps) as usize] += count as i32;
        }
    }
    if let ArrayData::I32(v) = core.store.get_mut(links.n_incoming) {
        // Targets are scattered: ask for the counter a few synapses ahead, so that the
        // misses of a large target group overlap.
        for (k, &target) in post.iter().enumerate() {
            if let Some(&ahead) = post.get(k + COUNT_AHEAD) {
                prefetch(v, (ahead + ts) as usize);
            }
            v[(target + ts) as usize] += 1;
        }
    }
    let fill = |store: &mut ArrayStore, id, values: &Sources, offset: i32| {
        if let ArrayData::I32(v) = store.get_mut(id) {
            for (slot, x) in v[n_old..].iter_mut().zip(values.iter()) {
                *slot = x + offset;
            }
        }
    };
    if !pre_filled.contains(&links.pre_abs) {
        fill(&mut core.store, links.pre_abs, pre, ps);
    }
    if links.i != links.pre_abs && !pre_filled.contains(&links.i) {
        fill(&mut core.store, links.i, pre, 0);
    }
    let append = |store: &mut ArrayStore, id, values: &[i32], offset: i32| {
        if let ArrayData::I32(v) = store.get_mut(id) {
            debug_assert_eq!(v.len(), n_old);
            v.extend(values.iter().map(|&x| x + offset));
        }
    };
    if links.j != links.post_abs {
        append(&mut core.store, links.j, &post, 0);
    }
    match core.store.get_mut(links.post_abs) {
        // The first synapses onto a group that starts at 0: the connect's array as it is.
        ArrayData::I32(v) if v.is_empty() && ts == 0 => *v = post,
        _ => append(&mut core.store, links.post_abs, &post, ts),
    }
    if let Some(m) = links.multisynaptic {
        let (ArrayData::I32(all_pre), ArrayData::I32(all_post)) = (
            core.store.get(links.pre_abs).clone(),
            core.store.get(links.post_abs).clone(),
        ) else {
            return Err(RuntimeError::Internal(
                "synapse indices are not integers".into(),
            ));
        };
        let mut seen: HashMap<(i32, i32), i32> = HashMap::new();
        let mut values = vec![0i32; n_new];
        for k in 0..n_new {
            let c = seen.entry((all_pre[k], all_post[k])).or_insert(0);
            values[k] = *c;
            *c += 1;
        }
        if let ArrayData::I32(v) = core.store.get_mut(m) {
            *v = values;
        }
    }
    core.groups[gid.0].n = n_new;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rheobase_codegen::philox::philox4x32_10;

    #[test]
    fn philox_uniforms_are_deterministic_and_uniform() {
        let draw = |key| {
            let mut u = PhiloxUniform::new(key);
            (0..20_000).map(|_| u.uniform()).collect::<Vec<f64>>()
        };
        let a = draw(7);
        assert_eq!(a, draw(7));
        // The buffered blocks give the numbers of one block at a time, in order.
        let scale = 1.0 / (1u64 << 53) as f64;
        let hi = |a: u32, b: u32| ((u64::from(a) << 32 | u64::from(b)) >> 11) as f64 * scale;
        for b in [0u32, 1, 15, 16, 17, 100] {
            let w = philox4x32_10([b, 0, 0, CONNECT_DOMAIN], [7, 0]);
            assert_eq!(a[2 * b as usize], hi(w[0], w[1]));
            assert_eq!(a[2 * b as usize + 1], hi(w[2], w[3]));
        }
        // Logarithms (taken a buffer at a time) mixed with plain draws: those of the same
        // numbers, in the same order.
        let mut u = PhiloxUniform::new(7);
        for (k, &x) in a.iter().enumerate().take(200) {
            if k % 3 == 0 {
                assert_eq!(u.uniform(), x);
            } else {
                let want = rheobase_codegen::vmath::log_f64(1.0 - x);
                assert_eq!(u.log_of_complement().to_bits(), want.to_bits());
            }
        }
        assert_ne!(a[..4], draw(8)[..4]);
        assert!(a.iter().all(|x| (0.0..1.0).contains(x)));
        let mean = a.iter().sum::<f64>() / a.len() as f64;
        // standard error 0.002
        assert!((mean - 0.5).abs() < 0.01, "{mean}");
    }

    #[test]
    fn calls_are_described_as_in_python() {
        let c = Connect {
            p: NumberOrExpr::Number(0.1),
            skip_if_invalid: true,
            ..Connect::condition("i != j")
        };
        assert_eq!(c.text(), "condition='i != j', p=0.1, skip_if_invalid=True");
        assert_eq!(Connect::arrays(vec![1], vec![2]).text(), "i=[1], j=[2]");
    }
}
