//! A SpatialNeuron's model, rewritten into a NeuronGroup model as Brian2 does: the user's
//! equations give the transmembrane current `Im` (amp/meter**2) and may declare
//! `(point current)` terms (amp, divided by the compartment area and added to `Im`); `v` is
//! added as a parameter (the cable solver updates it, not the state updater); the membrane
//! current is linearised symbolically, `gtot__private = -dIm/dv` and
//! `I0__private = Im + gtot__private*v`, for the implicit step; and every compartment gets
//! its geometry, `Cm` and the shared `Ri`.

use crate::error::{Result, RuntimeError};
use rheobase_lang::symbolic::{differentiate, is_zero, simplify, substitute};
use rheobase_lang::{ast, parse_equations, BinOp, Diagnostic, EquationKind, Equations, SourceMap};
use rheobase_units::Dimension;
use std::collections::HashMap;

/// amp/meter**2
const CURRENT_DENSITY: Dimension = Dimension::from_ints([-2, 0, 0, 1, 0, 0, 0]);
const AMP: Dimension = Dimension::from_ints([0, 0, 0, 1, 0, 0, 0]);

/// The rewritten model and the sources its spans point into.
pub(crate) struct SpatialModel {
    pub equations: Equations,
    pub sources: SourceMap,
}

fn model_error(object: &str, d: Diagnostic, sources: &SourceMap) -> RuntimeError {
    RuntimeError::model(object, d, sources)
}

/// Variables every SpatialNeuron has besides the user's (Brian2's `eqs_constants`).
fn geometry_equations(coordinates: bool) -> String {
    let mut text = String::from(
        "v : volt\n\
         length : meter (constant)\n\
         distance : meter (constant)\n\
         area : meter**2 (constant)\n\
         volume : meter**3\n\
         Ic : amp/meter**2\n\
         diameter : meter (constant)\n\
         Cm : farad/meter**2 (constant)\n\
         Ri : ohm*meter (constant, shared)\n\
         r_length_1 : meter (constant)\n\
         r_length_2 : meter (constant)\n\
         time_constant = Cm/gtot__private : second\n\
         space_constant = (2/pi)**(1.0/3.0) * (area/(1/r_length_1 + 1/r_length_2))**(1.0/6.0) / (2*(Ri*gtot__private)**(1.0/2.0)) : meter\n",
    );
    if coordinates {
        text.push_str("x : meter (constant)\ny : meter (constant)\nz : meter (constant)\n");
    }
    text
}

/// Replaces subexpressions in `expr` until none is left (they cannot be circular: the checker
/// rejects that later with its own error, so a depth limit is enough here).
fn substitute_all(expr: &ast::Expr, subexpressions: &HashMap<String, ast::Expr>) -> ast::Expr {
    let mut e = expr.clone();
    for _ in 0..64 {
        let next = substitute(&e, subexpressions);
        if next == e {
            break;
        }
        e = next;
    }
    e
}

