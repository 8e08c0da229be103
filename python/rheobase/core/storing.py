"""``store`` and ``restore``: in memory (the engine keeps complete snapshots) and, with
``filename=``, in a pickle file that another process with the same objects can restore.

A file holds, per name, every state array, the clocks, the time and the random state, as
Brian2's does; unlike Brian2's, it does not hold monitor recordings: restoring from a file
leaves monitors with what they recorded in this process.
"""

import os
import pickle


def store(network, name="default", filename=None):
    network.store(name)
    if filename is None:
        return
    states = {}
    if os.path.exists(filename):
        with open(filename, "rb") as f:
            states = pickle.load(f)
    states[name] = {"rheobase_state": network.saved_state()}
    with open(filename, "wb") as f:
        pickle.dump(states, f, protocol=pickle.HIGHEST_PROTOCOL)


def restore(network, name="default", filename=None):
    if filename is None:
        try:
            network.restore(name)
        except ValueError as e:
            # Brian2 raises KeyError for an object without a stored state.
            if "does not have a stored state" in str(e):
                raise KeyError(str(e)) from None
            raise
        return
    with open(filename, "rb") as f:
        states = pickle.load(f)
    if name not in states:
        raise KeyError(f"No state with name '{name}' stored in file '{filename}'")
    state = states[name]
    if not isinstance(state, dict) or "rheobase_state" not in state:
        raise ValueError(f"'{filename}' was not written by rheobase's store()")
    network.load_saved_state(state["rheobase_state"])
