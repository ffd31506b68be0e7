"""The A/B harness's pure parts: reading bench.load's JSON, medians, ratios, verdicts, the report, and the probe
that tells which tree each process imported `app` from."""

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import ab, load
from bench.ab import Run, Sample
from bench.openloop import RateResult
from bench.wrk import Result


def load_json(rates: dict[str, tuple[float, float]], at_rate: dict[str, tuple[float, float]] | None = None,
              unavailable: dict[str, str] | None = None) -> dict:
    """A results file shaped as bench.load writes it: {name: (req/s, p99 ms)} over 10 s."""
    results: dict = {}
    for name, (rate, p99) in rates.items():
        r = Result(requests=int(rate * 10), seconds=10.0, p50_ms=p99 / 3, p99_ms=p99, non2xx=0, socket_errors=0)
        results[name] = r.__dict__ | {"rate": r.rate, "ratio": 0.1,
                                      "cpu_ms_per_request": {"app": 2.0, "database": 0.5, "client": 0.05}}
    results.update(unavailable or {})
    at = {}
    for name, (rate, p99) in (at_rate or {}).items():
        a = RateResult(offered=rate, seconds=10, elapsed=10.02, scheduled=int(rate * 10), answered=int(rate * 10),
                       p50_ms=5.0, p99_ms=p99, max_ms=p99 * 2, non2xx=0, errors=0)
        at[name] = a.__dict__ | {"rate": a.rate}
    return {"results": results, "at_target_rate": at,
            "machine_before": {"loadavg": "0.50 0.40 0.30", "loop_ms": 50.1},
            "machine_after": {"loadavg": "1.90 0.80 0.40", "loop_ms": 52.3}}


NAMES = ["home feed HTML", "group feed JSON", "post page HTML", "create post"]


class TestParsing:
    def test_reads_rates_p99_cpu_and_the_open_loop(self) -> None:
        data = load_json({"ceiling (ping)": (7000, 5), "home feed HTML": (800, 60), "create post": (650, 70)},
                         at_rate={"home feed HTML": (500, 40)}, unavailable={"post page HTML": "not available (404)"})
        ceiling, samples, loadavg, loop = ab.parse_load_json(data, NAMES)
        assert ceiling == 7000
        home = samples["home feed HTML"]
        assert (home.rate, home.p99_ms, home.at_rate, home.at_rate_p99_ms) == (800, 60, 500, 40)
        assert home.cpu_ms == pytest.approx(2.5) and home.errors == 0
        assert samples["create post"].at_rate is None
        assert samples["post page HTML"] == Sample(None, None, unavailable="not available (404)")
        assert samples["group feed JSON"].unavailable == "missing"
        assert (loadavg, loop) == ("0.50 → 1.90", "50.1 → 52.3")

    def test_counts_errors_of_both_loops(self) -> None:
        data = load_json({"create post": (650, 70)}, at_rate={"create post": (150, 10)})
        data["results"]["create post"] |= {"non2xx": 3, "socket_errors": 1}
        data["at_target_rate"]["create post"] |= {"non2xx": 2, "errors": 5}
        assert ab.parse_load_json(data, ["create post"])[1]["create post"].errors == 11

    def test_only_takes_short_or_full_names(self) -> None:
        assert ab.parse_only("home,group,post_page,create") == NAMES
        assert ab.parse_only("create, home feed HTML,create") == ["create post", "home feed HTML"]
        with pytest.raises(ValueError, match="unknown scenario 'post'"):
            ab.parse_only("post")

    def test_targets_are_bench_loads(self) -> None:
        assert ab.TARGETS == load.TARGETS
        assert set(ab.SCENARIOS.values()) <= {s for s in ab.SHOWN}

    def test_order_alternates(self) -> None:
        assert [ab.side_order(r) for r in (1, 2, 3, 4)] == [("old", "new"), ("new", "old")] * 2


class TestVerdicts:
    def test_median_and_ratio(self) -> None:
        assert ab.median([3.0, None, 1.0, 2.0]) == 2.0
        assert ab.median([4.0, 1.0]) == 2.5
        assert ab.median([None]) is None
        assert ab.ratio(90.0, 100.0) == 0.9 and ab.ratio(1.0, None) is None and ab.ratio(None, 2.0) is None

    def test_passes_at_ninety_percent_of_the_median_and_within_the_target(self) -> None:
        old = [Sample(1000, 50, at_rate=500, at_rate_p99_ms=20), Sample(800, 70, at_rate=500, at_rate_p99_ms=30),
               Sample(700, 90, at_rate=500, at_rate_p99_ms=500)]
        new = [Sample(720, 60, at_rate=499.6, at_rate_p99_ms=40), Sample(900, 55, at_rate=500, at_rate_p99_ms=20),
               Sample(500, 99, at_rate=480, at_rate_p99_ms=300)]
        v = ab.verdict("home feed HTML", old, new)
        assert (v.old_rate, v.new_rate, v.old_p99, v.new_p99) == (800, 720, 70, 60)
        assert v.throughput_ratio == pytest.approx(0.9) and v.throughput_ok
        assert v.old_target_ok and v.new_target_ok and v.old_at_rate_ok and v.new_at_rate_ok
        assert v.passed

    def test_fails_below_ninety_percent(self) -> None:
        v = ab.verdict("group feed JSON", [Sample(1000, 40)], [Sample(899, 40)])
        assert v.throughput_ratio == pytest.approx(0.899) and not v.throughput_ok and not v.passed

    def test_fails_over_the_target_p99_even_when_faster_than_old(self) -> None:
        v = ab.verdict("group feed JSON", [Sample(700, 90)], [Sample(700, 81)])
        assert v.throughput_ok and v.old_target_ok is False and v.new_target_ok is False and not v.passed
        slow = ab.verdict("create post", [Sample(600, 70, at_rate=150, at_rate_p99_ms=20)],
                          [Sample(600, 70, at_rate=150, at_rate_p99_ms=151)])
        assert slow.new_target_ok and slow.new_at_rate_ok is False and not slow.passed
        behind = ab.verdict("create post", [Sample(600, 70)], [Sample(600, 70, at_rate=140, at_rate_p99_ms=20)])
        assert behind.new_at_rate_ok is False and behind.old_at_rate_ok is None and not behind.passed

    def test_errors_of_the_new_side_fail(self) -> None:
        v = ab.verdict("create post", [Sample(600, 70)], [Sample(600, 70, errors=2)])
        assert v.throughput_ok and v.new_target_ok and not v.passed
        assert "new: 2 non-2xx or socket errors" in v.notes

    def test_the_post_page_has_no_target_only_the_ratio(self) -> None:
        v = ab.verdict("post page HTML", [Sample(300, 500)], [Sample(290, 900)])
        assert v.target is None and v.new_target_ok is None and v.new_at_rate_ok is None and v.passed

    def test_a_side_that_did_not_run_fails(self) -> None:
        v = ab.verdict("post page HTML", [Sample(300, 100)], [Sample(None, None, unavailable="not available (404)")])
        assert v.new_rate is None and not v.passed
        assert "new: not run in 1 round(s) (not available (404))" in v.notes


