//! Building kernels over store arrays, compiling them, and calling them on the store.
//!
//! [`KernelBuilder`] assembles a [`Kernel`] while remembering which store array and which
//! runtime value stands behind each kernel array and scalar. [`RunnableKernel`] is the compiled
//! result bound to those arrays: one call runs it on the current state.

use crate::error::{Result, RuntimeError};
use crate::state::{ArrayData, ArrayStore, StoreId};
use crate::threads::{Threads, MIN_SPLIT_CALL_NS};
use rheobase_codegen::{
    ArrayArg, ArrayDecl, ArrayId, Backend, CompiledKernel, ElemType, Elements, Iteration, Kernel,
    KernelCall, RngKey, ScalarId, Split, Splittable, Stmt, TempId,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Where the value of a kernel scalar comes from at call time.
#[derive(Clone, Debug, PartialEq)]
pub enum ScalarSource {
    /// The current time of the object's clock (`t`).
    Time,
    /// The object's time step (`dt`).
    Dt,
    /// The current step of the object's clock (`t_in_timesteps`).
    Step,
    /// A value fixed when the kernel was built (a subgroup's offset for `i`).
    Value(f64),
    /// Brian2's upsampling factor `K` of a table function (TimedArray) whose rows are this
    /// many seconds apart, for the caller's time step (see [`table_upsampling`]).
    TableUpsampling(f64),
    /// An external constant of the user's namespace (`tau`), read at each call so that a
    /// new value between runs needs no compilation.
    External(crate::namespace::ExternalConstant),
}

/// Brian2's `_find_K`: the power of two `K >= 8*table_dt/dt` (at least 1) by which a
/// TimedArray's time step is divided so that times on the caller's grid bin robustly.
pub fn table_upsampling(dt: f64, table_dt: f64) -> f64 {
    let exponent = (8.0 / dt * table_dt).log2().ceil();
    (2f64.powf(exponent).trunc()).max(1.0)
}

/// The time of one kernel call.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeInfo {
    pub t: f64,
    pub dt: f64,
    pub step: u64,
}

/// Assembles one kernel.
#[derive(Debug)]
pub struct KernelBuilder {
    name: String,
    iteration: Iteration,
    arrays: Vec<ArrayDecl>,
    bindings: Vec<StoreId>,
    by_store: HashMap<StoreId, ArrayId>,
    scalars: Vec<String>,
    scalar_sources: Vec<ScalarSource>,
    n_temps: u32,
    next_site: u32,
    pub prologue: Vec<Stmt>,
    pub body: Vec<Stmt>,
    /// Element-independent parts of the body, computed once after the prologue.
    pub hoisted: Vec<Stmt>,
}

