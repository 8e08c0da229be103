//! The functions a model string may call: Brian2's default functions with their dimension
//! rules, arity and return types, and user functions (`TimedArray` and the like).
//!
//! The dimension rules follow Brian2's `DEFAULT_FUNCTIONS` (`brian2/core/functions.py`):
//! most functions take and return dimensionless values, `sqrt` halves the exponents,
//! `abs`, `floor`, `ceil` keep the dimension, `sign` returns a dimensionless value, `clip`
//! needs three arguments of the same dimension, `timestep` takes two times.

use crate::ast::VarType;
use rheobase_units::Dimension;

const SECOND: Dimension = Dimension::from_ints([0, 0, 1, 0, 0, 0, 0]);

/// What an argument must be.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ArgRule {
    /// Must be dimensionless (`exp`, `log`, `sin`, ...).
    Dimensionless,
    /// Any dimension (`abs`, `sqrt`, `floor`, ...).
    Any,
    /// Exactly this dimension (`timestep` takes times).
    Dim(Dimension),
    /// The same dimension as argument number `n` (0-based; `clip`'s bounds).
    SameAs(usize),
}

/// The dimension of the result.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ReturnDim {
    Dimensionless,
    /// The dimension of argument `n`.
    SameAsArg(usize),
    /// The square root of argument `n`'s dimension (`sqrt`).
    SqrtOfArg(usize),
    Fixed(Dimension),
}

/// The value type of the result, as Brian2's `return_type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnType {
    Float,
    Integer,
    Boolean,
    /// The highest type among the arguments (boolean < integer < float), as Brian2's
    /// `"highest"` for `abs`, `sign` and `clip`.
    Highest,
}

/// Brian2's default functions, always available unless a model variable shadows the name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    Exp,
    Log,
    Log10,
    Expm1,
    Exprel,
    Log1p,
    Sqrt,
    Sin,
    Cos,
    Tan,
    Sinh,
    Cosh,
    Tanh,
    Arcsin,
    Arccos,
    Arctan,
    Abs,
    Sign,
    Floor,
    Ceil,
    Clip,
    Int,
    Rand,
    Randn,
    Poisson,
    Timestep,
}

impl Builtin {
    pub const ALL: [Builtin; 26] = [
        Builtin::Exp,
        Builtin::Log,
        Builtin::Log10,
        Builtin::Expm1,
        Builtin::Exprel,
        Builtin::Log1p,
        Builtin::Sqrt,
        Builtin::Sin,
        Builtin::Cos,
        Builtin::Tan,
        Builtin::Sinh,
        Builtin::Cosh,
        Builtin::Tanh,
        Builtin::Arcsin,
        Builtin::Arccos,
        Builtin::Arctan,
        Builtin::Abs,
        Builtin::Sign,
        Builtin::Floor,
        Builtin::Ceil,
        Builtin::Clip,
        Builtin::Int,
        Builtin::Rand,
        Builtin::Randn,
        Builtin::Poisson,
        Builtin::Timestep,
    ];

