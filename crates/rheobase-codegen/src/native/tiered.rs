//! Kernels that start on the JIT and switch to native code once it is ready.
//!
//! [`TieredBackend`] compiles with the JIT and wraps each kernel in a [`TieredKernel`], whose
//! [`NativeSlot`] the runtime may hand to [`request_native`] when a run is long enough. A
//! request compiles its kernels as one translation unit, in a background thread (or at once
//! when asked to wait), and sets each slot; calls made after that run the native code. Both
//! give the same bits, so the switch may happen at any call. When there is no compiler or
//! compiling fails, one log line says so and the kernels stay on the JIT.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, OnceLock};

use super::NativeCompiler;
use crate::backend::{Backend, CompileError, CompiledKernel, KernelCall, KernelError, Split};
use crate::ir::Kernel;
use crate::split::Splittable;

const IDLE: u8 = 0;
const REQUESTED: u8 = 1;
const READY: u8 = 2;
const FAILED: u8 = 3;

/// Where a kernel's native code goes once compiled.
pub struct NativeSlot {
    kernel: Kernel,
    /// `None`: the compiler the environment names.
    compiler: Option<Arc<NativeCompiler>>,
    state: AtomicU8,
    native: OnceLock<Arc<dyn CompiledKernel>>,
}

impl NativeSlot {
    fn new(kernel: Kernel, compiler: Option<Arc<NativeCompiler>>) -> NativeSlot {
        NativeSlot {
            kernel,
            compiler,
            state: AtomicU8::new(IDLE),
            native: OnceLock::new(),
        }
    }

    pub fn kernel(&self) -> &Kernel {
        &self.kernel
    }

    /// Whether native code runs this kernel's calls now.
    pub fn is_native(&self) -> bool {
        self.native.get().is_some()
    }

    /// Whether compiling was asked for (and may still be under way, or have failed).
    pub fn is_requested(&self) -> bool {
        self.state.load(Ordering::Acquire) != IDLE
    }

    fn set(&self, compiled: Arc<dyn CompiledKernel>) {
        let _ = self.native.set(compiled);
        self.state.store(READY, Ordering::Release);
    }
}

/// A JIT kernel that runs native code once its slot holds some.
pub struct TieredKernel {
    jit: Arc<dyn CompiledKernel>,
    slot: Arc<NativeSlot>,
}

impl TieredKernel {
    fn current(&self) -> &dyn CompiledKernel {
        match self.slot.native.get() {
            Some(native) => native.as_ref(),
            None => self.jit.as_ref(),
        }
    }
}

impl CompiledKernel for TieredKernel {
    fn kernel(&self) -> &Kernel {
        self.jit.kernel()
    }

    fn run(&self, call: &mut KernelCall<'_>) -> Result<usize, KernelError> {
        self.current().run(call)
    }

    fn splittable(&self) -> Splittable {
        // The native kernel is built from the same optimised IR, so it splits the same way.
        self.jit.splittable()
    }

    fn run_split<'a>(
        &self,
        call: &mut KernelCall<'a>,
        split: Split<'a>,
        pool: &rayon::ThreadPool,
    ) -> Result<usize, KernelError> {
        self.current().run_split(call, split, pool)
    }

    fn native_slot(&self) -> Option<Arc<NativeSlot>> {
        Some(self.slot.clone())
    }
}

/// The JIT, with every kernel ready to move to the native tier.
pub struct TieredBackend {
    jit: Arc<dyn Backend>,
    compiler: Option<Arc<NativeCompiler>>,
}

impl TieredBackend {
    /// Native code from the compiler the environment names ([`super::compile`]).
    pub fn new(jit: Arc<dyn Backend>) -> TieredBackend {
        TieredBackend {
            jit,
            compiler: None,
        }
    }

    /// Native code from `compiler`.
    pub fn with_compiler(jit: Arc<dyn Backend>, compiler: NativeCompiler) -> TieredBackend {
        TieredBackend {
            jit,
            compiler: Some(Arc::new(compiler)),
        }
    }
}

impl Backend for TieredBackend {
    fn name(&self) -> &'static str {
        // What runs until a run asks for native code.
        self.jit.name()
    }

    fn compile(&self, kernel: &Kernel) -> Result<Arc<dyn CompiledKernel>, CompileError> {
        let jit = self.jit.compile(kernel)?;
        Ok(Arc::new(TieredKernel {
            jit,
            slot: Arc::new(NativeSlot::new(kernel.clone(), self.compiler.clone())),
        }))
    }
}

/// Compiles the kernels of `slots` not yet requested into one library, with the first
/// slot's compiler (its backend's; by default the one the environment names): in a
/// background thread, or before returning when `wait` is set.
/// Returns the number of kernels newly requested. Never fails: without a compiler (or when
/// compiling fails) one line is logged and the kernels stay on the JIT.
pub fn request_native(slots: &[Arc<NativeSlot>], wait: bool) -> usize {
    let fresh: Vec<Arc<NativeSlot>> = slots
        .iter()
        .filter(|s| {
            s.state
                .compare_exchange(IDLE, REQUESTED, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        })
        .cloned()
        .collect();
    let n = fresh.len();
    if n == 0 {
        return 0;
    }
    if wait {
        compile_job(&fresh);
    } else {
        let sent = worker()
            .lock()
            .map(|w| w.send(fresh.clone()).is_ok())
            .unwrap_or(false);
        if !sent {
            // No background thread: compile here rather than never.
            compile_job(&fresh);
        }
    }
    n
}

/// The background compiler thread's queue, started on first use.
fn worker() -> &'static Mutex<Sender<Vec<Arc<NativeSlot>>>> {
    static WORKER: OnceLock<Mutex<Sender<Vec<Arc<NativeSlot>>>>> = OnceLock::new();
    WORKER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Vec<Arc<NativeSlot>>>();
        let spawned = std::thread::Builder::new()
            .name("rheobase-native".into())
            .spawn(move || {
                for job in rx {
                    compile_job(&job);
                }
            });
        if let Err(e) = spawned {
            log::warn!("native tier: no compiler thread ({e}); compiling in the caller");
        }
        Mutex::new(tx)
    })
}

fn compile_job(slots: &[Arc<NativeSlot>]) {
    let kernels: Vec<&Kernel> = slots.iter().map(|s| &s.kernel).collect();
    let started = std::time::Instant::now();
    let compiler = match slots.first().and_then(|s| s.compiler.clone()) {
        Some(compiler) => compiler,
        None => Arc::new(NativeCompiler::from_env()),
    };
    match compiler.compile(&kernels) {
        Ok(batch) => {
            for (slot, compiled) in slots.iter().zip(batch.kernels) {
                slot.set(compiled);
            }
            log::debug!(
                "native tier: {} kernel(s) ready in {:.0} ms ({})",
                slots.len(),
                started.elapsed().as_secs_f64() * 1e3,
                if batch.from_cache {
                    "from the cache"
                } else {
                    "compiled"
                }
            );
        }
        Err(e) => {
            for slot in slots {
                slot.state.store(FAILED, Ordering::Release);
            }
            static LOGGED: AtomicBool = AtomicBool::new(false);
            if !LOGGED.swap(true, Ordering::Relaxed) {
                log::warn!("native tier unavailable, kernels stay on the JIT: {e}");
            }
        }
    }
}

/// Whether the calls of a kernel may still be waiting for native code (for tests).
pub fn is_pending(slot: &NativeSlot) -> bool {
    slot.state.load(Ordering::Acquire) == REQUESTED
}
