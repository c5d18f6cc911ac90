#!/usr/bin/env python3
"""Startup cost of `missingstats check` on the shipped letter, against `import pandas` alone.

A pre-commit hook runs on every commit, so startup is part of the product. The budget
(issue 2): the whole check process at most 0.25 s slower than `python -c "import pandas"`.
Prints the best of N runs of each (best-of is the least noisy estimate on a shared machine),
and `--help` / `--version`, which must not import pandas at all.

It also times a sheet with 30 independent slips (one rule template, 30 groups, each off by
one): check's hint must stay bounded, at most 1.6x the clean letter (issue 10); and
`explain` of that sheet, which searches its 30 independent parts one by one.

Usage: python bench/startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def best(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def slips_sheet(folder: Path, n: int = 30) -> Path:
    lines = ["figures:"]
    for k in range(n):
        lines += [f"  g{k}:", f"    total: {100 + k}", f"    a: {40 + k}", "    b: 61"]
    groups = ", ".join(f"g{k}" for k in range(n))
    lines += ["rules:", "  - id: split", f"    for: {{g: [{groups}]}}",
              "    check: '{g}.total == {g}.a + {g}.b'"]
    path = folder / "slips30.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=9)
    runs = ap.parse_args().runs
    exe = shutil.which("missingstats")
    cli = [exe] if exe else [sys.executable, "-m", "missingstats"]
    pandas = best([sys.executable, "-c", "import pandas"], runs)
    check = best(cli + ["check", "data/letter.yaml"], runs)
    with tempfile.TemporaryDirectory() as tmp:
        slips = best(cli + ["check", str(slips_sheet(Path(tmp)))], runs)
        explained = best(cli + ["explain", str(slips_sheet(Path(tmp)))], max(1, runs // 3))
    version = best(cli + ["--version"], runs)
    helptext = best(cli + ["--help"], runs)
    leaked = subprocess.run(
        [sys.executable, "-c",
         "import sys; from missingstats.cli import app\n"
         "try: app(['--version'])\nexcept SystemExit: pass\n"
         "print('pandas' in sys.modules)"],
        cwd=ROOT, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]
    print(f"python -c 'import pandas'        {pandas:6.3f} s")
    print(f"missingstats check letter.yaml   {check:6.3f} s   ({check - pandas:+.3f} s, budget +0.250)")
    print(f"check with 30 independent slips  {slips:6.3f} s   ({slips / check:.2f}x the letter, "
          "target <= 1.6x)")
    print(f"explain with 30 independent slips{explained:6.3f} s")
    print(f"missingstats --version           {version:6.3f} s")
    print(f"missingstats --help              {helptext:6.3f} s")
    print(f"--version imports pandas:        {leaked}")


if __name__ == "__main__":
    main()
