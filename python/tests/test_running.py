"""Running: Clock objects, progress reports, network_operation, run_on_event, store/restore
to a file, devices, preferences and logging."""

import logging

import numpy as np
import pytest

from rheobase import (
    BrianLogger,
    Clock,
    Network,
    NeuronGroup,
    StateMonitor,
    defaultclock,
    device,
    linked_var,
    ms,
    network_operation,
    profiling_summary,
    scheduling_summary,
    prefs,
    restore,
    rk4,
    run,
    second,
    seed,
    set_device,
    start_scope,
    store,
)
from rheobase.core.running import format_time


@pytest.fixture(autouse=True)
def _fresh_scope():
    start_scope()
    defaultclock.dt = 0.1 * ms


def test_groups_share_a_clock_and_its_dt_changes_between_runs():
    clock = Clock(0.5 * ms)
    G = NeuronGroup(1, "dv/dt = 1/ms : 1", clock=clock)
    H = NeuronGroup(1, "n : 1")
    H.run_regularly("n += 1", clock=clock)
    mon = StateMonitor(G, "v", record=0, clock=clock)
    run(5 * ms)
    assert H.n[0] == 10 and mon.t.shape == (10,)
    clock.dt = 1 * ms
    run(5 * ms)
    assert H.n[0] == 15 and clock.dt == 1 * ms
    with pytest.raises(ValueError, match="either a dt or a clock"):
        NeuronGroup(1, "v : 1", clock=clock, dt=1 * ms)


def test_text_report_as_brian2_prints_it(capsys):
    G = NeuronGroup(1, "dv/dt = 1/ms : 1")
    run(2 * ms, report="text")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Starting simulation at t=0. s for a duration of 2. ms"
    assert out[-1] == "2. ms (100%) simulated in < 1s"
    assert G.v[0] > 0


def test_report_callable_and_errors():
    calls = []
    G = NeuronGroup(1, "v : 1")
    run(1 * ms, report=lambda elapsed, completed, start, duration:
        calls.append((completed, start, duration)))
    assert calls[0] == (0.0, 0 * second, 1 * ms) and calls[-1][0] == 1.0
    with pytest.raises(ValueError, match="Do not know how to handle report"):
        run(1 * ms, report="bogus")
    assert len(G) == 1


def test_format_time():
    assert format_time(12345) == "3h 25m 45s"
    assert format_time(123) == "2m 3s"
    assert format_time(0.5) == "< 1s"


def test_network_operation_sees_time_and_state():
    G = NeuronGroup(1, "v : 1")
    times = []

    @network_operation(dt=1 * ms)
    def every_ms(t):
        times.append(float(t / ms))
        G.v += 1

    run(5 * ms)
    assert times == [0.0, 1.0, 2.0, 3.0, 4.0] and G.v[0] == 5


def test_network_operation_exception_stops_the_run():
    G = NeuronGroup(1, "v : 1")

    @network_operation
    def fails():
        raise KeyError("stop here")

    with pytest.raises(KeyError, match="stop here"):
        run(5 * ms)
    assert defaultclock.t < 5 * ms and len(G) == 1


def test_network_operation_outside_the_network_does_not_run():
    G = NeuronGroup(1, "v : 1")
    calls = []
    op = network_operation(lambda: calls.append(1))
    Network(G).run(1 * ms)
    assert calls == []
    Network(G, op).run(1 * ms)
    assert len(calls) == 10


def test_run_on_event():
    G = NeuronGroup(2, "v : 1\nhits : 1", events={"high": "v > 0.5"})
    G.v = [1.0, 0.0]
    G.run_on_event("high", "hits += 1")
    run(1 * ms)
    assert list(G.hits[:]) == [10.0, 0.0]


def test_store_and_restore_through_a_file(tmp_path):
    path = str(tmp_path / "state.pkl")
    seed(11)
    G = NeuronGroup(3, "dv/dt = -v/(10*ms) + xi/sqrt(ms) : 1", method="euler")
    run(2 * ms)
    store("init", filename=path)
    store("other", filename=path)
    run(2 * ms)
    after = np.array(G.v[:])
    restore("init", filename=path, restore_random_state=True)
    assert defaultclock.t == 2 * ms
    run(2 * ms)
    assert np.array_equal(G.v[:], after)
    with pytest.raises(KeyError):
        restore("missing", filename=path)
    start_scope()
    H = NeuronGroup(5, "v : 1")
    with pytest.raises(ValueError, match="does not fit"):
        restore("init", filename=path)
    assert len(H) == 5


