"""Robustness (issue 9): checked state files, the numerical watchdog, memory limits, and
bit-identical results for the same seed."""

import time

import numpy as np
import pytest

from rheobase import (
    NeuronGroup,
    SpikeMonitor,
    Synapses,
    defaultclock,
    ms,
    prefs,
    restore,
    run,
    seed,
    start_scope,
    store,
)


@pytest.fixture(autouse=True)
def _fresh_scope_and_preferences():
    start_scope()
    yield
    prefs.core.watchdog = False
    prefs.core.memory_limit = None


def _noisy():
    return NeuronGroup(3, "dv/dt = -v/(10*ms) + xi/sqrt(ms) : 1", method="euler")


def test_state_files_refuse_truncated_corrupted_and_other_version(tmp_path):
    path = tmp_path / "state.bin"
    seed(3)
    G = _noisy()
    run(1 * ms)
    store("s", filename=path)
    good = path.read_bytes()
    assert good.startswith(b"RHEOBASE")
    v = np.array(G.v[:])

    def refused(data, code):
        path.write_bytes(data)
        with pytest.raises(OSError, match=code):
            restore("s", filename=path)
        assert np.array_equal(G.v[:], v)

    refused(good[: len(good) // 2], "io::truncated_file")
    flipped = bytearray(good)
    flipped[len(good) // 2] ^= 0x04
    refused(bytes(flipped), "io::corrupted_file")
    newer = bytearray(good)
    newer[16] += 1  # the format version; the checksum then fails first
    refused(bytes(newer), "io::corrupted_file")
    refused(b"\x80\x04\x95 a pickle from an older rheobase", "io::not_a_rheobase_file")
    # The file is written whole or not at all: no temporary file is left behind.
    path.write_bytes(good)
    store("t", filename=path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.bin"]


def test_the_watchdog_stops_at_the_first_nan_and_names_the_equation():
    G = NeuronGroup(4, "dv/dt = -sqrt(v)/(10*ms) : 1", method="euler")
    G.v = [1.0, 1.0, 0.001, 1.0]
    run(1 * ms)  # off by default: NaN spreads silently
    assert np.isnan(G.v[2])

    start_scope()
    prefs.core.watchdog = True
    G = NeuronGroup(4, "dv/dt = -sqrt(v)/(10*ms) : 1", method="euler")
    G.v = [1.0, 1.0, 0.001, 1.0]
    with pytest.raises(FloatingPointError) as info:
        run(1 * ms)
    text = str(info.value)
    assert "neurongroup.v[2] became NaN" in text, text
    assert "`dv/dt = -sqrt(v)/(10*ms) : 1`" in text, text
    # The state of that moment stays, and can be changed and run further.
    assert np.isnan(G.v[2])
    G.v = 1.0
    run(1 * ms)


def test_an_impossible_connect_is_refused_instantly():
    a = NeuronGroup(10**6, "v : 1")
    b = NeuronGroup(10**6, "v : 1")
    S = Synapses(a, b, "w : 1")
    start = time.perf_counter()
    with pytest.raises(MemoryError, match=r"1\.000e12 synapses expected"):
        S.connect(p=1)
    assert time.perf_counter() - start < 1.0
    assert len(S) == 0
    prefs.core.memory_limit = 10**6
    with pytest.raises(MemoryError, match="the network's memory limit"):
        S.connect(p=1e-5)
    S.connect(p=1e-9)


def test_a_spike_monitor_outgrowing_the_memory_limit_stops_the_run():
    G = NeuronGroup(1000, "v : 1", threshold="True")
    M = SpikeMonitor(G)
    prefs.core.memory_limit = 2**20
    with pytest.raises(MemoryError, match="spikemonitor"):
        run(1000 * ms)
    # The run stopped early, keeping what was recorded; the network can run on.
    assert 0 < M.num_spikes <= 65536
    assert defaultclock.t < 100 * ms


def test_ctrl_c_stops_connect_with_nothing_connected():
    import os
    import signal
    import threading

    G = NeuronGroup(100_000, "v : 1")
    S = Synapses(G, G, "w : 1")
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    start = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        S.connect("i == j + 1")  # 10^10 pairs: far longer than the test may take
    timer.cancel()
    assert time.perf_counter() - start < 3.0
    assert len(S) == 0
    S.connect(j="i")
    assert len(S) == 100_000


def _spiking_run(durations, file_at=None, tmp_path=None):
    start_scope()
    seed(17)
    G = NeuronGroup(
        50,
        "dv/dt = (1.2 - v)/(10*ms) + 0.3*xi/sqrt(ms) : 1",
        threshold="v > 1",
        reset="v = 0",
        method="euler",
    )
    S = Synapses(G, G, "w : 1", on_pre="v_post += w")
    S.connect(p=0.1)
    S.w = "0.05*rand()"
    M = SpikeMonitor(G)
    for k, d in enumerate(durations):
        if k == file_at:
            store("mid", filename=tmp_path / "mid.bin")
            restore("mid", filename=tmp_path / "mid.bin")
        run(d)
    return np.array(M.i[:]), np.array(M.t_[:]), np.array(G.v[:])


def test_the_same_seed_gives_the_same_bits_split_runs_and_through_a_file(tmp_path):
    whole = _spiking_run([20 * ms])
    assert len(whole[0]) > 20
    for split in (_spiking_run([5 * ms, 15 * ms]), _spiking_run([7 * ms, 13 * ms], 1, tmp_path)):
        for a, b in zip(whole, split):
            assert a.tobytes() == b.tobytes()
