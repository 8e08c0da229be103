//! Translation of one kernel into one Cranelift function `fn(*mut RawArgs) -> i32`.
//!
//! Layout of the generated function: the entry block loads every array pointer and length,
//! every scalar, the random key and the Emit buffer from [`RawArgs`]; runs the prologue; then
//! loops over the elements (a counted loop for ranges, a walk over the index list for lists)
//! running the body; finally it writes `emit_count` and returns [`STATUS_OK`]. Temporaries are
//! Cranelift variables. Failing bounds checks branch to cold blocks that fill in the error slot
//! and return a non-zero status.
//!
//! With `vector` (for kernels [`super::vector::can_vectorize`] accepts), a range loop first
//! runs the body two elements at a time in `F64X2` lanes, then the scalar loop finishes the
//! odd element. Each lane computes exactly what the scalar code computes: the same IEEE
//! operations, `exp`/`expm1`/`log`/`exprel` inline from [`crate::vmath`], other library
//! functions called once per lane.
//!
//! Constants of the two-lane loop are read from a per-kernel table next to each use (see
//! [`ConstPool`]) rather than splatted and hoisted out of the loop.
//!
//! A range kernel with block draws ([`crate::block_draws`]) runs in blocks of up to
//! [`BLOCK`] elements: each block first calls the `rb_fill_*` functions into stack buffers,
//! then runs the element loops, which read their draws from the buffers. Blocks also run a
//! body whose `exp`-family calls go to whole block buffers ([`math_blocks`]: element loops
//! and `rb_math_block` calls in turn, temporaries handed on through one stack area of
//! buffers) or that is cut into pieces ([`fission`]), and the two passes of a threshold
//! ([`sparse_if`]: the test two lanes at a time into flag bytes, then the branch for the
//! flagged elements).

use std::collections::HashMap;
use std::mem::offset_of;

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    types, Block, FuncRef, InstBuilder, MemFlagsData, StackSlot, StackSlotData, StackSlotKind,
    Type, Value,
};
use cranelift_frontend::{FunctionBuilder, Variable};
use cranelift_jit::JITModule;
use cranelift_module::{Linkage, Module};

use super::entry::{RawArgs, RawArray, STATUS_EMIT_OVERFLOW, STATUS_OK, STATUS_OUT_OF_BOUNDS};
use super::lanes::{ClifLanes, ConstPool, PAIR};
use super::symbols;
use super::vector::can_vectorize;
use crate::block_draws::{BlockDraws, Param, BLOCK};
use crate::fission::{self, BlockCall, Piece};
use crate::ir::{
    ArrayId, BinaryOp, ElemType, Expr, Index, Iteration, Kernel, MathFn, RandKind, Stmt, TempId,
    UnaryOp,
};
use crate::opt::walk::Writes;
use crate::sparse::sparse_if;
use crate::{math_blocks, mathfn, vmath};

mod two_pass;

type Gen<T> = Result<T, String>;

/// Most block buffers (2 KiB each, on the stack) a kernel's pieces may use: 512 KiB, well
/// inside the stacks kernels run on (the main thread's and the pool's 8 MiB).
const MAX_BLOCK_BUFFERS: usize = 256;

struct ArrayView {
    data: Value,
    len: Value,
    ty: ElemType,
}

/// What to report as the failing index when a bounds check fails.
enum FailIndex {
    /// An i64 index.
    Int(Value),
    /// A computed f64 index (already truncated): NaN is reported as `i64::MIN`.
    Float { value: Value, truncated: Value },
}

/// Emits the body of `builder`'s function for `kernel` (which passed `validate::check_kernel`).
/// With `vector`, loops run two lanes at a time where they can: the whole body of a kernel
/// `vector::can_vectorize` accepts, the test of a [`sparse_if`] kernel.
pub fn translate(
    kernel: &Kernel,
    builder: FunctionBuilder<'_>,
    module: &mut JITModule,
    vector: bool,
) -> Gen<()> {
    // The two-lane loop takes its `exp`-family calls out to whole blocks
    // (`math_blocks`) where it can, else cuts a long body into pieces (`fission`).
    let two_pass = vector && sparse_if(kernel).is_some();
    let vector = vector && can_vectorize(kernel);
    let blocks = if vector {
        math_blocks::plan(kernel)
    } else {
        None
    };
    // The buffers live on the stack: a body that would need too many runs as one loop.
    let fits = |pieces: &[Piece]| fission::buffers_needed(pieces) <= MAX_BLOCK_BUFFERS;
    let (kernel, pieces) = match &blocks {
        Some(plan) if fits(&plan.pieces) => (&plan.kernel, Some(plan.pieces.clone())),
        _ if vector => (kernel, fission::pieces(kernel).filter(|p| fits(p))),
        _ => (kernel, None),
    };
    let mut t = Translator::new(kernel, builder, module);
    t.plan_block_draws();
    if vector {
        t.vector_plan = true;
        t.declare_vector_temps();
        t.plan_pieces(pieces);
    } else if two_pass {
        // The test runs two lanes at a time, the branch one element at a time.
        t.vector_plan = true;
        t.two_pass = true;
    }
    t.translate()?;
    t.b.seal_all_blocks();
    let config = t.module.target_config();
    t.b.finalize(config);
    Ok(())
}

struct Translator<'k, 'f, 'm> {
    kernel: &'k Kernel,
    b: FunctionBuilder<'f>,
    module: &'m mut JITModule,
    imports: HashMap<&'static str, FuncRef>,
    args: Value,
    arrays: Vec<ArrayView>,
    scalars: Vec<Value>,
    temps: Vec<Variable>,
    /// `F64X2` twins of the temporaries the body assigns, for the two-lane loop.
    vector_temps: HashMap<TempId, Variable>,
    /// Whether the range loop gets a two-lane part.
    vector_plan: bool,
    /// Whether a [`sparse_if`] kernel runs in two passes (its test two lanes at a time).
    two_pass: bool,
    /// Whether the code being emitted runs two lanes (`F64X2` values).
    vector: bool,
    idx: Variable,
    emit_count: Variable,
    emit_buf: Value,
    emit_cap: Value,
    rng_key: Value,
    rng_step: Value,
    /// The body's draws computed a block of elements at a time, one stack buffer each.
    draws: BlockDraws,
    draw_slots: Vec<StackSlot>,
    /// The first element of the current block.
    block_start: Variable,
    /// A long body cut into pieces ([`fission`]), each run over the block in turn.
    pieces: Option<Vec<Piece>>,
    /// One stack area of block buffers, and the offset in it of the buffer of each
    /// temporary a piece hands on to a later one (or a block call reads or sets).
    carry_area: Option<StackSlot>,
    carry_offsets: HashMap<TempId, u32>,
    /// Whether the body (rather than the prologue) is being emitted.
    in_body: bool,
    /// The prologue's results the body reads, each in a stack slot in both lanes.
    parked: HashMap<TempId, StackSlot>,
    /// The constants of the two-lane loop while it is emitted.
    pool: Option<ConstPool>,
    /// The mask each 1.0 / 0.0 value was made from ([`Self::bool_to_f64`]), so that its
    /// truth is that mask again rather than a comparison with zero.
    masks: HashMap<Value, Value>,
}