    /// The name users write.
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Exp => "exp",
            Builtin::Log => "log",
            Builtin::Log10 => "log10",
            Builtin::Expm1 => "expm1",
            Builtin::Exprel => "exprel",
            Builtin::Log1p => "log1p",
            Builtin::Sqrt => "sqrt",
            Builtin::Sin => "sin",
            Builtin::Cos => "cos",
            Builtin::Tan => "tan",
            Builtin::Sinh => "sinh",
            Builtin::Cosh => "cosh",
            Builtin::Tanh => "tanh",
            Builtin::Arcsin => "arcsin",
            Builtin::Arccos => "arccos",
            Builtin::Arctan => "arctan",
            Builtin::Abs => "abs",
            Builtin::Sign => "sign",
            Builtin::Floor => "floor",
            Builtin::Ceil => "ceil",
            Builtin::Clip => "clip",
            Builtin::Int => "int",
            Builtin::Rand => "rand",
            Builtin::Randn => "randn",
            Builtin::Poisson => "poisson",
            Builtin::Timestep => "timestep",
        }
    }

    pub fn from_name(name: &str) -> Option<Builtin> {
        Builtin::ALL.into_iter().find(|b| b.name() == name)
    }

    /// The rule for each argument; its length is the arity.
    pub fn args(self) -> &'static [ArgRule] {
        use ArgRule::*;
        match self {
            Builtin::Exp
            | Builtin::Log
            | Builtin::Log10
            | Builtin::Expm1
            | Builtin::Exprel
            | Builtin::Log1p
            | Builtin::Sin
            | Builtin::Cos
            | Builtin::Tan
            | Builtin::Sinh
            | Builtin::Cosh
            | Builtin::Tanh
            | Builtin::Arcsin
            | Builtin::Arccos
            | Builtin::Arctan
            | Builtin::Int
            | Builtin::Poisson => &[Dimensionless],
            Builtin::Sqrt | Builtin::Abs | Builtin::Sign | Builtin::Floor | Builtin::Ceil => &[Any],
            Builtin::Clip => &[Any, SameAs(0), SameAs(0)],
            Builtin::Rand | Builtin::Randn => &[],
            Builtin::Timestep => &[Dim(SECOND), Dim(SECOND)],
        }
    }

    pub fn arity(self) -> usize {
        self.args().len()
    }

    pub fn return_dim(self) -> ReturnDim {
        match self {
            Builtin::Sqrt => ReturnDim::SqrtOfArg(0),
            Builtin::Abs | Builtin::Floor | Builtin::Ceil | Builtin::Clip => {
                ReturnDim::SameAsArg(0)
            }
            _ => ReturnDim::Dimensionless,
        }
    }

    pub fn return_type(self) -> ReturnType {
        match self {
            Builtin::Abs | Builtin::Sign | Builtin::Clip => ReturnType::Highest,
            Builtin::Int | Builtin::Poisson | Builtin::Timestep => ReturnType::Integer,
            _ => ReturnType::Float,
        }
    }

    /// Draws random numbers: each call gives a new value (`rand`, `randn`, `poisson`).
    pub fn is_random(self) -> bool {
        matches!(self, Builtin::Rand | Builtin::Randn | Builtin::Poisson)
    }

    /// Same arguments give the same result, so calls may be hoisted or shared
    /// (Brian2's `stateless`): every function except the random ones.
    pub fn is_stateless(self) -> bool {
        !self.is_random()
    }
}

/// A function supplied by the user's namespace, such as a `TimedArray` (`stimulus(t)` or
/// `stimulus(t, i)`): fixed argument dimensions and a fixed result.
#[derive(Clone, Debug, PartialEq)]
pub struct UserFunction {
    pub name: String,
    /// One entry per argument; `None` accepts any dimension.
    pub arg_dims: Vec<Option<Dimension>>,
    pub return_dim: Dimension,
    pub return_type: VarType,
    /// Same arguments give the same result (true for a `TimedArray`).
    pub stateless: bool,
}

/// A function a code string can call.
#[derive(Clone, Debug, PartialEq)]
pub enum FunctionSpec {
    Builtin(Builtin),
    User(UserFunction),
}

impl FunctionSpec {
    pub fn name(&self) -> &str {
        match self {
            FunctionSpec::Builtin(b) => b.name(),
            FunctionSpec::User(u) => &u.name,
        }
    }

    pub fn arity(&self) -> usize {
        match self {
            FunctionSpec::Builtin(b) => b.arity(),
            FunctionSpec::User(u) => u.arg_dims.len(),
        }
    }

    pub fn arg_rule(&self, index: usize) -> ArgRule {
        match self {
            FunctionSpec::Builtin(b) => b.args().get(index).copied().unwrap_or(ArgRule::Any),
            FunctionSpec::User(u) => match u.arg_dims.get(index) {
                Some(Some(d)) => ArgRule::Dim(*d),
                _ => ArgRule::Any,
            },
        }
    }

    pub fn return_dim(&self) -> ReturnDim {
        match self {
            FunctionSpec::Builtin(b) => b.return_dim(),
            FunctionSpec::User(u) => ReturnDim::Fixed(u.return_dim),
        }
    }

