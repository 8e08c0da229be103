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


def restore(network, name="default", filename=None):
    if filename is None:
        network.restore(name)
        return
    try:
        network.restore_from_file(name, os.fspath(filename))
    except ValueError as e:
        if "no state named" in str(e):
            raise KeyError(f"No state with name '{name}' stored in file '{filename}'") from e
        raise
