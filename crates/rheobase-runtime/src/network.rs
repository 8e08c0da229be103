//! The network: all state (one array arena), the clocks, the scheduled objects, and the run loop.
//!
//! `Network` is a cheap handle (`Arc<Mutex<..>>`) shared by every object created in it, so
//! groups and monitors read like Brian2 objects (`group.get("v")`, `monitor.t()`) while all
//! arrays live in one place. A run locks the network once per step; hooks (`network_operation`
//! for the Python layer, progress reports) run between steps with the lock released.

use crate::clock::{next_clocks, Clock, ClockId, ClockState, DEFAULT_DT};
use crate::error::{Result, RuntimeError};
use crate::group::GroupData;
use crate::kernel::TimeInfo;
use crate::schedule::{Schedule, When};
use crate::state::ArrayStore;
use crate::threads::Threads;
use crate::variables::FloatType;
use rheobase_codegen::{Backend, RngKey};
use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

/// Index of a group's data in its network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GroupId(pub usize);

/// Index of an event space (the indices that crossed a threshold this step) in its network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EventId(pub usize);

/// Index of a scheduled object in its network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ObjectId(pub usize);

/// What a scheduled operation sees when it runs.
pub struct StepContext<'a> {
    pub store: &'a mut ArrayStore,
    pub events: &'a mut [Vec<i32>],
    pub groups: &'a [GroupData],
    pub time: TimeInfo,
    pub seed: u64,
    /// The network's threads (kernels split over them where it pays).
    pub threads: &'a Threads,
    /// The network's own memory limit ([`Network::set_memory_limit`]), for recordings that
    /// grow during a run.
    pub memory_limit: Option<u64>,
}

impl StepContext<'_> {
    pub fn rng(&self, stream: u64) -> RngKey {
        RngKey {
            seed: self.seed,
            stream,
            step: self.time.step,
        }
    }
}

