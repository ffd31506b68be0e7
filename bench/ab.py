"""Interleaved A/B of two source trees on one dataset: bench.load's scenarios, old and new code alternately.

    python -m bench.ab --old /work/bench-old --new /work/main --rounds 4 --duration 15

Each run is `python -m bench.load --only ... --json FILE` as a subprocess with cwd and PYTHONPATH set to that side's
tree, so each side is measured by its own tree's bench.load and served by its own tree's `app` (the shared
virtualenv has an editable install of /work/main: without PYTHONPATH the `ruche` script imports /work/main/app,
whatever the working directory). A `sitecustomize` probe on PYTHONPATH logs where each process found `app`; a run
whose server, workers or driver imported `app` from elsewhere stops the A/B. The order alternates each round
(old, new; then new, old; ...). bench.load deletes the posts it created after each run; the row counts of every
table are checked unchanged between runs.

Prints per scenario each round's req/s and p99 for both sides, the medians, the ratio new/old of the medians and
the verdicts: new keeps at least 90% of old's throughput, and meets issue 3's targets (wrk's closed loop, and the
open loop at the target's rate). Exit status 0 when every verdict passes, 1 otherwise, 2 when a run fails.
"""

import argparse
import json
import os
import shlex
import socket
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# Short names (--only) for bench.load's scenario names.
SCENARIOS = {"home": "home feed HTML", "group": "group feed JSON", "post_page": "post page HTML",
             "create": "create post"}
SHOWN = {"home feed HTML": "GET /", "group feed JSON": "GET /api/v1/groups/{id}/posts",
         "post page HTML": "GET /posts/{id}", "create post": "POST /api/v1/posts"}
CEILING = "ceiling (ping)"
# Issue 3's targets on PostgreSQL with 32 connections: requests/s, and p99 in ms (bench.load.TARGETS; a test checks
# they agree). The post page has none: only its throughput ratio is judged.
TARGETS = {"home feed HTML": (500, 100), "group feed JSON": (600, 80), "create post": (150, 150)}
MIN_RATIO = 0.90
# A run that starts with the 1-minute load average at or above this shared the two cores with other work.
BUSY_LOADAVG = 1.0
PROBE_MARK = "BENCH_AB_APP"

# Put on PYTHONPATH ahead of the tree: in every Python process of a run (bench.load, `ruche serve`, its spawned
# workers and index writer) it reports, once, the file the import system picks for `app`, by asking the same
# finders in the same order as the import that follows.
PROBE = f'''
import os, sys

class _AppProbe:
    done = False

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name != "app" or cls.done:
            return None
        cls.done = True
        for finder in sys.meta_path:
            if finder is cls or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                print("{PROBE_MARK} pid=%d origin=%s" % (os.getpid(), spec.origin), file=sys.stderr, flush=True)
                return spec
        return None

sys.meta_path.insert(0, _AppProbe)
'''


# ---- pure parts: parsing bench.load's JSON, medians, ratios, verdicts ----------------------------------------


@dataclass(frozen=True)
class Sample:
    """One scenario in one run: wrk's closed loop, then (scenarios with a target) the open loop at its rate."""

    rate: float | None  # req/s; None when the scenario did not run
    p99_ms: float | None
    errors: int = 0  # non-2xx answers and socket errors, both loops
    cpu_ms: float | None = None  # server + database CPU per request
    at_rate: float | None = None  # answered req/s at the target's rate
    at_rate_p99_ms: float | None = None
    unavailable: str | None = None


@dataclass(frozen=True)
class Run:
    side: str
    round: int
    ceiling: float | None
    samples: dict[str, Sample]
    loadavg: str = ""
    loop_ms: str = ""


