//! Everything unsafe about native code, in one place: opening a compiled library, handing it
//! the table of Rust functions it calls, and taking its kernel entry points.

use std::path::Path;
use std::sync::Arc;

use super::prelude::{runtime_table, RuntimeTable};
use crate::jit::entry::{KernelFn, LoadedKernel};

/// An opened library of kernels, kept alive by every kernel taken from it.
pub struct NativeLibrary {
    library: Arc<libloading::Library>,
}

impl NativeLibrary {
    /// Opens the library at `path`, which must have been compiled by this module from a
    /// translation unit that starts with [`super::prelude::PRELUDE`].
    pub fn open(path: &Path) -> Result<NativeLibrary, String> {
        // SAFETY: the library is one rheobase compiled from its own generated C (the cache
        // key covers the source, compiler, flags and CPU); it has no initialisers besides
        // the C runtime's and defines only the functions of the prelude and the kernels.
        let library = unsafe { libloading::Library::new(path) }
            .map_err(|e| format!("loading {}: {e}", path.display()))?;
        let table = runtime_table();
        {
            // SAFETY: `rheobase_native_init` is defined by the prelude with the signature
            // `void (const rb_runtime *)`, and `RuntimeTable` is `rb_runtime`'s layout (tested
            // in `prelude`). The C code copies the table, so the borrow may end after the call.
            let init = unsafe {
                library.get::<unsafe extern "C" fn(*const RuntimeTable)>(b"rheobase_native_init\0")
            }
            .map_err(|e| format!("{}: {e}", path.display()))?;
            // SAFETY: see above; the function only copies the table.
            unsafe { init(&table) };
        }
        Ok(NativeLibrary {
            library: Arc::new(library),
        })
    }

    /// The kernel function `name`, ready to run for the kernel it was emitted from.
    ///
    /// # Safety
    /// `name` must be a function emitted by `emit::emit_kernel` into this library, and the
    /// result must only run with that kernel (or the kernel it was optimised from, which has
    /// the same arrays and effects).
    pub unsafe fn kernel(&self, name: &str) -> Result<LoadedKernel, String> {
        let symbol = format!("{name}\0");
        // SAFETY: emitted kernels have the signature `int32_t (rb_args *)`, `rb_args` being
        // `RawArgs`'s layout, which is `KernelFn`.
        let entry: KernelFn = unsafe { self.library.get::<KernelFn>(symbol.as_bytes()) }
            .map(|s| *s)
            .map_err(|e| format!("{name}: {e}"))?;
        let owner: Box<dyn Send + Sync> = Box::new(self.library.clone());
        // SAFETY: `entry` lives in `library`, which `owner` keeps loaded; the function follows
        // the JIT's contract by construction (`emit`), which the caller vouches for.
        Ok(unsafe { LoadedKernel::from_entry(entry, owner) })
    }
}
