//! Generator syntax (`connect(j='k for k in range(i-3, i+4) if ...')`): [`connect_generator`]
//! evaluates a generator given callbacks for its expressions, in the order of Brian2's
//! `synapses_create_generator` template; [`iterator_kind`] and [`condition_placement`] derive
//! its plan from a parsed [`rheobase_lang::GeneratorSpec`], from the names the condition reads,
//! as Brian2 does.

use super::connect::{
    bernoulli_positions, check_probability, push_repeated, sample_without_replacement,
    ConnectError, SynapseSink, UniformSource,
};
use rheobase_lang::{GeneratorIterator, GeneratorSpec, SampleSize};

/// Which index the generator iterates over (the "outer" index of Brian2's template).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GeneratorOver {
    /// `connect(j='...')`: for each presynaptic `i`, the generator produces `j`s.
    Presynaptic,
    /// `connect(i='...')`: for each postsynaptic `j`, the generator produces `i`s.
    Postsynaptic,
}

/// The iterator of a generator, as parsed (`rheobase_lang::GeneratorIterator`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IteratorKind {
    Range,
    SampleProbability,
    SampleFixed,
    /// The one-to-one form (`j='i'`): the element once, with the variable equal to 0.
    Single,
}

/// Values of the iterator's arguments for one outer index. `p` is read only for
/// [`IteratorKind::SampleProbability`], `size` only for [`IteratorKind::SampleFixed`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IteratorBounds {
    pub start: i64,
    pub stop: i64,
    pub step: i64,
    pub p: f64,
    pub size: i64,
}

impl IteratorBounds {
    pub fn range(start: i64, stop: i64, step: i64) -> IteratorBounds {
        IteratorBounds {
            start,
            stop,
            step,
            p: 1.0,
            size: 0,
        }
    }

    /// Python's `len(range(start, stop, step))` (step must not be zero).
    pub fn len(&self) -> u64 {
        let (span, step) = if self.step > 0 {
            (self.stop as i128 - self.start as i128, self.step as i128)
        } else {
            (self.start as i128 - self.stop as i128, -(self.step as i128))
        };
        if span <= 0 {
            0
        } else {
            ((span - 1) / step + 1) as u64
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn value(&self, position: u64) -> i64 {
        self.start + position as i64 * self.step
    }
}

/// Where the generator's `if` condition is evaluated (Brian2 decides this by the names the
/// condition reads).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConditionPlacement {
    /// No `if`.
    None,
    /// The condition reads neither the iteration variable nor the created index: evaluated
    /// once per outer index, before the iterator.
    PerOuter,
    /// Evaluated for each created index. If it reads variables of the group that index
    /// belongs to (`v_post` for `j=` generators), the index is range-checked before the
    /// condition (an out-of-range index is an error even if the condition would reject it);
    /// otherwise after it, so `if k >= 0 and k < N_post` filters invalid indices.
    PerElement { reads_result_variables: bool },
}

/// Everything about a generator call except how its expressions are evaluated.
#[derive(Clone, Copy, Debug)]
pub struct GeneratorPlan<'a> {
    pub over: GeneratorOver,
    pub n_pre: usize,
    pub n_post: usize,
    pub iterator: IteratorKind,
    pub condition: ConditionPlacement,
    /// Drop invalid indices (and clamp sample sizes) instead of failing.
    pub skip_if_invalid: bool,
    /// The user's text, for error messages.
    pub text: &'a str,
}

