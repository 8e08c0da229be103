"""``store`` and ``restore``: in memory (the engine keeps complete snapshots) and, with
``filename=``, in a file that another process with the same objects can restore.

A file holds, per name, every state array, the clocks, the time and the random state, as
Brian2's does; unlike Brian2's, it does not hold monitor recordings: restoring from a file
leaves monitors with what they recorded in this process. The engine writes it (a temporary
name renamed when complete, with a format version and a checksum) and refuses a truncated,
corrupted or foreign file with ``OSError`` naming the problem (``io::truncated_file``, ...;
see docs/errors.md).
"""

import os


def store(network, name="default", filename=None):
    network.store(name)
    if filename is None:
        return
    network.store_to_file(name, os.fspath(filename))


def restore(network, name="default", filename=None, restore_random_state=False):
    # Brian2 brings the random generator back only when asked; otherwise it goes on, so a run
    # after restoring an earlier time draws new numbers.
    if filename is None:
        try:
            network.restore(name, restore_random_state)
        except ValueError as e:
            # Brian2 raises KeyError for an object without a stored state.
            if "does not have a stored state" in str(e):
                raise KeyError(str(e)) from None
            raise
        return
    try:
        network.restore_from_file(name, os.fspath(filename), restore_random_state)
    except ValueError as e:
        if "no state named" in str(e):
            raise KeyError(f"No state with name '{name}' stored in file '{filename}'") from e
        raise