/// One runtime operation scheduled in a step: a state updater, a thresholder, a monitor, ...
pub trait Operation: Send {
    fn run(&mut self, cx: &mut StepContext<'_>) -> Result<()>;
    /// The operation's own state for `store` (a monitor's recordings); `None` if stateless.
    fn save(&self) -> Option<Box<dyn Any + Send>> {
        None
    }
    fn restore(&mut self, _saved: &(dyn Any + Send)) {}
    /// Checks and preparations at the start of every run, before its first step, at the run's
    /// start time (Brian2's `before_run`: a synaptic pathway reads its delays, a
    /// SpikeGeneratorGroup bins its spikes for the current dt).
    fn before_run(&mut self, _cx: &mut StepContext<'_>) -> Result<()> {
        Ok(())
    }
    /// The kernels this operation runs (for `show`-style dumps and profiling).
    fn kernels(&self) -> Vec<&rheobase_codegen::Kernel> {
        Vec::new()
    }
    /// The kernels that write model state, with their arrays (the watchdog scans what they
    /// write); monitors and thresholders write none.
    fn bound_kernels(&self) -> Vec<&crate::kernel::RunnableKernel> {
        Vec::new()
    }
    /// Every kernel this operation runs each step that may move to the native tier
    /// ([`crate::native_tier`]): the state-writing ones, plus thresholders'.
    fn runnable_kernels(&self) -> Vec<&crate::kernel::RunnableKernel> {
        self.bound_kernels()
    }
    /// Pending events (a synaptic pathway's spike queue) for a state file.
    fn queue_state(&self) -> Option<crate::saved::QueueState> {
        None
    }
    /// Whether [`Operation::load_queue_state`] may take `pending`.
    fn check_queue_state(&self, _pending: &crate::saved::QueueState) -> Result<()> {
        Ok(())
    }
    fn load_queue_state(&mut self, _pending: &crate::saved::QueueState) {}
    /// Bytes this operation keeps per step of its clock (a monitor's recordings), for the
    /// memory estimate made before each run; 0 where it cannot be known in advance.
    fn bytes_per_step(&self) -> u64 {
        0
    }
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

pub(crate) struct ObjectEntry {
    pub name: String,
    pub when: When,
    pub clock: ClockId,
    pub active: bool,
    pub op: Box<dyn Operation>,
}

/// Everything `store` keeps to replay a simulation bit for bit.
struct Snapshot {
    store: ArrayStore,
    events: Vec<Vec<i32>>,
    clocks: Vec<ClockState>,
    objects: Vec<Option<Box<dyn Any + Send>>>,
    /// Element counts of the groups (synapses change theirs when connected).
    group_sizes: Vec<usize>,
    t: f64,
    seed: u64,
    rng_calls: u64,
}

pub(crate) struct NetworkCore {
    pub store: ArrayStore,
    pub backend: Arc<dyn Backend>,
    pub clocks: Vec<ClockState>,
    pub default_clock: ClockId,
    pub groups: Vec<GroupData>,
    pub objects: Vec<ObjectEntry>,
    pub events: Vec<Vec<i32>>,
    pub schedule: Schedule,
    pub t: f64,
    pub seed: u64,
    /// Counts random draws outside runs (`set_expr` with `rand()`), so that each gets fresh
    /// numbers; part of the stored state.
    pub rng_calls: u64,
    stopped: bool,
    names: HashSet<String>,
    stored: HashMap<String, Snapshot>,
    /// Time spent in each object during runs (Brian2's `profile=True`); `None` when off.
    profile: Option<Vec<std::time::Duration>>,
    /// What the runtime keeps about each `Synapses` object beside its group data.
    pub synapses: HashMap<GroupId, crate::synapses::SynapseLinks>,
    /// Variables defined by differential equations, per group (summed targets must not be).
    pub differential: HashSet<(GroupId, String)>,
    /// The store array of each TimedArray used in this network, by its identity.
    pub tables: HashMap<u64, crate::state::StoreId>,
    /// Threads for kernels and synaptic propagation ([`Network::set_threads`]).
    pub threads: Threads,
    /// The threads the steps of the current run use: [`Self::threads`] as
    /// [`Threads::for_run`] adapts it to the network's size.
    run_threads: Threads,
    /// Whether the numerical watchdog is on ([`Network::set_watchdog`]).
    pub watchdog: bool,
    /// What the watchdog scans, set up at the start of each run while it is on.
    watch: Option<crate::watchdog::Watch>,
    /// The memory limit for allocations ([`Network::set_memory_limit`]); `None`: what the
    /// operating system reports as available.
    pub memory_limit: Option<u64>,
    /// Polled by long operations ([`Network::set_interrupt`]).
    pub(crate) interrupt: Option<crate::interrupt::InterruptPoll>,
    /// When kernels move to the native C tier ([`Network::set_native`]).
    pub native: rheobase_codegen::NativeMode,
    /// How groups made from now on store their float variables ([`Network::set_float_type`]).
    pub float_type: FloatType,
}

impl NetworkCore {
    /// A unique object name: `base` if free, else `base_1`, `base_2`, ... (Brian2's `name*`).
    pub fn unique_name(&mut self, base: &str, explicit: bool) -> Result<String> {
        if explicit {
            if !self.names.insert(base.to_string()) {
                return Err(RuntimeError::invalid(
                    base,
                    "an object with this name already exists in the network",
                ));
            }
            return Ok(base.to_string());
        }
        let mut name = base.to_string();
        let mut k = 0;
        while self.names.contains(&name) {
            k += 1;
            name = format!("{base}_{k}");
        }
        self.names.insert(name.clone());
        Ok(name)
    }

    /// Frees a name taken by an object whose creation failed.
    pub fn release_name(&mut self, name: &str) {
        self.names.remove(name);
    }

    /// The network clock for a user clock (the same `Clock` gives the same id).
    pub fn clock_id(&mut self, clock: Option<&Clock>, dt: Option<f64>) -> Result<ClockId> {
        let clock = match (clock, dt) {
            (Some(_), Some(_)) => {
                return Err(RuntimeError::invalid(
                    "clock",
                    "give either a clock or a dt, not both",
                ))
            }
            (Some(c), None) => c.clone(),
            (None, Some(dt)) => Clock::new(dt),
            (None, None) => return Ok(self.default_clock),
        };
        if !(clock.dt > 0.0 && clock.dt.is_finite()) {
            return Err(RuntimeError::invalid(
                &clock.name,
                format!("dt must be positive and finite, got {}", clock.dt),
            ));
        }
        if let Some(k) = self.clocks.iter().position(|c| c.uid == clock.uid) {
            return Ok(ClockId(k));
        }
        let mut state = ClockState::new(&clock);
        state.timestep = crate::clock::calc_timestep(self.t, clock.dt);
        self.clocks.push(state);
        Ok(ClockId(self.clocks.len() - 1))
    }

    pub fn add_event_space(&mut self) -> EventId {
        self.events.push(Vec::new());
        EventId(self.events.len() - 1)
    }

    pub fn add_object(&mut self, entry: ObjectEntry) -> Result<ObjectId> {
        if self.schedule.position(&entry.when.when).is_none() {
            return Err(RuntimeError::invalid(
                &entry.name,
                format!(
                    "unknown scheduling slot '{}'; the schedule is {:?} (each with before_/after_)",
                    entry.when.when,
                    self.schedule.slots()
                ),
            ));
        }
        self.objects.push(entry);
        Ok(ObjectId(self.objects.len() - 1))
    }

    /// Time information for code run outside the step loop on the given clock.
    pub fn time_of(&self, clock: ClockId) -> TimeInfo {
        let c = &self.clocks[clock.0];
        TimeInfo {
            t: c.t(),
            dt: c.dt,
            step: c.timestep,
        }
    }

    /// A random key for code run outside the step loop: every call gets fresh numbers. Its
    /// steps start at 2^47, far beyond any run, and stay below the generator's 2^48 limit.
    pub fn offline_rng(&mut self, stream: u64) -> RngKey {
        self.rng_calls += 1;
        RngKey {
            seed: self.seed,
            stream,
            step: (1u64 << 47) + (self.rng_calls % (1u64 << 47)),
        }
    }

    /// Object indices in execution order: slot, then order, then name.
    fn sorted_objects(&self) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.objects.len()).collect();
        idx.sort_by(|&a, &b| {
            let (oa, ob) = (&self.objects[a], &self.objects[b]);
            let pa = self.schedule.position(&oa.when.when);
            let pb = self.schedule.position(&ob.when.when);
            (pa, oa.when.order, &oa.name).cmp(&(pb, ob.when.order, &ob.name))
        });
        idx
    }