class TestReport:
    def test_rounds_medians_ratio_and_summary(self) -> None:
        def run(side: str, round_no: int, rate: float, p99: float) -> Run:
            return Run(side, round_no, 7000.0, {"group feed JSON": Sample(rate, p99, cpu_ms=2.0, at_rate=600,
                                                                          at_rate_p99_ms=p99 / 2)}, "0.5 → 1.9", "")

        runs = [run("old", 1, 1000, 40), run("new", 1, 950, 44), run("new", 2, 930, 48), run("old", 2, 1020, 42)]
        text, verdicts = ab.report(runs, ["group feed JSON"])
        lines = text.splitlines()
        assert "| 1 | old → new | 1,000 | 40.0 | 950 | 44.0 | 2.00 | 2.00 | 20.0 | 22.0 |" in lines
        assert "| 2 | new → old | 1,020 | 42.0 | 930 | 48.0 | 2.00 | 2.00 | 21.0 | 24.0 |" in lines
        assert "| median | | 1,010 | 41.0 | 940 | 46.0 | 2.00 | 2.00 | 20.5 | 23.0 |" in lines
        assert any(line.startswith("new/old of the medians: req/s 0.931 (≥ 0.90: PASS)") for line in lines)
        assert lines[-1] == "| group feed JSON | 1,010 | 940 | 0.931 | yes | 41.0 | 46.0 | met | met | 1.000 | PASS |"
        busy = ab.report([dataclasses.replace(run("old", 1, 1000, 40), loadavg="1.5 → 2.0")], ["group feed JSON"])[0]
        assert busy.splitlines()[-1].startswith("warning: the machine was busy before 1 of 1 runs")
        assert [v.passed for v in verdicts] == [True]


    def test_runs_read_back_from_their_file(self) -> None:
        run = Run("new", 2, 7000.0, {"create post": Sample(600, 70, errors=1, cpu_ms=2.5, at_rate=150,
                                                            at_rate_p99_ms=12)}, "0.5 → 1.0", "50 → 51")
        saved = json.loads(json.dumps([{"side": run.side, "round": run.round, "ceiling": run.ceiling,
                                        "loadavg": run.loadavg, "loop_ms": run.loop_ms,
                                        "samples": {n: s.__dict__ for n, s in run.samples.items()}}]))
        assert ab.load_runs(saved) == [run]

    def test_busy_runs(self) -> None:
        assert ab.busy_start("1.00 → 0.20") and not ab.busy_start("0.99 → 3.00") and not ab.busy_start("? → ?")


class TestProbe:
    def test_origins_inside_the_tree(self, tmp_path: Path) -> None:
        lines = [f"{ab.PROBE_MARK} pid=1 origin={tmp_path}/app/__init__.py", "INFO: started",
                 f"{ab.PROBE_MARK} pid=2 origin={tmp_path}/app/__init__.py"]
        assert ab.check_origins(lines, tmp_path, expect=2) == []
        assert ab.check_origins(lines, tmp_path, expect=3) == [
            "2 process(es) reported where they found app, expected at least 3"]
        assert ab.check_origins(lines + [f"{ab.PROBE_MARK} pid=3 origin=/work/main/app/__init__.py"], tmp_path) == [
            f"app imported from /work/main/app/__init__.py, not {(tmp_path / 'app').resolve()}"]

    def test_reports_the_app_the_process_imports(self, tmp_path: Path) -> None:
        # The virtualenv's editable install maps `app` to the main checkout: PYTHONPATH must win, and the probe
        # must name what was really imported.
        tree, probe = tmp_path / "tree", tmp_path / "probe"
        (tree / "app").mkdir(parents=True)
        (tree / "app" / "__init__.py").write_text("")
        probe.mkdir()
        (probe / "sitecustomize.py").write_text(ab.PROBE)
        done = subprocess.run([sys.executable, "-c", "import app; print(app.__file__)"], cwd=tmp_path,
                              env=ab.tree_env(tree, probe, sys.executable), capture_output=True, text=True, check=True)
        assert done.stdout.strip() == str(tree / "app" / "__init__.py")
        assert ab.check_origins(done.stderr.splitlines(), tree) == []
        assert os.pathsep.join([str(probe), str(tree)]) == ab.tree_env(tree, probe, sys.executable)["PYTHONPATH"]
