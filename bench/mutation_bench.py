"""Mutation testing of the core modules with mutmut: does each module's fast tests notice when its code is changed?

Usage: .venv/bin/python bench/mutation_bench.py [--only query,vocabulary,...] [--work DIR] [--out FILE] [--again]
  --again  after adding tests: reuses the copies of the last run, runs changed functions' mutants and every survivor
           again, and shows the share killed before beside the share now
Each module is mutated in its own copy of the tree under --work (the worktree is never touched) against only the fast
tests that cover it, one mutant at a time (a 2-core machine is shared). Not for CI: a module takes minutes.
The table counts every mutant mutmut makes; a mutant no selected test runs counts as survived. The mutants judged
equivalent (no behaviour can tell them apart) are listed under EQUIVALENT with why, and named as such in the file.
mutmut 3 leaves decorated functions alone (vocabulary's lru_cache'd WordNet lookups are not mutated) and only mutates
function bodies (module-level tables are not).
"""
from __future__ import annotations

import argparse
import json
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
COPIED = ("services", "proto", "tests")
RESULT_LINE = re.compile(r"^\s*(\S+): (.+)$")
KILLED, SURVIVED, TIMEOUT, NOT_RUN = "killed", "survived", "timeout", "not checked"
# A mutant's wall-time limit is (its tests' time + this) x 3: a mutant that loops is stopped at 3x, not 15x. The margin
# (mutmut's default: 1 s) is for pytest's own start in a niced child on a loaded machine, which a test of 0.03 s
# under a limit of 3.1 s does not always make.
STARTUP_SECONDS = 10.0
SECTION = "## module: "  # starts each module's part of the results file


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
    Module("examine", ("services/ingest/examine.py",),
           ("tests/unit/ingest/test_examine.py", "tests/unit/ingest/test_examine_outcomes.py",
            "tests/unit/ingest/test_decoding.py::test_examine_turns_an_overrun_into_a_failed_outcome")),
    Module("security", ("services/gateway/security.py",),
           ("tests/unit/gateway/test_security.py", "tests/unit/gateway/test_login_throttle.py",
            "tests/unit/gateway/test_cross_user.py")),
)

# Mutants no test can kill because the behaviour is the same; checked by reading each one (`mutmut show NAME`).
EQUIVALENT: dict[str, str] = {
    "services.search.query.parser.xǁ_Parserǁkeyed__mutmut_140":
        "a filter value with a space normalized anyway: WordNet's lemmas and the age spellings hold no spaces",
    "services.gateway.security.x_same_origin__mutmut_4":
        "headers.get('origin'): aiohttp's request headers are case-insensitive (CIMultiDict), the same header",
    "services.gateway.security.x_same_origin__mutmut_5":
        "headers.get('ORIGIN'): aiohttp's request headers are case-insensitive (CIMultiDict), the same header",
    "services.ingest.examine.x_shown_path__mutmut_7":
        "decode('UTF-8'): Python's codec names ignore case, the same codec",
    "services.ingest.examine.x_file_event__mutmut_3":
        "outcome=None leaves the enum unset, which reads as its default 0, OUTCOME_UNSPECIFIED, the value replaced",
    "services.ingest.examine.x_file_event__mutmut_5":
        ".get(kind) gives None for other kinds: the enum left unset reads as 0, OUTCOME_UNSPECIFIED, the same",
    "services.ingest.examine.x_is_stable__mutmut_3":
        "seconds >= 0: with 0 seconds it calls time.sleep(0), which returns at once; no caller can tell",
}
# Functions that run once at import, in mutmut's parent process, before it picks a mutant: their mutants never run.
IMPORT_TIME: dict[str, str] = {
    "services.vocabulary.x__face_written_words__":
        "builds FACE_WORDS at import (dropping its synonyms by hand fails test_vocabulary.py twice)",
}


