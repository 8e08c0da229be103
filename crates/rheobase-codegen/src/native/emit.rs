//! Kernel IR to C: one function `int32_t name(rb_args *)` per kernel, with the JIT's calling
//! convention ([`crate::jit::RawArgs`]) and its status codes, so the loaded function runs
//! through the same checked entry as JIT code (`jit::entry::LoadedKernel`).
//!
//! The C follows the IR's semantics operation by operation (see `interp`): every
//! subexpression is its own `const` local, in evaluation order (left to right, depth first,
//! a store's index before its value), so failures happen where the interpreter's happen;
//! comparisons give 1.0 / 0.0; a value is true when it is not 0.0 (NaN is true); stores
//! convert with saturation; gathers and computed indices are bounds-checked and fill in the
//! error slots. The element loop is plain C; gcc vectorises it where it can prove that this
//! changes nothing (array pointers are `restrict`: the runtime never binds one array twice).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::clanes::double_literal;
use super::prelude::unary_slot;
use crate::block_draws::{BlockDraws, DrawKind, Param, BLOCK};
use crate::fission::{self, Piece};
use crate::ir::{
    ArrayId, BinaryOp, ElemType, Expr, Index, Iteration, Kernel, MathFn, RandKind, Stmt, TempId,
    UnaryOp,
};
use crate::jit::entry::{STATUS_EMIT_OVERFLOW, STATUS_OK, STATUS_OUT_OF_BOUNDS};
use crate::jit::vector::can_vectorize;
use crate::opt::walk::Writes;
use crate::sparse::sparse_if;

/// Appends the C function `name` for `kernel` (validated, possibly optimised) to `out`.
pub fn emit_kernel(kernel: &Kernel, name: &str, out: &mut String) {
    let mut e = Emitter {
        kernel,
        code: String::new(),
        next: 0,
        indent: 1,
        entry: String::new(),
        staged: BTreeMap::new(),
        draws: BlockDraws::default(),
        in_body: false,
    };
    e.header(name);
    e.stmts(&kernel.prologue);
    e.element_loop();
    e.line("args->emit_count = emit_count;");
    e.line(&format!("return {STATUS_OK};"));
    out.push_str(&e.code);
    out.push_str("}\n\n");
    out.push_str(&e.entry);
}

struct Emitter<'k> {
    kernel: &'k Kernel,
    code: String,
    next: u32,
    indent: usize,
    /// The exported entry point, written after the body function.
    entry: String,
    /// Narrow arrays whose element `_idx` the loop body reads and writes as a double local
    /// (staged through a block buffer), by array.
    staged: BTreeMap<ArrayId, String>,
    /// The body's draws computed a block at a time into `r<k>` buffers.
    draws: BlockDraws,
    /// Whether the body (rather than the prologue) is being emitted.
    in_body: bool,
}

/// Whether arrays of this type go through double buffers. `F32` arrays do not (yet): a
/// store must round to float inside the loop, which brings a narrow type back into it.
fn is_staged_type(ty: ElemType) -> bool {
    matches!(ty, ElemType::I32 | ElemType::Bool)
}

