//! Which kernels of a run move to the native C tier (`rheobase_codegen::native`).
//!
//! At the start of each run, every kernel an active object runs each step gets an estimate
//! of the run's work: its cost per element ([`crate::threads::kernel_cost`], about
//! nanoseconds on the JIT) times its elements times the steps of the run. Range kernels
//! count the longest array they bind; list kernels (resets, synaptic pathways), whose
//! elements per step are not known in advance, count [`LIST_ACTIVITY`] of it. In
//! [`NativeMode::Auto`] the kernels whose estimate reaches [`NATIVE_MIN_WORK`] are compiled in
//! the background (all of one run in one compiler call) while the JIT runs; in
//! [`NativeMode::Always`] every kernel is, before the run starts; [`NativeMode::Never`] keeps
//! the JIT. The results are the same bits either way.

use std::sync::Arc;

use rheobase_codegen::native::{request_native, NativeSlot};
use rheobase_codegen::{Iteration, NativeMode};

use crate::network::{Network, NetworkCore};

/// Least estimated work of one kernel over a run (about nanoseconds on the JIT) for which
/// [`NativeMode::Auto`] compiles it: a C compile takes 0.1 to 1 s of another core, and native
/// code saves about half of the JIT's time on kernels with `exp` (BENCHMARKS.md, "Native tier").
pub const NATIVE_MIN_WORK: f64 = 3e8;

/// The share of a list kernel's elements taken to run each step, for the estimate.
pub const LIST_ACTIVITY: f64 = 0.05;

/// Requests native code for the kernels of the run about to start (see the module
/// documentation). Never fails: without a compiler the kernels stay on the JIT.
pub(crate) fn request_for_run(core: &NetworkCore, order: &[usize], duration: f64) {
    if core.native == NativeMode::Never {
        return;
    }
    let mut slots: Vec<Arc<NativeSlot>> = Vec::new();
    for &k in order {
        let object = &core.objects[k];
        if !object.active {
            continue;
        }
        let dt = core.clocks[object.clock.0].dt;
        let steps = (duration / dt).ceil().max(0.0);
        for kernel in object.op.runnable_kernels() {
            let Some(slot) = kernel.native_slot() else {
                continue;
            };
            if slot.is_requested() {
                continue;
            }
            let mut elements = kernel.max_elements(&core.store) as f64;
            if kernel.kernel().iteration == Iteration::List {
                elements *= LIST_ACTIVITY;
            }
            let work = kernel.cost() as f64 * elements * steps;
            if core.native == NativeMode::Always || work >= NATIVE_MIN_WORK {
                slots.push(slot);
            }
        }
    }
    request_native(&slots, core.native == NativeMode::Always);
}

impl Network {
    /// When kernels move to the native C tier: [`NativeMode::Auto`] (the default, or what the
    /// `RHEOBASE_NATIVE` environment variable says) when a run is long enough to pay for
    /// compiling, [`NativeMode::Always`] for every run (compiled before it starts), or
    /// [`NativeMode::Never`]. Results are the same bits in every mode; kernels already moved
    /// stay native.
    pub fn set_native(&self, mode: NativeMode) {
        self.lock().native = mode;
    }

    pub fn native_mode(&self) -> NativeMode {
        self.lock().native
    }

    /// Each kernel the network runs each step (by object and kernel name) and whether it
    /// runs native code now.
    pub fn native_kernels(&self) -> Vec<(String, String, bool)> {
        let core = self.lock();
        let mut out = Vec::new();
        for object in &core.objects {
            for kernel in object.op.runnable_kernels() {
                let native = kernel.native_slot().is_some_and(|s| s.is_native());
                out.push((object.name.clone(), kernel.kernel().name.clone(), native));
            }
        }
        out
    }
}