def parse_load_json(data: dict[str, Any], names: list[str]) -> tuple[float | None, dict[str, Sample], str, str]:
    """The ceiling, each named scenario's sample, the load averages and reference loop times of a bench.load JSON."""
    results, at_rates = data.get("results", {}), data.get("at_target_rate", {})
    samples = {}
    for name in names:
        result = results.get(name)
        if not isinstance(result, dict):
            samples[name] = Sample(None, None, unavailable=str(result or "missing"))
            continue
        cpu = result.get("cpu_ms_per_request") or {}
        at = at_rates.get(name)
        errors = int(result.get("non2xx", 0)) + int(result.get("socket_errors", 0))
        if at:
            errors += int(at.get("non2xx", 0)) + int(at.get("errors", 0))
        samples[name] = Sample(
            rate=float(result["rate"]), p99_ms=float(result["p99_ms"]), errors=errors,
            cpu_ms=float(cpu["app"]) + float(cpu["database"]) if cpu else None,
            at_rate=float(at["rate"]) if at else None, at_rate_p99_ms=float(at["p99_ms"]) if at else None)
    ceiling = results.get(CEILING)
    before, after = data.get("machine_before", {}), data.get("machine_after", {})
    return (float(ceiling["rate"]) if isinstance(ceiling, dict) else None, samples,
            f"{before.get('loadavg', '?').split()[0]} → {after.get('loadavg', '?').split()[0]}",
            f"{before.get('loop_ms', '?')} → {after.get('loop_ms', '?')}")


def median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def ratio(new: float | None, old: float | None) -> float | None:
    return new / old if new is not None and old else None


def side_order(round_no: int) -> tuple[str, str]:
    """Round 1 runs old then new, round 2 new then old, and so on."""
    return ("old", "new") if round_no % 2 == 1 else ("new", "old")


@dataclass(frozen=True)
class Verdict:
    name: str
    old_rate: float | None
    new_rate: float | None
    old_p99: float | None
    new_p99: float | None
    throughput_ratio: float | None
    throughput_ok: bool
    target: tuple[int, int] | None
    # Issue 3's target on the medians: wrk's closed loop, then the open loop at the target's rate (None: no target,
    # or not measured).
    old_target_ok: bool | None = None
    new_target_ok: bool | None = None
    old_at_rate_ok: bool | None = None
    new_at_rate_ok: bool | None = None
    errors: int = 0  # non-2xx and socket errors of the new side, all rounds
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return (self.throughput_ok and self.new_target_ok is not False and self.new_at_rate_ok is not False
                and not self.errors)


def meets(rate: float | None, p99: float | None, target: tuple[int, int]) -> bool | None:
    if rate is None or p99 is None:
        return None
    return rate >= target[0] and p99 <= target[1]


def verdict(name: str, old: list[Sample], new: list[Sample], min_ratio: float = MIN_RATIO) -> Verdict:
    """Judge one scenario on the medians over the rounds of each side."""
    old_rate, new_rate = median([s.rate for s in old]), median([s.rate for s in new])
    old_p99, new_p99 = median([s.p99_ms for s in old]), median([s.p99_ms for s in new])
    r = ratio(new_rate, old_rate)
    target = TARGETS.get(name)
    notes = [f"{side}: not run in {n} round(s) ({reasons})" for side, samples in (("old", old), ("new", new))
             if (n := sum(s.rate is None for s in samples))
             and (reasons := ", ".join(sorted({s.unavailable or "?" for s in samples if s.rate is None})))]
    verdict_args: dict[str, Any] = {}
    if target:
        verdict_args = {
            "old_target_ok": meets(old_rate, old_p99, target), "new_target_ok": meets(new_rate, new_p99, target),
            "old_at_rate_ok": meets(_at_rate_median(old), median([s.at_rate_p99_ms for s in old]), target),
            "new_at_rate_ok": meets(_at_rate_median(new), median([s.at_rate_p99_ms for s in new]), target),
        }
    errors = sum(s.errors for s in new)
    if errors:
        notes.append(f"new: {errors} non-2xx or socket errors")
    if (old_errors := sum(s.errors for s in old)):
        notes.append(f"old: {old_errors} non-2xx or socket errors")
    if new_rate is None:
        notes.append("new side has no figure")
    return Verdict(name, old_rate, new_rate, old_p99, new_p99, r, r is not None and r >= min_ratio, target,
                   errors=errors, notes=notes, **verdict_args)