/// The `I32` and `Bool` arrays a vectorisable range kernel's body touches at `_idx`: gcc
/// sizes its vectors for the narrowest type in a loop (a byte array makes it process 32
/// elements at once, eight registers per double), so these go through double buffers.
fn narrow_elem_arrays(kernel: &Kernel) -> BTreeSet<ArrayId> {
    fn expr(e: &Expr, kernel: &Kernel, out: &mut BTreeSet<ArrayId>) {
        match e {
            Expr::Load(a, index) => {
                if matches!(index, Index::Elem) && is_staged_type(kernel.arrays[a.0 as usize].ty) {
                    out.insert(*a);
                }
                if let Index::At(x) | Index::Clamped(x) = index {
                    expr(x, kernel, out);
                }
            }
            Expr::Unary(_, a) => expr(a, kernel, out),
            Expr::Binary(_, a, b) => {
                expr(a, kernel, out);
                expr(b, kernel, out);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| expr(a, kernel, out)),
            Expr::Select(c, a, b) => {
                expr(c, kernel, out);
                expr(a, kernel, out);
                expr(b, kernel, out);
            }
            Expr::Rand { kind, .. } => match kind {
                RandKind::Uniform | RandKind::Normal => {}
                RandKind::Poisson(l) => expr(l, kernel, out),
                RandKind::Binomial(n, p) => {
                    expr(n, kernel, out);
                    expr(p, kernel, out);
                }
            },
            Expr::Const(_) | Expr::Scalar(_) | Expr::Temp(_) | Expr::ElemIndex => {}
        }
    }
    fn stmts(s: &[Stmt], kernel: &Kernel, out: &mut BTreeSet<ArrayId>) {
        for stmt in s {
            match stmt {
                Stmt::Let(_, e) => expr(e, kernel, out),
                Stmt::Store {
                    array,
                    index,
                    value,
                } => {
                    if matches!(index, Index::Elem)
                        && is_staged_type(kernel.arrays[array.0 as usize].ty)
                    {
                        out.insert(*array);
                    }
                    expr(value, kernel, out);
                }
                Stmt::If {
                    cond,
                    then,
                    otherwise,
                } => {
                    expr(cond, kernel, out);
                    stmts(then, kernel, out);
                    stmts(otherwise, kernel, out);
                }
                Stmt::Emit => {}
            }
        }
    }
    let mut out = BTreeSet::new();
    if kernel.iteration == Iteration::Range && can_vectorize(kernel) {
        stmts(&kernel.body, kernel, &mut out);
    }
    out
}

fn c_type(ty: ElemType) -> &'static str {
    match ty {
        ElemType::F64 => "double",
        ElemType::F32 => "float",
        ElemType::I32 => "int32_t",
        ElemType::Bool => "uint8_t",
    }
}