    /// Runs steps until the run is over or stopped (`Ok(false)`) or `budget` has passed
    /// (`Ok(true)`, at least one step run). `t` is the time of the last step run.
    fn step_batch(&mut self, order: &[usize], budget: std::time::Duration) -> Result<bool> {
        let start = std::time::Instant::now();
        loop {
            let Some((first, current)) = next_clocks(&self.clocks) else {
                return Ok(false);
            };
            if self.stopped || !self.clocks[first].running() {
                return Ok(false);
            }
            self.t = self.clocks[first].t();
            self.step(order, &current)?;
            if start.elapsed() >= budget {
                return Ok(true);
            }
        }
    }

    /// Runs every object of the current clocks once.
    fn step(&mut self, order: &[usize], current: &[usize]) -> Result<()> {
        for &k in order {
            self.step_one(k, current)?;
        }
        for &c in current {
            self.clocks[c].timestep += 1;
        }
        Ok(())
    }
}

/// How long a batch of steps runs before the run loop looks at Ctrl-C and progress. Each
/// batch on a thread pool costs a hand-over (the caller sleeps, a worker wakes, and back):
/// at 5 ms per batch that was about 3 % of a small network's loop on two threads on a
/// 2-vCPU VM (BENCHMARKS.md, stop 21); 25 ms still answers Ctrl-C at once to a person.
const STEP_BATCH: std::time::Duration = std::time::Duration::from_millis(25);

/// Called with the completed fraction (0 to 1) of a run.
pub type ProgressHook = Box<dyn FnMut(f64) + Send>;

/// Called between steps with the network unlocked (the Python layer's `network_operation`).
/// Receives the network and the time of the step that is about to run.
pub type NetworkOperation = Box<dyn FnMut(&Network, f64) -> Result<()> + Send>;

struct Hooks {
    operations: Vec<(When, ClockId, NetworkOperation)>,
}

/// A simulation: groups, monitors and their state, run on Brian2's schedule.
#[derive(Clone)]
pub struct Network {
    pub(crate) core: Arc<Mutex<NetworkCore>>,
    hooks: Arc<Mutex<Hooks>>,
}

impl Default for Network {
    fn default() -> Self {
        Network::new()
    }
}