def prepare(module: Module, work: Path) -> None:
    """A fresh copy of the tree, set up for the module."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    refresh(work)
    configure(module, work)


def configure(module: Module, work: Path) -> None:
    """The worktree's pyproject.toml with the module's mutmut settings appended (when its test selection changed
    since the copy's last run, mutmut runs every mutant again)."""
    selection = [*module.tests, *(f"--deselect={test}" for test in module.deselect)]
    settings = (f"\n[tool.mutmut]\nsource_paths = [\"services\"]\nalso_copy = [\"proto\"]\n"
                f"only_mutate = {list(module.files)!r}\npytest_add_cli_args_test_selection = {selection!r}\n"
                f"pytest_add_cli_args = [\"-p\", \"no:randomly\", \"-x\", \"-q\"]\n"
                f"timeout_multiplier = 3.0\ntimeout_constant = {STARTUP_SECONDS}\n")
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    (work / "pyproject.toml").write_text(text + settings.replace("'", '"'), encoding="utf-8")


def refresh(work: Path) -> None:
    """The worktree's current code and tests copied over the copy."""
    for name in COPIED:
        shutil.copytree(REPO / name, work / name, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)


def mutate(module: Module, work: Path, names: list[str] | None = None) -> float:
    """Runs mutmut in the copy (all mutants without a result, or the named ones again); the minutes it took."""
    started = time.monotonic()
    run = subprocess.run(["nice", "-n", "10", str(MUTMUT), "run", "--max-children", "1", *(names or [])], cwd=work,
                         env=_environment(), capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"mutmut failed on {module.name}:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    return (time.monotonic() - started) / 60


def results(work: Path) -> dict[str, str]:
    """The status of every mutant of the copy."""
    listing = subprocess.run([str(MUTMUT), "results", "--all", "true"], cwd=work, env=_environment(),
                             capture_output=True, text=True, check=True).stdout
    return {m.group(1): m.group(2) for m in map(RESULT_LINE.match, listing.splitlines()) if m}


def again(module: Module, work: Path) -> tuple[dict[str, str], float]:
    """After tests were added: the copy takes the current code and tests; every survivor runs again, then the
    mutants of functions that changed. Killed mutants stay killed (tests were added, none removed); mutants an
    interrupted run never reached stay unrun. Returns the statuses of the first run (kept in the copy across several
    --again runs) and the minutes."""
    first = work / "first-run.json"
    if not first.exists():
        first.write_text(json.dumps(results(work)), encoding="utf-8")
    before = json.loads(first.read_text(encoding="utf-8"))
    refresh(work)
    configure(module, work)
    survivors = [name for name, status in before.items() if _bucket(status) == SURVIVED]
    minutes = mutate(module, work, survivors) if survivors else 0.0
    changed = [name for name, status in results(work).items()
               if status == NOT_RUN and before.get(name, KILLED) != NOT_RUN]
    return before, minutes + (mutate(module, work, changed) if changed else 0.0)


def _environment() -> dict[str, str]:
    """The copy's own code first; one OpenMP thread: mutmut forks each mutant's test run from a process whose tests
    already decoded a raw with libraw, and GNU OpenMP's threads hang in a forked child (every surviving mutant of a
    function a raw test runs was a 'timeout')."""
    return {**{k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, "OMP_NUM_THREADS": "1"}


def _bucket(status: str) -> str:
    """killed, timeout, not run (an interrupted run), or survived (a mutant no test runs is a survivor too)."""
    return status if status in (KILLED, TIMEOUT, NOT_RUN) else SURVIVED


def excuse(mutant: str) -> str | None:
    """Why a surviving mutant cannot be killed, if it cannot."""
    if mutant in EQUIVALENT:
        return f"equivalent: {EQUIVALENT[mutant]}"
    return next((f"never runs: {why}" for prefix, why in IMPORT_TIME.items() if mutant.startswith(prefix)), None)


def table(rows: list[tuple[str, dict[str, str], float, dict[str, str] | None]]) -> list[str]:
    lines = [stamp(), f"{'module':<12}{'mutants':>8}{'not run':>8}{'killed':>8}{'survived':>9}{'timeouts':>9}"
             f"{'killed %':>9}{'excused':>8}{'of rest %':>10}{'minutes':>8}{'before %':>9}"]
    for name, statuses, minutes, before in rows:
        counts = Counter(_bucket(status) for status in statuses.values())
        run, caught = sum(counts.values()) - counts[NOT_RUN], counts[KILLED] + counts[TIMEOUT]
        excused = sum(1 for mutant, status in statuses.items() if _bucket(status) == SURVIVED and excuse(mutant))
        earlier = f"{_share(*_caught(before)):>8.0f}%" if before else f"{'':>9}"
        lines.append(f"{name:<12}{sum(counts.values()):>8}{counts[NOT_RUN]:>8}{counts[KILLED]:>8}"
                     f"{counts[SURVIVED]:>9}{counts[TIMEOUT]:>9}{_share(caught, run):>8.0f}%{excused:>8}"
                     f"{_share(caught, run - excused):>9.0f}%{minutes:>8.1f}{earlier}")
    lines.append("killed %: of the mutants run, killed or timed out (the mutant hung the tests); not run: left by an "
                 "interrupted run; excused: survivors that are equivalent or never run (listed below); of rest %: "
                 "killed among the others; before %: killed % before the tests were added (--again)")
    return lines


def _caught(statuses: dict[str, str]) -> tuple[int, int]:
    buckets = Counter(_bucket(status) for status in statuses.values())
    return buckets[KILLED] + buckets[TIMEOUT], len(statuses) - buckets[NOT_RUN]


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
    parser.add_argument("--again", action="store_true",
                        help="reuse the copies of an earlier run: changed functions and survivors run again")
    args = parser.parse_args()
    chosen = [m for m in MODULES if m.name in args.only.split(",")]
    for module in chosen:
        work = args.work / module.name
        if args.again:
            before, minutes = again(module, work)
        else:
            prepare(module, work)
            before, minutes = None, mutate(module, work)
        statuses = results(work)
        section = [*table([(module.name, statuses, minutes, before)]),
                   f"\n{module.name}: surviving mutants (`mutmut show NAME` in {work})", *survivors(statuses)]
        print("\n".join(section), flush=True)
        write_section(args.out, module.name, section)
    print(f"written to {args.out}")


def write_section(out: Path, name: str, lines: list[str]) -> None:
    """The module's section of the results file replaced (or added): the other modules' results stay."""
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    head, *parts = re.split(r"^(?=" + re.escape(SECTION) + r")", text, flags=re.MULTILINE)
    sections = {part.splitlines()[0][len(SECTION):].strip(): part.rstrip("\n") + "\n" for part in parts}
    sections[name] = "\n".join([f"{SECTION}{name}", *lines]) + "\n"
    out.write_text(head + "\n".join(sections.values()), encoding="utf-8")


if __name__ == "__main__":
    main()
