//! A network's state as plain values (Brian2's `store(filename=...)`): every array by name,
//! the clocks, the time and the random state, so that another process with the same objects
//! can continue from it. Monitor recordings are not part of it.

use crate::error::{Result, RuntimeError};
use crate::network::Network;
use crate::state::StoreId;

/// The pending events of one spike queue: `(steps from now, synapse slots, sources)`.
pub type QueueState = Vec<(u32, Vec<u32>, Vec<u32>)>;

/// Everything [`Network::saved_state`] keeps; arrays as `f64` (exact for every element type).
#[derive(Clone, Debug, PartialEq)]
pub struct SavedState {
    /// `(name, values)` of every array, in creation order (`neurongroup.v`, ...).
    pub arrays: Vec<(String, Vec<f64>)>,
    /// The indices in each event space (spikes of the last step, for propagation).
    pub events: Vec<Vec<i32>>,
    /// `(name, dt, timestep)` of every clock.
    pub clocks: Vec<(String, f64, u64)>,
    pub t: f64,
    pub seed: u64,
    pub rng_calls: u64,
    /// `(object name, pending events)` of every synaptic pathway (spikes still in flight).
    pub queues: Vec<(String, QueueState)>,
}

impl Network {
    /// The current state as plain values.
    pub fn saved_state(&self) -> SavedState {
        let core = self.lock();
        let arrays = (0..core.store.len())
            .map(|k| {
                let id = StoreId(k as u32);
                (
                    core.store.info(id).name.clone(),
                    core.store.get(id).to_f64(),
                )
            })
            .collect();
        SavedState {
            arrays,
            events: core.events.clone(),
            clocks: core
                .clocks
                .iter()
                .map(|c| (c.name.clone(), c.dt, c.timestep))
                .collect(),
            t: core.t,
            seed: core.seed,
            rng_calls: core.rng_calls,
            queues: core
                .objects
                .iter()
                .filter_map(|o| o.op.queue_state().map(|q| (o.name.clone(), q)))
                .collect(),
        }
    }

    /// Returns to a state from [`Network::saved_state`], made by a network with the same
    /// objects (same arrays, names and sizes); otherwise nothing changes and it is an error.
    pub fn load_saved_state(&self, saved: &SavedState) -> Result<()> {
        let mut core = self.lock();
        let mismatch = |what: String| {
            Err(RuntimeError::invalid(
                "network",
                format!("the stored state does not fit this network: {what}"),
            ))
        };
        if saved.arrays.len() != core.store.len() {
            return mismatch(format!(
                "{} arrays stored, {} in the network",
                saved.arrays.len(),
                core.store.len()
            ));
        }
        for (k, (name, values)) in saved.arrays.iter().enumerate() {
            let id = StoreId(k as u32);
            let (own, len) = (&core.store.info(id).name, core.store.get(id).len());
            if own != name || len != values.len() {
                return mismatch(format!(
                    "'{name}' ({} values) where the network has '{own}' ({len})",
                    values.len()
                ));
            }
        }
        if saved.events.len() != core.events.len() || saved.clocks.len() != core.clocks.len() {
            return mismatch("the objects differ (events or clocks)".into());
        }
        let mut queue_objects = Vec::new();
        for (name, pending) in &saved.queues {
            let Some(k) = core.objects.iter().position(|o| &o.name == name) else {
                return mismatch(format!("no synaptic pathway '{name}'"));
            };
            core.objects[k].op.check_queue_state(pending)?;
            queue_objects.push(k);
        }
        let with_queues = core.objects.iter().filter(|o| o.op.queue_state().is_some());
        if with_queues.count() != saved.queues.len() {
            return mismatch("the synaptic pathways differ".into());
        }
        for (k, (_, values)) in saved.arrays.iter().enumerate() {
            let data = core.store.get_mut(StoreId(k as u32));
            for (j, x) in values.iter().enumerate() {
                data.set_f64(j, *x);
            }
        }
        core.events = saved.events.clone();
        for (c, (_, dt, timestep)) in core.clocks.iter_mut().zip(&saved.clocks) {
            c.dt = *dt;
            c.timestep = *timestep;
        }
        for (k, (_, pending)) in queue_objects.into_iter().zip(&saved.queues) {
            core.objects[k].op.load_queue_state(pending);
        }
        core.t = saved.t;
        core.seed = saved.seed;
        core.rng_calls = saved.rng_calls;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::test_backend;
    use crate::{Network, NeuronGroup, NeuronGroupOptions};

    fn noisy_group(net: &Network) -> NeuronGroup {
        let options = NeuronGroupOptions {
            method: Some("euler".into()),
            ..Default::default()
        };
        NeuronGroup::new(net, 3, "dv/dt = -v/(10*ms) + xi/sqrt(ms) : 1", options).unwrap()
    }

    #[test]
    fn a_saved_state_continues_in_another_network() {
        let a = Network::with_backend(test_backend());
        a.seed(3);
        let ga = noisy_group(&a);
        a.run(1e-3).unwrap();
        let saved = a.saved_state();
        a.run(1e-3).unwrap();

        let b = Network::with_backend(test_backend());
        let gb = noisy_group(&b);
        b.load_saved_state(&saved).unwrap();
        assert_eq!(b.t(), saved.t);
        b.run(1e-3).unwrap();
        assert_eq!(ga.get("v").unwrap(), gb.get("v").unwrap());
    }

    #[test]
    fn a_state_from_other_objects_is_refused() {
        let a = Network::with_backend(test_backend());
        noisy_group(&a);
        let saved = a.saved_state();
        let b = Network::with_backend(test_backend());
        assert!(b.load_saved_state(&saved).is_err());
    }
}
