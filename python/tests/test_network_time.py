"""Every Network has its own time, starting at 0 as in Brian2, and so has the magic network;
a Network runs only its own objects."""

import numpy as np
import pytest

from rheobase import (
    Network,
    NeuronGroup,
    StateMonitor,
    defaultclock,
    ms,
    network_operation,
    run,
    start_scope,
)


@pytest.fixture(autouse=True)
def _fresh_scope():
    start_scope()


def _counter():
    return NeuronGroup(1, "dv/dt = 1/ms : 1", method="euler")


def test_each_network_starts_at_zero_and_keeps_its_own_time():
    G = _counter()
    M = StateMonitor(G, "v", record=0)
    net1 = Network(G, M)
    net1.run(5 * ms)
    H = _counter()
    N = StateMonitor(H, "v", record=0)
    net2 = Network(H, N)
    assert net2.t == 0 * ms
    net2.run(2 * ms)
    assert net2.t == 2 * ms and net1.t == 5 * ms
    assert N.t[0] == 0 * ms and len(N.t) == 20
    net1.run(1 * ms)
    assert net1.t == 6 * ms
    assert np.allclose(M.t / ms, np.arange(60) * 0.1)
    # each network ran only its own objects
    assert G.v[0] == pytest.approx(6.0) and H.v[0] == pytest.approx(2.0)


def test_the_magic_network_has_a_time_of_its_own():
    G = _counter()
    run(3 * ms)
    assert defaultclock.t == 3 * ms

    def elsewhere():
        H = _counter()
        net = Network(H)
        net.run(1 * ms)
        return net, H

    net, H = elsewhere()
    assert net.t == 1 * ms and H.v[0] == pytest.approx(1.0)
    run(1 * ms)  # runs G (and H, visible here) from the magic network's 3 ms
    assert defaultclock.t == 4 * ms
    assert G.v[0] == pytest.approx(4.0)
    assert net.t == 1 * ms


def test_restore_brings_back_the_networks_time_and_store_uses_it():
    G = _counter()
    run(3 * ms)  # the magic network is at 3 ms
    net = Network(G)
    net.store("zero")  # the new network's time, not the magic network's
    net.run(4 * ms)
    net.store("four")
    net.run(1 * ms)
    net.restore("four")
    assert net.t == 4 * ms and G.v[0] == pytest.approx(7.0)
    net.restore("zero")
    assert net.t == 0 * ms and G.v[0] == pytest.approx(3.0)
    run(1 * ms)
    assert defaultclock.t == 4 * ms


def test_a_network_of_some_objects_leaves_the_others_alone():
    G = _counter()
    H = _counter()
    net = Network(G)
    net.run(2 * ms)
    assert G.v[0] == pytest.approx(2.0)
    assert H.v[0] == 0


def test_a_stopped_run_keeps_its_time_and_operations_may_store_at_the_runs_time():
    G = _counter()
    done = []

    @network_operation(dt=1 * ms)
    def halt(t):
        if t >= 2 * ms and not done:
            done.append(t)
            net.store("inside")
            net.stop()

    net = Network(G, halt)
    net.run(10 * ms)
    assert 2 * ms < net.t <= 3 * ms
    stopped = net.t
    net.run(1 * ms)  # continues from where it stopped
    assert net.t == stopped + 1 * ms
    net.restore("inside")
    assert net.t == 2 * ms