/// What an element loop runs for each element (or pair).
enum Work<'p> {
    /// A piece of the body.
    Piece(&'p Piece),
    /// The test of a two-pass kernel ([`sparse_if`]): its truth into the element's flag
    /// byte in `flags` (nonzero where it holds).
    Test { cond: &'p Expr, flags: StackSlot },
}

/// One iteration of a loop over blocks of elements, while its body is emitted.
struct BlockLoop {
    header: cranelift_codegen::ir::Block,
    exit: cranelift_codegen::ir::Block,
    /// The argument values in use before the block's fresh loads.
    entry_values: ArgValues,
    /// The block's first element, element count and end.
    start: Value,
    count: Value,
    end: Value,
}

/// What the function reads from [`RawArgs`] before its loops.
struct ArgValues {
    arrays: Vec<ArrayView>,
    scalars: Vec<Value>,
    emit_buf: Value,
    emit_cap: Value,
    rng_key: Value,
    rng_step: Value,
}

fn load_args(b: &mut FunctionBuilder<'_>, args: Value, kernel: &Kernel) -> ArgValues {
    let load_field = |b: &mut FunctionBuilder<'_>, ty: Type, offset: usize| {
        b.ins().load(ty, flags(), args, offset as i32)
    };
    let arrays_ptr = load_field(b, types::I64, offset_of!(RawArgs, arrays));
    let scalars_ptr = load_field(b, types::I64, offset_of!(RawArgs, scalars));
    let arrays = kernel
        .arrays
        .iter()
        .enumerate()
        .map(|(i, decl)| {
            let base = (i * size_of::<RawArray>()) as i32;
            let field = |b: &mut FunctionBuilder<'_>, offset: usize| {
                b.ins()
                    .load(types::I64, flags(), arrays_ptr, base + offset as i32)
            };
            ArrayView {
                data: field(b, offset_of!(RawArray, data)),
                len: field(b, offset_of!(RawArray, len)),
                ty: decl.ty,
            }
        })
        .collect();
    let scalars = (0..kernel.scalars.len())
        .map(|i| {
            b.ins()
                .load(types::F64, flags(), scalars_ptr, (i * 8) as i32)
        })
        .collect();
    ArgValues {
        arrays,
        scalars,
        emit_buf: load_field(b, types::I64, offset_of!(RawArgs, emit_buf)),
        emit_cap: load_field(b, types::I64, offset_of!(RawArgs, emit_cap)),
        rng_key: load_field(b, types::I64, offset_of!(RawArgs, rng_key)),
        rng_step: load_field(b, types::I64, offset_of!(RawArgs, rng_step)),
    }
}

fn flags() -> MemFlagsData {
    MemFlagsData::trusted()
}

/// Vector bitcasts reinterpret lanes in memory order.
fn little_endian() -> MemFlagsData {
    MemFlagsData::new().with_endianness(cranelift_codegen::ir::Endianness::Little)
}

/// For two-lane loads and stores: elements are only 8-byte aligned.
fn vector_flags() -> MemFlagsData {
    MemFlagsData::new().with_notrap()
}

impl<'k, 'f, 'm> Translator<'k, 'f, 'm> {
    fn new(kernel: &'k Kernel, mut b: FunctionBuilder<'f>, module: &'m mut JITModule) -> Self {
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let args = b.block_params(entry)[0];
        let ArgValues {
            arrays,
            scalars,
            emit_buf,
            emit_cap,
            rng_key,
            rng_step,
        } = load_args(&mut b, args, kernel);
        let zero_f = b.ins().f64const(0.0);
        let zero_i = b.ins().iconst(types::I64, 0);
        let temps = (0..kernel.n_temps)
            .map(|_| {
                let v = b.declare_var(types::F64);
                b.def_var(v, zero_f);
                v
            })
            .collect();
        let idx = b.declare_var(types::I64);
        b.def_var(idx, zero_i);
        let emit_count = b.declare_var(types::I64);
        b.def_var(emit_count, zero_i);
        let block_start = b.declare_var(types::I64);
        b.def_var(block_start, zero_i);
        Translator {
            kernel,
            b,
            module,
            imports: HashMap::new(),
            args,
            arrays,
            scalars,
            temps,
            vector_temps: HashMap::new(),
            vector_plan: false,
            two_pass: false,
            vector: false,
            idx,
            emit_count,
            emit_buf,
            emit_cap,
            rng_key,
            rng_step,
            draws: BlockDraws::default(),
            draw_slots: Vec::new(),
            block_start,
            pieces: None,
            carry_area: None,
            carry_offsets: HashMap::new(),
            in_body: false,
            parked: HashMap::new(),
            pool: None,
            masks: HashMap::new(),
        }
    }

    fn plan_block_draws(&mut self) {
        self.draws = BlockDraws::of(self.kernel);
        let bytes = (BLOCK * size_of::<f64>()) as u32;
        self.draw_slots = (0..self.draws.draws.len())
            .map(|_| {
                let data = StackSlotData::new(StackSlotKind::ExplicitSlot, bytes, 4);
                self.b.create_sized_stack_slot(data)
            })
            .collect();
    }

    /// Runs the two-lane body as `pieces`, with a block buffer per carried temporary and per
    /// argument and result of a block call.
    ///
    /// The buffers are one stack area, so that an element's entries share one address and
    /// differ by constant offsets folded into the loads and stores.
    fn plan_pieces(&mut self, pieces: Option<Vec<Piece>>) {
        self.pieces = pieces;
        let bytes = (BLOCK * size_of::<f64>()) as u32;
        for piece in self.pieces.iter().flatten() {
            let calls = piece.calls.iter().flat_map(|c| [c.arg, c.out]);
            for t in piece.save.iter().copied().chain(calls) {
                let next = self.carry_offsets.len() as u32 * bytes;
                self.carry_offsets.entry(t).or_insert(next);
            }
        }
        if !self.carry_offsets.is_empty() {
            let size = self.carry_offsets.len() as u32 * bytes;
            let data = StackSlotData::new(StackSlotKind::ExplicitSlot, size, 4);
            self.carry_area = Some(self.b.create_sized_stack_slot(data));
        }
    }

    fn translate(&mut self) -> Gen<()> {
        let prologue = &self.kernel.prologue;
        self.stmts(prologue)?;
        self.park_prologue_temps();
        self.in_body = true;
        match self.kernel.iteration {
            Iteration::Range => match sparse_if(self.kernel) {
                Some((cond, then)) if self.two_pass => self.two_pass_range_loop(cond, then)?,
                _ => self.range_loop()?,
            },
            Iteration::List => self.list_loop()?,
        }
        self.store_emit_count();
        let ok = self.b.ins().iconst(types::I32, i64::from(STATUS_OK));
        self.b.ins().return_(&[ok]);
        Ok(())
    }

    /// Stores the prologue's results that the body reads (and does not assign) in a stack
    /// slot each, already in both lanes, for the body to load at each use. As plain values,
    /// Cranelift's optimiser recomputed them inside the element loop (a division per
    /// element for a refractory test's `timestep(refractory, dt)`) or spilled and reloaded
    /// them anyway.
    fn park_prologue_temps(&mut self) {
        let assigned = Writes::of(&self.kernel.prologue).temps;
        let body_sets = Writes::of(&self.kernel.body).temps;
        let mut read = std::collections::BTreeSet::new();
        crate::opt::walk::each_expr(&self.kernel.body, &mut |e| {
            if let Expr::Temp(t) = e {
                read.insert(*t);
            }
        });
        for t in assigned.intersection(&read) {
            if body_sets.contains(t) {
                continue;
            }
            let data = StackSlotData::new(StackSlotKind::ExplicitSlot, 16, 4);
            let slot = self.b.create_sized_stack_slot(data);
            let x = self.b.use_var(self.temps[t.0 as usize]);
            let both = self.b.ins().splat(types::F64X2, x);
            let addr = self.b.ins().stack_addr(types::I64, slot, 0);
            self.b.ins().store(vector_flags(), both, addr, 0);
            self.parked.insert(*t, slot);
        }
    }

