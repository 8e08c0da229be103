//! Writing results: raw column files streamed during a run, `.npy` and `.npz` archives.

pub mod columns;
pub mod npy;
pub mod npz;
pub mod stream;
