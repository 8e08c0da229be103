//! The two passes of a threshold on the JIT ([`sparse_if`] kernels): per block, the test of
//! every element into a flag byte, two lanes at a time as lane masks, then the branch for the
//! flagged elements in order, eight clear flags skipped at once.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{types, InstBuilder, StackSlot, StackSlotData, StackSlotKind, Value};

use super::{comparison, flags, Gen, Translator, Work};
use crate::block_draws::BLOCK;
use crate::ir::{BinaryOp, ElemType, Expr, Index, Stmt, UnaryOp};
#[cfg(doc)]
use crate::sparse::sparse_if;

impl Translator<'_, '_, '_> {
    /// Evaluates `cond` for the current element (or pair) into its flag byte(s).
    pub(super) fn test_into_flags(&mut self, cond: &Expr, slot: StackSlot) -> Gen<()> {
        let idx = self.b.use_var(self.idx);
        let start = self.b.use_var(self.block_start);
        let offset = self.b.ins().isub(idx, start);
        let base = self.b.ins().stack_addr(types::I64, slot, 0);
        let at = self.b.ins().iadd(base, offset);
        if self.vector {
            let mask = self.lane_mask(cond)?;
            self.store_flag_pair(mask, at);
        } else {
            let hit = self.branch_condition(cond)?;
            self.b.ins().store(flags(), hit, at, 0);
        }
        Ok(())
    }

    /// The truth of `cond` for both lanes as a lane mask (all ones where true), built from
    /// comparisons, `and`/`or`/`not` and flag bytes directly rather than through 1.0/0.0
    /// doubles; anything else through its value (nonzero is true), as [`Self::truth`].
    fn lane_mask(&mut self, cond: &Expr) -> Gen<Value> {
        Ok(match cond {
            Expr::Binary(op @ (BinaryOp::And | BinaryOp::Or), a, b) => {
                let (a, b) = (self.lane_mask(a)?, self.lane_mask(b)?);
                match op {
                    BinaryOp::And => self.b.ins().band(a, b),
                    _ => self.b.ins().bor(a, b),
                }
            }
            Expr::Binary(op, a, b) if comparison(*op).is_some() => {
                let cc = comparison(*op).ok_or("a comparison without a condition code")?;
                let (a, b) = (self.expr(a)?, self.expr(b)?);
                self.b.ins().fcmp(cc, a, b)
            }
            Expr::Unary(UnaryOp::Not, a) => {
                let a = self.lane_mask(a)?;
                self.b.ins().bnot(a)
            }
            Expr::Load(array, Index::Elem)
                if self.arrays[array.0 as usize].ty == ElemType::Bool =>
            {
                let at = self.b.use_var(self.idx);
                let addr = self.element_address(*array, at);
                self.flag_pair_mask(addr)
            }
            _ => {
                let c = self.expr(cond)?;
                self.truth(c)
            }
        })
    }

    /// The range loop of a [`sparse_if`] kernel: per block, its draws, the test of every
    /// element into flag bytes (two lanes at a time), then the branch for the flagged
    /// elements in order.
    pub(super) fn two_pass_range_loop(&mut self, cond: &Expr, then: &[Stmt]) -> Gen<()> {
        let (i, end) = self.element_range();
        let data = StackSlotData::new(StackSlotKind::ExplicitSlot, BLOCK as u32 + 8, 4);
        let slot = self.b.create_sized_stack_slot(data);
        let block = self.open_block_loop(i, end)?;
        let (cur, count, block_end) = (block.start, block.count, block.end);
        self.b.def_var(i, cur);
        self.element_loops(i, block_end, &Work::Test { cond, flags: slot })?;
        // The branch for the flagged elements in order, skipping eight clear flags at once
        // (the eight bytes after the block's flags are cleared first).
        let base = self.b.ins().stack_addr(types::I64, slot, 0);
        let zero = self.b.ins().iconst(types::I64, 0);
        let past = self.b.ins().iadd(base, count);
        self.b.ins().store(flags(), zero, past, 0);
        let w = self.b.declare_var(types::I64);
        self.b.def_var(w, zero);
        let (words, done, word_at) =
            self.open_loop(w, |b, at| b.ins().icmp(IntCC::UnsignedLessThan, at, count));
        let word_addr = self.b.ins().iadd(base, word_at);
        let word = self.b.ins().load(types::I64, flags(), word_addr, 0);
        let (dense, skip) = (self.b.create_block(), self.b.create_block());
        self.b.ins().brif(word, dense, &[], skip, &[]);
        self.b.switch_to_block(dense);
        let k = self.b.declare_var(types::I64);
        self.b.def_var(k, word_at);
        let word_end = self.b.ins().iadd_imm_u(word_at, 8);
        let word_end = self.b.ins().umin(word_end, count);
        let (scan, scanned, at) = self.open_loop(k, |b, at| {
            b.ins().icmp(IntCC::UnsignedLessThan, at, word_end)
        });
        let addr = self.b.ins().iadd(base, at);
        let flag = self.b.ins().load(types::I8, flags(), addr, 0);
        let (hit, next) = (self.b.create_block(), self.b.create_block());
        self.b.ins().brif(flag, hit, &[], next, &[]);
        self.b.switch_to_block(hit);
        let elem = self.b.ins().iadd(cur, at);
        self.b.def_var(self.idx, elem);
        self.stmts(then)?;
        self.b.ins().jump(next, &[]);
        self.b.switch_to_block(next);
        let at_next = self.b.ins().iadd_imm_u(at, 1);
        self.b.def_var(k, at_next);
        self.b.ins().jump(scan, &[]);
        self.b.switch_to_block(scanned);
        self.b.ins().jump(skip, &[]);
        self.b.switch_to_block(skip);
        let word_next = self.b.ins().iadd_imm_u(word_at, 8);
        self.b.def_var(w, word_next);
        self.b.ins().jump(words, &[]);
        self.b.switch_to_block(done);
        self.close_block_loop(i, block);
        Ok(())
    }
}