    fn field(&mut self, offset: usize) -> Value {
        self.b
            .ins()
            .load(types::I64, flags(), self.args, offset as i32)
    }

    fn declare_vector_temps(&mut self) {
        let zero = self.b.ins().f64const(0.0);
        let zero = self.b.ins().splat(types::F64X2, zero);
        for t in Writes::of(&self.kernel.body).temps {
            let v = self.b.declare_var(types::F64X2);
            self.b.def_var(v, zero);
            self.vector_temps.insert(t, v);
        }
    }

    /// The kernel's element range as a loop variable (at the range's start) and its end.
    fn element_range(&mut self) -> (Variable, Value) {
        let start = self.field(offset_of!(RawArgs, range_start));
        let end = self.field(offset_of!(RawArgs, range_end));
        let i = self.b.declare_var(types::I64);
        self.b.def_var(i, start);
        (i, end)
    }

    /// Opens the loop over blocks of up to [`BLOCK`] elements from `i` to `end`: the block's
    /// draws filled, the arguments loaded afresh (values loaded before the loop would live
    /// across the calls, and Cranelift's register allocator then moves them through stack
    /// slots on every element).
    fn open_block_loop(&mut self, i: Variable, end: Value) -> Gen<BlockLoop> {
        let (header, exit, cur) =
            self.open_loop(i, |b, cur| b.ins().icmp(IntCC::UnsignedLessThan, cur, end));
        let remaining = self.b.ins().isub(end, cur);
        let block = self.b.ins().iconst(types::I64, BLOCK as i64);
        let count = self.b.ins().umin(remaining, block);
        let block_end = self.b.ins().iadd(cur, count);
        self.b.def_var(self.block_start, cur);
        self.fill_draws(cur, count)?;
        let fresh = load_args(&mut self.b, self.args, self.kernel);
        let entry_values = self.swap_args(fresh);
        Ok(BlockLoop {
            header,
            exit,
            entry_values,
            start: cur,
            count,
            end: block_end,
        })
    }

    /// Closes a loop [`Self::open_block_loop`] opened, going on at the block's end.
    fn close_block_loop(&mut self, i: Variable, block: BlockLoop) {
        self.swap_args(block.entry_values);
        self.b.def_var(i, block.end);
        self.b.ins().jump(block.header, &[]);
        self.b.switch_to_block(block.exit);
    }

    fn range_loop(&mut self) -> Gen<()> {
        let (i, end) = self.element_range();
        let whole = Piece::whole(self.kernel.body.len());
        if self.draws.draws.is_empty() && self.pieces.is_none() {
            return self.element_loops(i, end, &Work::Piece(&whole));
        }
        // Blocks of up to BLOCK elements, each starting with its draws; a cut body runs
        // piece after piece over the block.
        let block = self.open_block_loop(i, end)?;
        let (cur, count, block_end) = (block.start, block.count, block.end);
        let pieces = self.pieces.clone().unwrap_or_else(|| vec![whole]);
        for (k, piece) in pieces.iter().enumerate() {
            if !piece.calls.is_empty() {
                self.block_calls(&piece.calls, count)?;
                continue;
            }
            if k > 0 && !pieces[k - 1].calls.is_empty() {
                // Fresh loads after the calls too, for the same reason.
                let fresh = load_args(&mut self.b, self.args, self.kernel);
                self.swap_args(fresh);
            }
            self.b.def_var(i, cur);
            self.element_loops(i, block_end, &Work::Piece(piece))?;
        }
        self.close_block_loop(i, block);
        Ok(())
    }

    /// Applies each call to the whole block: `f` over the first `count` entries of the
    /// argument's buffer into the result's.
    fn block_calls(&mut self, calls: &[BlockCall], count: Value) -> Gen<()> {
        let f = self.import(symbols::MATH_BLOCK)?;
        for call in calls {
            let code = mathfn::math_block_code(call.f)
                .ok_or_else(|| format!("no block form of {:?}", call.f))?;
            let code = self.b.ins().iconst(types::I32, i64::from(code));
            let arg = self.buffer_start(call.arg)?;
            let out = self.buffer_start(call.out)?;
            self.b.ins().call(f, &[code, arg, out, count]);
        }
        Ok(())
    }

    /// Uses `values` from here on; returns the ones used so far.
    fn swap_args(&mut self, values: ArgValues) -> ArgValues {
        ArgValues {
            arrays: std::mem::replace(&mut self.arrays, values.arrays),
            scalars: std::mem::replace(&mut self.scalars, values.scalars),
            emit_buf: std::mem::replace(&mut self.emit_buf, values.emit_buf),
            emit_cap: std::mem::replace(&mut self.emit_cap, values.emit_cap),
            rng_key: std::mem::replace(&mut self.rng_key, values.rng_key),
            rng_step: std::mem::replace(&mut self.rng_step, values.rng_step),
        }
    }

    /// Calls the fill function of every block buffer for elements `first..first + count`.
    fn fill_draws(&mut self, first: Value, count: Value) -> Gen<()> {
        for k in 0..self.draws.draws.len() {
            let draw = self.draws.draws[k];
            let site = self.b.ins().iconst(types::I32, i64::from(draw.site));
            let [a, b] = draw.kind.params();
            let (a, b) = (self.param(a), self.param(b));
            let out = self.b.ins().stack_addr(types::I64, self.draw_slots[k], 0);
            let f = self.import(symbols::fill_symbol(&draw.kind))?;
            let args = [self.rng_key, self.rng_step, first, count, site, a, b, out];
            self.b.ins().call(f, &args);
        }
        Ok(())
    }

    fn param(&mut self, p: Option<Param>) -> Value {
        match p {
            None => self.b.ins().f64const(0.0),
            Some(Param::Const(c)) => self.b.ins().f64const(c),
            Some(Param::Scalar(s)) => self.scalars[s.0 as usize],
        }
    }

    /// The two-lane loop (if planned) and the scalar loop over elements `i..end`, running
    /// `work` for each.
    fn element_loops(&mut self, i: Variable, end: Value, work: &Work<'_>) -> Gen<()> {
        if self.vector_plan {
            self.vector_loop(i, end, work)?;
        }
        let (header, exit, cur) =
            self.open_loop(i, |b, cur| b.ins().icmp(IntCC::UnsignedLessThan, cur, end));
        self.b.def_var(self.idx, cur);
        self.work(work)?;
        let next = self.b.ins().iadd_imm_u(cur, 1);
        self.b.def_var(i, next);
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(exit);
        Ok(())
    }