pub(crate) fn rewrite(object: &str, model: &str, coordinates: bool) -> Result<SpatialModel> {
    let mut sources = SourceMap::new();
    let src = sources.add(format!("{object} model"), model);
    let mut user =
        parse_equations(model, src).map_err(|d| RuntimeError::model(object, d, &sources))?;

    let Some(im_pos) = user.iter().position(|e| e.name == "Im") else {
        let d = Diagnostic::error(
            "model::missing_membrane_current",
            "a SpatialNeuron's model must define the transmembrane current `Im` \
             (e.g. `Im = gL*(EL - v) : amp/meter**2`)",
        );
        return Err(model_error(object, d, &sources));
    };
    let im = user.remove(im_pos);
    let Some(mut im_expr) = im
        .expr
        .clone()
        .filter(|_| im.kind == EquationKind::Subexpression)
    else {
        let d = Diagnostic::error(
            "model::missing_membrane_current",
            "`Im` must be a subexpression (`Im = ... : amp/meter**2`)",
        )
        .with_primary(im.span, "not a subexpression");
        return Err(model_error(object, d, &sources));
    };
    if im.unit.dim != CURRENT_DENSITY {
        let d = Diagnostic::error(
            "units::dimension_mismatch",
            format!(
                "`Im` is a current per area (amp/meter**2), but it is declared in {}",
                im.unit.dim.base_string()
            ),
        )
        .with_primary(im.unit.span, "should be amp/meter**2");
        return Err(model_error(object, d, &sources));
    }
    if let Some(v) = user.iter().find(|e| e.name == "v") {
        let d = Diagnostic::error(
            "model::duplicate_definition",
            "a SpatialNeuron defines `v` itself (the cable equation updates it); remove it from \
             the model",
        )
        .with_primary(v.name_span, "defined by the SpatialNeuron");
        return Err(model_error(object, d, &sources));
    }

    // A current in amp named in Im without the flag: say what is missing (the dimension
    // checker would only report the sum of a density and a current).
    let named_in_im: Vec<&str> = im_expr.names();
    if let Some(eq) = user.iter().find(|e| {
        e.unit.dim == AMP
            && named_in_im.contains(&e.name.as_str())
            && !e.flags.iter().any(|f| f.name == "point current")
    }) {
        let d = Diagnostic::error(
            "units::dimension_mismatch",
            format!(
                "`{}` is a current in amp and `Im` a current per area; declare it \
                 `{} : amp (point current)` to inject it into each compartment, or use a \
                 current density (amp/meter**2)",
                eq.name, eq.name
            ),
        )
        .with_primary(eq.name_span, "in amp, without `(point current)`");
        return Err(model_error(object, d, &sources));
    }

    // Point currents: amp, divided by the compartment's area and added to Im.
    for eq in &mut user {
        if let Some(pos) = eq.flags.iter().position(|f| f.name == "point current") {
            if eq.unit.dim != AMP {
                let d = Diagnostic::error(
                    "units::dimension_mismatch",
                    format!(
                        "the point current `{}` must be in amp, not {}",
                        eq.name,
                        eq.unit.dim.base_string()
                    ),
                )
                .with_primary(eq.unit.span, "should be amp");
                return Err(model_error(object, d, &sources));
            }
            eq.flags.remove(pos);
            let span = eq.name_span;
            let per_area = ast::Expr::binary(
                BinOp::Div,
                ast::Expr::name(eq.name.clone(), span),
                ast::Expr::name("area", span),
                span,
            );
            im_expr = ast::Expr::binary(BinOp::Add, im_expr, per_area, span);
        }
    }

    // Linearise Im in v with every subexpression substituted.
    let subexpressions: HashMap<String, ast::Expr> = user
        .iter()
        .filter(|e| e.kind == EquationKind::Subexpression)
        .filter_map(|e| e.expr.clone().map(|x| (e.name.clone(), x)))
        .collect();
    let full = substitute_all(&im_expr, &subexpressions);
    let derivative = differentiate(&full, "v").map_err(|d| model_error(object, d, &sources))?;
    let span = im_expr.span;
    let gtot = simplify(&ast::Expr::unary(ast::UnOp::Neg, derivative.clone(), span));
    let i0 = simplify(&ast::Expr::binary(
        BinOp::Sub,
        full,
        ast::Expr::binary(BinOp::Mul, derivative, ast::Expr::name("v", span), span),
        span,
    ));

    let generated = format!(
        "Im = 0*amp/meter**2 : amp/meter**2\n\
         gtot__private = 0*siemens/meter**2 : siemens/meter**2\n\
         I0__private = 0*amp/meter**2 : amp/meter**2\n{}",
        geometry_equations(coordinates)
    );
    let gen_src = sources.add(format!("{object} (SpatialNeuron variables)"), &generated);
    let mut extra = parse_equations(&generated, gen_src)
        .map_err(|d| RuntimeError::Internal(format!("SpatialNeuron variables: {d:?}")))?;
    for eq in &mut extra {
        let replacement = match eq.name.as_str() {
            "Im" => Some(im_expr.clone()),
            "gtot__private" => Some(gtot.clone()),
            "I0__private" => Some(i0.clone()),
            _ => None,
        };
        // A zero keeps the generated `0*unit` so that its dimension stays right.
        if let Some(r) = replacement.filter(|r| !is_zero(r)) {
            eq.expr = Some(r);
        }
        if eq.name == "Im" {
            eq.span = im.span;
            eq.name_span = im.name_span;
        }
    }
    user.extend(extra);
    let equations =
        Equations::from_equations(user).map_err(|d| RuntimeError::model(object, d, &sources))?;
    Ok(SpatialModel { equations, sources })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expr_of(m: &SpatialModel, name: &str) -> String {
        m.equations
            .get(name)
            .unwrap()
            .expr
            .as_ref()
            .unwrap()
            .to_string()
    }

    #[test]
    fn passive_membrane_is_linearised() {
        let m = rewrite(
            "n",
            "Im = gL*(EL - v) : amp/meter**2\ngL : siemens/meter**2\nEL : volt",
            false,
        )
        .unwrap();
        assert_eq!(expr_of(&m, "gtot__private"), "gL");
        assert!(m.equations.contains("Cm") && m.equations.contains("v"));
        assert!(!m.equations.contains("x"));
    }

    #[test]
    fn point_currents_are_divided_by_the_area() {
        let m = rewrite(
            "n",
            "Im = gL*(EL - v) : amp/meter**2\nI : amp (point current)\ngL : siemens/meter**2\nEL : volt",
            true,
        )
        .unwrap();
        assert!(
            expr_of(&m, "Im").contains("I/area"),
            "{}",
            expr_of(&m, "Im")
        );
        assert!(m.equations.get("I").unwrap().flags.is_empty());
        assert!(m.equations.contains("x"));
    }

    #[test]
    fn bad_models_are_errors() {
        let code = |text: &str| rewrite("n", text, false).err().map(|e| e.code());
        assert_eq!(code("I : amp"), Some("model::missing_membrane_current"));
        assert_eq!(
            code("Im : amp/meter**2"),
            Some("model::missing_membrane_current")
        );
        assert_eq!(code("Im = 0*amp : amp"), Some("units::dimension_mismatch"));
        assert_eq!(
            code("Im = 0*amp/meter**2 : amp/meter**2\nI = 0*mV : volt (point current)"),
            Some("units::dimension_mismatch")
        );
        assert_eq!(
            code("Im = 0*amp/meter**2 : amp/meter**2\nv : volt"),
            Some("model::duplicate_definition")
        );
    }
}