impl Emitter<'_> {
    fn line(&mut self, text: &str) {
        for _ in 0..self.indent {
            self.code.push_str("    ");
        }
        self.code.push_str(text);
        self.code.push('\n');
    }

    /// A new `const double` local holding `value`.
    fn local(&mut self, value: &str) -> String {
        let name = format!("v{}", self.next);
        self.next += 1;
        self.line(&format!("const double {name} = {value};"));
        name
    }

    /// The body function (arrays as `restrict` parameters, which gcc trusts when deciding
    /// whether a loop may run in vector lanes; on pointers loaded from a struct it does not)
    /// and the entry point that calls it.
    fn header(&mut self, name: &str) {
        let mut params = vec!["rb_args *restrict args".to_string()];
        let mut args = vec!["args".to_string()];
        for (k, decl) in self.kernel.arrays.iter().enumerate() {
            let ty = c_type(decl.ty);
            params.push(format!("{ty} *restrict a{k}"));
            params.push(format!("const uint64_t n{k}"));
            args.push(format!("({ty} *)arrays[{k}].data"));
            args.push(format!("arrays[{k}].len"));
        }
        params.push("int32_t *restrict emit_buf".into());
        args.push("args->emit_buf".into());
        params.push("const int32_t *restrict list".into());
        args.push("args->list".into());
        let _ = writeln!(
            self.code,
            "__attribute__((visibility(\"default\"))) int32_t {name}(rb_args *args);\n\
             static __attribute__((noinline)) int32_t {name}_body({}) {{",
            params.join(", ")
        );
        self.entry = format!(
            "int32_t {name}(rb_args *args) {{\n    const rb_array *arrays = args->arrays;\n    (void)arrays;\n    return {name}_body({});\n}}\n\n",
            args.join(", ")
        );
        for k in 0..self.kernel.arrays.len() {
            self.line(&format!("(void)a{k}; (void)n{k};"));
        }
        self.line("(void)list;");
        self.line("const double *scalars = args->scalars;");
        for k in 0..self.kernel.scalars.len() {
            self.line(&format!("const double s{k} = scalars[{k}];"));
        }
        self.line("(void)scalars;");
        self.line("const uint64_t rng_key = args->rng_key, rng_step = args->rng_step;");
        self.line("const uint64_t emit_cap = args->emit_cap;");
        self.line("uint64_t emit_count = 0;");
        self.line("(void)rng_key; (void)rng_step; (void)emit_buf; (void)emit_cap;");
        for t in 0..self.kernel.n_temps {
            self.line(&format!("double t{t} = 0.0; (void)t{t};"));
        }
        // The prologue sees element 0 (its random draws do).
        self.line("uint64_t idx = 0; (void)idx;");
    }

    fn element_loop(&mut self) {
        let narrow = narrow_elem_arrays(self.kernel);
        self.draws = BlockDraws::of(self.kernel);
        self.in_body = true;
        let pieces = fission::pieces(self.kernel);
        if !narrow.is_empty() || pieces.is_some() {
            self.staged_range_loop(&narrow, pieces);
            return;
        }
        if let Some((cond, then)) = sparse_if(self.kernel) {
            self.two_pass_range_loop(cond, then);
            return;
        }
        if !self.draws.draws.is_empty() {
            self.staged_range_loop(&narrow, None);
            return;
        }
        match self.kernel.iteration {
            Iteration::Range => {
                self.line("const uint64_t range_end = args->range_end;");
                self.line("for (uint64_t i = args->range_start; i < range_end; i++) {");
                self.indent += 1;
                self.line("idx = i;");
                self.body_and_close();
            }
            Iteration::List => match target_window(self.kernel) {
                None => self.list_loop(None),
                Some(g) => {
                    // A piece of a call split by target runs the elements whose target is in
                    // its window ([`crate::backend::Split::ByTarget`]). A whole call (the
                    // window holds every index) runs a loop without the tests, which cost
                    // Brunel's one-thread deliveries 20 %.
                    self.line(
                        "const uint64_t window_lo = args->window_lo, window_span = args->window_span;",
                    );
                    self.line("if (window_lo == 0 && window_span == UINT64_MAX) {");
                    self.indent += 1;
                    self.list_loop(None);
                    self.indent -= 1;
                    self.line("} else {");
                    self.indent += 1;
                    self.list_loop(Some(g));
                    self.indent -= 1;
                    self.line("}");
                }
            },
        }
    }

    /// A loop over the call's list; with `window` (the split gather), only over the elements
    /// whose target lies in the call's window.
    fn list_loop(&mut self, window: Option<ArrayId>) {
        self.line("const uint64_t list_len = args->list_len;");
        self.line("for (uint64_t j = 0; j < list_len; j++) {");
        self.indent += 1;
        // Entries were checked to be non-negative before the call.
        self.line("idx = (uint64_t)(int64_t)list[j];");
        self.prefetch_gathers_ahead(window);
        if let Some(g) = window {
            self.line(&format!(
                "if ((uint64_t)(int64_t)a{}[idx] - window_lo > window_span) continue;",
                g.0
            ));
        }
        self.body_and_close();
    }

    /// The kernel's body inside an open loop, and the loop's end.
    fn body_and_close(&mut self) {
        let body = &self.kernel.body;
        self.stmts(body);
        self.indent -= 1;
        self.line("}");
    }

    /// In a list loop, asks for the target elements the body will gather
    /// [`PREFETCH_AHEAD`] entries later (a synaptic delivery's `v_post` in a network too big
    /// for the cache): the misses of many events then overlap. The list entries were all
    /// checked before the call, so the index array may be read ahead; the target address is
    /// computed as an integer (no pointer is formed), and a prefetch never faults.
    ///
    /// With a target window (`window`, the kernel's split gather), only targets inside it
    /// are asked for: a write-intent request for another piece's target would pull its cache
    /// line away from the thread that writes it.
    fn prefetch_gathers_ahead(&mut self, window: Option<ArrayId>) {
        let Ok(facts) = crate::validate::check_kernel(self.kernel) else {
            return;
        };
        let arrays = &self.kernel.arrays;
        let gathers: Vec<(u32, u32, usize)> = facts
            .gathered_arrays
            .iter()
            .filter(|(_, by)| arrays[by.0 as usize].ty == ElemType::I32)
            .map(|(a, by)| (a.0, by.0, c_size(arrays[a.0 as usize].ty)))
            .collect();
        if gathers.is_empty() {
            return;
        }
        self.line(&format!("if (j + {PREFETCH_AHEAD} < list_len) {{"));
        self.indent += 1;
        self.line(&format!(
            "const uint64_t ahead = (uint64_t)(int64_t)list[j + {PREFETCH_AHEAD}];"
        ));
        for (a, by, size) in gathers {
            let target = format!("(uintptr_t)a{a} + (uint64_t)(uint32_t)a{by}[ahead] * {size}u");
            if window == Some(ArrayId(by)) {
                // A select, not a branch around the request: gcc treats a prefetch as free of
                // effects and would issue it unconditionally. Outside the window it asks for
                // this piece's own list entry instead.
                self.line(&format!(
                    "__builtin_prefetch((const void *)((uint64_t)(int64_t)a{by}[ahead] - window_lo <= window_span ? {target} : (uintptr_t)(list + j)), 1);"
                ));
            } else {
                self.line(&format!("__builtin_prefetch((const void *)({target}), 1);"));
            }
        }
        self.indent -= 1;
        self.line("}");
        // The rows of the index arrays further ahead: the read above then finds them.
        let rows: BTreeSet<u32> = facts.elem_arrays.iter().map(|a| a.0).collect();
        self.line(&format!("if (j + {ROWS_AHEAD} < list_len) {{"));
        self.indent += 1;
        self.line(&format!(
            "const uint64_t far = (uint64_t)(int64_t)list[j + {ROWS_AHEAD}];"
        ));
        for a in rows {
            let size = c_size(arrays[a as usize].ty);
            self.line(&format!(
                "__builtin_prefetch((const void *)((uintptr_t)a{a} + far * {size}u), 0);"
            ));
        }
        self.indent -= 1;
        self.line("}");
    }

    /// A range loop in blocks of [`BLOCK`] elements whose random draws are computed into
    /// buffers before the block (pure functions of the element, see [`BlockDraws`]: any range
    /// kernel may do this), and whose narrow arrays (`narrow`) are converted to double buffers
    /// before the block and back after it, so that the main loop touches only doubles. Narrow
    /// arrays are staged only in kernels [`can_vectorize`] accepts: they access written
    /// arrays only at `_idx`, never fail, and no element sees another's effects, so the
    /// order of the conversions does not show. Within an element the array's value is a
    /// double local, stored to as the array would convert it (`Bool`: 1.0 or 0.0; `I32`:
    /// truncated and saturated, NaN as 0, -0 as +0), so loads see what they would read.
    ///
    /// With `pieces` ([`fission`]), the body runs as several loops over the block, one per
    /// piece, the temporaries handed from piece to piece through `c<t>` buffers.
    fn staged_range_loop(&mut self, narrow: &BTreeSet<ArrayId>, pieces: Option<Vec<Piece>>) {
        let body = &self.kernel.body;
        let pieces = pieces.unwrap_or_else(|| vec![Piece::whole(body.len())]);
        self.open_block_loop();
        for a in narrow {
            let k = a.0;
            self.line(&format!("double buf{k}[{BLOCK}];"));
            self.line(&format!(
                "for (uint64_t i = block; i < block_end; i++) buf{k}[i - block] = (double)a{k}[i];"
            ));
        }
        self.fill_draws();
        let carried: BTreeSet<TempId> = pieces.iter().flat_map(|p| p.save.clone()).collect();
        for t in &carried {
            self.line(&format!("double c{}[{BLOCK}];", t.0));
        }
        let mut written = BTreeSet::new();
        for piece in &pieces {
            let stmts = &body[piece.stmts.clone()];
            let written_here = Writes::of(stmts).arrays;
            self.line("for (uint64_t i = block; i < block_end; i++) {");
            self.indent += 1;
            self.line("idx = i;");
            for a in narrow {
                let k = a.0;
                self.line(&format!("double e{k} = buf{k}[i - block];"));
                self.staged.insert(*a, format!("e{k}"));
            }
            for t in &piece.load {
                self.line(&format!("t{0} = c{0}[i - block];", t.0));
            }
            self.stmts(stmts);
            for t in &piece.save {
                self.line(&format!("c{0}[i - block] = t{0};", t.0));
            }
            for a in narrow.iter().filter(|a| written_here.contains(a)) {
                let k = a.0;
                self.line(&format!("buf{k}[i - block] = e{k};"));
            }
            self.staged.clear();
            self.indent -= 1;
            self.line("}");
            written.extend(written_here);
        }
        for a in narrow.iter().filter(|a| written.contains(a)) {
            let k = a.0;
            let back = match self.kernel.arrays[k as usize].ty {
                ElemType::Bool => format!("(uint8_t)(buf{k}[i - block] != 0.0)"),
                // Already integral and in range.
                _ => format!("(int32_t)buf{k}[i - block]"),
            };
            self.line(&format!(
                "for (uint64_t i = block; i < block_end; i++) a{k}[i] = {back};"
            ));
        }
        self.indent -= 1;
        self.line("}");
    }

    /// Declares and fills the buffer `r<k>` of each block draw for elements
    /// `block..block_end`: uniforms by inline C (`rb_uniforms`, AVX2 where available), other
    /// distributions by the Rust fill functions.
    fn fill_draws(&mut self) {
        for (k, draw) in self.draws.draws.clone().into_iter().enumerate() {
            let site = draw.site;
            self.line(&format!("double r{k}[{BLOCK}];"));
            let fill = match draw.kind {
                DrawKind::Uniform => {
                    self.line(&format!(
                        "rb_uniforms(rng_key, rng_step, block, block_end - block, {site}u, r{k});"
                    ));
                    continue;
                }
                DrawKind::Normal => "fill_normal",
                DrawKind::Poisson(_) => "fill_poisson",
                DrawKind::Binomial(..) => "fill_binomial",
            };
            let [a, b] = draw.kind.params().map(c_param);
            self.line(&format!(
                "rb_rt.{fill}(rng_key, rng_step, block, block_end - block, {site}u, {a}, {b}, r{k});"
            ));
        }
    }

    /// Opens the loop over blocks of [`BLOCK`] elements of the call's range (`block` ..
    /// `block_end`); the caller closes it.
    fn open_block_loop(&mut self) {
        self.line("const uint64_t range_end = args->range_end;");
        self.line(&format!(
            "for (uint64_t block = args->range_start; block < range_end; block += {BLOCK}) {{"
        ));
        self.indent += 1;
        self.line(&format!(
            "const uint64_t block_end = range_end - block < {BLOCK} ? range_end : block + {BLOCK};"
        ));
    }

    /// The range loop of a [`sparse_if`] kernel: per block, the block's draws (a
    /// PoissonGroup's `rand() < rates*dt`), the test of every element into a flag byte (a loop
    /// gcc can vectorise), then the branch for the flagged elements in order, eight flags
    /// read at once so that runs of clear ones cost little.
    fn two_pass_range_loop(&mut self, cond: &Expr, then: &[Stmt]) {
        self.open_block_loop();
        self.line("const uint64_t block_len = block_end - block;");
        self.fill_draws();
        // Eight spare bytes so that the last word read is defined.
        self.line(&format!("uint8_t hit[{BLOCK} + 8];"));
        self.line("for (uint64_t i = block; i < block_end; i++) {");
        self.indent += 1;
        self.line("idx = i;");
        let c = self.truth(cond);
        self.line(&format!("hit[i - block] = {c};"));
        self.indent -= 1;
        self.line("}");
        self.line("memset(hit + block_len, 0, 8);");
        self.line("for (uint64_t word = 0; word < block_len; word += 8) {");
        self.indent += 1;
        self.line("uint64_t flags;");
        self.line("memcpy(&flags, hit + word, 8);");
        self.line("if (flags == 0) continue;");
        self.line("const uint64_t word_end = word + 8 < block_len ? word + 8 : block_len;");
        self.line("for (uint64_t k = word; k < word_end; k++) {");
        self.indent += 1;
        self.line("if (!hit[k]) continue;");
        self.line("idx = block + k;");
        self.stmts(then);
        self.indent -= 1;
        self.line("}");
        self.indent -= 1;
        self.line("}");
        self.indent -= 1;
        self.line("}");
    }

    /// Returns from the function with `status`, reporting `array` and `index`.
    fn fail(&mut self, status: i32, array: u64, index: &str) {
        self.line(&format!(
            "{{ args->err_array = {array}u; args->err_index = {index}; args->emit_count = emit_count; return {status}; }}"
        ));
    }

    fn stmts(&mut self, stmts: &[Stmt]) {
        for stmt in stmts {
            self.stmt(stmt);
        }
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Let(t, value) => {
                let v = self.expr(value);
                self.line(&format!("t{} = {v};", t.0));
            }
            Stmt::Store {
                array,
                index,
                value,
            } => {
                let at = self.resolve(*array, index);
                let v = self.expr(value);
                let a = array.0;
                if let (Index::Elem, Some(local)) = (index, self.staged.get(array).cloned()) {
                    let converted = match self.kernel.arrays[a as usize].ty {
                        ElemType::Bool => format!("{v} != 0.0 ? 1.0 : 0.0"),
                        _ => format!("rb_sat_i32_as_double({v})"),
                    };
                    self.line(&format!("{local} = {converted};"));
                    return;
                }
                let converted = match self.kernel.arrays[a as usize].ty {
                    ElemType::F64 => v,
                    // Rounding to nearest, as the JIT's `fdemote`.
                    ElemType::F32 => format!("(float){v}"),
                    ElemType::I32 => format!("rb_sat_i32({v})"),
                    ElemType::Bool => format!("({v} != 0.0)"),
                };
                self.line(&format!("a{a}[{at}] = {converted};"));
            }
            Stmt::If {
                cond,
                then,
                otherwise,
            } => {
                let c = self.expr(cond);
                self.line(&format!("if ({c} != 0.0) {{"));
                self.indent += 1;
                self.stmts(then);
                self.indent -= 1;
                if otherwise.is_empty() {
                    self.line("}");
                } else {
                    self.line("} else {");
                    self.indent += 1;
                    self.stmts(otherwise);
                    self.indent -= 1;
                    self.line("}");
                }
            }
            Stmt::Emit => {
                self.line("if (emit_count >= emit_cap)");
                self.indent += 1;
                self.fail(
                    STATUS_EMIT_OVERFLOW,
                    u64::from(u32::MAX),
                    "(int64_t)emit_count",
                );
                self.indent -= 1;
                self.line("emit_buf[emit_count++] = (int32_t)idx;");
            }
        }
    }

    /// The C expression (a local name) of the element of `array` that `index` selects,
    /// bounds-checked where not done per call.
    fn resolve(&mut self, array: ArrayId, index: &Index) -> String {
        let a = array.0;
        let name = format!("at{}", self.next);
        self.next += 1;
        match index {
            Index::Elem => return "idx".into(),
            Index::Shared => return "0".into(),
            Index::Gather(by) => {
                self.line(&format!("const int64_t {name} = (int64_t)a{}[idx];", by.0));
                // A negative index compares as a huge unsigned value.
                self.line(&format!("if ((uint64_t){name} >= n{a})"));
                self.indent += 1;
                self.fail(STATUS_OUT_OF_BOUNDS, u64::from(a), &name);
                self.indent -= 1;
            }
            Index::At(expr) => {
                let value = self.expr(expr);
                let truncated = self.local(&format!("trunc({value})"));
                self.line(&format!(
                    "if (!({truncated} >= 0.0 && {truncated} < (double)n{a}))"
                ));
                self.indent += 1;
                let reported =
                    format!("({value} != {value} ? INT64_MIN : rb_sat_i64({truncated}))");
                self.fail(STATUS_OUT_OF_BOUNDS, u64::from(a), &reported);
                self.indent -= 1;
                self.line(&format!("const uint64_t {name} = (uint64_t){truncated};"));
            }
            Index::Clamped(expr) => {
                let value = self.expr(expr);
                self.line(&format!(
                    "const uint64_t {name} = rb_clamped({value}, n{a});"
                ));
            }
        }
        name
    }

    fn load(&mut self, array: ArrayId, at: &str) -> String {
        let a = array.0;
        match self.kernel.arrays[a as usize].ty {
            ElemType::F64 => self.local(&format!("a{a}[{at}]")),
            ElemType::F32 | ElemType::I32 | ElemType::Bool => {
                self.local(&format!("(double)a{a}[{at}]"))
            }
        }
    }

    /// `cond != 0.0` as a C int (0 or 1), from comparisons and flag bytes directly where it
    /// can be, so that gcc's vectorised flag loop compares and packs lane masks instead of
    /// widening flag bytes to doubles and testing them again. The same truth as the double
    /// expression: a comparison with NaN is false in both, `and`/`or` are those of truths.
    fn truth(&mut self, cond: &Expr) -> String {
        match cond {
            Expr::Binary(op @ (BinaryOp::And | BinaryOp::Or), a, b) => {
                let a = self.truth(a);
                let b = self.truth(b);
                let sym = if *op == BinaryOp::And { "&" } else { "|" };
                format!("({a} {sym} {b})")
            }
            Expr::Binary(op, a, b) => match comparison(*op) {
                Some(sym) => {
                    let a = self.expr(a);
                    let b = self.expr(b);
                    format!("({a} {sym} {b})")
                }
                None => self.double_truth(cond),
            },
            Expr::Unary(UnaryOp::Not, a) => {
                let a = self.truth(a);
                format!("({a} ^ 1)")
            }
            Expr::Load(array, index)
                if self.kernel.arrays[array.0 as usize].ty == ElemType::Bool
                    && !self.staged.contains_key(array) =>
            {
                let at = self.resolve(*array, index);
                format!("(a{}[{at}] != 0)", array.0)
            }
            _ => self.double_truth(cond),
        }
    }

    /// `cond != 0.0` computed as a double, for tests [`Self::truth`] cannot write directly.
    fn double_truth(&mut self, cond: &Expr) -> String {
        let c = self.expr(cond);
        format!("({c} != 0.0)")
    }

    /// Emits the locals computing `expr` and returns the name of the last.
    fn expr(&mut self, expr: &Expr) -> String {
        match expr {
            Expr::Const(c) => double_literal(*c),
            Expr::Scalar(id) => format!("s{}", id.0),
            Expr::Temp(t) => {
                // A copy: the temporary may be reassigned before this value is used.
                self.local(&format!("t{}", t.0))
            }
            Expr::ElemIndex => self.local("rb_index(idx)"),
            Expr::Load(array, Index::Elem) if self.staged.contains_key(array) => {
                let local = self.staged[array].clone();
                self.local(&local)
            }
            Expr::Load(array, index) => {
                let at = self.resolve(*array, index);
                self.load(*array, &at)
            }
            Expr::Unary(op, a) => {
                let a = self.expr(a);
                match op {
                    UnaryOp::Neg => self.local(&format!("-{a}")),
                    UnaryOp::Not => self.local(&format!("{a} == 0.0 ? 1.0 : 0.0")),
                }
            }
            Expr::Binary(op, a, b) => {
                let a = self.expr(a);
                let b = self.expr(b);
                let value = binary(*op, &a, &b);
                self.local(&value)
            }
            Expr::Call(f, args) => {
                let values: Vec<String> = args.iter().map(|a| self.expr(a)).collect();
                let value = math(*f, &values);
                self.local(&value)
            }
            Expr::Select(c, a, b) => {
                let c = self.expr(c);
                let a = self.expr(a);
                let b = self.expr(b);
                self.local(&format!("{c} != 0.0 ? {a} : {b}"))
            }
            Expr::Rand { kind, site }
                if self.in_body && self.draws.buffer(kind, *site).is_some() =>
            {
                let k = self.draws.buffer(kind, *site).expect("checked above");
                self.local(&format!("r{k}[idx - block]"))
            }
            Expr::Rand { kind, site } => {
                let point = format!("rng_key, rng_step, idx, {site}u");
                let value = match kind {
                    RandKind::Uniform => format!("rb_uniform({point})"),
                    RandKind::Normal => format!("rb_rt.rand_normal({point})"),
                    RandKind::Poisson(lambda) => {
                        let lambda = self.expr(lambda);
                        format!("rb_rt.rand_poisson({point}, {lambda})")
                    }
                    RandKind::Binomial(n, p) => {
                        let n = self.expr(n);
                        let p = self.expr(p);
                        format!("rb_rt.rand_binomial({point}, {n}, {p})")
                    }
                };
                self.local(&value)
            }
        }
    }
}