/// Evaluation of a generator's expressions. `outer` is the outer index (`i` for `j=`
/// generators), `var` the iteration variable, `result` the created index.
pub trait GeneratorCallbacks {
    /// The iterator's arguments for this outer index (not called for [`IteratorKind::Single`]).
    fn iterator_bounds(&mut self, outer: i32) -> Result<IteratorBounds, ConnectError>;
    /// The element expression: the created index.
    fn element(&mut self, outer: i32, var: i64) -> Result<i64, ConnectError>;
    /// The condition, for [`ConditionPlacement::PerOuter`].
    fn outer_condition(&mut self, _outer: i32) -> Result<bool, ConnectError> {
        Ok(true)
    }
    /// The condition, for [`ConditionPlacement::PerElement`].
    fn element_condition(
        &mut self,
        _outer: i32,
        _var: i64,
        _result: i64,
    ) -> Result<bool, ConnectError> {
        Ok(true)
    }
    /// `n`, the number of synapses for this pair (1 unless `connect(n=...)`).
    fn multiplicity(&mut self, _outer: i32, _result: i32) -> Result<i64, ConnectError> {
        Ok(1)
    }
}

/// (f) Evaluate a generator: for each outer index, each value of the iterator (a range, a
/// sample with probability `p` by skipping, or a sample of fixed size without replacement),
/// the element, the condition, range checks and `n`, in the order of Brian2's template.
pub fn connect_generator(
    plan: &GeneratorPlan,
    callbacks: &mut (impl GeneratorCallbacks + ?Sized),
    rng: &mut (impl UniformSource + ?Sized),
    sink: &mut (impl SynapseSink + ?Sized),
) -> Result<(), ConnectError> {
    let (outer_size, result_size, result_name) = match plan.over {
        GeneratorOver::Presynaptic => (plan.n_pre, plan.n_post, "j"),
        GeneratorOver::Postsynaptic => (plan.n_post, plan.n_pre, "i"),
    };
    let text = plan.text;
    for outer in 0..outer_size as i32 {
        if plan.condition == ConditionPlacement::PerOuter && !callbacks.outer_condition(outer)? {
            continue;
        }
        let bounds = match plan.iterator {
            IteratorKind::Single => IteratorBounds::range(0, 1, 1),
            _ => callbacks.iterator_bounds(outer)?,
        };
        let mut visit = |var: i64| -> Result<(), ConnectError> {
            let result = callbacks.element(outer, var)?;
            let in_range = result >= 0 && result < result_size as i64;
            let out_of_range = |reads_target_variables| ConnectError::IndexOutOfRange {
                name: result_name,
                index: result,
                size: result_size,
                reads_target_variables,
                text: text.to_string(),
            };
            let checked_first = matches!(
                plan.condition,
                ConditionPlacement::PerElement {
                    reads_result_variables: true
                }
            );
            if checked_first && !in_range {
                return if plan.skip_if_invalid {
                    Ok(())
                } else {
                    Err(out_of_range(true))
                };
            }
            if let ConditionPlacement::PerElement { .. } = plan.condition {
                if !callbacks.element_condition(outer, var, result)? {
                    return Ok(());
                }
            }
            if !in_range {
                return if plan.skip_if_invalid {
                    Ok(())
                } else {
                    Err(out_of_range(false))
                };
            }
            let result = result as i32;
            let n = callbacks.multiplicity(outer, result)?;
            let (i, j) = match plan.over {
                GeneratorOver::Presynaptic => (outer, result),
                GeneratorOver::Postsynaptic => (result, outer),
            };
            if n < 0 {
                return Err(ConnectError::NegativeMultiplicity {
                    n,
                    i: i as i64,
                    j: j as i64,
                    text: text.to_string(),
                });
            }
            push_repeated(sink, i, j, n as u32);
            Ok(())
        };
        if bounds.step == 0 {
            return Err(ConnectError::ZeroStep {
                text: text.to_string(),
            });
        }
        let count = bounds.len();
        match plan.iterator {
            IteratorKind::Range | IteratorKind::Single => {
                for position in 0..count {
                    visit(bounds.value(position))?;
                }
            }
            IteratorKind::SampleProbability => {
                check_probability(bounds.p, text)?;
                bernoulli_positions(count, bounds.p, rng, |position| {
                    visit(bounds.value(position))
                })?;
            }
            IteratorKind::SampleFixed => {
                let size = match fixed_sample_size(bounds.size, count, plan.skip_if_invalid) {
                    Ok(size) => size,
                    Err(make) => return Err(make(text.to_string())),
                };
                for position in sample_without_replacement(count, size, rng) {
                    visit(bounds.value(position))?;
                }
            }
        }
    }
    Ok(())
}

