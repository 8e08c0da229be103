//! The threads a network runs its kernels on: a persistent rayon pool per network (none for
//! one thread), and the rule for when splitting a kernel call pays.
//!
//! Splitting never changes results (see `rheobase_codegen::split`): random numbers are keyed
//! by element index, element-wise kernels write only their own elements, and synaptic
//! pathways are split by target range so each target sees its events in the same order.
//! Whether it pays depends on the work per call: a rayon fork-join costs a few microseconds,
//! so a call is split only when each piece gets at least [`MIN_WORK_PER_PIECE`] units of
//! estimated work (see [`kernel_cost`]).

use crate::error::{Result, RuntimeError};
use rheobase_codegen::{Expr, Kernel, MathFn, Stmt};
use std::sync::Arc;

/// The environment variable giving the default thread count of new networks (`0`: all
/// cores). Unset: one thread.
pub const THREADS_ENV: &str = "RHEOBASE_THREADS";

/// Most threads a network may use.
pub const MAX_THREADS: usize = 1024;

/// Least estimated work (about nanoseconds on one core) each piece of a split call must get.
/// Chosen by measurement (BENCHMARKS.md, "Threads"): below it the fork-join overhead and the
/// wake-up of sleeping workers eat the gain.
pub const MIN_WORK_PER_PIECE: usize = 100_000;

/// A network has this many elements in one range kernel (neurons of a group, say) or more:
/// then its big kernels split every step, and every other call is split too (down to
/// [`LARGE_NETWORK_MIN_WORK`] per piece, cheap synaptic deliveries included), so that the
/// other workers stay busy through the step instead of falling asleep during the serial
/// parts. Waking a sleeping worker costs tens of microseconds on a VM, and the split state
/// update then waits for it every step (BENCHMARKS.md, stop 21: at 300,000 neurons two
/// threads ran 1.14x one thread without this, 1.35x with it). Smaller networks keep the
/// usual rule: there the extra fork-joins cost more than they save (Brunel's 12,500
/// neurons ran 1.8x slower splitting every call).
pub const LARGE_NETWORK_ELEMENTS: usize = 50_000;

/// The least work per piece in a large network (see [`LARGE_NETWORK_ELEMENTS`]).
pub const LARGE_NETWORK_MIN_WORK: usize = 2_000;

/// The least time a call must take on one thread, measured, for splitting it to pay in a
/// network that is not large: waking a sleeping worker takes tens of microseconds on a VM.
/// The estimate ([`kernel_cost`]) is about 20 times the native tier's real time for simple
/// kernels, so without this COBA's 4,000-neuron state update (7 us a step) was split and two
/// threads ran its loop 20 % slower than one (BENCHMARKS.md, stop 22).
pub const MIN_SPLIT_CALL_NS: f64 = 40_000.0;

/// A network's thread setting and pool.
#[derive(Clone)]
pub struct Threads {
    count: usize,
    pool: Option<Arc<rayon::ThreadPool>>,
    min_work: usize,
    /// Whether [`Threads::with_min_work`] chose `min_work` (then runs keep it).
    min_work_chosen: bool,
    /// Whether every call with work to share is split: synaptic deliveries however cheap
    /// their events, and calls kept on one thread otherwise (PoissonInput).
    split_all: bool,
}

impl std::fmt::Debug for Threads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Threads")
            .field("count", &self.count)
            .finish()
    }
}

impl Default for Threads {
    fn default() -> Self {
        Threads {
            count: 1,
            pool: None,
            min_work: MIN_WORK_PER_PIECE,
            min_work_chosen: false,
            split_all: false,
        }
    }
}

impl Threads {
    /// `count` threads (`0`: as many as the machine has cores).
    pub fn new(count: usize) -> Result<Threads> {
        let count = if count == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            count
        };
        if count > MAX_THREADS {
            return Err(RuntimeError::invalid(
                "network",
                format!("{count} threads requested; at most {MAX_THREADS} are allowed"),
            ));
        }
        if count == 1 {
            return Ok(Threads::default());
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(count)
            .thread_name(|k| format!("rheobase-{k}"))
            // Whole batches of steps run on the pool: give it the main thread's stack size.
            .stack_size(8 << 20)
            .build()
            .map_err(|e| {
                RuntimeError::invalid("network", format!("cannot start {count} threads: {e}"))
            })?;
        Ok(Threads {
            count,
            pool: Some(Arc::new(pool)),
            ..Threads::default()
        })
    }

