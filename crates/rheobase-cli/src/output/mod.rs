//! Writing results: raw column files streamed during a run, `.npy` and `.npz` archives, and
//! the temporary folder every output goes through (`files`).

pub mod columns;
pub mod files;
pub mod npy;
pub mod npz;
pub mod stream;
