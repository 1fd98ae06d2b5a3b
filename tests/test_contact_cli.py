"""``python -m kpi staffing``: the check case as JSON and CSV, Erlang A, and mistakes told plainly."""

import csv
import io
import json

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