/// A draw's parameter as C (0.0 where unused).
fn c_param(p: Option<Param>) -> String {
    match p {
        None => "0.0".into(),
        Some(Param::Const(c)) => double_literal(c),
        Some(Param::Scalar(s)) => format!("s{}", s.0),
    }
}

/// The gather array of a list kernel whose calls may be split by target
/// ([`crate::backend::Split::ByTarget`]): each element first tests its target against the
/// call's window.
fn target_window(kernel: &Kernel) -> Option<ArrayId> {
    match crate::split::splittable(kernel) {
        crate::split::Splittable::ByGather(g) if kernel.iteration == Iteration::List => Some(g),
        _ => None,
    }
}

/// How many list entries ahead a list loop prefetches its gathered targets.
const PREFETCH_AHEAD: usize = 16;

/// How many list entries ahead a list loop asks for the rows of its index arrays.
const ROWS_AHEAD: usize = 128;

/// The size in bytes of an array element in C.
fn c_size(ty: ElemType) -> usize {
    match ty {
        ElemType::F64 => 8,
        ElemType::F32 | ElemType::I32 => 4,
        ElemType::Bool => 1,
    }
}

/// The C operator of a comparison.
fn comparison(op: BinaryOp) -> Option<&'static str> {
    Some(match op {
        BinaryOp::Lt => "<",
        BinaryOp::Le => "<=",
        BinaryOp::Gt => ">",
        BinaryOp::Ge => ">=",
        BinaryOp::Eq => "==",
        BinaryOp::Ne => "!=",
        _ => return None,
    })
}

