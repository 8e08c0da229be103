"""The Python examples in examples/ run to the end (shortened by RHEOBASE_QUICK) and save
their figure."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SCRIPTS = sorted(p.name for p in EXAMPLES.glob("*.py"))

pytest.importorskip("matplotlib")


@pytest.mark.parametrize("script", SCRIPTS)
def test_example_runs_and_saves_its_figure(script, tmp_path):
    copy = tmp_path / script
    shutil.copy(EXAMPLES / script, copy)
    env = dict(os.environ, RHEOBASE_QUICK="1", MPLBACKEND="Agg")
    done = subprocess.run([sys.executable, str(copy)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    figure = copy.with_suffix(".png")
    assert figure.stat().st_size > 10_000, f"{figure.name} is missing or empty"
    assert done.stdout.strip(), "the example printed no result"
