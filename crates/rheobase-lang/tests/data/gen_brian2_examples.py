"""Collect the model, reset/on_pre/on_post and threshold/condition strings of Brian2's own
examples, keep those Brian2 2.9 accepts, and write them to brian2_examples.txt for the
rheobase-lang compatibility test (src/parser/compat_tests.rs).

Usage: python gen_brian2_examples.py /path/to/brian2/checkout > brian2_examples.txt
(needs brian2==2.9.0 installed; run from any directory).
"""

import ast
import pathlib
import sys

from brian2 import Equations

STATEMENT_KEYWORDS = {"reset", "on_pre", "on_post", "pre", "post"}
EXPRESSION_KEYWORDS = {"threshold", "condition", "refractory"}


def constant_string(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def main(root):
    records = []
    seen = set()
    for path in sorted(pathlib.Path(root, "examples").rglob("*.py")):
        name = str(path.relative_to(root))
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            text = constant_string(node)
            if text is not None and ":" in text and ("/dt" in text or "\n" in text):
                try:
                    Equations(text)
                except Exception:
                    continue
                records.append(("equations", name, text))
            if isinstance(node, ast.keyword) and node.arg:
                value = constant_string(node.value)
                if value is None or "{" in value or "%" in value:
                    continue
                if node.arg in STATEMENT_KEYWORDS:
                    records.append(("statements", name, value))
                elif node.arg in EXPRESSION_KEYWORDS and not value.strip().replace(".", "").isdigit():
                    records.append(("expression", name, value))
    for kind, name, text in records:
        if (kind, text) in seen or not text.strip():
            continue
        seen.add((kind, text))
        print(f"=== {kind} {name}")
        print(text)


if __name__ == "__main__":
    main(sys.argv[1])
