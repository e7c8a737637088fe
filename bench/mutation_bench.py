"""Mutation testing of the core modules with mutmut: does each module's fast tests notice when its code is changed?

Usage: .venv/bin/python bench/mutation_bench.py [--only query,vocabulary,...] [--work DIR] [--out FILE]
Each module is mutated in its own copy of the tree under --work (the worktree is never touched) against only the fast
tests that cover it, one mutant at a time (a 2-core machine is shared). Not for CI: a module takes minutes.
The table counts every mutant mutmut makes; a mutant no selected test runs counts as survived. The mutants judged
equivalent (no behaviour can tell them apart) are listed under EQUIVALENT with why, and named as such in the file.
mutmut 3 leaves decorated functions alone (vocabulary's lru_cache'd WordNet lookups are not mutated) and only mutates
function bodies (module-level tables are not).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from stamp import REPO, stamp

MUTMUT = Path(sys.executable).with_name("mutmut")
COPIED = ("services", "proto", "tests", "pyproject.toml")
RESULT_LINE = re.compile(r"^\s*(\S+): (.+)$")
KILLED, SURVIVED, TIMEOUT = "killed", "survived", "timeout"


@dataclass(frozen=True)
class Module:
    name: str
    files: tuple[str, ...]   # globs of the files mutated
    tests: tuple[str, ...]   # the fast tests that cover them
    deselect: tuple[str, ...] = ()  # slow tests among them (property tests run for a minute)


MODULES = (
    Module("query", ("services/search/query/*.py",),
           ("tests/unit/search/test_parser.py", "tests/unit/search/test_es_dsl.py"),
           ("tests/unit/search/test_parser.py::test_no_input_crashes_the_parser",)),
    Module("vocabulary", ("services/vocabulary.py",),
           ("tests/unit/semantic/test_vocabulary.py", "tests/unit/search/test_parser.py"),
           ("tests/unit/search/test_parser.py::test_no_input_crashes_the_parser",)),
    Module("runner", ("services/pipeline/runner.py",), ("tests/unit/pipeline/test_runner_and_topics.py",)),
    Module("examine", ("services/ingest/examine.py",), ("tests/unit/ingest/test_examine.py",)),
    Module("security", ("services/gateway/security.py",),
           ("tests/unit/gateway/test_cross_user.py", "tests/unit/gateway/test_login_throttle.py")),
)

# Mutants no test can kill because the behaviour is the same; checked by reading each one (`mutmut show NAME`).
EQUIVALENT: dict[str, str] = {}
# Functions that run once at import, in mutmut's parent process, before it picks a mutant: their mutants never run.
IMPORT_TIME: dict[str, str] = {
    "services.vocabulary.x__face_written_words__": "builds FACE_WORDS at import",
}


def prepare(module: Module, work: Path) -> None:
    """A fresh copy of the tree with the module's mutmut settings appended to its pyproject.toml."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, work / name)
    selection = [*module.tests, *(f"--deselect={test}" for test in module.deselect)]
    settings = (f"\n[tool.mutmut]\nsource_paths = [\"services\"]\nalso_copy = [\"proto\"]\n"
                f"only_mutate = {list(module.files)!r}\npytest_add_cli_args_test_selection = {selection!r}\n"
                f"pytest_add_cli_args = [\"-p\", \"no:randomly\", \"-x\", \"-q\"]\n")
    with open(work / "pyproject.toml", "a", encoding="utf-8") as pyproject:
        pyproject.write(settings.replace("'", '"'))


def mutate(module: Module, work: Path) -> tuple[Counter, dict[str, str], float]:
    """Runs mutmut in the copy; the status of every mutant and the minutes it took."""
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    started = time.monotonic()
    run = subprocess.run(["nice", "-n", "10", str(MUTMUT), "run", "--max-children", "1"], cwd=work,
                         env=environment, capture_output=True, text=True)
    minutes = (time.monotonic() - started) / 60
    if run.returncode != 0:
        raise SystemExit(f"mutmut failed on {module.name}:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    listing = subprocess.run([str(MUTMUT), "results", "--all", "true"], cwd=work, env=environment,
                             capture_output=True, text=True, check=True).stdout
    statuses = {m.group(1): m.group(2) for m in map(RESULT_LINE.match, listing.splitlines()) if m}
    return Counter(_bucket(status) for status in statuses.values()), statuses, minutes


def _bucket(status: str) -> str:
    """killed, timeout, or survived (a mutant no test runs is a survivor too)."""
    return status if status in (KILLED, TIMEOUT) else SURVIVED


def excuse(mutant: str) -> str | None:
    """Why a surviving mutant cannot be killed, if it cannot."""
    if mutant in EQUIVALENT:
        return f"equivalent: {EQUIVALENT[mutant]}"
    return next((f"never runs: {why}" for prefix, why in IMPORT_TIME.items() if mutant.startswith(prefix)), None)


def table(rows: list[tuple[str, Counter, dict[str, str], float]]) -> list[str]:
    lines = [stamp(), f"{'module':<12}{'mutants':>8}{'killed':>8}{'survived':>9}{'timeouts':>9}{'killed %':>9}"
             f"{'excused':>8}{'of rest %':>10}{'minutes':>8}"]
    for name, counts, statuses, minutes in rows:
        total, caught = sum(counts.values()), counts[KILLED] + counts[TIMEOUT]
        excused = sum(1 for mutant, status in statuses.items() if _bucket(status) == SURVIVED and excuse(mutant))
        lines.append(f"{name:<12}{total:>8}{counts[KILLED]:>8}{counts[SURVIVED]:>9}{counts[TIMEOUT]:>9}"
                     f"{_share(caught, total):>8.0f}%{excused:>8}{_share(caught, total - excused):>9.0f}%"
                     f"{minutes:>8.1f}")
    lines.append("killed % counts timeouts as killed (the mutant hung the tests); excused: survivors that are "
                 "equivalent or never run (listed below); of rest %: killed among the others")
    return lines


def _share(part: int, whole: int) -> float:
    return 100 * part / whole if whole else 0.0


def survivors(statuses: dict[str, str]) -> list[str]:
    lines = []
    for mutant, status in sorted(statuses.items()):
        if _bucket(status) == SURVIVED:
            reason = excuse(mutant)
            lines.append(f"  {mutant}: {status}" + (f" ({reason})" if reason else ""))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(m.name for m in MODULES), help="modules, comma-separated")
    parser.add_argument("--work", type=Path, default=Path("/tmp/mutation"), help="where the mutated copies go")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "mutation.txt")
    args = parser.parse_args()
    chosen = [m for m in MODULES if m.name in args.only.split(",")]
    rows, details = [], []
    for module in chosen:
        counts, statuses, minutes = mutate(module, _prepared(module, args.work / module.name))
        rows.append((module.name, counts, statuses, minutes))
        details += [f"\n{module.name}: surviving mutants (`mutmut show NAME` in {args.work / module.name})",
                    *survivors(statuses)]
        print("\n".join(table(rows)), flush=True)
    report = "\n".join([*table(rows), *details]) + "\n"
    args.out.write_text(report, encoding="utf-8")
    print(f"written to {args.out}")


def _prepared(module: Module, work: Path) -> Path:
    prepare(module, work)
    return work


if __name__ == "__main__":
    main()
