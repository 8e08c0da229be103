//! What `rheobase show` prints: the integration method of each group, the update statements
//! it generates, the schedule and (with `--ir`) the kernel IR of every object.

use crate::build::{Built, BuiltGroup};
use rheobase::lang::integrate::{choose_method, integrate, AbstractStatement, Method, OdeSystem};
use rheobase::lang::{Equations, SourceMap};
use std::fmt::Write;

/// The method a group's equations are integrated with (the one named in the file, or Brian2's
/// automatic choice) and its statements; `None` when the group has no differential equations.
pub fn state_update(
    group: &BuiltGroup,
) -> Result<Option<(Method, Vec<AbstractStatement>)>, String> {
    let mut sources = SourceMap::new();
    let src = sources.add("equations", group.equations.as_str());
    let eqs = Equations::parse(&group.equations, src).map_err(|d| d.render(&sources))?;
    let sys = OdeSystem::from_equations(&eqs, group.refractory);
    if sys.odes.is_empty() {
        return Ok(None);
    }
    let result = match &group.method {
        Some(name) => name
            .parse::<Method>()
            .and_then(|m| integrate(&sys, m).map(|s| (m, s))),
        None => choose_method(&sys),
    };
    result.map(Some).map_err(|d| d.render(&sources))
}

/// The method's name for `summary.json` (`none` without differential equations).
pub fn method_name(group: &BuiltGroup) -> String {
    match state_update(group) {
        Ok(Some((m, _))) => m.to_string(),
        Ok(None) => "none".into(),
        Err(_) => "unknown".into(),
    }
}

/// The text of `rheobase show`.
pub fn show(built: &Built, ir: bool) -> String {
    let mut out = String::new();
    for (name, g) in &built.groups {
        if let Some(parent) = &g.parent {
            let r = g.group.range();
            let _ = writeln!(
                out,
                "subgroup {name}: neurons {}..{} of {parent}\n",
                r.start, r.end
            );
            continue;
        }
        if g.kind != "NeuronGroup" {
            let _ = writeln!(out, "{} {name} ({} neurons)\n", g.kind, g.group.len());
            continue;
        }
        let _ = writeln!(out, "group {name} ({} neurons)", g.group.len());
        match state_update(g) {
            Ok(Some((method, statements))) => {
                let how = if g.method.is_some() {
                    "as asked"
                } else {
                    "chosen automatically"
                };
                let _ = writeln!(out, "  method: {method} ({how})");
                let _ = writeln!(out, "  state update:");
                for s in statements {
                    let _ = writeln!(out, "    {s}");
                }
            }
            Ok(None) => {
                let _ = writeln!(out, "  method: none (no differential equations)");
            }
            Err(e) => {
                let _ = writeln!(out, "  method: could not be determined:\n{e}");
            }
        }
        out.push('\n');
    }
    for (name, s) in &built.synapses {
        let _ = writeln!(
            out,
            "synapses {name}: {} -> {}, {} synapses, pathways: {}\n",
            s.source,
            s.target,
            s.synapses.len(),
            s.synapses.pathways().join(", ")
        );
    }
    let _ = writeln!(out, "schedule (object, slot, order):");
    for (object, when, order) in built.net.scheduling_summary() {
        let _ = writeln!(out, "  {object:<32} {when:<12} {order}");
    }
    if ir {
        for (object, _, _) in built.net.scheduling_summary() {
            if let Some(text) = built.net.kernel_ir(&object) {
                if !text.is_empty() {
                    let _ = writeln!(out, "\nkernel IR of {object}:\n{text}");
                }
            }
        }
    }
    out
}
