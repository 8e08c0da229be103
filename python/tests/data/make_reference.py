"""Record what Brian2 gives for the expressions in expressions.txt and errors.txt.

Run with a Python that has Brian2 2.9 (and numpy < 2.4), never with rheobase:

    /path/to/brian2-venv/bin/python python/tests/data/make_reference.py

It writes brian2_reference.json next to this file; test_brian2_reference.py replays every
expression under rheobase and compares type names, str(), repr() and error messages.
"""

import json
import pathlib
import sys

HERE = pathlib.Path(__file__).parent


def expressions(name):
    lines = (HERE / name).read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def describe(namespace, expr):
    try:
        value = eval(expr, namespace)
    except Exception as exc:  # recorded, not raised: errors are part of the reference
        return {"expr": expr, "error": type(exc).__name__, "message": str(exc)}
    entry = {"expr": expr, "type": type(value).__name__, "str": str(value), "repr": repr(value)}
    try:
        entry["dim"] = str(namespace["get_dimensions"](value))
    except Exception:
        pass
    return entry


def _constants():
    import brian2.units.constants as constants

    return {
        name: [float(value), str(value.dim)]
        for name, value in vars(constants).items()
        if not name.startswith("_") and hasattr(value, "dim") and type(value).__name__ == "Quantity"
    }


def main():
    namespace = {}
    exec("from brian2 import *\nimport numpy as np", namespace)
    import brian2
    import numpy

    result = {
        "brian2": brian2.__version__,
        "numpy": numpy.__version__,
        "python": sys.version.split()[0],
        "values": [describe(namespace, e) for e in expressions("expressions.txt")],
        "errors": [describe(namespace, e) for e in expressions("errors.txt")],
        "units_all": sorted(brian2.units.__all__),
        "constants": _constants(),
    }
    out = HERE / "brian2_reference.json"
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