impl KernelBuilder {
    pub fn new(name: impl Into<String>, iteration: Iteration) -> KernelBuilder {
        KernelBuilder {
            name: name.into(),
            iteration,
            arrays: Vec::new(),
            bindings: Vec::new(),
            by_store: HashMap::new(),
            scalars: Vec::new(),
            scalar_sources: Vec::new(),
            n_temps: 0,
            next_site: 0,
            prologue: Vec::new(),
            body: Vec::new(),
            hoisted: Vec::new(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The kernel array for a store array (declared once; writable if any use writes).
    pub fn array(&mut self, id: StoreId, name: &str, ty: ElemType, writable: bool) -> ArrayId {
        if let Some(&a) = self.by_store.get(&id) {
            self.arrays[a.0 as usize].writable |= writable;
            return a;
        }
        let a = ArrayId(self.arrays.len() as u32);
        self.arrays.push(ArrayDecl {
            name: name.to_string(),
            ty,
            writable,
        });
        self.bindings.push(id);
        self.by_store.insert(id, a);
        a
    }

    /// The kernel scalar with this name, bound to `source` (the first binding wins).
    pub fn scalar(&mut self, name: &str, source: ScalarSource) -> ScalarId {
        if let Some(k) = self.scalars.iter().position(|s| s == name) {
            return ScalarId(k as u32);
        }
        self.scalars.push(name.to_string());
        self.scalar_sources.push(source);
        ScalarId((self.scalars.len() - 1) as u32)
    }

    pub fn fresh_temp(&mut self) -> TempId {
        self.n_temps += 1;
        TempId(self.n_temps - 1)
    }

    /// A new random-number call site; each site draws independent numbers.
    pub fn rand_site(&mut self) -> u32 {
        self.next_site += 1;
        self.next_site - 1
    }

    pub fn finish(mut self) -> BoundKernel {
        self.prologue.append(&mut self.hoisted);
        BoundKernel {
            kernel: Kernel {
                name: self.name,
                arrays: self.arrays,
                scalars: self.scalars,
                iteration: self.iteration,
                prologue: self.prologue,
                body: self.body,
                n_temps: self.n_temps,
            },
            arrays: self.bindings,
            scalars: self.scalar_sources,
        }
    }
}

/// A kernel with the store arrays and runtime values its arguments come from.
#[derive(Clone, Debug, PartialEq)]
pub struct BoundKernel {
    pub kernel: Kernel,
    pub arrays: Vec<StoreId>,
    pub scalars: Vec<ScalarSource>,
}

impl BoundKernel {
    /// Compiles the kernel for the arrays of `store` it is bound to. Lowering declares float
    /// variables as f64; those the store keeps in single precision are declared f32 here.
    pub fn compile(mut self, backend: &dyn Backend, store: &ArrayStore) -> Result<RunnableKernel> {
        for (decl, &id) in self.kernel.arrays.iter_mut().zip(&self.arrays) {
            if decl.ty == ElemType::F64 && store.elem_type(id) == ElemType::F32 {
                decl.ty = ElemType::F32;
            }
        }
        let compiled = backend.compile(&self.kernel)?;
        // The kernel compiled, so it is valid.
        let row_arrays = rheobase_codegen::validate::check_kernel(&self.kernel)
            .map(|facts| facts.elem_arrays)
            .unwrap_or_default();
        Ok(RunnableKernel {
            cost: crate::threads::kernel_cost(&self.kernel),
            compiled,
            arrays: self.arrays,
            scalars: self.scalars,
            row_arrays,
            measured_ns: Arc::new(AtomicU64::new(0)),
        })
    }
}

/// A compiled kernel bound to store arrays.
#[derive(Clone)]
pub struct RunnableKernel {
    compiled: Arc<dyn CompiledKernel>,
    /// Estimated work per element ([`crate::threads::kernel_cost`]).
    cost: usize,
    arrays: Vec<StoreId>,
    scalars: Vec<ScalarSource>,
    /// The kernel's arrays accessed at `_idx` (directly or as a gather's index array).
    row_arrays: Vec<ArrayId>,
    /// The least time per element measured in calls that were candidates for a split, in
    /// nanoseconds (`f64` bits; 0: none yet). Shared by clones.
    measured_ns: Arc<AtomicU64>,
}

impl std::fmt::Debug for RunnableKernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunnableKernel")
            .field("kernel", &self.compiled.kernel().name)
            .field("arrays", &self.arrays)
            .finish()
    }
}

impl RunnableKernel {
    pub fn kernel(&self) -> &Kernel {
        self.compiled.kernel()
    }

    /// The store arrays the kernel may write.
    pub fn written_arrays(&self) -> Vec<StoreId> {
        self.kernel()
            .arrays
            .iter()
            .zip(&self.arrays)
            .filter(|(decl, _)| decl.writable)
            .map(|(_, id)| *id)
            .collect()
    }

    /// Runs the kernel on the store; returns the number of emitted indices.
    pub fn call(
        &self,
        store: &mut ArrayStore,
        elements: Elements<'_>,
        time: TimeInfo,
        rng: RngKey,
        emitted: Option<&mut Vec<i32>>,
    ) -> Result<usize> {
        let scalars = self.scalar_values(time);
        let mut call = KernelCall {
            arrays: self.array_args(store)?,
            scalars: &scalars,
            elements,
            rng,
            emitted,
        };
        Ok(self.compiled.run(&mut call)?)
    }

