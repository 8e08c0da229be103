//! From a parsed generator ([`rheobase_lang::GeneratorSpec`]) to the plan that
//! [`connect_generator`](super::connect::connect_generator) runs: which iterator, and where
//! the condition is evaluated, decided by the names the condition reads, as Brian2 does.

use super::connect::{ConditionPlacement, GeneratorOver, IteratorKind};
use rheobase_lang::{GeneratorIterator, GeneratorSpec, SampleSize};

pub fn iterator_kind(spec: &GeneratorSpec) -> IteratorKind {
    match &spec.iterator {
        GeneratorIterator::Range { .. } => IteratorKind::Range,
        GeneratorIterator::Sample {
            size: SampleSize::Probability(_),
            ..
        } => IteratorKind::SampleProbability,
        GeneratorIterator::Sample {
            size: SampleSize::Fixed(_),
            ..
        } => IteratorKind::SampleFixed,
        GeneratorIterator::Single => IteratorKind::Single,
    }
}

/// The created index's name and the suffix of its group's variables.
fn result_names(over: GeneratorOver) -> (&'static str, &'static str) {
    match over {
        GeneratorOver::Presynaptic => ("j", "_post"),
        GeneratorOver::Postsynaptic => ("i", "_pre"),
    }
}

/// Where the `if` is evaluated: per outer index when it reads neither the iteration variable,
/// nor the created index, nor a variable of the created index's group; per element otherwise,
/// range-checking first when it reads such a variable (`v_post` in a `j=` generator; a name
/// with the group's suffix other than `N_post`/`N_pre`).
pub fn condition_placement(spec: &GeneratorSpec, over: GeneratorOver) -> ConditionPlacement {
    let Some(condition) = &spec.condition else {
        return ConditionPlacement::None;
    };
    let (result, suffix) = result_names(over);
    let names = condition.names();
    // `N_post` and `N_pre` are sizes, not variables of a group.
    let reads_result_variables = names
        .iter()
        .any(|n| n.ends_with(suffix) && !n.starts_with("N_"));
    let per_element = reads_result_variables
        || names
            .iter()
            .any(|&n| n == result || (spec.iterator != GeneratorIterator::Single && n == spec.var));
    if per_element {
        ConditionPlacement::PerElement {
            reads_result_variables,
        }
    } else {
        ConditionPlacement::PerOuter
    }
}

#[cfg(test)]
mod tests {
    //! End to end: generator strings parsed by rheobase-lang, evaluated by a small expression
    //! evaluator standing in for the runtime's kernels, connected by `connect_generator`.

    use super::*;
    use crate::synapses::connect::{
        connect_generator, ConnectError, GeneratorCallbacks, GeneratorPlan, IteratorBounds,
        NewSynapses, SplitMix64,
    };
    use rheobase_lang::{parse_generator, BinOp, Expr, ExprKind, SourceId, UnOp};

    /// Integers and booleans as f64, enough for index arithmetic and conditions.
    fn eval(e: &Expr, env: &dyn Fn(&str) -> f64) -> f64 {
        let b = |x: bool| if x { 1.0 } else { 0.0 };
        match &e.kind {
            ExprKind::Int(n) => *n as f64,
            ExprKind::Float(x) => *x,
            ExprKind::Bool(x) => b(*x),
            ExprKind::Name(n) => env(n),
            ExprKind::Unary(UnOp::Neg, a) => -eval(a, env),
            ExprKind::Unary(UnOp::Pos, a) => eval(a, env),
            ExprKind::Unary(UnOp::Not, a) => b(eval(a, env) == 0.0),
            ExprKind::Binary(op, x, y) => {
                let (x, y) = (eval(x, env), eval(y, env));
                match op {
                    BinOp::Add => x + y,
                    BinOp::Sub => x - y,
                    BinOp::Mul => x * y,
                    BinOp::Div => x / y,
                    BinOp::FloorDiv => (x / y).floor(),
                    BinOp::Mod => x - y * (x / y).floor(),
                    BinOp::Pow => x.powf(y),
                    BinOp::Lt => b(x < y),
                    BinOp::Le => b(x <= y),
                    BinOp::Gt => b(x > y),
                    BinOp::Ge => b(x >= y),
                    BinOp::Eq => b(x == y),
                    BinOp::Ne => b(x != y),
                    BinOp::And => b(x != 0.0 && y != 0.0),
                    BinOp::Or => b(x != 0.0 || y != 0.0),
                }
            }
            ExprKind::Call { name, args, .. } if name == "abs" => eval(&args[0], env).abs(),
            other => panic!("not supported in this test evaluator: {other:?}"),
        }
    }