def test_devices_preferences_and_methods(caplog):
    set_device("cpp_standalone", directory=None)
    prefs.codegen.target = "numpy"
    assert prefs.codegen.target == "numpy"
    assert prefs["devices.cpp_standalone.openmp_threads"] == 0
    G = NeuronGroup(1, "dv/dt = -v/(10*ms) : 1", method=rk4)
    run(1 * ms)
    device.build(directory="output", compile=True, run=True)
    set_device("runtime")
    with pytest.raises(TypeError, match="linked variable with '\\(linked\\)'"):
        G.v = linked_var(NeuronGroup(1, "v : 1"), "v")


def test_brian_logger_controls_the_console(capsys):
    BrianLogger.log_level_debug()
    try:
        logging.getLogger("rheobase.test").debug("shown")
        BrianLogger.suppress_hierarchy("brian2.test")
        logging.getLogger("rheobase.test").debug("hidden")
    finally:
        BrianLogger.log_level_warn()
    err = capsys.readouterr().err
    assert "shown" in err and "hidden" not in err


def test_profiling_and_scheduling_summaries():
    G = NeuronGroup(10, "dv/dt = -v/(10*ms) : 1", threshold="v > 1", reset="v = 0")
    run(1 * ms, profile=True)
    summary = profiling_summary()
    assert "neurongroup_stateupdater" in summary.names
    assert repr(summary).startswith("Profiling summary")
    order = [row[0] for row in scheduling_summary().rows]
    assert order.index("neurongroup_stateupdater") < order.index("neurongroup_spike_thresholder")
    run(1 * ms)
    with pytest.raises(ValueError, match="profile=True"):
        profiling_summary()
    assert len(G) == 10


def test_ctrl_c_stops_the_run_with_state_intact():
    import signal

    G = NeuronGroup(1, "dv/dt = 1/ms : 1")

    @network_operation(dt=1 * ms)
    def interrupt(t):
        if t >= 2 * ms:
            signal.raise_signal(signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        run(100 * ms)
    assert 2 * ms <= defaultclock.t < 4 * ms
    assert G.v[0] == pytest.approx(float(defaultclock.t / ms), abs=1.01)


def _noisy_run_after_restore(restore_random_state):
    start_scope()
    seed(3)
    G = NeuronGroup(5, "dv/dt = -v/(10*ms) + xi/sqrt(ms) : 1", method="euler")
    store()
    run(2 * ms)
    first = np.array(G.v[:])
    restore(restore_random_state=restore_random_state)
    run(2 * ms)
    return first, np.array(G.v[:])


def test_restore_brings_the_random_state_back_only_when_asked():
    first, again = _noisy_run_after_restore(restore_random_state=True)
    assert np.array_equal(first, again)
    first, fresh = _noisy_run_after_restore(restore_random_state=False)
    assert not np.any(first == fresh)
    # and deterministically so
    assert np.array_equal(fresh, _noisy_run_after_restore(restore_random_state=False)[1])


def test_restore_at_the_same_time_leaves_the_random_numbers_as_they_were():
    start_scope()
    seed(4)
    G = NeuronGroup(5, "dv/dt = -v/(10*ms) + xi/sqrt(ms) : 1", method="euler")
    run(1 * ms)
    store()
    restore()
    run(1 * ms)
    restored = np.array(G.v[:])
    start_scope()
    seed(4)
    G = NeuronGroup(5, "dv/dt = -v/(10*ms) + xi/sqrt(ms) : 1", method="euler")
    run(2 * ms)
    assert np.array_equal(restored, np.array(G.v[:]))


def test_native_tier_preference_reaches_the_network():
    from rheobase.core.magic import current_network
    from rheobase.core.preferences import PreferenceError

    with pytest.raises(PreferenceError, match="codegen.native"):
        prefs.codegen.native = "sometimes"
    results = {}
    try:
        for mode in ("never", "always"):
            start_scope()
            prefs.codegen.native = mode
            G = NeuronGroup(5, "dv/dt = (2 - v)/(10*ms) : 1", threshold="v > 1", reset="v = 0")
            G.v = "i * 0.2"
            run(20 * ms)
            results[mode] = np.asarray(G.v[:])
            kernels = current_network().native_kernels()
            assert kernels and all(native is False for _, _, native in kernels) or mode == "always"
    finally:
        prefs.codegen.native = None
    # The same bits whichever tier ran (where no C compiler exists, both ran on the JIT).
    assert np.array_equal(results["never"], results["always"])