    /// The same, split over the network's threads when the kernel allows it and the call
    /// has enough work ([`Threads::pieces_for`]); the results are the same bits.
    pub fn call_threaded(
        &self,
        store: &mut ArrayStore,
        elements: Elements<'_>,
        time: TimeInfo,
        rng: RngKey,
        emitted: Option<&mut Vec<i32>>,
        threads: &Threads,
    ) -> Result<usize> {
        let n = match &elements {
            Elements::Range(r) => r.len(),
            Elements::List(l) => l.len(),
        };
        let split = self.splittable() == Splittable::Elementwise;
        let (pieces, timer) = match split {
            true => self.pieces(threads, n),
            false => (1, None),
        };
        let result = match threads.pool() {
            Some(pool) if pieces > 1 => {
                let split = (Split::Even(pieces), pool);
                self.call_split(store, elements, time, rng, emitted, split)
            }
            _ => self.call(store, elements, time, rng, emitted),
        };
        if let Some(timer) = timer {
            self.record(n, pieces, timer);
        }
        result
    }

    /// A call split as `split` says, on its pool (the same results as a whole call).
    fn call_split(
        &self,
        store: &mut ArrayStore,
        elements: Elements<'_>,
        time: TimeInfo,
        rng: RngKey,
        emitted: Option<&mut Vec<i32>>,
        (split, pool): (Split<'_>, &rayon::ThreadPool),
    ) -> Result<usize> {
        let scalars = self.scalar_values(time);
        let mut call = KernelCall {
            arrays: self.array_args(store)?,
            scalars: &scalars,
            elements,
            rng,
            emitted,
        };
        Ok(self.compiled.run_split(&mut call, split, pool)?)
    }

    /// How many pieces a call over `n` elements should run in on `threads`, and a timer
    /// when the call should be measured for later decisions: the estimate's pieces
    /// ([`Threads::pieces_for`]), unless this kernel's measured time per element puts the
    /// whole call under [`MIN_SPLIT_CALL_NS`] (then one). Without a measurement the call
    /// runs whole, to be measured. Calls the estimate keeps whole are never timed, and
    /// [`Threads::by_estimate_only`] follows the estimate alone.
    pub fn pieces(&self, threads: &Threads, n: usize) -> (usize, Option<Instant>) {
        let estimated = threads.pieces_for(n.saturating_mul(self.cost));
        if estimated <= 1 || threads.by_estimate_only() {
            return (estimated, None);
        }
        let pieces = match self.measured_ns_per_element() {
            Some(ns) if ns * n as f64 >= MIN_SPLIT_CALL_NS => estimated,
            _ => 1,
        };
        (pieces, Some(Instant::now()))
    }

    /// Keeps the time per element of a call over `n` elements in `pieces` pieces started at
    /// `started` (the wall time times the pieces: at most the one-thread time plus the
    /// split's overhead), if it is the least so far.
    pub fn record(&self, n: usize, pieces: usize, started: Instant) {
        if n == 0 {
            return;
        }
        let ns = started.elapsed().as_nanos() as f64 * pieces as f64 / n as f64;
        let least = self
            .measured_ns_per_element()
            .map_or(ns, |old| old.min(ns))
            .max(f64::MIN_POSITIVE);
        self.measured_ns.store(least.to_bits(), Ordering::Relaxed);
    }

    fn measured_ns_per_element(&self) -> Option<f64> {
        let bits = self.measured_ns.load(Ordering::Relaxed);
        (bits != 0).then(|| f64::from_bits(bits))
    }

    /// Runs a list kernel split by target at `cuts`, the pieces at the same time: each runs
    /// the elements of `list` whose gathered target lies in its window (a pathway split by
    /// target range; see [`Split::ByTarget`]), only those of its own part where `parts` gives
    /// the ends of the list's parts grouped by window ([`Split::ByTargetParts`]). The
    /// results are those of one whole call.
    pub fn call_by_target(
        &self,
        store: &mut ArrayStore,
        list: &[i32],
        (cuts, parts): (&[usize], Option<&[usize]>),
        time: TimeInfo,
        rng: RngKey,
        pool: &rayon::ThreadPool,
    ) -> Result<usize> {
        let how = match parts {
            Some(ends) => Split::ByTargetParts(cuts, ends),
            None => Split::ByTarget(cuts),
        };
        let split = (how, pool);
        self.call_split(store, Elements::List(list), time, rng, None, split)
    }

    /// Asks for the first cache lines of the elements `rows` of every array the kernel
    /// accesses at `_idx` (a spike's synapses: their target indices, weights, ...), all before
    /// the call reads any. A pathway's events come as rows of synapses scattered over arrays
    /// too big for the cache; read one after another, each row's first miss waits for the
    /// previous one (one-thread delivery at 3 x 10^5 neurons: 19 % faster with this;
    /// BENCHMARKS.md, stop 22). A hint only: it changes no value.
    pub fn ask_rows(
        &self,
        store: &ArrayStore,
        rows: impl Iterator<Item = std::ops::Range<usize>> + Clone,
    ) {
        for &array in &self.row_arrays {
            let Some(&id) = self.arrays.get(array.0 as usize) else {
                continue;
            };
            let (base, size, len) = match store.get(id) {
                ArrayData::F64(v) => (v.as_ptr().cast::<u8>(), 8, v.len()),
                ArrayData::F32(v) => (v.as_ptr().cast::<u8>(), 4, v.len()),
                ArrayData::I32(v) => (v.as_ptr().cast::<u8>(), 4, v.len()),
                ArrayData::Bool(v) => (v.as_ptr().cast::<u8>(), 1, v.len()),
            };
            for row in rows.clone() {
                let (start, end) = (row.start.min(len) * size, row.end.min(len) * size);
                let lines = (start & !(CACHE_LINE - 1)..end).step_by(CACHE_LINE);
                for line in lines.take(ROW_LINES_ASKED) {
                    rheobase_codegen::prefetch::prefetch_at(base, line);
                }
            }
        }
    }

    /// How calls of this kernel may be split.
    pub fn splittable(&self) -> Splittable {
        self.compiled.splittable()
    }

    /// The store array bound to a kernel array.
    pub fn store_of(&self, array: ArrayId) -> Option<StoreId> {
        self.arrays.get(array.0 as usize).copied()
    }

    /// Estimated work per element ([`crate::threads::kernel_cost`]).
    pub fn cost(&self) -> usize {
        self.cost
    }

    /// Where this kernel's native code goes, if it may move to the native tier.
    pub fn native_slot(&self) -> Option<Arc<rheobase_codegen::native::NativeSlot>> {
        self.compiled.native_slot()
    }

    /// The most elements one call may cover: the length of the longest array it binds.
    pub fn max_elements(&self, store: &ArrayStore) -> usize {
        self.arrays
            .iter()
            .map(|&id| store.len_of(id))
            .max()
            .unwrap_or(0)
    }

    fn scalar_values(&self, time: TimeInfo) -> Scalars {
        let value = |s: &ScalarSource| match s {
            ScalarSource::Time => time.t,
            ScalarSource::Dt => time.dt,
            ScalarSource::Step => time.step as f64,
            ScalarSource::Value(x) => *x,
            ScalarSource::TableUpsampling(table_dt) => table_upsampling(time.dt, *table_dt),
            ScalarSource::External(c) => c.get(),
        };
        if self.scalars.len() <= INLINE_SCALARS {
            let mut values = [0.0; INLINE_SCALARS];
            for (v, s) in values.iter_mut().zip(&self.scalars) {
                *v = value(s);
            }
            Scalars::Inline(values, self.scalars.len())
        } else {
            Scalars::Heap(self.scalars.iter().map(value).collect())
        }
    }

    fn array_args<'s>(&self, store: &'s mut ArrayStore) -> Result<Vec<ArrayArg<'s>>> {
        store.kernel_args(&self.arrays).ok_or_else(|| {
            RuntimeError::Internal(format!(
                "kernel '{}' binds an array twice or an unknown array",
                self.kernel().name
            ))
        })
    }
}