type MakeError = Box<dyn FnOnce(String) -> ConnectError>;

/// Brian2's checks of `sample(..., size=...)`: negative or larger than the population is an
/// error, unless `skip_if_invalid` (then none, or the whole population).
fn fixed_sample_size(size: i64, population: u64, skip_if_invalid: bool) -> Result<u64, MakeError> {
    if population == 0 || size == 0 {
        return Ok(0);
    }
    if size < 0 {
        if skip_if_invalid {
            return Ok(0);
        }
        return Err(Box::new(move |text| ConnectError::NegativeSampleSize {
            size,
            text,
        }));
    }
    if size as u64 > population {
        if skip_if_invalid {
            return Ok(population);
        }
        return Err(Box::new(move |text| ConnectError::SampleTooLarge {
            size,
            population,
            text,
        }));
    }
    Ok(size as u64)
}

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
    use crate::synapses::connect::{NewSynapses, SplitMix64};
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
            .to_vec()
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

#[cfg(test)]
mod evaluation_tests {
    use super::*;
    use crate::synapses::connect::{NewSynapses, SplitMix64};

    /// Hand-written callbacks for `k for k in range(i-3, i+4) if k >= 0 and k < N_post`.
    struct Window {
        n_post: i64,
        with_condition: bool,
    }

    impl GeneratorCallbacks for Window {
        fn iterator_bounds(&mut self, i: i32) -> Result<IteratorBounds, ConnectError> {
            Ok(IteratorBounds::range(i as i64 - 3, i as i64 + 4, 1))
        }
        fn element(&mut self, _i: i32, k: i64) -> Result<i64, ConnectError> {
            Ok(k)
        }
        fn element_condition(&mut self, _i: i32, k: i64, _j: i64) -> Result<bool, ConnectError> {
            Ok(!self.with_condition || (k >= 0 && k < self.n_post))
        }
    }