fn binary(op: BinaryOp, a: &str, b: &str) -> String {
    match op {
        BinaryOp::Add => format!("{a} + {b}"),
        BinaryOp::Sub => format!("{a} - {b}"),
        BinaryOp::Mul => format!("{a} * {b}"),
        BinaryOp::Div => format!("{a} / {b}"),
        BinaryOp::FloorDiv => format!("floor({a} / {b})"),
        // Two roundings, as the IR says (no fused multiply-subtract: -ffp-contract=off).
        BinaryOp::Mod => format!("{a} - floor({a} / {b}) * {b}"),
        BinaryOp::Pow => format!("rb_rt.pow({a}, {b})"),
        BinaryOp::Lt => format!("{a} < {b} ? 1.0 : 0.0"),
        BinaryOp::Le => format!("{a} <= {b} ? 1.0 : 0.0"),
        BinaryOp::Gt => format!("{a} > {b} ? 1.0 : 0.0"),
        BinaryOp::Ge => format!("{a} >= {b} ? 1.0 : 0.0"),
        BinaryOp::Eq => format!("{a} == {b} ? 1.0 : 0.0"),
        BinaryOp::Ne => format!("{a} != {b} ? 1.0 : 0.0"),
        BinaryOp::And => format!("rb_and({a}, {b})"),
        BinaryOp::Or => format!("rb_or({a}, {b})"),
        BinaryOp::Min => format!("rb_min({a}, {b})"),
        BinaryOp::Max => format!("rb_max({a}, {b})"),
    }
}