def _at_rate_median(samples: list[Sample]) -> float | None:
    # bench.openloop's answered rate is over the schedule: int(rate * seconds) answers in `seconds` read slightly
    # below the rate when rate * seconds is not whole; round to the request.
    value = median([s.at_rate for s in samples])
    return None if value is None else round(value, 0)


# ---- report -------------------------------------------------------------------------------------------------


def _f(value: float | None, fmt: str = ",.0f") -> str:
    return "–" if value is None else format(value, fmt)


def _ok(value: bool | None) -> str:
    return "n/a" if value is None else ("met" if value else "**not met**")


def report(runs: list[Run], names: list[str], min_ratio: float = MIN_RATIO) -> tuple[str, list[Verdict]]:
    """Markdown: the runs (ceiling, load average), one table per scenario, then the verdicts."""
    out = ["| round | side | ceiling req/s | load average | reference loop ms |", "| --- | --- | ---: | --- | --- |"]
    out += [f"| {r.round} | {r.side} | {_f(r.ceiling)} | {r.loadavg} | {r.loop_ms} |" for r in runs]
    verdicts = []
    cpu_ratio: dict[str, float | None] = {}
    rounds = sorted({r.round for r in runs})
    for name in names:
        target = TARGETS.get(name)
        at_head = f" | old @{target[0]}/s p99 | new @{target[0]}/s p99" if target else ""
        title = f"\n### {name} ({SHOWN.get(name, '')})"
        if target:
            title += f": issue 3, ≥ {target[0]} req/s with p99 ≤ {target[1]} ms"
        out += [title, "",
                (f"| round | order | old req/s | old p99 ms | new req/s | new p99 ms | old CPU ms/req | new CPU ms/req"
                f"{at_head} |"),
                "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---:" + (" | ---: | ---:" if target else "") + " |"]
        by_side: dict[str, list[Sample]] = {"old": [], "new": []}
        for round_no in rounds:
            cells = {r.side: r.samples.get(name, Sample(None, None, unavailable="missing"))
                     for r in runs if r.round == round_no}
            for side, sample in cells.items():
                by_side[side].append(sample)
            o, n = cells.get("old", Sample(None, None)), cells.get("new", Sample(None, None))
            at = f" | {_f(o.at_rate_p99_ms, '.1f')} | {_f(n.at_rate_p99_ms, '.1f')}" if target else ""
            out.append(f"| {round_no} | {' → '.join(side_order(round_no))} | {_f(o.rate)} | {_f(o.p99_ms, '.1f')} | "
                       f"{_f(n.rate)} | {_f(n.p99_ms, '.1f')} | {_f(o.cpu_ms, '.2f')} | {_f(n.cpu_ms, '.2f')}{at} |")
        v = verdict(name, by_side["old"], by_side["new"], min_ratio)
        verdicts.append(v)
        med = {side: {k: median([getattr(s, k) for s in by_side[side]]) for k in ("cpu_ms", "at_rate_p99_ms")}
               for side in by_side}
        at = (f" | {_f(med['old']['at_rate_p99_ms'], '.1f')} | {_f(med['new']['at_rate_p99_ms'], '.1f')}"
              if target else "")
        out.append(f"| median | | {_f(v.old_rate)} | {_f(v.old_p99, '.1f')} | {_f(v.new_rate)} | "
                   f"{_f(v.new_p99, '.1f')} | {_f(med['old']['cpu_ms'], '.2f')} | {_f(med['new']['cpu_ms'], '.2f')}"
                   f"{at} |")
        out.append("")
        out.append(f"new/old of the medians: req/s {_f(v.throughput_ratio, '.3f')} "
                   f"(≥ {min_ratio:.2f}: {'PASS' if v.throughput_ok else 'FAIL'}), "
                   f"p99 {_f(ratio(v.new_p99, v.old_p99), '.3f')}, "
                   f"CPU/req {_f(ratio(med['new']['cpu_ms'], med['old']['cpu_ms']), '.3f')}")
        if target:
            out.append(f"issue-3 target on the medians, wrk: old {_ok(v.old_target_ok)}, new {_ok(v.new_target_ok)}; "
                       f"at {target[0]}/s: old {_ok(v.old_at_rate_ok)}, new {_ok(v.new_at_rate_ok)}")
        cpu_ratio[name] = ratio(med["new"]["cpu_ms"], med["old"]["cpu_ms"])
        out += [f"note: {note}" for note in v.notes]
        out.append(f"**{'PASS' if v.passed else 'FAIL'}**")
    out += ["\n### Summary", "",
            ("| scenario | old req/s | new req/s | new/old | ≥ 90% | old p99 ms | new p99 ms | target (wrk) | "
            "target (at rate) | CPU/req new/old | verdict |"),
            "| --- | ---: | ---: | ---: | --- | ---: | ---: | --- | --- | ---: | --- |"]
    for v in verdicts:
        out.append(f"| {v.name} | {_f(v.old_rate)} | {_f(v.new_rate)} | {_f(v.throughput_ratio, '.3f')} | "
                   f"{'yes' if v.throughput_ok else '**no**'} | {_f(v.old_p99, '.1f')} | {_f(v.new_p99, '.1f')} | "
                   f"{_ok(v.new_target_ok)} | {_ok(v.new_at_rate_ok)} | {_f(cpu_ratio.get(v.name), '.3f')} | "
                   f"{'PASS' if v.passed else '**FAIL**'} |")
    busy = [f"round {r.round} {r.side} ({r.loadavg})" for r in runs if busy_start(r.loadavg)]
    if busy:
        out.append(f"\nwarning: the machine was busy before {len(busy)} of {len(runs)} runs (1-minute load average "
                   f"≥ {BUSY_LOADAVG} at the start: {', '.join(busy)}). Other work on these cores moves req/s and p99 "
                   "by tens of percent between runs of the same code; CPU per request moves much less. Rerun on a "
                   "quiet machine before reading the verdicts.")
    return "\n".join(out), verdicts


