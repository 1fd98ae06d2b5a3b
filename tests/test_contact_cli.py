"""``python -m kpi staffing``: the check case as JSON and CSV, Erlang A, and mistakes told plainly."""

import csv
import io
import json
import math
import random
from fractions import Fraction

import pytest

from kpi.cli import main

CHECK_CASE = ["staffing", "--calls", "100", "--interval-minutes", "30", "--aht", "180",
              "--target", "0.8", "--within", "20", "--shrinkage", "0.3"]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_case_as_json(capsys):
    code, out, _ = run(capsys, *CHECK_CASE, "--format", "json")
    report = json.loads(out)
    assert code == 0
    assert list(report) == ["agents", "scheduled", "service_level", "asa_seconds", "probability_wait",
                            "occupancy", "traffic_erlangs"]
    assert (report["agents"], report["scheduled"], report["traffic_erlangs"]) == (14, 20, 10.0)
    assert round(report["probability_wait"], 4) == 0.1741
    assert round(report["service_level"], 3) == 0.888
    assert round(report["asa_seconds"], 2) == 7.84
    assert round(report["occupancy"], 3) == 0.714


def test_occupancy_cap_raises_the_agents(capsys):
    # 50% in 20 s needs 12 agents; a 70% occupancy cap needs ⌈10 / 0.7⌉ = 15.
    _, out, _ = run(capsys, "staffing", "--calls", "100", "--aht", "180", "--target", "0.5",
                    "--within", "20", "--max-occupancy", "0.7")
    report = json.loads(out)
    assert (report["agents"], report["scheduled"], round(report["occupancy"], 4)) == (15, 15, 0.6667)


def test_patience_adds_the_abandon_rate_as_csv(capsys):
    code, out, _ = run(capsys, *CHECK_CASE, "--patience", "120", "--format", "csv")
    header, values = list(csv.reader(io.StringIO(out)))
    row = dict(zip(header, values))
    assert code == 0 and header[-1] == "probability_abandon"
    assert (row["agents"], row["scheduled"]) == ("12", "18")
    assert round(float(row["probability_abandon"]), 4) == 0.0616


def test_no_calls_need_no_agents(capsys):
    _, out, _ = run(capsys, "staffing", "--calls", "0", "--aht", "300")
    assert json.loads(out) == {"agents": 0, "scheduled": 0, "service_level": 1.0, "asa_seconds": 0.0,
                               "probability_wait": 0.0, "occupancy": 0.0, "traffic_erlangs": 0.0}


@pytest.mark.parametrize("argv, message", [
    (["--target", "85"], "error: the target is a fraction above 0 and below 1"),
    (["--shrinkage", "1"], "error: shrinkage is a fraction"),
    (["--interval-minutes", "0"], "error: the interval must be longer than 0"),
    (["--calls", "nan"], "error: calls must be 0 or more"),
    (["--patience", "-3"], "error: the mean patience must be above 0 seconds"),
])
def test_bad_values_exit_2_with_one_line(capsys, argv, message):
    code, out, err = run(capsys, "staffing", "--calls", "100", "--aht", "180", *argv)
    assert (code, out) == (2, "")
    assert err.startswith(message) and "Traceback" not in err and err.count("\n") == 1


def test_unreadable_number_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["staffing", "--calls", "lots", "--aht", "180"])
    assert exit_.value.code == 2
    assert "error: argument --calls: invalid float value: 'lots'" in capsys.readouterr().err


def independent_staffing(calls: int, minutes: int, aht: int, target: Fraction, within: int, shrinkage: Fraction):
    """Erlang C written another way: A = calls × AHT ÷ interval as an exact fraction, P(wait) from
    A^N/N! · N/(N−A) over Σ_{k<N} A^k/k! plus that term, in exact fractions; the fewest N > A whose
    1 − P(wait)·e^(−(N−A)t/AHT) reaches the target. Returns the figures and how far the service
    level of N and N − 1 lie from the target (a near tie is not a fair test of either side)."""
    traffic = Fraction(calls * aht, minutes * 60)
    agents = math.floor(traffic) + 1
    previous_level = 0.0
    while True:
        top = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
        wait = top / (sum(traffic**k / Fraction(math.factorial(k)) for k in range(agents)) + top)
        level = 1 - float(wait) * math.exp(-float(agents - traffic) * within / aht)
        if level >= target:
            break
        previous_level, agents = level, agents + 1
    scheduled = math.ceil(Fraction(agents) / (1 - shrinkage))
    figures = {"agents": agents, "scheduled": scheduled, "service_level": level,
               "asa_seconds": float(wait * aht / (agents - traffic)), "probability_wait": float(wait),
               "occupancy": float(traffic / agents), "traffic_erlangs": float(traffic)}
    return figures, min(level - float(target), float(target) - previous_level)


def test_staffing_cli_agrees_with_an_independent_erlang_c_on_random_scenarios(capsys):
    rng = random.Random(2024)
    checked = 0
    while checked < 40:
        calls, minutes, aht = rng.randint(1, 400), rng.choice([15, 30, 60]), rng.randint(60, 600)
        target, within = rng.choice(["0.7", "0.8", "0.85", "0.9", "0.95"]), rng.choice([10, 15, 20, 30, 60])
        shrinkage = rng.choice(["0", "0.2", "0.3", "0.35"])
        expected, margin = independent_staffing(calls, minutes, aht, Fraction(target), within, Fraction(shrinkage))
        if margin < 1e-9:
            continue
        code, out, _ = run(capsys, "staffing", "--calls", str(calls), "--interval-minutes", str(minutes),
                           "--aht", str(aht), "--target", target, "--within", str(within),
                           "--shrinkage", shrinkage, "--format", "json")
        report = json.loads(out)
        assert code == 0
        assert (report["agents"], report["scheduled"]) == (expected["agents"], expected["scheduled"]), (calls, aht)
        for key in ("service_level", "asa_seconds", "probability_wait", "occupancy", "traffic_erlangs"):
            assert report[key] == pytest.approx(expected[key], rel=1e-9), (calls, aht, key)
        checked += 1