/// Scalars a call keeps without allocating (kernels take a few: `t`, `dt`, constants).
const INLINE_SCALARS: usize = 16;

/// Bytes per cache line, for [`RunnableKernel::ask_rows`].
const CACHE_LINE: usize = 64;

/// Cache lines [`RunnableKernel::ask_rows`] asks for at the start of each row: the wait is
/// for a row's first lines, and the hardware streams the rest once the code reads it. Asking
/// for whole rows overflowed the cache at 10^4 neurons with 1,250 synapses each (Brunel: a
/// step's rows are 230 KB), and made its loop 15 % slower.
const ROW_LINES_ASKED: usize = 2;

/// The scalar values of one call, inline for the usual few (a call runs every step).
enum Scalars {
    Inline([f64; INLINE_SCALARS], usize),
    Heap(Vec<f64>),
}

impl std::ops::Deref for Scalars {
    type Target = [f64];
    fn deref(&self) -> &[f64] {
        match self {
            Scalars::Inline(values, n) => &values[..*n],
            Scalars::Heap(values) => values,
        }
    }
}

/// A stable 64-bit hash (FNV-1a) of a name, for random stream keys.
pub fn stream_hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_and_scalars_are_declared_once() {
        let mut b = KernelBuilder::new("reset", Iteration::List);
        let a1 = b.array(StoreId(4), "v", ElemType::F64, false);
        let a2 = b.array(StoreId(4), "v", ElemType::F64, true);
        let w = b.array(StoreId(1), "w", ElemType::F64, false);
        assert_eq!(a1, a2);
        assert_ne!(a1, w);
        assert_eq!(b.scalar("t", ScalarSource::Time), ScalarId(0));
        assert_eq!(b.scalar("dt", ScalarSource::Dt), ScalarId(1));
        assert_eq!(b.scalar("t", ScalarSource::Time), ScalarId(0));
        let k = b.finish();
        assert!(k.kernel.arrays[0].writable);
        assert_eq!(k.arrays, vec![StoreId(4), StoreId(1)]);
        assert_eq!(k.kernel.scalars, vec!["t", "dt"]);
    }

    /// `v = 2 v` over a range, compiled by the interpreter.
    fn doubling(store: &mut ArrayStore) -> RunnableKernel {
        let v = store.add("v", ElemType::F64, 10);
        let mut b = KernelBuilder::new("double", Iteration::Range);
        let a = b.array(v, "v", ElemType::F64, true);
        b.body.push(Stmt::Store {
            array: a,
            index: rheobase_codegen::Index::Elem,
            value: rheobase_codegen::Expr::bin(
                rheobase_codegen::BinaryOp::Mul,
                rheobase_codegen::Expr::Load(a, rheobase_codegen::Index::Elem),
                rheobase_codegen::Expr::c(2.0),
            ),
        });
        b.finish()
            .compile(&rheobase_codegen::Interpreter, store)
            .unwrap()
    }

    /// A call the estimate would split runs whole until a measured call shows it long
    /// enough; a chosen least work per piece, or a large network, follows the estimate.
    #[test]
    fn splits_wait_for_a_measured_call_long_enough() {
        let mut store = ArrayStore::new();
        let threads = Threads::new(2).unwrap();
        let n = 10 * crate::threads::MIN_WORK_PER_PIECE;
        let ago = |ns: u64| Instant::now() - std::time::Duration::from_nanos(ns);
        let quick = doubling(&mut store);
        assert_eq!(threads.pieces_for(n * quick.cost()), 2);
        let (pieces, timer) = quick.pieces(&threads, n);
        assert_eq!(pieces, 1);
        assert!(timer.is_some());
        quick.record(n, 1, ago(n as u64 / 1000));
        assert_eq!(quick.pieces(&threads, n).0, 1);
        // Slower calls later do not raise the least time seen.
        quick.record(n, 1, ago(1_000_000_000));
        assert_eq!(quick.pieces(&threads, n).0, 1);
        let slow = doubling(&mut store);
        slow.record(n, 1, ago(10 * MIN_SPLIT_CALL_NS as u64));
        assert_eq!(slow.pieces(&threads, n).0, 2);
        for by_estimate in [
            threads.clone().with_min_work(1),
            threads.for_run(usize::MAX),
        ] {
            let (pieces, timer) = quick.pieces(&by_estimate, n);
            assert_eq!(pieces, by_estimate.pieces_for(n * quick.cost()));
            assert!(pieces > 1 && timer.is_none());
        }
        // One thread: never split, never timed.
        assert_eq!(quick.pieces(&Threads::default(), n), (1, None));
    }

    #[test]
    fn stream_hash_separates_parts() {
        assert_ne!(stream_hash(&["ab", "c"]), stream_hash(&["a", "bc"]));
        assert_eq!(stream_hash(&["g", "reset"]), stream_hash(&["g", "reset"]));
    }
}