def busy_start(loadavg: str) -> bool:
    """Whether a run's "before → after" load average started at or above BUSY_LOADAVG."""
    try:
        return float(loadavg.split("→")[0]) >= BUSY_LOADAVG
    except ValueError:
        return False


def check_origins(lines: list[str], tree: Path, expect: int = 1) -> list[str]:
    """The problems with the probe's lines of one process group: fewer than `expect` reports, or an `app` found
    outside `tree`."""
    origins = [line.split("origin=", 1)[1].strip() for line in lines if PROBE_MARK in line and "origin=" in line]
    problems = [] if len(origins) >= expect else [(f"{len(origins)} process(es) reported where they found app, "
                                                  f"expected at least {expect}")]
    app_dir = (tree / "app").resolve()
    for origin in origins:
        if not Path(origin).resolve().is_relative_to(app_dir):
            problems.append(f"app imported from {origin}, not {app_dir}")
    return problems


def parse_only(value: str) -> list[str]:
    """bench.load's scenario names for a comma-separated list of short names (home, group, post_page, create)."""
    names = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        if part in SCENARIOS:
            names.append(SCENARIOS[part])
        elif part in SCENARIOS.values():
            names.append(part)
        else:
            raise ValueError(f"unknown scenario {part!r}: choose among {', '.join(SCENARIOS)}")
    return list(dict.fromkeys(names))


# ---- running ------------------------------------------------------------------------------------------------


