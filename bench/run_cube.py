#!/usr/bin/env python3
"""Benchmark `missingstats check` on generated cubes against the hand-written pandas reference.

Generates the cubes with ../shared/bench/gen_cube.py into a scratch folder (bench/out by
default, gitignored): 1M rows (Parquet), a CSV copy of it, and 10M rows (--districts 20000
--provinces 200). Copies cube-rules.yaml beside each cube, then runs the reference
(reference_check.py) and `missingstats check DIR/cube-rules.yaml --format json` alternately
as subprocesses, a few repetitions each, and prints wall time and peak memory (the child's
own max RSS from wait4) with the ratios. The per-rule `checked` and `failed` counts of the
five families must equal the reference's; the exit code is 1 when they do not.

Targets (issue 3): 10M whole-process wall time <= 0.7x the reference, peak memory <= 2x.

Usage: python bench/run_cube.py [--out bench/out] [--reps 3] [--sizes 1m,csv,10m]
                                [--shared ../shared/bench] [--no-generate] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FAMILIES = ("nonneg", "sex", "age", "status", "geo")
SIZES = {
    "1m": ("cube1m", ["--format", "both"]),
    "csv": ("cube1m-csv", None),  # a CSV copy of the 1M cube
    "10m": ("cube10m", ["--districts", "20000", "--provinces", "200", "--format", "parquet"]),
}


def run_measured(cmd: list[str], stdout_path: Path) -> tuple[float, float, int]:
    """Run a command; return (wall seconds, peak RSS in MiB of that child, exit code)."""
    with open(stdout_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):
        sys.stderr.write(f"{' '.join(cmd)} exited {proc.returncode}:\n{err}\n")
    return wall, usage.ru_maxrss / 1024, proc.returncode


def generate(shared: Path, out: Path, sizes: list[str], seed: int) -> None:
    gen = shared / "gen_cube.py"
    for size in sizes:
        name, args = SIZES[size]
        folder = out / name
        if size == "csv":
            continue
        print(f"generating {folder} ...", flush=True)
        subprocess.run([sys.executable, str(gen), str(folder), "--seed", str(seed), *args], check=True)
    if "csv" in sizes:
        src, dst = out / "cube1m", out / "cube1m-csv"
        if not (src / "cube.csv").exists():
            subprocess.run([sys.executable, str(gen), str(src), "--seed", str(seed),
                            "--format", "both"], check=True)
        dst.mkdir(parents=True, exist_ok=True)
        for f in ("cube.csv", "geo_hierarchy.csv"):
            shutil.copy(src / f, dst / f)
        (dst / "cube.parquet").unlink(missing_ok=True)  # the reference must read the CSV


def place_spec(folder: Path, size: str) -> Path:
    text = (HERE / "cube-rules.yaml").read_text(encoding="utf-8")
    if size == "csv":
        text = text.replace("path: cube.parquet", "path: cube.csv")
    spec = folder / "cube-rules.yaml"
    spec.write_text(text, encoding="utf-8")
    return spec


def reference_counts(path: Path) -> dict[str, tuple[int, int]]:
    out = {}
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 3:
            out[parts[0]] = (int(parts[1]), int(parts[2]))
    return out


def our_counts(path: Path) -> dict[str, tuple[int, int]]:
    report = json.loads(path.read_text())
    return {r["rule"]: (r["checked"], r["failed"]) for r in report["results"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(HERE / "out"))
    ap.add_argument("--shared", default=str(HERE.parent.parent / "shared" / "bench"))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--sizes", default="1m,csv,10m")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-generate", action="store_true", help="reuse the cubes in --out")
    a = ap.parse_args()
    out, shared = Path(a.out), Path(a.shared)
    sizes = [s.strip() for s in a.sizes.split(",") if s.strip()]
    for s in sizes:
        if s not in SIZES:
            ap.error(f"unknown size {s!r}; choose from {', '.join(SIZES)}")
    out.mkdir(parents=True, exist_ok=True)
    if not a.no_generate:
        generate(shared, out, sizes, a.seed)
    ok = True
    rows = []
    for size in sizes:
        folder = out / SIZES[size][0]
        spec = place_spec(folder, size)
        ref_cmd = [sys.executable, str(shared / "reference_check.py"), str(folder)]
        our_cmd = [sys.executable, "-m", "missingstats", "check", str(spec), "--format", "json"]
        times: dict[str, list[float]] = {"ref": [], "ours": []}
        peaks: dict[str, list[float]] = {"ref": [], "ours": []}
        for rep in range(a.reps):
            order = [("ref", ref_cmd), ("ours", our_cmd)]
            if rep % 2:
                order.reverse()  # alternate who runs first (caches, machine load)
            for who, cmd in order:
                wall, peak, _ = run_measured(cmd, folder / f"{who}.out")
                times[who].append(wall)
                peaks[who].append(peak)
                print(f"  {size:>4} rep {rep + 1} {who:>4}: {wall:6.2f} s {peak:7.0f} MiB", flush=True)
        ref, ours = reference_counts(folder / "ref.out"), our_counts(folder / "ours.out")
        same = all(ref.get(f) == ours.get(f) for f in FAMILIES)
        if not same:
            ok = False
            for f in FAMILIES:
                if ref.get(f) != ours.get(f):
                    print(f"  MISMATCH {size} {f}: reference {ref.get(f)} missingstats {ours.get(f)}")
        rt, ot = statistics.median(times["ref"]), statistics.median(times["ours"])
        rp, op = max(peaks["ref"]), max(peaks["ours"])
        rows.append((size, rt, ot, ot / rt, rp, op, op / rp, same))
    print()
    print(f"{'cube':>5} {'ref s':>7} {'ours s':>7} {'time':>6} {'ref MiB':>8} {'ours MiB':>9} "
          f"{'mem':>5}  counts")
    for size, rt, ot, tr, rp, op, mr, same in rows:
        print(f"{size:>5} {rt:7.2f} {ot:7.2f} {tr:5.2f}x {rp:8.0f} {op:9.0f} {mr:4.2f}x  "
              f"{'equal' if same else 'DIFFERENT'}")
    for size, _, _, tr, _, _, mr, _ in rows:
        if size == "10m":
            verdict = "met" if tr <= 0.7 and mr <= 2.0 else "MISSED"
            print(f"10M targets (time <= 0.7x, memory <= 2x): {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
