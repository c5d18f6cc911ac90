"""action.yml: the composite GitHub Action's steps, run the way the Actions runner runs them.

The install step is checked for shell syntax only (it would pip install); the check step is
run with bash as the runner does (`bash --noprofile --norc -eo pipefail`), with the inputs
substituted into its `env:` exactly as `${{ inputs.x }}` expands, against the real CLI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
EXPR = re.compile(r"\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}")


def step(name: str) -> dict:
    return next(s for s in ACTION["runs"]["steps"] if s.get("name") == name)


def expand(value: str, inputs: dict[str, str]) -> str:
    """`${{ inputs.x }}` as the runner expands it; any other expression is a test failure."""
    out = EXPR.sub(lambda m: inputs[m.group(1)], str(value))
    assert "${{" not in out, f"unsupported expression in {value!r}"
    return out


def run_check(cwd: Path, summary: Path | None = None, **given: str) -> subprocess.CompletedProcess:
    inputs = {k: str(v.get("default", "")) for k, v in ACTION["inputs"].items()}
    inputs.update({k.replace("_", "-"): v for k, v in given.items()})
    check = step("Check")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MISSINGSTATS_")}
    env.update({k: expand(v, inputs) for k, v in check["env"].items()})
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["GITHUB_ACTIONS"] = "true"
    if summary is not None:
        env["GITHUB_STEP_SUMMARY"] = str(summary)
    script = cwd / "step.sh"
    script.write_text(check["run"], encoding="utf-8")
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def workspace(tmp_path) -> Path:
    search = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    if not shutil.which("missingstats", path=search):
        pytest.skip("the missingstats command is not installed")
    (tmp_path / "data" / "more").mkdir(parents=True)
    letter = (ROOT / "data" / "letter.yaml").read_text(encoding="utf-8")
    (tmp_path / "data" / "letter.yaml").write_text(letter, encoding="utf-8")
    shutil.copy(ROOT / "data" / "letter-2020-06-09.txt", tmp_path / "data")
    shutil.copy(ROOT / "data" / "letter-2020-06-09.txt", tmp_path / "data" / "more")
    (tmp_path / "data" / "more" / "broken.yaml").write_text(
        letter.replace("value: 29\n", "value: 92\n"), encoding="utf-8")
    (tmp_path / "data" / "more" / "rules-extra.yaml").write_text(
        "rules:\n  - id: r\n    check: detained.total <= missing.total\n", encoding="utf-8")
    return tmp_path


def test_action_is_a_composite_with_the_documented_inputs():
    assert ACTION["runs"]["using"] == "composite"
    inputs = ACTION["inputs"]
    assert inputs["files"]["required"] is True
    assert inputs["format"]["default"] == "github"
    assert {"args", "version", "output"} <= set(inputs)
    for s in ACTION["runs"]["steps"]:
        if "run" in s:
            assert s["shell"] == "bash"
            assert "${{" not in s["run"], "inputs reach scripts through env, never inline"


def test_install_step_is_valid_bash_and_pins_the_version():
    install = step("Install missingstats")
    assert install["env"]["MISSINGSTATS_VERSION"] == "${{ inputs.version }}"
    assert '"missingstats==$MISSINGSTATS_VERSION"' in install["run"]
    assert '"$GITHUB_ACTION_PATH"' in install["run"]
    subprocess.run(["bash", "-n", "-c", install["run"]], check=True, timeout=30)


def test_consistent_sheet_passes(workspace):
    done = run_check(workspace, files="data/letter.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("missingstats: 1 file,") and "::error" not in done.stdout


def test_broken_sheet_fails_the_step_with_annotations_and_summary(workspace):
    summary = workspace / "summary.md"
    done = run_check(workspace, summary, files="data/**/*.yaml", args="--skip-unknown")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "::error file=data/more/broken.yaml,line=62,col=16," in done.stdout
    assert "rules-extra.yaml" in done.stderr  # skipped: a rules file, not a sheet
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## missingstats: failed") and "`data/more/broken.yaml:62:16`" in text


def test_format_and_output_inputs(workspace):
    done = run_check(workspace, files="data/more/broken.yaml", format="sarif", output="results.sarif",
                     args="--max-failures 5")
    assert done.returncode == 1 and done.stdout == ""
    assert '"ruleId": "detained-within-missing"' in (workspace / "results.sarif").read_text(encoding="utf-8")


def test_a_missing_file_is_an_input_error(workspace):
    done = run_check(workspace, files="data/nothing-*.yaml")
    assert done.returncode == 2 and "no such file" in done.stderr
    empty = run_check(workspace, files="  ")
    assert empty.returncode == 2 and "no files given" in empty.stdout