impl std::fmt::Debug for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let core = self.lock();
        f.debug_struct("Network")
            .field("t", &core.t)
            .field("backend", &core.backend.name())
            .field(
                "objects",
                &core.objects.iter().map(|o| &o.name).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Network {
    /// A network on the default backend: the Cranelift JIT, with kernels of long runs moving
    /// to the native C tier ([`Network::set_native`]).
    pub fn new() -> Network {
        Network::with_backend(crate::backend::tiered_backend())
    }

    /// A network whose kernels run on `backend` (e.g. the reference interpreter).
    pub fn with_backend(backend: Arc<dyn Backend>) -> Network {
        let default = Clock::named(DEFAULT_DT, "defaultclock");
        let core = NetworkCore {
            store: ArrayStore::new(),
            backend,
            clocks: vec![ClockState::new(&default)],
            default_clock: ClockId(0),
            groups: Vec::new(),
            objects: Vec::new(),
            events: Vec::new(),
            schedule: Schedule::default(),
            t: 0.0,
            seed: default_seed(),
            rng_calls: 0,
            stopped: false,
            names: HashSet::new(),
            stored: HashMap::new(),
            profile: None,
            synapses: HashMap::new(),
            differential: HashSet::new(),
            tables: HashMap::new(),
            threads: Threads::from_env(),
            run_threads: Threads::default(),
            watchdog: false,
            watch: None,
            memory_limit: None,
            interrupt: None,
            native: rheobase_codegen::NativeMode::from_env(),
            float_type: FloatType::F64,
        };
        Network {
            core: Arc::new(Mutex::new(core)),
            hooks: Arc::new(Mutex::new(Hooks {
                operations: Vec::new(),
            })),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, NetworkCore> {
        // A panic inside a kernel call would poison the lock; the state is still usable.
        self.core.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn backend_name(&self) -> &'static str {
        self.lock().backend.name()
    }

    /// Runs kernels and synaptic propagation on `n` threads (`0`: one per core; Brian2's
    /// `prefs.devices.cpp_standalone.openmp_threads`). Results are the same bits for every
    /// thread count; work is split only where a call is big enough to gain. New networks
    /// take the count from the `RHEOBASE_THREADS` environment variable, else one thread.
    pub fn set_threads(&self, n: usize) -> Result<()> {
        let threads = Threads::new(n)?;
        self.lock().threads = threads;
        Ok(())
    }

    /// Sets the least estimated work (about nanoseconds) a piece of a split kernel call must
    /// get ([`crate::threads::MIN_WORK_PER_PIECE`] by default; `1` splits every call that
    /// can be split, synaptic deliveries however cheap included: for tests and measurements).
    pub fn set_split_work(&self, work: usize) {
        let mut core = self.lock();
        core.threads = core.threads.clone().with_min_work(work);
    }

    /// How groups and synapses made from now on store their float state variables and
    /// parameters (Brian2's `prefs.core.default_float_dtype`). Arithmetic stays double
    /// precision, as do time, `dt`, `lastspike`, synaptic delays and multicompartment
    /// neurons; [`FloatType::F32`] rounds the stored values, halving their memory.
    pub fn set_float_type(&self, float_type: FloatType) {
        self.lock().float_type = float_type;
    }

    pub fn float_type(&self) -> FloatType {
        self.lock().float_type
    }

    /// The number of threads runs use.
    pub fn threads(&self) -> usize {
        self.lock().threads.count()
    }

    /// The network time in seconds.
    pub fn t(&self) -> f64 {
        self.lock().t
    }

    /// Moves the network to time `t` (seconds): the next run starts there. Brian2's
    /// `Network` objects each have their own time; a front end that runs several of them on
    /// one engine network sets each one's time before its run. Every clock moves to its first
    /// step at or after `t` (as at the start of a run); state and recordings are unchanged.
    pub fn set_t(&self, t: f64) -> Result<()> {
        if !(t >= 0.0 && t.is_finite()) {
            return Err(RuntimeError::invalid(
                "network",
                format!("the time must be finite and not negative, got {t}"),
            ));
        }
        let _hooks = self.hooks_or_busy("set the time")?;
        let mut core = self.lock();
        core.t = t;
        for c in core.clocks.iter_mut() {
            c.timestep = crate::clock::calc_timestep(t, c.dt);
        }
        Ok(())
    }

    /// Sets the time step of the default clock (Brian2's `defaultclock.dt = ...`).
    pub fn set_default_dt(&self, dt: f64) -> Result<()> {
        if !(dt > 0.0 && dt.is_finite()) {
            return Err(RuntimeError::invalid(
                "defaultclock",
                format!("dt must be positive and finite, got {dt}"),
            ));
        }
        let mut core = self.lock();
        let t = core.t;
        let k = core.default_clock.0;
        let c = &mut core.clocks[k];
        check_dt(dt, c.dt, t)?;
        c.dt = dt;
        c.timestep = crate::clock::calc_timestep(t, dt);
        Ok(())
    }

    /// Sets the time step of a user clock that objects of this network use (Brian2's
    /// `clock.dt = ...` between runs); a clock no object uses yet is left alone.
    pub fn set_clock_dt(&self, clock: &Clock, dt: f64) -> Result<()> {
        if !(dt > 0.0 && dt.is_finite()) {
            return Err(RuntimeError::invalid(
                &clock.name,
                format!("dt must be positive and finite, got {dt}"),
            ));
        }
        let mut core = self.lock();
        let t = core.t;
        let Some(c) = core.clocks.iter_mut().find(|c| c.uid == clock.uid) else {
            return Ok(());
        };
        check_dt(dt, c.dt, t)?;
        c.dt = dt;
        c.timestep = crate::clock::calc_timestep(t, dt);
        Ok(())
    }

    pub fn default_dt(&self) -> f64 {
        let core = self.lock();
        core.clocks[core.default_clock.0].dt
    }

    /// Seeds every random number drawn from now on (Brian2's `seed(n)`).
    pub fn seed(&self, seed: u64) {
        let mut core = self.lock();
        core.seed = seed;
        core.rng_calls = 0;
    }

    /// Runs `restore` (a [`Network::restore`] or [`Network::restore_from_file`]) but leaves the
    /// random state going on as Brian2's `restore()` does unless `restore_random_state=True`:
    /// its generator is not rewound, so numbers drawn after a restore to an earlier time are
    /// new ones. Random numbers here are keyed by time step, so when the restore moves time
    /// back the streams move on to a seed never used before (deterministically: the same
    /// script gives the same numbers); otherwise they are left as they were.
    pub fn keeping_random_state<T>(
        &self,
        restore: impl FnOnce(&Network) -> Result<T>,
    ) -> Result<T> {
        let (seed, rng_calls, t) = {
            let core = self.lock();
            (core.seed, core.rng_calls, core.t)
        };
        let result = restore(self)?;
        let mut core = self.lock();
        core.seed = if core.t < t { next_seed(seed) } else { seed };
        core.rng_calls = rng_calls;
        Ok(result)
    }

    /// Replaces the schedule (see [`Schedule::new`]).
    pub fn set_schedule(&self, slots: &[&str]) -> Result<()> {
        let schedule = Schedule::new(slots).map_err(|m| RuntimeError::invalid("network", m))?;
        let mut core = self.lock();
        for o in &core.objects {
            if schedule.position(&o.when.when).is_none() {
                return Err(RuntimeError::invalid(
                    &o.name,
                    format!("its slot '{}' is not in the new schedule", o.when.when),
                ));
            }
        }
        core.schedule = schedule;
        Ok(())
    }

    pub fn schedule(&self) -> Vec<String> {
        self.lock().schedule.slots().to_vec()
    }

    /// Stops a run in progress after the current step (from a network operation).
    pub fn stop(&self) {
        self.lock().stopped = true;
    }

    /// Objects in the order they run within a step: (name, when, order).
    pub fn scheduling_summary(&self) -> Vec<(String, String, i32)> {
        let core = self.lock();
        core.sorted_objects()
            .into_iter()
            .map(|k| {
                let o = &core.objects[k];
                (o.name.clone(), o.when.when.clone(), o.when.order)
            })
            .collect()
    }

    /// The kernel IR an object runs, pretty-printed (empty if it runs no kernels).
    pub fn kernel_ir(&self, object: &str) -> Option<String> {
        let core = self.lock();
        let o = core.objects.iter().find(|o| o.name == object)?;
        Some(
            o.op.kernels()
                .iter()
                .map(|k| format!("{k:#?}"))
                .collect::<Vec<_>>()
                .join("\n"),
        )
    }

    /// Turns time measurement per object on (and clears it) or off.
    pub fn set_profiling(&self, on: bool) {
        self.lock().profile = on.then(Vec::new);
    }

    /// Time spent in each object during runs since profiling was turned on, longest first
    /// (Brian2's `profiling_info`).
    pub fn profiling_info(&self) -> Vec<(String, std::time::Duration)> {
        let core = self.lock();
        let Some(p) = &core.profile else {
            return Vec::new();
        };
        let mut info: Vec<(String, std::time::Duration)> = core
            .objects
            .iter()
            .zip(
                p.iter()
                    .copied()
                    .chain(std::iter::repeat(std::time::Duration::ZERO)),
            )
            .map(|(o, d)| (o.name.clone(), d))
            .collect();
        info.sort_by_key(|e| std::cmp::Reverse(e.1));
        info
    }

    /// Moves a scheduled object to another slot and order (Brian2's `obj.when = ...`).
    pub fn set_when(&self, name: &str, when: When) -> Result<()> {
        let mut core = self.lock();
        if core.schedule.position(&when.when).is_none() {
            return Err(RuntimeError::invalid(
                name,
                format!("unknown scheduling slot '{}'", when.when),
            ));
        }
        let o = core
            .objects
            .iter_mut()
            .find(|o| o.name == name)
            .ok_or_else(|| RuntimeError::invalid(name, "no such object in the network"))?;
        o.when = when;
        Ok(())
    }

    /// Activates or deactivates a scheduled object by name (Brian2's `obj.active = False`).
    pub fn set_active(&self, name: &str, active: bool) -> Result<()> {
        let mut core = self.lock();
        let o = core
            .objects
            .iter_mut()
            .find(|o| o.name == name)
            .ok_or_else(|| RuntimeError::invalid(name, "no such object in the network"))?;
        o.active = active;
        Ok(())
    }

    /// Adds a callback run every step of `clock` (default: the default clock) at `when`,
    /// before the objects of that slot with a higher order (Brian2's `network_operation`).
    /// The network is unlocked while it runs, so it may read and set state or call `stop`.
    pub fn network_operation(
        &self,
        when: When,
        clock: Option<&Clock>,
        op: NetworkOperation,
    ) -> Result<()> {
        let clock = {
            let mut core = self.lock();
            if core.schedule.position(&when.when).is_none() {
                return Err(RuntimeError::invalid(
                    "network_operation",
                    format!("unknown scheduling slot '{}'", when.when),
                ));
            }
            core.clock_id(clock, None)?
        };
        let mut hooks = self.hooks_or_busy("add a network operation")?;
        hooks.operations.push((when, clock, op));
        Ok(())
    }

    /// Runs for `duration` seconds, continuing from the current state.
    pub fn run(&self, duration: f64) -> Result<()> {
        self.run_with_progress(duration, None)
    }

    /// Runs for `duration` seconds, calling `progress` with the completed fraction at the
    /// start, every 1% of the run, and at the end.
    pub fn run_with_progress(
        &self,
        duration: f64,
        mut progress: Option<ProgressHook>,
    ) -> Result<()> {
        if !(duration >= 0.0 && duration.is_finite()) {
            return Err(RuntimeError::invalid(
                "network",
                format!("the run duration must be finite and not negative, got {duration}"),
            ));
        }
        let mut hooks = self.hooks_or_busy("start a run")?;
        let mut hooks_sorted: Vec<usize> = (0..hooks.operations.len()).collect();
        let (t_start, t_end, order) = {
            let mut core = self.lock();
            core.stopped = false;
            let t_start = core.t;
            let t_end = t_start + duration;
            for c in core.clocks.iter_mut() {
                c.set_interval(t_start, t_end);
            }
            let schedule = core.schedule.clone();
            hooks_sorted.sort_by_key(|&k| {
                let w = &hooks.operations[k].0;
                (schedule.position(&w.when), w.order)
            });
            let order = core.sorted_objects();
            core.check_recording_memory(duration)?;
            core.before_run(&order)?;
            crate::native_tier::request_for_run(&core, &order, duration);
            core.run_threads = core.threads.for_run(core.largest_range_kernel(&order));
            core.watch = core.watchdog.then(|| {
                crate::watchdog::Watch::new(core.objects.iter().map(|o| &*o.op), &core.store)
            });
            (t_start, t_end, order)
        };
        if let Some(p) = progress.as_mut() {
            p(0.0);
        }
        let mut last_report = 0.0;
        let mut interrupter = self.interrupter(0);
        let result = loop {
            let mut core = self.lock();
            let t_now;
            if hooks_sorted.is_empty() {
                // Steps run in batches of 25 ms on the thread pool (the caller
                // waits), so that split kernels do not pay the caller's sleep and wake-up at
                // every call; Ctrl-C and progress are looked at between batches.
                let threads = core.run_threads.clone();
                let core = &mut *core;
                let mut batch = || core.step_batch(&order, STEP_BATCH);
                let stepped = match threads.pool() {
                    Some(pool) => pool.install(batch),
                    None => batch(),
                };
                match stepped {
                    Ok(true) => t_now = core.t,
                    Ok(false) => break Ok(()),
                    Err(e) => break Err(e),
                }
            } else {
                let Some((first, current)) = next_clocks(&core.clocks) else {
                    break Ok(());
                };
                if core.stopped || !core.clocks[first].running() {
                    break Ok(());
                }
                core.t = core.clocks[first].t();
                t_now = core.t;
                // With hooks, run the step in pieces so that each hook sees the state of its
                // slot with the network unlocked.
                drop(core);
                if let Err(e) = self.step_with_hooks(&order, &current, &mut hooks, &hooks_sorted) {
                    break Err(e);
                }
                core = self.lock();
            }
            if interrupter.tick() {
                break Err(RuntimeError::Interrupted {
                    object: "network".into(),
                    what: "the run".into(),
                });
            }
            if let Some(p) = progress.as_mut() {
                let frac = if duration > 0.0 {
                    (t_now - t_start) / duration
                } else {
                    1.0
                };
                if frac - last_report >= 0.01 {
                    last_report = frac;
                    drop(core);
                    p(frac);
                }
            }
        };
        let mut core = self.lock();
        if core.stopped || result.is_err() {
            let earliest = next_clocks(&core.clocks).map(|(f, _)| core.clocks[f].t());
            core.t = earliest.unwrap_or(t_end);
        } else {
            core.t = t_end;
        }
        core.stopped = false;
        drop(core);
        if let Some(p) = progress.as_mut() {
            p(1.0);
        }
        result
    }

    /// The hooks, unless a run holds them: calling `run` or adding an operation from inside
    /// a network operation is an error, not a deadlock.
    fn hooks_or_busy(&self, what: &str) -> Result<MutexGuard<'_, Hooks>> {
        match self.hooks.try_lock() {
            Ok(h) => Ok(h),
            Err(std::sync::TryLockError::Poisoned(p)) => Ok(p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => Err(RuntimeError::invalid(
                "network",
                format!("cannot {what} while the network is running"),
            )),
        }
    }

    fn step_with_hooks(
        &self,
        order: &[usize],
        current: &[usize],
        hooks: &mut Hooks,
        hooks_sorted: &[usize],
    ) -> Result<()> {
        let mut pending: Vec<usize> = hooks_sorted
            .iter()
            .copied()
            .filter(|&h| current.contains(&hooks.operations[h].1 .0))
            .collect();
        pending.reverse();
        let mut core = self.lock();
        for &k in order {
            let (pos, ord) = {
                let o = &core.objects[k];
                (core.schedule.position(&o.when.when), o.when.order)
            };
            while let Some(&h) = pending.last() {
                let w = &hooks.operations[h].0;
                if (core.schedule.position(&w.when), w.order) <= (pos, ord) {
                    pending.pop();
                    let t_now = core.clocks[hooks.operations[h].1 .0].t();
                    drop(core);
                    (hooks.operations[h].2)(self, t_now)?;
                    core = self.lock();
                } else {
                    break;
                }
            }
            core.step_one(k, current)?;
        }
        while let Some(h) = pending.pop() {
            let t_now = core.clocks[hooks.operations[h].1 .0].t();
            drop(core);
            (hooks.operations[h].2)(self, t_now)?;
            core = self.lock();
        }
        for &c in current {
            core.clocks[c].timestep += 1;
        }
        Ok(())
    }

    /// Keeps the complete state (arrays, clocks, recordings, random state) under `name`.
    pub fn store(&self, name: &str) {
        let mut core = self.lock();
        let snap = Snapshot {
            store: core.store.clone(),
            events: core.events.clone(),
            clocks: core.clocks.clone(),
            objects: core.objects.iter().map(|o| o.op.save()).collect(),
            group_sizes: core.groups.iter().map(|g| g.n).collect(),
            t: core.t,
            seed: core.seed,
            rng_calls: core.rng_calls,
        };
        core.stored.insert(name.to_string(), snap);
    }

    /// Returns to a state kept by [`Network::store`]; a run from there replays bit for bit.
    pub fn restore(&self, name: &str) -> Result<()> {
        let mut core = self.lock();
        let Some(snap) = core.stored.remove(name) else {
            return Err(RuntimeError::invalid(
                "network",
                format!("no state stored under the name '{name}'"),
            ));
        };
        // As Brian2: every object with a state (groups, monitors) must be in the stored
        // state; objects without one (run_regularly, PoissonInput, ...) may have been added.
        let added_group = core
            .groups
            .get(snap.group_sizes.len())
            .map(|g| g.name.clone());
        let added_monitor = core.objects[snap.objects.len().min(core.objects.len())..]
            .iter()
            .find(|o| o.op.save().is_some())
            .map(|o| o.name.clone());
        if let Some(object) = added_group.or(added_monitor) {
            core.stored.insert(name.to_string(), snap);
            return Err(RuntimeError::invalid(
                "network",
                format!(
                    "Stored state does not have a stored state for '{object}'. Note that the \
                     names of all objects have to be identical to the names when they were \
                     stored."
                ),
            ));
        }
        // Arrays made since (scratch space, arrays of objects without state) keep their
        // values, and so do links: they are structure, not state.
        let keep: Vec<crate::state::StoreId> = core
            .groups
            .iter()
            .flat_map(|g| {
                g.variables
                    .links()
                    .map(|(_, slot)| slot.index)
                    .collect::<Vec<_>>()
            })
            .collect();
        core.store.restore_from(&snap.store, &keep);
        let n_events = snap.events.len().min(core.events.len());
        core.events[..n_events].clone_from_slice(&snap.events[..n_events]);
        for (g, &n) in core.groups.iter_mut().zip(&snap.group_sizes) {
            g.n = n;
        }
        // Clocks added since keep their dt but move to the restored time.
        let n_old = snap.clocks.len();
        core.clocks[..n_old].clone_from_slice(&snap.clocks);
        for c in core.clocks[n_old..].iter_mut() {
            c.timestep = crate::clock::calc_timestep(snap.t, c.dt);
        }
        for (o, saved) in core.objects.iter_mut().zip(&snap.objects) {
            if let Some(s) = saved {
                o.op.restore(s.as_ref());
            }
        }
        core.t = snap.t;
        core.seed = snap.seed;
        core.rng_calls = snap.rng_calls;
        core.stored.insert(name.to_string(), snap);
        Ok(())
    }

    /// Runs `f` on the operation registered under `id`, mutably (monitors drain so).
    pub(crate) fn with_object_mut<T: 'static, R>(
        &self,
        id: ObjectId,
        f: impl FnOnce(&mut T) -> R,
    ) -> R {
        let mut core = self.lock();
        let op = core.objects[id.0].op.as_any_mut();
        f(op.downcast_mut::<T>()
            .expect("object type matches its handle"))
    }

    /// Runs `f` on the operation registered under `id` (monitors read their recordings so).
    pub(crate) fn with_object<T: 'static, R>(&self, id: ObjectId, f: impl FnOnce(&T) -> R) -> R {
        let core = self.lock();
        let op = core.objects[id.0].op.as_any();
        f(op.downcast_ref::<T>()
            .expect("object type matches its handle"))
    }
}

impl NetworkCore {
    /// Refuses a run whose recordings (monitors that know their size per step) would not fit
    /// in memory, before the first step.
    fn check_recording_memory(&self, duration: f64) -> Result<()> {
        let mut bytes = 0u64;
        let mut largest: Option<(&str, u64)> = None;
        for o in self.objects.iter().filter(|o| o.active) {
            let per_step = o.op.bytes_per_step();
            if per_step == 0 {
                continue;
            }
            let steps = (duration / self.clocks[o.clock.0].dt).ceil() + 1.0;
            let b = crate::resources::product(&[steps, per_step as f64]);
            bytes = bytes.saturating_add(b);
            if largest.is_none_or(|(_, l)| b > l) {
                largest = Some((&o.name, b));
            }
        }
        let Some((name, _)) = largest else {
            return Ok(());
        };
        crate::resources::check_memory(
            self.memory_limit,
            name,
            || {
                format!("recording a run of {duration} s (all monitors together; drain() them in shorter runs or record fewer elements)")
            },
            bytes,
        )
    }

    /// The most elements any range kernel of the run's active objects binds (the size of
    /// the largest group, usually).
    fn largest_range_kernel(&self, order: &[usize]) -> usize {
        order
            .iter()
            .filter(|&&k| self.objects[k].active)
            .flat_map(|&k| self.objects[k].op.runnable_kernels())
            .filter(|kernel| kernel.kernel().iteration == rheobase_codegen::Iteration::Range)
            .map(|kernel| kernel.max_elements(&self.store))
            .max()
            .unwrap_or(0)
    }

    /// Runs every active object's `before_run` (see [`Operation::before_run`]), in schedule
    /// order, at its clock's time.
    fn before_run(&mut self, order: &[usize]) -> Result<()> {
        self.check_links()?;
        for &k in order {
            if !self.objects[k].active {
                continue;
            }
            let c = &self.clocks[self.objects[k].clock.0];
            let mut cx = StepContext {
                store: &mut self.store,
                events: &mut self.events,
                groups: &self.groups,
                time: TimeInfo {
                    t: c.t(),
                    dt: c.dt,
                    step: c.timestep,
                },
                seed: self.seed,
                threads: &self.threads,
                memory_limit: self.memory_limit,
            };
            self.objects[k].op.before_run(&mut cx)?;
        }
        Ok(())
    }

    fn step_one(&mut self, k: usize, current: &[usize]) -> Result<()> {
        let clock = self.objects[k].clock.0;
        if !self.objects[k].active || !current.contains(&clock) {
            return Ok(());
        }
        let c = &self.clocks[clock];
        let mut cx = StepContext {
            store: &mut self.store,
            events: &mut self.events,
            groups: &self.groups,
            time: TimeInfo {
                t: c.t(),
                dt: c.dt,
                step: c.timestep,
            },
            seed: self.seed,
            threads: &self.run_threads,
            memory_limit: self.memory_limit,
        };
        let t = cx.time.t;
        let result = match self.profile.as_mut() {
            None => self.objects[k].op.run(&mut cx),
            Some(profile) => {
                let start = std::time::Instant::now();
                let result = self.objects[k].op.run(&mut cx);
                if profile.len() < self.objects.len() {
                    profile.resize(self.objects.len(), std::time::Duration::ZERO);
                }
                profile[k] += start.elapsed();
                result
            }
        };
        if let (Ok(()), Some(watch)) = (&result, &self.watch) {
            if let Some(found) = watch.check(k, &self.store) {
                let name = &self.objects[k].name;
                return Err(crate::watchdog::report(
                    &self.store,
                    &self.groups,
                    found,
                    t,
                    name,
                ));
            }
        }
        result
    }
}

/// Brian2's check that changing dt keeps the current time representable.
fn check_dt(new_dt: f64, old_dt: f64, t: f64) -> Result<()> {
    let old_t = (t / old_dt).round() * old_dt;
    let new_t = (t / new_dt).round() * new_dt;
    if (new_t - old_t).abs() / new_dt > crate::clock::EPSILON_DT {
        return Err(RuntimeError::invalid(
            "clock",
            format!("cannot set dt from {old_dt} s to {new_dt} s: the time {t} s is not a multiple of {new_dt} s"),
        ));
    }
    Ok(())
}

/// A seed that differs between networks (Brian2 seeds randomly unless `seed()` is called).
fn default_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0),
    );
    h.finish()
}

