"""Evaluate the reference expressions under rheobase, in the same order as Brian2 did (the
display of a quantity can depend on units created before it), and print the results as JSON.

Run as a separate process by test_brian2_reference.py, so that units registered by other
tests do not change what is printed.
"""

import json
import sys

sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent / "data"))
from make_reference import describe, expressions  # noqa: E402


def main():
    namespace = {}
    exec("from rheobase import *\nimport numpy as np", namespace)
    result = {
        "values": [describe(namespace, e) for e in expressions("expressions.txt")],
        "errors": [describe(namespace, e) for e in expressions("errors.txt")],
    }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