    pub fn return_type(&self) -> ReturnType {
        match self {
            FunctionSpec::Builtin(b) => b.return_type(),
            FunctionSpec::User(u) => match u.return_type {
                VarType::Float => ReturnType::Float,
                VarType::Integer => ReturnType::Integer,
                VarType::Boolean => ReturnType::Boolean,
            },
        }
    }

    pub fn is_random(&self) -> bool {
        match self {
            FunctionSpec::Builtin(b) => b.is_random(),
            FunctionSpec::User(_) => false,
        }
    }

    pub fn is_stateless(&self) -> bool {
        match self {
            FunctionSpec::Builtin(b) => b.is_stateless(),
            FunctionSpec::User(u) => u.stateless,
        }
    }

    /// The result type for arguments of these types.
    pub fn result_type(&self, arg_types: &[VarType]) -> VarType {
        match self.return_type() {
            ReturnType::Float => VarType::Float,
            ReturnType::Integer => VarType::Integer,
            ReturnType::Boolean => VarType::Boolean,
            ReturnType::Highest => arg_types
                .iter()
                .copied()
                .max_by_key(|t| type_rank(*t))
                .unwrap_or(VarType::Float),
        }
    }
}

/// Brian2's type hierarchy: boolean < integer < float.
pub fn type_rank(t: VarType) -> u8 {
    match t {
        VarType::Boolean => 0,
        VarType::Integer => 1,
        VarType::Float => 2,
    }
}

/// The default function of this name, if any.
pub fn lookup_function(name: &str) -> Option<FunctionSpec> {
    Builtin::from_name(name).map(FunctionSpec::Builtin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_is_found_by_its_name() {
        for b in Builtin::ALL {
            assert_eq!(Builtin::from_name(b.name()), Some(b));
        }
        assert_eq!(
            lookup_function("exp"),
            Some(FunctionSpec::Builtin(Builtin::Exp))
        );
        assert_eq!(lookup_function("expp"), None);
    }

    #[test]
    fn arity_and_rules_follow_brian2() {
        assert_eq!(Builtin::Clip.arity(), 3);
        assert_eq!(Builtin::Rand.arity(), 0);
        assert_eq!(
            Builtin::Timestep.args(),
            &[ArgRule::Dim(SECOND), ArgRule::Dim(SECOND)]
        );
        assert_eq!(Builtin::Sqrt.return_dim(), ReturnDim::SqrtOfArg(0));
        assert_eq!(Builtin::Floor.return_dim(), ReturnDim::SameAsArg(0));
        assert_eq!(Builtin::Sign.return_dim(), ReturnDim::Dimensionless);
        assert_eq!(Builtin::Int.args(), &[ArgRule::Dimensionless]);
    }

    #[test]
    fn random_functions_are_not_stateless() {
        let random: Vec<_> = Builtin::ALL.into_iter().filter(|b| b.is_random()).collect();
        assert_eq!(
            random,
            vec![Builtin::Rand, Builtin::Randn, Builtin::Poisson]
        );
        assert!(Builtin::Exp.is_stateless());
        assert!(!Builtin::Poisson.is_stateless());
    }

    #[test]
    fn result_types() {
        let abs = FunctionSpec::Builtin(Builtin::Abs);
        assert_eq!(abs.result_type(&[VarType::Integer]), VarType::Integer);
        let clip = FunctionSpec::Builtin(Builtin::Clip);
        assert_eq!(
            clip.result_type(&[VarType::Integer, VarType::Float, VarType::Integer]),
            VarType::Float
        );
        assert_eq!(
            FunctionSpec::Builtin(Builtin::Poisson).result_type(&[VarType::Float]),
            VarType::Integer
        );
        let user = FunctionSpec::User(UserFunction {
            name: "stim".into(),
            arg_dims: vec![Some(SECOND), None],
            return_dim: Dimension::DIMENSIONLESS,
            return_type: VarType::Float,
            stateless: true,
        });
        assert_eq!(user.arity(), 2);
        assert_eq!(user.arg_rule(0), ArgRule::Dim(SECOND));
        assert_eq!(user.arg_rule(1), ArgRule::Any);
        assert!(user.is_stateless() && !user.is_random());
    }
}