def tree_env(tree: Path, probe_dir: Path, python: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = f"{probe_dir}{os.pathsep}{tree}"
    env["PATH"] = f"{Path(python).parent}{os.pathsep}{env.get('PATH', '')}"  # bench.load runs the venv's `ruche`
    env["PYTHONUNBUFFERED"] = "1"
    return env


HEADS_SCRIPT = """
import json, app
from alembic.script import ScriptDirectory
from app.migrate import alembic_config
print(json.dumps({"app": app.__file__, "heads": sorted(ScriptDirectory.from_config(alembic_config("x")).get_heads())}))
"""


def tree_heads(tree: Path, probe_dir: Path, python: str) -> list[str]:
    """The tree's Alembic heads, read by the tree's own code; checks that it imports its own `app`."""
    done = subprocess.run([python, "-c", HEADS_SCRIPT], cwd=tree, env=tree_env(tree, probe_dir, python),
                          capture_output=True, text=True, check=False, timeout=120)
    if done.returncode:
        raise SystemExit(f"{tree}: cannot read its migrations:\n{done.stderr}")
    info = json.loads(done.stdout.strip().splitlines()[-1])
    if problems := check_origins(done.stderr.splitlines(), tree):
        raise SystemExit(f"{tree}: {'; '.join(problems)}")
    return list(info["heads"])


def _sync_url(database_url: str) -> str:
    return database_url.replace("postgresql+asyncpg://", "postgresql://").replace("sqlite+aiosqlite://", "sqlite://")


def _query(database_url: str, statements: list[tuple[str, tuple[Any, ...]]]) -> list[list[tuple[Any, ...]]]:
    url = _sync_url(database_url)
    if url.startswith("sqlite"):
        import sqlite3

        conn: Any = sqlite3.connect(url.split("sqlite:///", 1)[1])
        placeholder = "?"
    else:
        import psycopg

        conn = psycopg.connect(url, autocommit=True)
        placeholder = "%s"
    try:
        out = []
        for sql, params in statements:
            cur = conn.execute(sql.replace("?", placeholder), params)
            out.append(list(cur.fetchall()) if cur.description else [])
        if url.startswith("sqlite"):
            conn.commit()
        return out
    finally:
        conn.close()


def fingerprint(database_url: str) -> dict[str, int | str]:
    """Row count of every table, and the Alembic revision: what must not change between runs."""
    if _sync_url(database_url).startswith("sqlite"):
        tables_sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    else:
        tables_sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    tables = [row[0] for row in _query(database_url, [(tables_sql, ())])[0]]
    counts = _query(database_url, [(f'SELECT count(*) FROM "{t}"', ()) for t in tables])
    result: dict[str, int | str] = {t: int(rows[0][0]) for t, rows in zip(tables, counts, strict=True)}
    if "alembic_version" in tables:
        result["alembic_version"] = ",".join(sorted(r[0] for r in _query(
            database_url, [("SELECT version_num FROM alembic_version", ())])[0]))
    return result


def stamp(database_url: str, revision: str) -> None:
    """Set the recorded revision without migrating (each side's `ruche serve` upgrades to its own head at start)."""
    _query(database_url, [("UPDATE alembic_version SET version_num = ?", (revision,))])


def db_now(database_url: str) -> Any:
    return _query(database_url, [("SELECT CURRENT_TIMESTAMP", ())])[0][0][0]


def delete_sessions_since(database_url: str, since: Any) -> None:
    """bench.load signs its viewers in (one `auth_sessions` row each) and leaves the sessions: remove them."""
    _query(database_url, [("DELETE FROM auth_sessions WHERE created_at >= ?", (since,))])


def upgrade_with(tree: Path, probe_dir: Path, python: str, database_url: str) -> None:
    script = "import sys; from app import migrate; migrate.upgrade(sys.argv[1])"
    subprocess.run([python, "-c", script, database_url], cwd=tree, env=tree_env(tree, probe_dir, python),
                   check=True, timeout=1800)


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def run_side(tree: Path, side: str, round_no: int, args: argparse.Namespace, names: list[str], out_dir: Path,
             probe_dir: Path) -> Run:
    if port_in_use(args.port):
        # bench.load waits for /healthz on the port: another server there would be measured in place of this one.
        raise RuntimeError(f"port {args.port} is already in use: stop what listens there or pass --port")
    stem = out_dir / f"round{round_no}-{side}"
    json_path, log_path = stem.with_suffix(".json"), Path(f"{stem}-server.log")
    cmd = [args.python, "-m", "bench.load", "--database-url", args.database_url, "--workers", str(args.workers),
           "--connections", str(args.connections), "--duration", str(args.duration), "--warmup", str(args.warmup),
           "--port", str(args.port), "--only", ",".join(names), "--json", str(json_path), "--log", str(log_path)]
    if args.no_target_rates:
        cmd.append("--no-target-rates")
    print(f"[{datetime.now(UTC):%H:%M:%S}] round {round_no}, {side} ({tree}): {shlex.join(cmd[1:])}",
          file=sys.stderr, flush=True)
    with Path(f"{stem}.out").open("w") as output:
        done = subprocess.run(cmd, cwd=tree, env=tree_env(tree, probe_dir, args.python), stdout=output,
                              stderr=subprocess.STDOUT, check=False, timeout=3600)
    driver_lines = Path(f"{stem}.out").read_text().splitlines()
    if done.returncode or not json_path.exists():
        raise RuntimeError(f"bench.load failed (exit {done.returncode}); see {stem}.out and {log_path}")
    # The driver, then the server: `ruche serve`, its workers (spawned interpreters) and the index writer.
    problems = check_origins(driver_lines, tree) + check_origins(log_path.read_text().splitlines(), tree,
                                                                  expect=1 + args.workers)
    if problems:
        raise RuntimeError(f"{side} did not run its own code: {'; '.join(problems)} (see {log_path})")
    ceiling, samples, loadavg, loop_ms = parse_load_json(json.loads(json_path.read_text()), names)
    for name in names:
        s = samples[name]
        at = f", at rate p99 {_f(s.at_rate_p99_ms, '.1f')} ms" if s.at_rate_p99_ms is not None else ""
        print(f"    {name}: {_f(s.rate)} req/s, p99 {_f(s.p99_ms, '.1f')} ms{at}"
              + (f", {s.errors} errors" if s.errors else "") + (f" ({s.unavailable})" if s.unavailable else ""),
              file=sys.stderr, flush=True)
    return Run(side, round_no, ceiling, samples, loadavg, loop_ms)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.ab", description=__doc__.split("\n")[0])
    parser.add_argument("--old", type=Path, help="source tree of the old code")
    parser.add_argument("--new", type=Path, help="source tree of the new code")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=15, help="seconds per scenario and loop (bench.load)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--only", default=",".join(SCENARIOS), help=f"among {', '.join(SCENARIOS)}")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/ruche_bench")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=8150)
    parser.add_argument("--python", default=sys.executable, help="the shared virtualenv's Python")
    parser.add_argument("--no-target-rates", action="store_true", help="skip the open loop at each target's rate")
    parser.add_argument("--upgrade-to-new", action="store_true",
                        help="when the trees' migration heads differ: upgrade the database with the new tree first, "
                             "then before each run record that side's head as the database's revision (the old code "
                             "must work on the new schema)")
    parser.add_argument("--out", type=Path, default=None, help="folder for each run's JSON, output and server log")
    parser.add_argument("--min-ratio", type=float, default=MIN_RATIO)
    parser.add_argument("--report", type=Path, default=None, metavar="DIR",
                        help="print the report of an earlier A/B from its folder's runs.json, and run nothing")
    return parser.parse_args(argv)


