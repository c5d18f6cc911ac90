"""Coverage-guided fuzzing of everything that reads input: a crash is any exception other
than our located InputError (ExprError for a bare expression), or a hang.

    python bench/fuzz.py TARGET [SECONDS] [libFuzzer flags ...]   # one target
    python bench/fuzz.py all [SECONDS]                             # each target in turn

Targets: yaml (the strict YAML loader, then a sheet, a rules file and an editions file from
the same tree), expr (the rule language: parse, print, parse again, evaluate), csv (a table
spec over the bytes as a CSV table), prose (the document reader and the count extractor).

With atheris installed (pip install atheris) libFuzzer drives the inputs, guided by the
coverage of missingstats' own modules; a crash writes `crash-*` in the current folder and
stops the run, a hang beyond -timeout (default 10 s) likewise. Without atheris, hypothesis
generates inputs for the same targets for the given time. Every crash found so far has a
regression case in tests/test_hostile.py.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

TARGETS = ("yaml", "expr", "csv", "prose")
SPEC = """tables:
  t:
    path: t.csv
    dimensions: [geo, sex]
    measure: value
hierarchies:
  sex: {total: [female, male]}
rules:
  - {id: split, check: total == female + male}
  - {id: bounded, check: value <= 1000}
"""
SEEDS = {
    "yaml": [b"figures:\n  total: 10\n  a: {value: 4, qualifier: at least}\n  b: 6\n",
             b"rules:\n  - id: r\n    check: '{g} <= total'\n    for: {g: [a, b]}\n",
             b"editions:\n  - as_of: 2020-01-01\n    figures: {total: 1}\n"],
    "expr": [b"a.b + c <= d", b"if a > 0 then b / a <= 2", b"sum(a, b) == max(c, 1) * 2"],
    "csv": [b"geo,sex,value\nC,total,4\nC,female,2\nC,male,2\n"],
    "prose": [b"As at 2020, 3,889 persons were missing, including 719 civilians.\n"],
}


def _yaml(data: bytes) -> None:
    from missingstats.core.errors import InputError
    from missingstats.inputs import yamlnodes as sy
    from missingstats.inputs.editions import load_editions_file
    from missingstats.inputs.rules import rules_from_node
    from missingstats.inputs.sheet import SHEET, sheet_from_mapping

    text = data.decode("utf-8", "replace")
    try:
        root = sy.load("fuzz.yaml", text)
        if isinstance(root, sy.Mapping) and "figures" in root:
            sheet_from_mapping(SHEET.mapping(root), "fuzz.yaml")
        elif isinstance(root, sy.Mapping) and "editions" in root:
            load_editions_file("fuzz.yaml", root)
        else:
            rules_from_node(root, "fuzz.yaml", Path("."))
    except InputError:
        pass


def _expr(data: bytes) -> None:
    import numpy as np

    from missingstats.language import expr as ex
    from missingstats.language import intervals as iv

    text = data.decode("utf-8", "replace")
    try:
        node = ex.parse(text)
    except ex.ExprError:
        return
    again = ex.parse(ex.to_text(node))
    assert ex.to_text(again) == ex.to_text(node), (text, ex.to_text(node))
    env = {n: iv.Interval(np.array([0.0, 3.0, np.nan]), np.array([0.0, 5.0, np.nan]))
           for n in ex.names(node)}
    iv.evaluate(node, env, 3)


def _csv(data: bytes) -> None:
    from missingstats.core.errors import InputError
    from missingstats.evaluate.options import CheckOptions
    from missingstats.evaluate.run import check_file

    folder = Path(os.environ["FUZZ_DIR"])
    (folder / "t.csv").write_bytes(data)
    try:
        check_file(str(folder / "t.yaml"), CheckOptions())
    except InputError:
        pass


def _prose(data: bytes) -> None:
    from missingstats.inputs.documents import document
    from missingstats.inputs.documents import extract as ex

    text = data.decode("utf-8", "replace")
    for markdown in (False, True):
        doc = document.parse(text, "fuzz.txt", markdown=markdown)
        ex.counts(ex.extract(doc))


RUN = {"yaml": _yaml, "expr": _expr, "csv": _csv, "prose": _prose}


def _prepare(target: str) -> None:
    if target == "csv":
        folder = Path(tempfile.mkdtemp(prefix="fuzz-csv-"))
        (folder / "t.yaml").write_text(SPEC, encoding="utf-8")
        os.environ["FUZZ_DIR"] = str(folder)


def with_atheris(target: str, seconds: int, flags: list[str]) -> None:
    import atheris

    _prepare(target)
    with atheris.instrument_imports(include=["missingstats"]):
        import missingstats.evaluate.run  # noqa: F401
        import missingstats.inputs.documents.extract  # noqa: F401
        import missingstats.inputs.editions  # noqa: F401
        import missingstats.inputs.rules  # noqa: F401
        import missingstats.inputs.tables.load  # noqa: F401
        import missingstats.language.intervals  # noqa: F401
    for seed in SEEDS[target]:  # the first run imports the lazy modules: not a hang
        RUN[target](seed)
    corpus = Path(tempfile.mkdtemp(prefix=f"fuzz-{target}-corpus-"))
    for i, seed in enumerate(SEEDS[target]):
        (corpus / f"seed{i}").write_bytes(seed)
    argv = [sys.argv[0], str(corpus), f"-max_total_time={seconds}", "-timeout=10",
            "-rss_limit_mb=4096", "-print_final_stats=1", *flags]
    atheris.Setup(argv, RUN[target])
    atheris.Fuzz()


def with_hypothesis(target: str, seconds: int) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    _prepare(target)
    count = {"n": 0}
    started = time.monotonic()

    @settings(max_examples=10**9, deadline=10_000, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.one_of(st.binary(max_size=2000), st.sampled_from(SEEDS[target]),
                     st.text(max_size=500).map(str.encode)))
    def one(data: bytes) -> None:
        count["n"] += 1
        RUN[target](data)
        if time.monotonic() - started > seconds:
            raise _Done

    try:
        one()
    except _Done:
        pass
    print(f"{target}: {count['n']} executions in {time.monotonic() - started:.0f} s, no crash")


class _Done(Exception):
    pass


def main() -> None:
    args = sys.argv[1:]
    if not args or args[0] not in (*TARGETS, "all"):
        sys.exit(__doc__)
    target, seconds = args[0], int(args[1]) if len(args) > 1 else 600
    if target == "all":
        import subprocess

        for name in TARGETS:
            subprocess.run([sys.executable, __file__, name, str(seconds), *args[2:]], check=False)
        return
    try:
        import atheris  # noqa: F401
    except ImportError:
        with_hypothesis(target, seconds)
        return
    with_atheris(target, seconds, args[2:])


if __name__ == "__main__":
    main()