    /// Opens a loop on `i`: a header block reads it and branches on `more(cur)` into the body
    /// (current from here on) or the exit. Returns the header (to jump back to), the exit
    /// and the value of `i` in this iteration.
    fn open_loop(
        &mut self,
        i: Variable,
        more: impl FnOnce(&mut FunctionBuilder<'_>, Value) -> Value,
    ) -> (
        cranelift_codegen::ir::Block,
        cranelift_codegen::ir::Block,
        Value,
    ) {
        let (header, body, exit) = (
            self.b.create_block(),
            self.b.create_block(),
            self.b.create_block(),
        );
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(header);
        let cur = self.b.use_var(i);
        let go_on = more(&mut self.b, cur);
        self.b.ins().brif(go_on, body, &[], exit, &[]);
        self.b.switch_to_block(body);
        (header, exit, cur)
    }

    fn work(&mut self, work: &Work<'_>) -> Gen<()> {
        match *work {
            Work::Piece(piece) => self.piece(piece),
            Work::Test { cond, flags: slot } => self.test_into_flags(cond, slot),
        }
    }

    /// The statements of `piece` for the current element (or pair), the temporaries it
    /// takes from earlier pieces loaded first and the ones it hands on stored last.
    fn piece(&mut self, piece: &Piece) -> Gen<()> {
        let (ty, flags) = if self.vector {
            (types::F64X2, vector_flags())
        } else {
            (types::F64, flags())
        };
        for &t in &piece.load {
            let (addr, offset) = self.carry_addr(t)?;
            let value = self.b.ins().load(ty, flags, addr, offset);
            let var = self.temp_var(t);
            self.b.def_var(var, value);
        }
        let stmts = &self.kernel.body[piece.stmts.clone()];
        self.stmts(stmts)?;
        for &t in &piece.save {
            let (addr, offset) = self.carry_addr(t)?;
            let var = self.temp_var(t);
            let value = self.b.use_var(var);
            self.b.ins().store(flags, value, addr, offset);
        }
        Ok(())
    }

    /// The current element's entry in `t`'s block buffer: the element's address in the
    /// carry area and the buffer's offset.
    fn carry_addr(&mut self, t: TempId) -> Gen<(Value, i32)> {
        let (Some(area), Some(&offset)) = (self.carry_area, self.carry_offsets.get(&t)) else {
            return Err("a carried temporary has no block buffer".into());
        };
        let idx = self.b.use_var(self.idx);
        let start = self.b.use_var(self.block_start);
        let element = self.b.ins().isub(idx, start);
        let bytes = self.b.ins().ishl_imm_u(element, 3);
        let base = self.b.ins().stack_addr(types::I64, area, 0);
        let offset = i32::try_from(offset).map_err(|_| "too many block buffers")?;
        Ok((self.b.ins().iadd(base, bytes), offset))
    }

    /// The start of `t`'s block buffer.
    fn buffer_start(&mut self, t: TempId) -> Gen<Value> {
        let (Some(area), Some(&offset)) = (self.carry_area, self.carry_offsets.get(&t)) else {
            return Err("a block call has no buffer".into());
        };
        let offset = i32::try_from(offset).map_err(|_| "too many block buffers")?;
        Ok(self.b.ins().stack_addr(types::I64, area, offset))
    }

    /// Runs `piece` of the body on elements `i, i + 1` while both are below `end`; leaves
    /// `i` at the first element not done.
    fn vector_loop(&mut self, i: Variable, end: Value, work: &Work<'_>) -> Gen<()> {
        let table = self
            .module
            .declare_anonymous_data(false, false)
            .map_err(|e| e.to_string())?;
        let global = self.module.declare_data_in_func(table, self.b.func);
        let table_start = self.b.ins().symbol_value(types::I64, global);
        let zero = self.b.ins().load(types::I64, flags(), table_start, 0);
        let base = self.b.declare_var(types::I64);
        self.b.def_var(base, table_start);
        self.pool = Some(ConstPool {
            base,
            slots: vec![0],
        });
        // `start > end` (an empty range) fails this test too.
        let (header, exit, cur) = self.open_loop(i, |b, cur| {
            let pair_end = b.ins().iadd_imm_u(cur, 2);
            b.ins().icmp(IntCC::UnsignedLessThanOrEqual, pair_end, end)
        });
        let pair_end = self.b.ins().iadd_imm_u(cur, 2);
        self.b.def_var(self.idx, cur);
        self.vector = true;
        self.work(work)?;
        self.vector = false;
        let pool = self
            .pool
            .take()
            .ok_or("the two-lane constant table went missing")?;
        // The table's address plus a zero read from memory: the same address, but not one
        // Cranelift can prove loop-invariant, so the constant loads stay next to their uses.
        let moved = self.b.use_var(base);
        let moved = self.b.ins().iadd(moved, zero);
        self.b.def_var(base, moved);
        self.b.def_var(i, pair_end);
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(exit);
        let mut data = cranelift_module::DataDescription::new();
        data.define(pool.bytes().into_boxed_slice());
        data.set_align(16);
        self.module
            .define_data(table, &data)
            .map_err(|e| e.to_string())?;
        Ok(())
    }

    fn list_loop(&mut self) -> Gen<()> {
        let list = self.field(offset_of!(RawArgs, list));
        let len = self.field(offset_of!(RawArgs, list_len));
        let exit = self.b.create_block();
        match crate::split::splittable(self.kernel) {
            crate::split::Splittable::ByGather(gather) => {
                // A piece of a call split by target runs the elements whose target is in its
                // window (`Split::ByTarget`). A whole call (the window holds every index)
                // runs a loop without the tests.
                let lo = self.field(offset_of!(RawArgs, window_lo));
                let span = self.field(offset_of!(RawArgs, window_span));
                let from_zero = self.b.ins().icmp_imm_u(IntCC::Equal, lo, 0);
                let to_end = self.b.ins().icmp_imm_s(IntCC::Equal, span, -1);
                let whole = self.b.ins().band(from_zero, to_end);
                let (plain, windowed) = (self.b.create_block(), self.b.create_block());
                self.b.ins().brif(whole, plain, &[], windowed, &[]);
                self.b.switch_to_block(plain);
                self.list_loop_over((list, len), None, exit)?;
                self.b.switch_to_block(windowed);
                self.list_loop_over((list, len), Some((gather, lo, span)), exit)?;
            }
            _ => self.list_loop_over((list, len), None, exit)?,
        }
        self.b.switch_to_block(exit);
        Ok(())
    }

    /// A loop over the call's list from the current block, then on to `exit`; with `window`
    /// (the split gather, the window's start and span), only over the elements whose target
    /// lies in the window.
    fn list_loop_over(
        &mut self,
        (list, len): (Value, Value),
        window: Option<(ArrayId, Value, Value)>,
        exit: Block,
    ) -> Gen<()> {
        let j = self.b.declare_var(types::I64);
        let zero = self.b.ins().iconst(types::I64, 0);
        self.b.def_var(j, zero);
        let (header, body) = (self.b.create_block(), self.b.create_block());
        self.b.ins().jump(header, &[]);
        self.b.switch_to_block(header);
        let cur = self.b.use_var(j);
        let more = self.b.ins().icmp(IntCC::UnsignedLessThan, cur, len);
        self.b.ins().brif(more, body, &[], exit, &[]);
        self.b.switch_to_block(body);
        let offset = self.b.ins().ishl_imm_u(cur, 2);
        let addr = self.b.ins().iadd(list, offset);
        // Entries were checked to be non-negative before the call.
        let entry = self.b.ins().sload32(flags(), addr, 0);
        self.b.def_var(self.idx, entry);
        let latch = self.b.create_block();
        if let Some((gather, lo, span)) = window {
            let at = self.element_address(gather, entry);
            let target = self.b.ins().sload32(flags(), at, 0);
            let from_lo = self.b.ins().isub(target, lo);
            let inside = self
                .b
                .ins()
                .icmp(IntCC::UnsignedLessThanOrEqual, from_lo, span);
            let element = self.b.create_block();
            self.b.ins().brif(inside, element, &[], latch, &[]);
            self.b.switch_to_block(element);
        }
        let stmts = &self.kernel.body;
        self.stmts(stmts)?;
        self.b.ins().jump(latch, &[]);
        self.b.switch_to_block(latch);
        let next = self.b.ins().iadd_imm_u(cur, 1);
        self.b.def_var(j, next);
        self.b.ins().jump(header, &[]);
        Ok(())
    }

    fn store_emit_count(&mut self) {
        let count = self.b.use_var(self.emit_count);
        self.b.ins().store(
            flags(),
            count,
            self.args,
            offset_of!(RawArgs, emit_count) as i32,
        );
    }

    /// Returns from the function with `status` in a new cold block unless `ok` is true.
    fn fail_unless(&mut self, ok: Value, status: i32, array: ArrayId, index: FailIndex) {
        let (fail, cont) = (self.b.create_block(), self.b.create_block());
        self.b.ins().brif(ok, cont, &[], fail, &[]);
        self.b.switch_to_block(fail);
        self.b.set_cold_block(fail);
        let index = match index {
            FailIndex::Int(v) => v,
            FailIndex::Float { value, truncated } => {
                let is_nan = self.b.ins().fcmp(FloatCC::Unordered, value, value);
                let sat = self.b.ins().fcvt_to_sint_sat(types::I64, truncated);
                let min = self.b.ins().iconst(types::I64, i64::MIN);
                self.b.ins().select(is_nan, min, sat)
            }
        };
        let array_id = self.b.ins().iconst(types::I64, i64::from(array.0));
        self.b.ins().store(
            flags(),
            array_id,
            self.args,
            offset_of!(RawArgs, err_array) as i32,
        );
        self.b.ins().store(
            flags(),
            index,
            self.args,
            offset_of!(RawArgs, err_index) as i32,
        );
        self.store_emit_count();
        let status = self.b.ins().iconst(types::I32, i64::from(status));
        self.b.ins().return_(&[status]);
        self.b.switch_to_block(cont);
    }

    fn stmts(&mut self, stmts: &[Stmt]) -> Gen<()> {
        for stmt in stmts {
            self.stmt(stmt)?;
        }
        Ok(())
    }

    fn stmt(&mut self, stmt: &Stmt) -> Gen<()> {
        match stmt {
            Stmt::Let(temp, value) => {
                let v = self.expr(value)?;
                let var = self.temp_var(*temp);
                self.b.def_var(var, v);
            }
            Stmt::Store {
                array,
                index,
                value,
            } => {
                let at = self.resolve(*array, index)?;
                let v = self.expr(value)?;
                if self.vector {
                    self.store_lanes(*array, at, v);
                } else {
                    self.store(*array, at, v);
                }
            }
            Stmt::If {
                cond,
                then,
                otherwise,
            } if self.vector => self.masked_if(cond, then, otherwise, None)?,
            Stmt::If {
                cond,
                then,
                otherwise,
            } => {
                let truth = self.branch_condition(cond)?;
                let (then_block, else_block, merge) = (
                    self.b.create_block(),
                    self.b.create_block(),
                    self.b.create_block(),
                );
                self.b.ins().brif(truth, then_block, &[], else_block, &[]);
                self.b.switch_to_block(then_block);
                self.stmts(then)?;
                self.b.ins().jump(merge, &[]);
                self.b.switch_to_block(else_block);
                self.stmts(otherwise)?;
                self.b.ins().jump(merge, &[]);
                self.b.switch_to_block(merge);
            }
            Stmt::Emit => {
                self.scalar_only("Emit")?;
                let count = self.b.use_var(self.emit_count);
                let room = self
                    .b
                    .ins()
                    .icmp(IntCC::UnsignedLessThan, count, self.emit_cap);
                let no_array = ArrayId(u32::MAX);
                self.fail_unless(room, STATUS_EMIT_OVERFLOW, no_array, FailIndex::Int(count));
                let offset = self.b.ins().ishl_imm_u(count, 2);
                let addr = self.b.ins().iadd(self.emit_buf, offset);
                let idx = self.b.use_var(self.idx);
                let idx32 = self.b.ins().ireduce(types::I32, idx);
                self.b.ins().store(flags(), idx32, addr, 0);
                let next = self.b.ins().iadd_imm_u(count, 1);
                self.b.def_var(self.emit_count, next);
            }
        }
        Ok(())
    }

    /// An `If` in two-lane code, if-converted: both branches run for both lanes, and each
    /// assignment keeps the old value in the lanes whose condition (and enclosing `mask`)
    /// is false. `vector::can_vectorize` admits only branches whose work cannot fail and
    /// whose temporaries were assigned before the `If`, so this is invisible.
    fn masked_if(
        &mut self,
        cond: &Expr,
        then: &[Stmt],
        otherwise: &[Stmt],
        mask: Option<Value>,
    ) -> Gen<()> {
        let c = self.expr(cond)?;
        let taken = self.truth(c);
        let not_taken = self.b.ins().bnot(taken);
        let (then_mask, else_mask) = match mask {
            Some(m) => (self.b.ins().band(m, taken), self.b.ins().band(m, not_taken)),
            None => (taken, not_taken),
        };
        self.masked_stmts(then, then_mask)?;
        self.masked_stmts(otherwise, else_mask)
    }

    fn masked_stmts(&mut self, stmts: &[Stmt], mask: Value) -> Gen<()> {
        for stmt in stmts {
            match stmt {
                Stmt::Let(temp, value) => {
                    let new = self.expr(value)?;
                    let var = self.temp_var(*temp);
                    let old = self.b.use_var(var);
                    let v = self.select(mask, new, old);
                    self.b.def_var(var, v);
                }
                Stmt::Store {
                    array,
                    index,
                    value,
                } => {
                    let at = self.resolve(*array, index)?;
                    let new = self.expr(value)?;
                    let old = self.load_lanes(*array, index, at);
                    let v = self.select(mask, new, old);
                    self.store_lanes(*array, at, v);
                }
                Stmt::If {
                    cond,
                    then,
                    otherwise,
                } => self.masked_if(cond, then, otherwise, Some(mask))?,
                Stmt::Emit => self.scalar_only("Emit")?,
            }
        }
        Ok(())
    }

    /// Refuses constructs `vector::can_vectorize` keeps out of two-lane code.
    fn scalar_only(&self, what: &str) -> Gen<()> {
        if self.vector {
            Err(format!("{what} in a two-lane loop"))
        } else {
            Ok(())
        }
    }

    /// The variable of `temp` in the current lane mode.
    fn temp_var(&self, temp: TempId) -> Variable {
        match self.vector_temps.get(&temp) {
            Some(&v) if self.vector => v,
            _ => self.temps[temp.0 as usize],
        }
    }

    /// The i64 element of `array` that `index` selects, bounds-checked where not done per call.
    /// In two-lane code this is the first lane's element (the second is the next one).
    fn resolve(&mut self, array: ArrayId, index: &Index) -> Gen<Value> {
        let len = self.arrays[array.0 as usize].len;
        Ok(match index {
            Index::Elem => self.b.use_var(self.idx),
            Index::Shared => self.b.ins().iconst(types::I64, 0),
            Index::Gather(by) => {
                self.scalar_only("a gather")?;
                let idx = self.b.use_var(self.idx);
                let addr = self.element_address(*by, idx);
                let j = self.b.ins().sload32(flags(), addr, 0);
                // Negative j compares as a huge unsigned value.
                let ok = self.b.ins().icmp(IntCC::UnsignedLessThan, j, len);
                self.fail_unless(ok, STATUS_OUT_OF_BOUNDS, array, FailIndex::Int(j));
                j
            }
            Index::At(expr) => {
                self.scalar_only("a computed index")?;
                let value = self.expr(expr)?;
                let truncated = self.b.ins().trunc(value);
                let zero = self.b.ins().f64const(0.0);
                let len_f = self.b.ins().fcvt_from_uint(types::F64, len);
                let lower = self
                    .b
                    .ins()
                    .fcmp(FloatCC::GreaterThanOrEqual, truncated, zero);
                let upper = self.b.ins().fcmp(FloatCC::LessThan, truncated, len_f);
                let ok = self.b.ins().band(lower, upper);
                self.fail_unless(
                    ok,
                    STATUS_OUT_OF_BOUNDS,
                    array,
                    FailIndex::Float { value, truncated },
                );
                self.b.ins().fcvt_to_uint_sat(types::I64, truncated)
            }
            Index::Clamped(expr) => {
                self.scalar_only("a clamped index (loaded lane by lane)")?;
                let value = self.expr(expr)?;
                self.clamped_index(array, value)
            }
        })
    }

    /// `min(int(value), len - 1)`, negative values and NaN as 0 (`len >= 1` is checked once
    /// per call). The saturating conversion truncates and maps NaN and negatives to 0.
    fn clamped_index(&mut self, array: ArrayId, value: Value) -> Value {
        let len = self.arrays[array.0 as usize].len;
        let last = self.b.ins().iadd_imm_s(len, -1);
        let at = self.b.ins().fcvt_to_uint_sat(types::I64, value);
        self.b.ins().umin(at, last)
    }

    fn element_address(&mut self, array: ArrayId, at: Value) -> Value {
        let view = &self.arrays[array.0 as usize];
        let (data, shift) = (view.data, elem_shift(view.ty));
        let offset = if shift == 0 {
            at
        } else {
            self.b.ins().ishl_imm_u(at, shift)
        };
        self.b.ins().iadd(data, offset)
    }

    fn load(&mut self, array: ArrayId, at: Value) -> Value {
        let addr = self.element_address(array, at);
        match self.arrays[array.0 as usize].ty {
            ElemType::F64 => self.b.ins().load(types::F64, flags(), addr, 0),
            ElemType::F32 => {
                let x = self.b.ins().load(types::F32, flags(), addr, 0);
                self.b.ins().fpromote(types::F64, x)
            }
            ElemType::I32 => {
                let x = self.b.ins().load(types::I32, flags(), addr, 0);
                self.b.ins().fcvt_from_sint(types::F64, x)
            }
            ElemType::Bool => {
                let x = self.b.ins().uload8(types::I32, flags(), addr, 0);
                self.b.ins().fcvt_from_uint(types::F64, x)
            }
        }
    }

    /// Two lanes of `array`: elements `at` and `at + 1` for `Index::Elem`, element 0 in both
    /// lanes for `Index::Shared`.
    fn load_lanes(&mut self, array: ArrayId, index: &Index, at: Value) -> Value {
        if matches!(index, Index::Shared) {
            let x = self.load(array, at);
            return self.b.ins().splat(types::F64X2, x);
        }
        match self.arrays[array.0 as usize].ty {
            ElemType::F64 => {
                let addr = self.element_address(array, at);
                return self.b.ins().load(types::F64X2, vector_flags(), addr, 0);
            }
            ElemType::F32 => {
                // Both f32 as one 64-bit load into the low half, widened (cvtps2pd).
                let addr = self.element_address(array, at);
                let both = self.b.ins().load(types::I64, vector_flags(), addr, 0);
                let wide = self.b.ins().scalar_to_vector(types::I64X2, both);
                let floats = self.b.ins().bitcast(types::F32X4, little_endian(), wide);
                return self.b.ins().fvpromote_low(floats);
            }
            ElemType::Bool => {
                // The lane mask of both flags, anded with the bits of 1.0.
                let addr = self.element_address(array, at);
                let mask = self.flag_pair_mask(addr);
                let bits = self.b.ins().bitcast(types::F64X2, little_endian(), mask);
                let one = self.constant(1.0);
                let value = self.b.ins().band(bits, one);
                self.masks.insert(value, mask);
                return value;
            }
            ElemType::I32 => {}
        }
        let first = self.load(array, at);
        let next = self.b.ins().iadd_imm_u(at, 1);
        let second = self.load(array, next);
        self.pair(first, second)
    }

    fn store(&mut self, array: ArrayId, at: Value, v: Value) {
        let addr = self.element_address(array, at);
        match self.arrays[array.0 as usize].ty {
            ElemType::F64 => {
                self.b.ins().store(flags(), v, addr, 0);
            }
            ElemType::F32 => {
                let x = self.b.ins().fdemote(types::F32, v);
                self.b.ins().store(flags(), x, addr, 0);
            }
            ElemType::I32 => {
                let x = self.b.ins().fcvt_to_sint_sat(types::I32, v);
                self.b.ins().store(flags(), x, addr, 0);
            }
            ElemType::Bool => {
                // The i8 0/1 of the comparison is exactly a Rust bool.
                let x = self.truth(v);
                self.b.ins().store(flags(), x, addr, 0);
            }
        }
    }

    /// Stores lanes `v` to elements `at` and `at + 1` (two-lane code only stores at `_idx`).
    fn store_lanes(&mut self, array: ArrayId, at: Value, v: Value) {
        match self.arrays[array.0 as usize].ty {
            ElemType::F64 => {
                let addr = self.element_address(array, at);
                self.b.ins().store(vector_flags(), v, addr, 0);
                return;
            }
            ElemType::F32 => {
                // Rounded to two f32 in the low half (cvtpd2ps), stored as one 64-bit value.
                let addr = self.element_address(array, at);
                let floats = self.b.ins().fvdemote(v);
                let wide = self.b.ins().bitcast(types::I64X2, little_endian(), floats);
                let both = self.b.ins().extractlane(wide, 0);
                self.b.ins().store(vector_flags(), both, addr, 0);
                return;
            }
            ElemType::Bool => {
                let addr = self.element_address(array, at);
                let mask = self.truth(v);
                self.store_flag_pair(mask, addr);
                return;
            }
            ElemType::I32 => {}
        }
        self.vector = false;
        let first = self.b.ins().extractlane(v, 0);
        self.store(array, at, first);
        let second = self.b.ins().extractlane(v, 1);
        let next = self.b.ins().iadd_imm_u(at, 1);
        self.store(array, next, second);
        self.vector = true;
    }

    /// The lane mask (all ones where set) of the two flag bytes at `addr`: one 16-bit load,
    /// each byte widened to an i64 lane (0 or 1, pmovzx) and negated.
    fn flag_pair_mask(&mut self, addr: Value) -> Value {
        let both = self.b.ins().uload16(types::I32, vector_flags(), addr, 0);
        let wide = self.b.ins().scalar_to_vector(types::I32X4, both);
        let bytes = self.b.ins().bitcast(types::I8X16, little_endian(), wide);
        let halves = self.b.ins().uwiden_low(bytes);
        let words = self.b.ins().uwiden_low(halves);
        let flags = self.b.ins().uwiden_low(words);
        self.b.ins().ineg(flags)
    }

    /// Stores the lane mask `mask` as two flag bytes (0 or 1) at `addr`: its two sign bits
    /// (movmskpd), moved to bit 0 of each byte of one 16-bit store.
    fn store_flag_pair(&mut self, mask: Value, addr: Value) {
        let bits = self.b.ins().vhigh_bits(types::I32, mask);
        let first = self.b.ins().band_imm_u(bits, 1);
        let second = self.b.ins().band_imm_u(bits, 2);
        let second = self.b.ins().ishl_imm_u(second, 7);
        let both = self.b.ins().bor(first, second);
        let both = self.b.ins().ireduce(types::I16, both);
        self.b.ins().store(vector_flags(), both, addr, 0);
    }

    /// The `F64X2` of two f64 values.
    fn pair(&mut self, first: Value, second: Value) -> Value {
        let v = self.b.ins().splat(types::F64X2, first);
        self.b.ins().insertlane(v, second, 1)
    }

    /// A constant in the current lane mode.
    fn constant(&mut self, c: f64) -> Value {
        if self.vector {
            let bits = u128::from(c.to_bits()) * PAIR;
            if let Some(v) = self.lanes(true).pooled(types::F64X2, bits) {
                return v;
            }
        }
        let x = self.b.ins().f64const(c);
        self.widen(x)
    }

    /// A scalar value in the current lane mode (the same value in both lanes).
    fn widen(&mut self, x: Value) -> Value {
        if self.vector {
            self.b.ins().splat(types::F64X2, x)
        } else {
            x
        }
    }

    /// `x != 0.0` as a mask (NaN is true): `i8` in scalar code, `I64X2` lanes in two-lane code.
    fn truth(&mut self, x: Value) -> Value {
        if let Some(&mask) = self.masks.get(&x) {
            return mask;
        }
        let zero = self.constant(0.0);
        self.b.ins().fcmp(FloatCC::NotEqual, x, zero)
    }

    /// A mask as 1.0 / 0.0.
    fn bool_to_f64(&mut self, c: Value) -> Value {
        let one = self.constant(1.0);
        let zero = self.constant(0.0);
        let value = self.select(c, one, zero);
        self.masks.insert(value, c);
        value
    }

    /// `c ? a : b` for a mask `c`.
    fn select(&mut self, c: Value, a: Value, b: Value) -> Value {
        let vector = self.vector;
        vmath::Lanes::select(&mut self.lanes(vector), c, a, b)
    }

    fn lanes(&mut self, vector: bool) -> ClifLanes<'_, 'f> {
        ClifLanes {
            b: &mut self.b,
            vector,
            pool: self.pool.as_mut(),
        }
    }

    fn import(&mut self, name: &'static str) -> Gen<FuncRef> {
        if let Some(&f) = self.imports.get(name) {
            return Ok(f);
        }
        let symbol = symbols::lookup(name).ok_or_else(|| format!("unknown symbol {name}"))?;
        let sig = symbol
            .func
            .signature(self.module.target_config().default_call_conv);
        let id = self
            .module
            .declare_function(name, Linkage::Import, &sig)
            .map_err(|e| format!("declaring {name}: {e}"))?;
        let f = self.module.declare_func_in_func(id, self.b.func);
        self.imports.insert(name, f);
        Ok(f)
    }

    fn call(&mut self, name: &'static str, args: &[Value]) -> Gen<Value> {
        let f = self.import(name)?;
        let inst = self.b.ins().call(f, args);
        Ok(self.b.inst_results(inst)[0])
    }

    /// Calls an f64 function on each lane of `args` in two-lane code, or once in scalar code.
    fn call_lanes(&mut self, name: &'static str, args: &[Value]) -> Gen<Value> {
        if !self.vector {
            return self.call(name, args);
        }
        let mut results = [None; 2];
        for (lane, slot) in results.iter_mut().enumerate() {
            let lane_args: Vec<Value> = args
                .iter()
                .map(|&a| self.b.ins().extractlane(a, lane as u8))
                .collect();
            *slot = Some(self.call(name, &lane_args)?);
        }
        let [Some(first), Some(second)] = results else {
            unreachable!("both lanes were computed")
        };
        Ok(self.pair(first, second))
    }

    fn expr(&mut self, expr: &Expr) -> Gen<Value> {
        Ok(match expr {
            Expr::Const(c) => self.constant(*c),
            Expr::Scalar(id) => {
                let x = self.scalars[id.0 as usize];
                self.widen(x)
            }
            Expr::Temp(t) if self.in_body && self.parked.contains_key(t) => {
                let slot = self.parked[t];
                let addr = self.b.ins().stack_addr(types::I64, slot, 0);
                let (ty, flags) = if self.vector {
                    (types::F64X2, vector_flags())
                } else {
                    (types::F64, flags())
                };
                self.b.ins().load(ty, flags, addr, 0)
            }
            Expr::Temp(t) => {
                let var = self.temp_var(*t);
                let x = self.b.use_var(var);
                if self.vector && !self.vector_temps.contains_key(t) {
                    self.widen(x)
                } else {
                    x
                }
            }
            Expr::ElemIndex => {
                let idx = self.b.use_var(self.idx);
                let first = self.b.ins().fcvt_from_uint(types::F64, idx);
                if self.vector {
                    let next = self.b.ins().iadd_imm_u(idx, 1);
                    let second = self.b.ins().fcvt_from_uint(types::F64, next);
                    self.pair(first, second)
                } else {
                    first
                }
            }
            Expr::Load(array, Index::Clamped(at)) if self.vector => {
                // Each lane's own element: two scalar loads.
                let lanes = self.expr(at)?;
                let mut values = [lanes; 2];
                for (lane, value) in values.iter_mut().enumerate() {
                    let x = self.b.ins().extractlane(lanes, lane as u8);
                    let at = self.clamped_index(*array, x);
                    *value = self.load(*array, at);
                }
                self.pair(values[0], values[1])
            }
            Expr::Load(array, index) => {
                let at = self.resolve(*array, index)?;
                if self.vector {
                    self.load_lanes(*array, index, at)
                } else {
                    self.load(*array, at)
                }
            }
            Expr::Unary(op, a) => {
                let a = self.expr(a)?;
                match op {
                    UnaryOp::Neg => self.b.ins().fneg(a),
                    UnaryOp::Not => {
                        let zero = self.constant(0.0);
                        let is_zero = self.b.ins().fcmp(FloatCC::Equal, a, zero);
                        self.bool_to_f64(is_zero)
                    }
                }
            }
            Expr::Binary(op, a, b) => {
                let a = self.expr(a)?;
                let b = self.expr(b)?;
                self.binary(*op, a, b)?
            }
            Expr::Call(f, args) => {
                let mut values = Vec::with_capacity(args.len());
                for arg in args {
                    values.push(self.expr(arg)?);
                }
                self.math(*f, &values)?
            }
            Expr::Select(c, a, b) => {
                let c = self.expr(c)?;
                let a = self.expr(a)?;
                let b = self.expr(b)?;
                let truth = self.truth(c);
                self.select(truth, a, b)
            }
            Expr::Rand { kind, site }
                if self.in_body && self.draws.buffer(kind, *site).is_some() =>
            {
                // This element's number (two lanes: and the next one's) from the block buffer.
                let k = self.draws.buffer(kind, *site).expect("checked above");
                let idx = self.b.use_var(self.idx);
                let start = self.b.use_var(self.block_start);
                let offset = self.b.ins().isub(idx, start);
                let bytes = self.b.ins().ishl_imm_u(offset, 3);
                let base = self.b.ins().stack_addr(types::I64, self.draw_slots[k], 0);
                let addr = self.b.ins().iadd(base, bytes);
                if self.vector {
                    self.b.ins().load(types::F64X2, vector_flags(), addr, 0)
                } else {
                    self.b.ins().load(types::F64, flags(), addr, 0)
                }
            }
            Expr::Rand { kind, site } => {
                self.scalar_only("a random draw")?;
                let idx = self.b.use_var(self.idx);
                let site = self.b.ins().iconst(types::I32, i64::from(*site));
                let mut args = vec![self.rng_key, self.rng_step, idx, site];
                match kind {
                    RandKind::Uniform | RandKind::Normal => {}
                    RandKind::Poisson(lambda) => args.push(self.expr(lambda)?),
                    RandKind::Binomial(n, p) => {
                        args.push(self.expr(n)?);
                        args.push(self.expr(p)?);
                    }
                }
                self.call(symbols::rand_symbol(kind), &args)?
            }
        })
    }

    fn binary(&mut self, op: BinaryOp, a: Value, b: Value) -> Gen<Value> {
        let ins = self.b.ins();
        Ok(match op {
            BinaryOp::Add => ins.fadd(a, b),
            BinaryOp::Sub => ins.fsub(a, b),
            BinaryOp::Mul => ins.fmul(a, b),
            BinaryOp::Div => ins.fdiv(a, b),
            BinaryOp::FloorDiv => {
                let q = ins.fdiv(a, b);
                self.b.ins().floor(q)
            }
            BinaryOp::Mod => {
                let q = ins.fdiv(a, b);
                let f = self.b.ins().floor(q);
                let m = self.b.ins().fmul(f, b);
                self.b.ins().fsub(a, m)
            }
            BinaryOp::Pow => return self.call_lanes(symbols::POW, &[a, b]),
            BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge
            | BinaryOp::Eq
            | BinaryOp::Ne => {
                let cc = comparison(op).ok_or("a comparison without a condition code")?;
                self.compare(cc, a, b)
            }
            BinaryOp::And | BinaryOp::Or => {
                let ta = self.truth(a);
                let tb = self.truth(b);
                let c = if op == BinaryOp::And {
                    self.b.ins().band(ta, tb)
                } else {
                    self.b.ins().bor(ta, tb)
                };
                self.bool_to_f64(c)
            }
            BinaryOp::Min => ins.fmin(a, b),
            BinaryOp::Max => ins.fmax(a, b),
        })
    }

    /// `cond != 0.0` as a mask for a scalar branch. A comparison is tested directly: its
    /// 1.0 / 0.0 is non-zero exactly when the comparison holds (NaN included), so the
    /// conversion to a float and back is skipped (thresholds branch on one per element).
    fn branch_condition(&mut self, cond: &Expr) -> Gen<Value> {
        let cc = match cond {
            Expr::Binary(op, ..) => comparison(*op),
            _ => None,
        };
        match (cc, cond) {
            (Some(cc), Expr::Binary(_, a, b)) => {
                let a = self.expr(a)?;
                let b = self.expr(b)?;
                Ok(self.b.ins().fcmp(cc, a, b))
            }
            _ => {
                let c = self.expr(cond)?;
                Ok(self.truth(c))
            }
        }
    }

    fn compare(&mut self, cc: FloatCC, a: Value, b: Value) -> Value {
        let c = self.b.ins().fcmp(cc, a, b);
        self.bool_to_f64(c)
    }

    fn math(&mut self, f: MathFn, args: &[Value]) -> Gen<Value> {
        let vector = self.vector;
        let x = args[0];
        // Two lanes at a time the vmath family is emitted inline (where the speed is); one
        // element at a time (scalar tails, kernels that are not vectorised) it calls the same
        // algorithm compiled in Rust (`rb_exp`, ... from `mathfn`): the same bits, and each
        // kernel compiles much faster than with a second inline copy.
        let inline = match f {
            _ if !vector => None,
            MathFn::Exp => Some(vmath::exp(&mut self.lanes(vector), x)),
            MathFn::Expm1 => Some(vmath::expm1(&mut self.lanes(vector), x)),
            MathFn::Log => Some(vmath::log(&mut self.lanes(vector), x)),
            MathFn::Exprel => Some(vmath::exprel(&mut self.lanes(vector), x)),
            _ => None,
        };
        if let Some(v) = inline {
            return Ok(v);
        }
        if let Some(name) = symbols::math_symbol(f) {
            return self.call_lanes(name, args);
        }
        let ins = self.b.ins();
        Ok(match f {
            MathFn::Sqrt => ins.sqrt(x),
            MathFn::Abs => ins.fabs(x),
            MathFn::Floor => ins.floor(x),
            MathFn::Ceil => ins.ceil(x),
            MathFn::Trunc => ins.trunc(x),
            MathFn::Sign => {
                // x > 0 ? 1 : (x < 0 ? -1 : x), keeping zeros and NaN.
                let zero = self.constant(0.0);
                let one = self.constant(1.0);
                let minus_one = self.constant(-1.0);
                let neg = self.b.ins().fcmp(FloatCC::LessThan, x, zero);
                let pos = self.b.ins().fcmp(FloatCC::GreaterThan, x, zero);
                let low = self.select(neg, minus_one, x);
                self.select(pos, one, low)
            }
            MathFn::Clip => {
                let lo = ins.fmax(x, args[1]);
                self.b.ins().fmin(lo, args[2])
            }
            other => return Err(format!("no lowering for {other:?}")),
        })
    }
}

/// The condition code of a comparison operator (ordered, except `!=`, which NaN satisfies,
/// as in the interpreter), or `None` for other operators.
fn comparison(op: BinaryOp) -> Option<FloatCC> {
    Some(match op {
        BinaryOp::Lt => FloatCC::LessThan,
        BinaryOp::Le => FloatCC::LessThanOrEqual,
        BinaryOp::Gt => FloatCC::GreaterThan,
        BinaryOp::Ge => FloatCC::GreaterThanOrEqual,
        BinaryOp::Eq => FloatCC::Equal,
        BinaryOp::Ne => FloatCC::NotEqual,
        _ => return None,
    })
}

fn elem_shift(ty: ElemType) -> i64 {
    match ty {
        ElemType::F64 => 3,
        ElemType::F32 | ElemType::I32 => 2,
        ElemType::Bool => 0,
    }
}