    struct Interpreted<'a> {
        spec: &'a GeneratorSpec,
        over: GeneratorOver,
        n_pre: usize,
        n_post: usize,
        /// A postsynaptic variable `x_post` for conditions that read one.
        x_post: Vec<f64>,
    }

    impl Interpreted<'_> {
        fn value(&self, name: &str, outer: i32, var: i64, result: Option<i64>) -> f64 {
            let (outer_name, result_name) = match self.over {
                GeneratorOver::Presynaptic => ("i", "j"),
                GeneratorOver::Postsynaptic => ("j", "i"),
            };
            match name {
                "N_pre" => self.n_pre as f64,
                "N_post" => self.n_post as f64,
                "x_post" => self.x_post[result.expect("x_post needs j") as usize],
                n if n == outer_name => outer as f64,
                n if n == self.spec.var => var as f64,
                n if Some(n) == Some(result_name) && result.is_some() => result.unwrap() as f64,
                n => panic!("unknown name {n}"),
            }
        }

        fn eval_at(&self, e: &Expr, outer: i32, var: i64, result: Option<i64>) -> f64 {
            eval(e, &|n| self.value(n, outer, var, result))
        }
    }

    impl GeneratorCallbacks for Interpreted<'_> {
        fn iterator_bounds(&mut self, outer: i32) -> Result<IteratorBounds, ConnectError> {
            let at = |e: &Expr| self.eval_at(e, outer, 0, None);
            Ok(match &self.spec.iterator {
                GeneratorIterator::Range { start, stop, step } => {
                    IteratorBounds::range(at(start) as i64, at(stop) as i64, at(step) as i64)
                }
                GeneratorIterator::Sample {
                    start,
                    stop,
                    step,
                    size,
                } => {
                    let mut bounds =
                        IteratorBounds::range(at(start) as i64, at(stop) as i64, at(step) as i64);
                    match size {
                        SampleSize::Probability(p) => bounds.p = at(p),
                        SampleSize::Fixed(n) => bounds.size = at(n) as i64,
                    }
                    bounds
                }
                GeneratorIterator::Single => unreachable!(),
            })
        }

        fn element(&mut self, outer: i32, var: i64) -> Result<i64, ConnectError> {
            Ok(self.eval_at(&self.spec.element, outer, var, None) as i64)
        }

        fn outer_condition(&mut self, outer: i32) -> Result<bool, ConnectError> {
            let c = self.spec.condition.as_ref().unwrap();
            Ok(self.eval_at(c, outer, 0, None) != 0.0)
        }

        fn element_condition(
            &mut self,
            outer: i32,
            var: i64,
            result: i64,
        ) -> Result<bool, ConnectError> {
            let c = self.spec.condition.as_ref().unwrap();
            Ok(self.eval_at(c, outer, var, Some(result)) != 0.0)
        }
    }

    fn connect(
        text: &str,
        over: GeneratorOver,
        n_pre: usize,
        n_post: usize,
        skip_if_invalid: bool,
    ) -> Result<NewSynapses, ConnectError> {
        let spec = parse_generator(text, SourceId(0)).unwrap();
        let plan = GeneratorPlan {
            over,
            n_pre,
            n_post,
            iterator: iterator_kind(&spec),
            condition: condition_placement(&spec, over),
            skip_if_invalid,
            text,
        };
        let mut callbacks = Interpreted {
            spec: &spec,
            over,
            n_pre,
            n_post,
            x_post: (0..n_post).map(|k| k as f64).collect(),
        };
        let mut out = NewSynapses::default();
        connect_generator(&plan, &mut callbacks, &mut SplitMix64::new(1), &mut out)?;
        Ok(out)
    }

    fn pairs(out: &NewSynapses) -> Vec<(i32, i32)> {
        out.pre
            .iter()
            .copied()
            .zip(out.post.iter().copied())
            .collect()
    }

    #[test]
    fn all_to_all_minus_the_diagonal_on_16_by_16() {
        let out = connect(
            "k for k in range(N_post) if k != i",
            GeneratorOver::Presynaptic,
            16,
            16,
            false,
        )
        .unwrap();
        let expected: Vec<(i32, i32)> = (0..16)
            .flat_map(|i| (0..16).filter(move |&j| j != i).map(move |j| (i, j)))
            .collect();
        assert_eq!(pairs(&out), expected);
        // The same over presynaptic neurons, and with the condition on `j`.
        let by_i = connect(
            "k for k in range(N_pre) if k != j",
            GeneratorOver::Postsynaptic,
            16,
            16,
            false,
        )
        .unwrap();
        let mut sorted = pairs(&by_i);
        sorted.sort();
        assert_eq!(sorted, expected);
        let with_j = connect(
            "k for k in range(N_post) if i != j",
            GeneratorOver::Presynaptic,
            16,
            16,
            false,
        )
        .unwrap();
        assert_eq!(pairs(&with_j), expected);
    }

    #[test]
    fn window_with_edges() {
        let text = "k for k in range(i-3, i+4) if k >= 0 and k < N_post";
        let out = connect(text, GeneratorOver::Presynaptic, 10, 10, false).unwrap();
        assert_eq!(out.len(), 4 + 5 + 6 + 7 * 4 + 6 + 5 + 4);
        assert!(pairs(&out).iter().all(|&(i, j)| (i - j).abs() <= 3));
        let err = connect(
            "k for k in range(i-3, i+4)",
            GeneratorOver::Presynaptic,
            10,
            10,
            false,
        )
        .unwrap_err();
        assert!(err.to_string().contains("j=-3"), "{err}");
        let skipped = connect(
            "k for k in range(i-3, i+4)",
            GeneratorOver::Presynaptic,
            10,
            10,
            true,
        )
        .unwrap();
        assert_eq!(skipped, out);
        // A condition reading a postsynaptic variable cannot guard the range.
        let err = connect(
            "k for k in range(i-3, i+4) if k >= 0 and k < N_post and x_post > 2",
            GeneratorOver::Presynaptic,
            10,
            10,
            false,
        )
        .unwrap_err();
        assert!(err.to_string().contains("refers to a variable"), "{err}");
    }

    #[test]
    fn one_to_one_and_neighbours() {
        let out = connect("i", GeneratorOver::Presynaptic, 5, 5, false).unwrap();
        assert_eq!(pairs(&out), [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4)]);
        let out = connect("i if i % 2 == 0", GeneratorOver::Presynaptic, 5, 5, false).unwrap();
        assert_eq!(pairs(&out), [(0, 0), (2, 2), (4, 4)]);
        let out = connect(
            "i+(-1)**k for k in range(2) if i>0 and i<N_pre-1",
            GeneratorOver::Presynaptic,
            4,
            4,
            false,
        )
        .unwrap();
        assert_eq!(pairs(&out), [(1, 2), (1, 0), (2, 3), (2, 1)]);
        // `i` larger than the target group: an error, or skipped.
        assert!(connect("i", GeneratorOver::Presynaptic, 5, 3, false).is_err());
        assert_eq!(
            connect("i", GeneratorOver::Presynaptic, 5, 3, true)
                .unwrap()
                .len(),
            3
        );
    }

    #[test]
    fn samples() {
        let out = connect(
            "k for k in sample(N_post, size=i//2)",
            GeneratorOver::Presynaptic,
            10,
            10,
            false,
        )
        .unwrap();
        for i in 0..10 {
            let targets: Vec<i32> = pairs(&out)
                .iter()
                .filter(|p| p.0 == i)
                .map(|p| p.1)
                .collect();
            assert_eq!(targets.len() as i32, i / 2);
            assert!(targets.windows(2).all(|w| w[0] < w[1]));
        }
        let out = connect(
            "k for k in sample(N_post, p=0.1)",
            GeneratorOver::Presynaptic,
            200,
            200,
            false,
        )
        .unwrap();
        let sd = (40_000.0f64 * 0.1 * 0.9).sqrt();
        assert!(
            (out.len() as f64 - 4000.0).abs() < 5.0 * sd,
            "{}",
            out.len()
        );
        // sample over a strided range: only even targets.
        let out = connect(
            "k for k in sample(0, N_post, 2, p=0.5)",
            GeneratorOver::Presynaptic,
            50,
            20,
            false,
        )
        .unwrap();
        assert!(out.post.iter().all(|j| j % 2 == 0));
    }

    #[test]
    fn placement_follows_the_names_read() {
        let place = |text: &str| {
            condition_placement(
                &parse_generator(text, SourceId(0)).unwrap(),
                GeneratorOver::Presynaptic,
            )
        };
        assert_eq!(place("k for k in range(N_post)"), ConditionPlacement::None);
        assert_eq!(
            place("k for k in range(N_post) if i > 2"),
            ConditionPlacement::PerOuter
        );
        assert_eq!(
            place("k for k in range(N_post) if k > i"),
            ConditionPlacement::PerElement {
                reads_result_variables: false
            }
        );
        assert_eq!(
            place("k for k in range(N_post) if v_post > v_pre"),
            ConditionPlacement::PerElement {
                reads_result_variables: true
            }
        );
        assert_eq!(place("i if i > 2"), ConditionPlacement::PerOuter);
    }
}