    fn window_plan(condition: ConditionPlacement, skip_if_invalid: bool) -> GeneratorPlan<'static> {
        GeneratorPlan {
            over: GeneratorOver::Presynaptic,
            n_pre: 10,
            n_post: 10,
            iterator: IteratorKind::Range,
            condition,
            skip_if_invalid,
            text: "j='k for k in range(i-3, i+4) if k >= 0 and k < N_post'",
        }
    }

    #[test]
    fn window_generator_handles_edges() {
        let run = |condition, skip, with_condition| {
            let mut out = NewSynapses::default();
            connect_generator(
                &window_plan(condition, skip),
                &mut Window {
                    n_post: 10,
                    with_condition,
                },
                &mut SplitMix64::new(0),
                &mut out,
            )
            .map(|_| out)
        };
        let plain = ConditionPlacement::PerElement {
            reads_result_variables: false,
        };
        let out = run(plain, false, true).unwrap();
        let mut per_row = [0; 10];
        out.pre
            .to_vec()
            .iter()
            .for_each(|&i| per_row[i as usize] += 1);
        assert_eq!(per_row, [4, 5, 6, 7, 7, 7, 7, 6, 5, 4]);
        assert!(out
            .pre
            .to_vec()
            .iter()
            .zip(&out.post)
            .all(|(&i, &j)| (i - j).abs() <= 3));
        // Without the condition, j=-3 is an error naming the index and the text...
        let err = run(ConditionPlacement::None, false, false).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("j=-3"), "{message}");
        assert!(message.contains("range(i-3, i+4)"), "{message}");
        // ... unless skip_if_invalid, which gives the same synapses as the condition.
        assert_eq!(run(ConditionPlacement::None, true, false).unwrap(), out);
        // A condition reading postsynaptic variables is range-checked before it is evaluated.
        let reads_post = ConditionPlacement::PerElement {
            reads_result_variables: true,
        };
        let err = run(reads_post, false, true).unwrap_err();
        assert!(matches!(
            err,
            ConnectError::IndexOutOfRange {
                index: -3,
                reads_target_variables: true,
                ..
            }
        ));
        assert_eq!(run(reads_post, true, true).unwrap(), out);
    }

    /// `i='k for k in sample(N_pre, size=3)'`, outer index j, with n=2 for even j.
    struct FixedFanIn;

    impl GeneratorCallbacks for FixedFanIn {
        fn iterator_bounds(&mut self, _j: i32) -> Result<IteratorBounds, ConnectError> {
            Ok(IteratorBounds {
                size: 3,
                ..IteratorBounds::range(0, 20, 1)
            })
        }
        fn element(&mut self, _j: i32, k: i64) -> Result<i64, ConnectError> {
            Ok(k)
        }
        fn multiplicity(&mut self, j: i32, _i: i32) -> Result<i64, ConnectError> {
            Ok(if j % 2 == 0 { 2 } else { 1 })
        }
    }

    #[test]
    fn postsynaptic_generator_with_fixed_sample_size() {
        let plan = GeneratorPlan {
            over: GeneratorOver::Postsynaptic,
            n_pre: 20,
            n_post: 6,
            iterator: IteratorKind::SampleFixed,
            condition: ConditionPlacement::None,
            skip_if_invalid: false,
            text: "i='k for k in sample(N_pre, size=3)', n=...",
        };
        let mut out = NewSynapses::default();
        connect_generator(&plan, &mut FixedFanIn, &mut SplitMix64::new(9), &mut out).unwrap();
        for j in 0..6 {
            let sources: Vec<i32> = (0..out.len())
                .filter(|&s| out.post[s] == j)
                .map(|s| out.pre.to_vec()[s])
                .collect();
            let expected = if j % 2 == 0 { 6 } else { 3 };
            assert_eq!(sources.len(), expected, "target {j}");
            let mut distinct = sources.clone();
            distinct.dedup();
            assert_eq!(distinct.len(), 3);
        }
        // Too large a sample is an error, or the whole population with skip_if_invalid.
        struct TooMany;
        impl GeneratorCallbacks for TooMany {
            fn iterator_bounds(&mut self, _: i32) -> Result<IteratorBounds, ConnectError> {
                Ok(IteratorBounds {
                    size: 30,
                    ..IteratorBounds::range(0, 20, 1)
                })
            }
            fn element(&mut self, _: i32, k: i64) -> Result<i64, ConnectError> {
                Ok(k)
            }
        }
        let err = connect_generator(&plan, &mut TooMany, &mut SplitMix64::new(9), &mut out);
        assert!(matches!(
            err,
            Err(ConnectError::SampleTooLarge {
                size: 30,
                population: 20,
                ..
            })
        ));
        let mut out = NewSynapses::default();
        let skip = GeneratorPlan {
            skip_if_invalid: true,
            ..plan
        };
        connect_generator(&skip, &mut TooMany, &mut SplitMix64::new(9), &mut out).unwrap();
        assert_eq!(out.len(), 6 * 20);
    }

    #[test]
    fn range_lengths_follow_python() {
        let len = |a, b, s| IteratorBounds::range(a, b, s).len();
        assert_eq!(len(0, 10, 1), 10);
        assert_eq!(len(0, 10, 3), 4);
        assert_eq!(len(10, 0, -3), 4);
        assert_eq!(len(5, 5, 1), 0);
        assert_eq!(len(5, 0, 1), 0);
        assert_eq!(len(-3, 4, 2), 4);
    }
}