fn math(f: MathFn, args: &[String]) -> String {
    let x = &args[0];
    if let Some(slot) = unary_slot(f) {
        return format!("rb_rt.unary[{slot}]({x})");
    }
    match f {
        MathFn::Exp => format!("rb_exp({x})"),
        MathFn::Expm1 => format!("rb_expm1({x})"),
        MathFn::Log => format!("rb_log({x})"),
        MathFn::Exprel => format!("rb_exprel({x})"),
        MathFn::Sqrt => format!("sqrt({x})"),
        MathFn::Abs => format!("fabs({x})"),
        MathFn::Floor => format!("floor({x})"),
        MathFn::Ceil => format!("ceil({x})"),
        MathFn::Trunc => format!("trunc({x})"),
        MathFn::Sign => format!("rb_sign({x})"),
        MathFn::Clip => format!("rb_min(rb_max({x}, {}), {})", args[1], args[2]),
        // Called through the table (above).
        MathFn::Log10
        | MathFn::Log1p
        | MathFn::Sin
        | MathFn::Cos
        | MathFn::Tan
        | MathFn::Sinh
        | MathFn::Cosh
        | MathFn::Tanh
        | MathFn::Asin
        | MathFn::Acos
        | MathFn::Atan => unreachable!("table functions are handled above"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{ArrayDecl, TempId};

    #[test]
    fn a_store_resolves_its_index_before_its_value() {
        let kernel = Kernel {
            name: "k".into(),
            arrays: vec![
                ArrayDecl::new("v", ElemType::F64, true),
                ArrayDecl::new("post", ElemType::I32, false),
            ],
            scalars: vec!["dt".into()],
            iteration: Iteration::List,
            prologue: vec![Stmt::Let(TempId(0), Expr::Scalar(crate::ir::ScalarId(0)))],
            body: vec![Stmt::Store {
                array: ArrayId(0),
                index: Index::Gather(ArrayId(1)),
                value: Expr::call(MathFn::Exp, vec![Expr::Temp(TempId(0))]),
            }],
            n_temps: 1,
        };
        let mut c = String::new();
        emit_kernel(&kernel, "rb_k0", &mut c);
        let check = c.find("if ((uint64_t)at").expect("bounds check");
        let exp = c.find("rb_exp(").expect("exp call");
        assert!(check < exp, "{c}");
        assert!(c.contains("int32_t rb_k0(rb_args *args) {"));
        assert!(c.contains("rb_k0_body(rb_args *restrict args, double *restrict a0"));
    }
}