/// A seed whose Philox key shares nothing with `seed`'s (SplitMix64's finaliser of a step
/// along the golden-ratio sequence).
fn next_seed(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::test_backend;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn handles_can_move_between_threads() {
        assert_send_sync::<Network>();
        assert_send_sync::<crate::NeuronGroup>();
        assert_send_sync::<crate::SpikeMonitor>();
        assert_send_sync::<crate::StateMonitor>();
        assert_send_sync::<crate::PopulationRateMonitor>();
    }

    #[test]
    fn keeping_the_random_state_draws_new_numbers_only_after_time_went_back() {
        let net = Network::with_backend(test_backend());
        net.seed(5);
        let g = crate::NeuronGroup::new(
            &net,
            4,
            "dv/dt = -v/(10*ms) + xi/sqrt(ms) : 1",
            crate::NeuronGroupOptions {
                method: Some("euler".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let run_from_store = |keep: bool| {
            if keep {
                net.keeping_random_state(|n| n.restore("s")).unwrap();
            } else {
                net.restore("s").unwrap();
            }
            net.run(1e-3).unwrap();
            g.get("v").unwrap()
        };
        net.store("s");
        let first = run_from_store(false);
        assert_eq!(first, run_from_store(false), "a full restore replays");
        let fresh = run_from_store(true);
        assert!(first.iter().zip(&fresh).all(|(a, b)| a != b));
        // Restoring the time it is now leaves the numbers as they were.
        net.store("now");
        let seed = net.lock().seed;
        net.keeping_random_state(|n| n.restore("now")).unwrap();
        assert_eq!(net.lock().seed, seed);
    }

    #[test]
    fn schedule_changes_are_checked() {
        let net = Network::with_backend(test_backend());
        assert!(net.set_schedule(&["start", "groups"]).is_err());
        net.set_schedule(&["start", "groups", "synapses", "thresholds", "resets", "end"])
            .unwrap();
        assert_eq!(net.schedule()[2], "synapses");
        assert!(net
            .network_operation(When::new("nowhere", 0), None, Box::new(|_, _| Ok(())))
            .is_err());
    }

    #[test]
    fn runs_advance_time_and_reject_bad_durations() {
        let net = Network::with_backend(test_backend());
        net.run(1e-3).unwrap();
        assert!((net.t() - 1e-3).abs() < 1e-15);
        assert!(net.run(f64::NAN).is_err());
        assert!(net.set_default_dt(0.0).is_err());
        // 1 ms is a multiple of 0.2 ms, not of 0.3 ms
        assert!(net.set_default_dt(0.3e-3).is_err());
        net.set_default_dt(0.2e-3).unwrap();
        net.run(0.4e-3).unwrap();
        assert!((net.t() - 1.4e-3).abs() < 1e-15);
    }

    #[test]
    fn running_from_inside_a_run_is_an_error() {
        let net = Network::with_backend(test_backend());
        net.network_operation(
            When::new("start", 0),
            None,
            Box::new(|net, _| {
                assert!(net.run(1e-3).is_err());
                assert!(net
                    .network_operation(When::new("end", 0), None, Box::new(|_, _| Ok(())))
                    .is_err());
                Ok(())
            }),
        )
        .unwrap();
        net.run(2e-4).unwrap();
    }

    #[test]
    fn failing_operations_stop_the_run_with_their_error() {
        let net = Network::with_backend(test_backend());
        net.network_operation(
            When::new("start", 0),
            None,
            Box::new(|_, t| {
                if t > 2.5e-4 {
                    Err(RuntimeError::invalid("op", "boom"))
                } else {
                    Ok(())
                }
            }),
        )
        .unwrap();
        let err = net.run(1e-3).unwrap_err();
        assert!(err.to_string().contains("boom"));
        assert!((net.t() - 3e-4).abs() < 1e-15, "{}", net.t());
    }
}