def load_runs(data: list[dict[str, Any]]) -> list[Run]:
    """The runs saved in an A/B folder's runs.json."""
    return [Run(r["side"], r["round"], r["ceiling"], {n: Sample(**s) for n, s in r["samples"].items()},
                r.get("loadavg", ""), r.get("loop_ms", "")) for r in data]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        names = parse_only(args.only)
    except ValueError as exc:
        raise SystemExit(str(exc)) from None
    if args.report:
        saved = load_runs(json.loads((args.report / "runs.json").read_text()))
        text, verdicts = report(saved, [n for n in names if any(n in r.samples for r in saved)], args.min_ratio)
        print(text)
        return 0 if all(v.passed for v in verdicts) else 1
    if not args.old or not args.new:
        raise SystemExit("--old and --new are required")
    trees = {"old": args.old.resolve(), "new": args.new.resolve()}
    for side, tree in trees.items():
        if not (tree / "app").is_dir() or not (tree / "bench" / "load.py").is_file():
            raise SystemExit(f"--{side} {tree}: no app/ or bench/load.py")
    out_dir = args.out or Path(tempfile.mkdtemp(prefix=f"ruche-ab-{datetime.now(UTC):%Y%m%d-%H%M%S}-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    probe_dir = out_dir / "probe"
    probe_dir.mkdir(exist_ok=True)
    (probe_dir / "sitecustomize.py").write_text(PROBE)

    heads = {side: tree_heads(tree, probe_dir, args.python) for side, tree in trees.items()}
    start = fingerprint(args.database_url)
    current = str(start.get("alembic_version", ""))
    print(f"migration heads: old {heads['old']}, new {heads['new']}; database at {current or 'nothing'}",
          file=sys.stderr)
    if any(len(h) != 1 for h in heads.values()):
        raise SystemExit("each tree must have exactly one migration head")
    head = {side: h[0] for side, h in heads.items()}
    stamps = False
    if head["old"] != head["new"]:
        if not args.upgrade_to_new:
            raise SystemExit(
                "the trees' migration heads differ, and `ruche serve` upgrades the database to its own head at "
                "start: the old server would then fail on a revision it does not know. Rerun with --upgrade-to-new "
                "(the database is upgraded once with the new tree, both sides then run on the new schema), or "
                "compare on a copy of the dataset.")
        if current != head["new"]:
            print(f"upgrading the database to {head['new']} with {trees['new']}", file=sys.stderr)
            upgrade_with(trees["new"], probe_dir, args.python, args.database_url)
            start = fingerprint(args.database_url)
        stamps = True
    elif current != head["old"]:
        raise SystemExit(f"the database is at {current}, both trees at {head['old']}: upgrade it first "
                         "(python -m app.cli db upgrade, or regenerate) so that no run migrates it")

    print(f"runs in {out_dir}", file=sys.stderr)
    runs: list[Run] = []
    changed: list[str] = []
    failed = ""
    try:
        for round_no in range(1, args.rounds + 1):
            if failed:
                break
            for side in side_order(round_no):
                if stamps:
                    stamp(args.database_url, head[side])
                sessions_since = db_now(args.database_url) if "auth_sessions" in start else None
                try:
                    runs.append(run_side(trees[side], side, round_no, args, names, out_dir, probe_dir))
                except RuntimeError as exc:
                    failed = f"round {round_no}, {side}: {exc}"
                    print(f"error: {failed}", file=sys.stderr)
                    break
                finally:
                    if stamps:
                        stamp(args.database_url, head["new"])
                    if sessions_since is not None:
                        delete_sessions_since(args.database_url, sessions_since)
                now = fingerprint(args.database_url)
                if now != start:
                    diff = {k: (start.get(k), now.get(k)) for k in sorted(set(start) | set(now))
                            if start.get(k) != now.get(k)}
                    changed.append(f"after round {round_no} {side}: {diff}")
                    print(f"warning: the dataset changed: {diff}", file=sys.stderr)
                    start = now
    finally:
        if stamps:
            stamp(args.database_url, head["new"])
    text, verdicts = report(runs, names, args.min_ratio)
    (out_dir / "runs.json").write_text(json.dumps([
        {"side": r.side, "round": r.round, "ceiling": r.ceiling, "loadavg": r.loadavg, "loop_ms": r.loop_ms,
         "samples": {n: s.__dict__ for n, s in r.samples.items()}} for r in runs], indent=2))
    print(f"\n## A/B, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: old {trees['old']} against new {trees['new']}, "
          f"{args.rounds} rounds alternating, bench.load --duration {args.duration} --workers {args.workers} "
          f"--connections {args.connections}; nproc {os.cpu_count()}, load average now "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print(text)
    for note in changed:
        print(f"\nwarning: the dataset changed between runs, {note}")
    if failed:
        print(f"\nerror: the A/B stopped at {failed}")
    print(f"\nfiles: {out_dir}")
    if failed:
        return 2
    return 0 if all(v.passed for v in verdicts) and not changed else 1


if __name__ == "__main__":
    sys.exit(main())
