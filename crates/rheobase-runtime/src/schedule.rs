//! Brian2's schedule: the slots of one time step and the order of objects within them.

/// The slots of a step, in order. Every slot `x` also has `before_x` and `after_x`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    slots: Vec<String>,
}

/// Brian2's default schedule.
pub const DEFAULT_SCHEDULE: [&str; 6] =
    ["start", "groups", "thresholds", "synapses", "resets", "end"];

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            slots: DEFAULT_SCHEDULE.iter().map(|s| s.to_string()).collect(),
        }
    }
}

impl Schedule {
    /// A custom schedule; it must contain every default slot (in any order) and no repeats.
    pub fn new(slots: &[&str]) -> Result<Schedule, String> {
        for required in DEFAULT_SCHEDULE {
            if !slots.contains(&required) {
                return Err(format!("the schedule must contain the slot '{required}'"));
            }
        }
        for (k, s) in slots.iter().enumerate() {
            if slots[..k].contains(s) {
                return Err(format!("the slot '{s}' appears twice in the schedule"));
            }
            if s.starts_with("before_") || s.starts_with("after_") {
                return Err(format!(
                    "'{s}' cannot be a slot: before_/after_ variants exist for every slot"
                ));
            }
        }
        Ok(Schedule {
            slots: slots.iter().map(|s| s.to_string()).collect(),
        })
    }

    pub fn slots(&self) -> &[String] {
        &self.slots
    }

    /// The position of a `when` value in the step: `before_x`, `x`, `after_x` for each slot.
    pub fn position(&self, when: &str) -> Option<usize> {
        let (base, offset) = if let Some(b) = when.strip_prefix("before_") {
            (b, 0)
        } else if let Some(a) = when.strip_prefix("after_") {
            (a, 2)
        } else {
            (when, 1)
        };
        self.slots
            .iter()
            .position(|s| s == base)
            .map(|k| 3 * k + offset)
    }
}

/// Where an object runs in a step: its slot and its order within the slot (lower first; ties
/// are broken by name, as Brian2 does).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct When {
    pub when: String,
    pub order: i32,
}

impl When {
    pub fn new(when: impl Into<String>, order: i32) -> When {
        When {
            when: when.into(),
            order,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn before_and_after_surround_their_slot() {
        let s = Schedule::default();
        let p = |w| s.position(w).unwrap();
        assert!(p("before_start") < p("start"));
        assert!(p("start") < p("after_start"));
        assert!(p("after_start") < p("before_groups"));
        assert!(p("thresholds") < p("after_thresholds"));
        assert!(p("after_thresholds") < p("synapses"));
        assert!(p("resets") < p("end"));
        assert_eq!(s.position("nowhere"), None);
    }

    #[test]
    fn custom_schedules_need_every_default_slot() {
        assert!(Schedule::new(&["start", "groups"]).is_err());
        let s =
            Schedule::new(&["start", "groups", "synapses", "thresholds", "resets", "end"]).unwrap();
        assert!(s.position("synapses").unwrap() < s.position("thresholds").unwrap());
        assert!(Schedule::new(&[
            "start",
            "groups",
            "thresholds",
            "synapses",
            "resets",
            "end",
            "end"
        ])
        .is_err());
    }
}
