//! [`Lanes`] as Cranelift instructions: the inline `exp`, `expm1`, `log` and `exprel` of JIT
//! code, one f64 (`F64`, masks are `i8`) or two (`F64X2`, masks are all-ones `I64X2` lanes).

use cranelift_codegen::ir::condcodes::FloatCC;
use cranelift_codegen::ir::{types, Endianness, InstBuilder, MemFlagsData, Type, Value};
use cranelift_frontend::{FunctionBuilder, Variable};

use crate::vmath::Lanes;

pub struct ClifLanes<'a, 'f> {
    pub b: &'a mut FunctionBuilder<'f>,
    /// Two lanes (`F64X2`) rather than one `F64`.
    pub vector: bool,
    /// Where two-lane constants come from inside the two-lane loop.
    pub pool: Option<&'a mut ConstPool>,
}

/// Two-lane constants of the two-lane loop, read from a table, one 16-byte slot per use.
///
/// A `splat` of a constant is loop-invariant, so Cranelift hoists it out of the loop; the HH
/// body uses some forty distinct constants, more than the 16 vector registers, and the
/// register allocator then keeps them in stack slots and reloads each one into a register
/// before every use (a third of the loop's instructions). A load from the table instead is
/// placed next to its use (its base pointer is a loop variable that Cranelift cannot prove
/// constant), often folded into the instruction that uses it as a memory operand.
pub struct ConstPool {
    /// The table's address, redefined (as itself plus a loaded zero) every iteration.
    pub base: Variable,
    /// The table's slots; slot 0 is the zero added to `base`.
    pub slots: Vec<u128>,
}

impl ConstPool {
    /// The slot table as little-endian bytes.
    pub fn bytes(&self) -> Vec<u8> {
        self.slots.iter().flat_map(|s| s.to_le_bytes()).collect()
    }
}

/// A 64-bit value times this is the value in both halves of a `u128`.
pub const PAIR: u128 = (1 << 64) | 1;

/// Flags for lane-preserving bitcasts between vector types.
fn lane_order() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

impl ClifLanes<'_, '_> {
    fn float_type(&self) -> Type {
        if self.vector {
            types::F64X2
        } else {
            types::F64
        }
    }

    fn int_type(&self) -> Type {
        if self.vector {
            types::I64X2
        } else {
            types::I64
        }
    }

    /// Both lanes of `bits` read from the pool (two-lane code with a pool only).
    pub fn pooled(&mut self, ty: Type, bits: u128) -> Option<Value> {
        let pool = self.pool.as_deref_mut().filter(|_| self.vector)?;
        let offset = (pool.slots.len() * 16) as i32;
        pool.slots.push(bits);
        let base = self.b.use_var(pool.base);
        let flags = MemFlagsData::trusted().with_readonly().with_can_move();
        Some(self.b.ins().load(ty, flags, base, offset))
    }

    fn bitcast(&mut self, to: Type, x: Value) -> Value {
        let flags = if self.vector {
            lane_order()
        } else {
            MemFlagsData::new()
        };
        self.b.ins().bitcast(to, flags, x)
    }
}

impl Lanes for ClifLanes<'_, '_> {
    type F = Value;
    type I = Value;
    type M = Value;

    fn splat(&mut self, c: f64) -> Value {
        if let Some(v) = self.pooled(types::F64X2, u128::from(c.to_bits()) * PAIR) {
            return v;
        }
        let s = self.b.ins().f64const(c);
        if self.vector {
            self.b.ins().splat(types::F64X2, s)
        } else {
            s
        }
    }
    fn splat_int(&mut self, c: i64) -> Value {
        if let Some(v) = self.pooled(types::I64X2, u128::from(c as u64) * PAIR) {
            return v;
        }
        let s = self.b.ins().iconst(types::I64, c);
        if self.vector {
            self.b.ins().splat(types::I64X2, s)
        } else {
            s
        }
    }
    fn add(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fadd(a, b)
    }
    fn sub(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fsub(a, b)
    }
    fn mul(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fmul(a, b)
    }
    fn div(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fdiv(a, b)
    }
    fn fma(&mut self, a: Value, b: Value, c: Value) -> Value {
        self.b.ins().fma(a, b, c)
    }
    fn trunc(&mut self, a: Value) -> Value {
        self.b.ins().trunc(a)
    }
    fn lt(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fcmp(FloatCC::LessThan, a, b)
    }
    fn gt(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fcmp(FloatCC::GreaterThan, a, b)
    }
    fn eq(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().fcmp(FloatCC::Equal, a, b)
    }
    fn is_nan(&mut self, a: Value) -> Value {
        self.b.ins().fcmp(FloatCC::Unordered, a, a)
    }
    fn or(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().bor(a, b)
    }
    fn select(&mut self, m: Value, a: Value, b: Value) -> Value {
        if self.vector {
            let ty = self.float_type();
            let mask = self.bitcast(ty, m);
            self.b.ins().bitselect(mask, a, b)
        } else {
            self.b.ins().select(m, a, b)
        }
    }
    fn to_bits(&mut self, a: Value) -> Value {
        let ty = self.int_type();
        self.bitcast(ty, a)
    }
    fn bits_to_float(&mut self, a: Value) -> Value {
        let ty = self.float_type();
        self.bitcast(ty, a)
    }
    fn iadd(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().iadd(a, b)
    }
    fn isub(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().isub(a, b)
    }
    fn iand(&mut self, a: Value, b: Value) -> Value {
        self.b.ins().band(a, b)
    }
    // Shift amounts are scalar even for vector shifts.
    fn shl(&mut self, a: Value, by: u8) -> Value {
        let by = self.b.ins().iconst(types::I32, i64::from(by));
        self.b.ins().ishl(a, by)
    }
    fn ushr(&mut self, a: Value, by: u8) -> Value {
        let by = self.b.ins().iconst(types::I32, i64::from(by));
        self.b.ins().ushr(a, by)
    }
}
