//! The scheduled operations groups are made of: a kernel over a range of elements (state
//! update, `run_regularly`, constant-over-dt subexpressions), a thresholder that fills an
//! event space, and an event runner (reset, event actions) over the indices of an event.

use crate::error::Result;
use crate::kernel::RunnableKernel;
use crate::network::{EventId, Operation, StepContext};
use rheobase_codegen::Elements;
use std::any::Any;
use std::ops::Range;

/// Runs a kernel over a contiguous range of elements each step.
pub struct RangeRunner {
    pub kernel: RunnableKernel,
    pub range: Range<usize>,
    pub stream: u64,
}

impl Operation for RangeRunner {
    fn run(&mut self, cx: &mut StepContext<'_>) -> Result<()> {
        let rng = cx.rng(self.stream);
        self.kernel.call_threaded(
            cx.store,
            Elements::Range(self.range.clone()),
            cx.time,
            rng,
            None,
            cx.threads,
        )?;
        Ok(())
    }
    fn kernels(&self) -> Vec<&rheobase_codegen::Kernel> {
        vec![self.kernel.kernel()]
    }
    fn bound_kernels(&self) -> Vec<&crate::kernel::RunnableKernel> {
        vec![&self.kernel]
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// Evaluates a condition over a range and stores the indices where it holds in an event space
/// (cleared first), in increasing order.
pub struct Thresholder {
    pub kernel: RunnableKernel,
    pub range: Range<usize>,
    pub event: EventId,
    pub stream: u64,
}

impl Operation for Thresholder {
    fn run(&mut self, cx: &mut StepContext<'_>) -> Result<()> {
        let rng = cx.rng(self.stream);
        let space = &mut cx.events[self.event.0];
        space.clear();
        self.kernel.call_threaded(
            cx.store,
            Elements::Range(self.range.clone()),
            cx.time,
            rng,
            Some(space),
            cx.threads,
        )?;
        Ok(())
    }
    fn kernels(&self) -> Vec<&rheobase_codegen::Kernel> {
        vec![self.kernel.kernel()]
    }
    fn runnable_kernels(&self) -> Vec<&crate::kernel::RunnableKernel> {
        vec![&self.kernel]
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// Runs a kernel over the indices of an event (reset, event actions).
pub struct EventRunner {
    pub kernel: RunnableKernel,
    pub event: EventId,
    pub stream: u64,
}

impl Operation for EventRunner {
    fn run(&mut self, cx: &mut StepContext<'_>) -> Result<()> {
        if cx.events[self.event.0].is_empty() {
            return Ok(());
        }
        let rng = cx.rng(self.stream);
        // The event space is not in the store, so it can be borrowed beside the arrays.
        let indices = std::mem::take(&mut cx.events[self.event.0]);
        let result = self.kernel.call_threaded(
            cx.store,
            Elements::List(&indices),
            cx.time,
            rng,
            None,
            cx.threads,
        );
        cx.events[self.event.0] = indices;
        result?;
        Ok(())
    }
    fn kernels(&self) -> Vec<&rheobase_codegen::Kernel> {
        vec![self.kernel.kernel()]
    }
    fn bound_kernels(&self) -> Vec<&crate::kernel::RunnableKernel> {
        vec![&self.kernel]
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}