    /// The setting from [`THREADS_ENV`], or one thread if it is unset or not a number.
    pub fn from_env() -> Threads {
        std::env::var(THREADS_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .and_then(|n| Threads::new(n).ok())
            .unwrap_or_default()
    }

    pub fn count(&self) -> usize {
        self.count
    }

    pub fn pool(&self) -> Option<&rayon::ThreadPool> {
        self.pool.as_deref()
    }

    /// The least work per piece of a split call (default [`MIN_WORK_PER_PIECE`]; `1`
    /// splits every call, for tests and measurements).
    pub fn with_min_work(mut self, min_work: usize) -> Threads {
        self.min_work = min_work.max(1);
        self.min_work_chosen = true;
        self.split_all = self.min_work <= 1;
        self
    }

    pub fn min_work(&self) -> usize {
        self.min_work
    }

    /// Whether the split rule is the estimate's alone: every call with work to share is
    /// split (see [`Threads::split_all`]), or the least work per piece was chosen
    /// ([`Threads::with_min_work`]). Otherwise a kernel's measured time may keep a call
    /// whole (`RunnableKernel::pieces`).
    pub fn by_estimate_only(&self) -> bool {
        self.split_all || self.min_work_chosen
    }

    /// Whether every call with work to share is split (a large network, or a least work
    /// per piece of 1): synaptic deliveries whatever their cost per event, PoissonInput.
    pub fn split_all(&self) -> bool {
        self.split_all
    }

    /// The threads for a run whose largest range kernel has `largest` elements: in a large
    /// network (see [`LARGE_NETWORK_ELEMENTS`]) every call with work to share is split,
    /// unless the least work per piece was chosen ([`Threads::with_min_work`]).
    pub fn for_run(&self, largest: usize) -> Threads {
        let mut threads = self.clone();
        if self.pool.is_some() && !self.min_work_chosen && largest >= LARGE_NETWORK_ELEMENTS {
            threads.min_work = LARGE_NETWORK_MIN_WORK;
            threads.split_all = true;
        }
        threads
    }

    /// How many pieces a call with `work` units of estimated work should be split into: one
    /// unless every piece gets at least the least work per piece.
    pub fn pieces_for(&self, work: usize) -> usize {
        if self.pool.is_none() {
            return 1;
        }
        (work / self.min_work).clamp(1, self.count)
    }
}

/// Estimated cost of one run of a kernel's body, in about nanoseconds on one core (a
/// transcendental function counts 20 operations, everything else one; at least 1).
pub fn kernel_cost(kernel: &Kernel) -> usize {
    fn expr(e: &Expr) -> usize {
        match e {
            Expr::Const(_) | Expr::Scalar(_) | Expr::Temp(_) | Expr::ElemIndex => 0,
            Expr::Load(_, _) => 1,
            Expr::Unary(_, a) => 1 + expr(a),
            Expr::Binary(_, a, b) => 1 + expr(a) + expr(b),
            Expr::Call(f, args) => {
                let own = match f {
                    MathFn::Abs | MathFn::Sign | MathFn::Floor | MathFn::Ceil | MathFn::Trunc => 1,
                    MathFn::Clip => 2,
                    _ => 20,
                };
                own + args.iter().map(expr).sum::<usize>()
            }
            Expr::Select(c, a, b) => 1 + expr(c) + expr(a) + expr(b),
            Expr::Rand { .. } => 30,
        }
    }
    fn stmts(s: &[Stmt]) -> usize {
        s.iter()
            .map(|s| match s {
                Stmt::Let(_, e) => expr(e),
                Stmt::Store { value, .. } => 1 + expr(value),
                Stmt::If {
                    cond,
                    then,
                    otherwise,
                } => 1 + expr(cond) + stmts(then) + stmts(otherwise),
                Stmt::Emit => 1,
            })
            .sum()
    }
    stmts(&kernel.body).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_thread_has_no_pool_and_never_splits() {
        let t = Threads::new(1).unwrap();
        assert!(t.pool().is_none());
        assert_eq!(t.pieces_for(usize::MAX), 1);
    }

    #[test]
    fn pieces_grow_with_work_up_to_the_thread_count() {
        let t = Threads::new(2).unwrap();
        assert_eq!(t.count(), 2);
        assert_eq!(t.pieces_for(MIN_WORK_PER_PIECE - 1), 1);
        assert_eq!(t.pieces_for(2 * MIN_WORK_PER_PIECE), 2);
        assert_eq!(t.pieces_for(100 * MIN_WORK_PER_PIECE), 2);
        assert!(Threads::new(MAX_THREADS + 1).is_err());
        assert!(Threads::new(0).unwrap().count() >= 1);
        assert_eq!(t.clone().with_min_work(1).pieces_for(2), 2);
    }

    #[test]
    fn large_networks_split_every_call_with_work_to_share() {
        let t = Threads::new(2).unwrap();
        let small = t.for_run(LARGE_NETWORK_ELEMENTS - 1);
        assert_eq!(small.min_work(), MIN_WORK_PER_PIECE);
        assert!(!small.split_all());
        let large = t.for_run(LARGE_NETWORK_ELEMENTS);
        assert_eq!(large.pieces_for(2 * LARGE_NETWORK_MIN_WORK), 2);
        assert!(large.split_all());
        // A chosen least work stays; one thread never splits.
        let chosen = t.with_min_work(5_000).for_run(usize::MAX);
        assert_eq!(chosen.min_work(), 5_000);
        assert!(!chosen.split_all());
        assert_eq!(
            Threads::new(1)
                .unwrap()
                .for_run(usize::MAX)
                .pieces_for(usize::MAX),
            1
        );
    }
}
