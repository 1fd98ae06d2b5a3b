"""``python -m kpi roi``: the seed's example, a scenario file, CSV, and mistakes told plainly."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kpi.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


def test_prints_the_seed_example_as_json():
    completed = subprocess.run([sys.executable, "-m", "kpi", "roi"], cwd=ROOT, capture_output=True,
                               text=True, check=True)
    report = json.loads(completed.stdout)
    assert report["classroom"] == {"trainee_time": 813_600, "travel": 200_000, "administration": 48_816,
                                   "instructor_delivery": 24_984, "development": 13_880}
    assert report["online"] == {"trainee_time": 406_800, "administration": 5_424,
                                "development": 27_760, "platform": 0}
    assert (report["classroom_total"], report["online_total"], report["savings"]) == (1_101_280, 439_984, 661_296)
    assert report["roi"] == pytest.approx(1.5030001)       # 661,296 / 439,984
    assert report["bcr"] == pytest.approx(2.5030001)       # 1,101,280 / 439,984
    assert (report["classes"], report["trainee_hourly"], report["instructor_hourly"]) == (9, 226, 347)
    # three runs (one a year, three years): 3 × 675,176 − 13,880 one-off gap
    assert (report["payback_run"], report["cumulative_savings"]) == (1, 2_011_648)
    assert (report["discount_rate"], report["npv"]) == (0, 2_011_648)   # undiscounted: the cumulative savings


def test_npv_at_a_discount_rate(capsys):
    assert main(["roi", "--discount-rate", "0.1"]) == 0
    # −13,880 + 675,176 / 1.1 + 675,176 / 1.1² + 675,176 / 1.1³ = −13,880 + 675,176 × 2.486852 = 1,665,182.78
    assert json.loads(capsys.readouterr().out)["npv"] == 1_665_182.78


def test_scenario_file_with_only_extra_lines_as_csv(capsys):
    assert main(["roi", "--scenario", str(FIXTURES / "roi_extra_only.json"), "--format", "csv"]) == 0
    rows = dict(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows["item"] == "value"
    assert rows["classroom_extra.Venue rental"] == "120000"
    assert rows["classroom_extra.Printed handouts"] == "30000"
    assert rows["online_extra.LMS licence"] == "50000"
    assert rows["classroom.trainee_time"] == "0"
    assert (rows["classroom_total"], rows["online_total"], rows["savings"]) == ("150000", "50000", "100000")
    assert (rows["roi"], rows["bcr"]) == ("2.0", "3.0")


def test_own_hours_rule_is_not_rounded(tmp_path, capsys):
    scenario = tmp_path / "hours.json"
    scenario.write_text(json.dumps({"hours_per_year": 2080, "admin_hourly": None}))
    main(["roi", "--scenario", str(scenario)])
    report = json.loads(capsys.readouterr().out)
    assert report["trainee_hourly"] == 312.5                # 650,000 / 2,080
    assert report["instructor_hourly"] == 480.77            # 1,000,000 / 2,080, to the cent
    assert report["classroom"]["trainee_time"] == 1_125_000  # 450 × 8 × 312.5


def test_undefined_roi_is_null_with_a_warning(tmp_path, capsys):
    scenario = tmp_path / "free.json"
    scenario.write_text(json.dumps({"online_hours": 0, "online_admin_classes": 0, "online_dev_multiplier": 0}))
    assert main(["roi", "--scenario", str(scenario)]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert (report["online_total"], report["roi"], report["bcr"]) == (0, None, None)
    assert "roi and bcr are undefined" in captured.err


@pytest.mark.parametrize("content, message", [
    ('{"class_size": 0, "trainee": 5}', "Unknown key “trainee”. Known keys: trainees, class_size,"),
    ('{"class_size": 0}', "Class size must be at least 1; it is 0."),
    ('{"classroom_extra": {"Venue": -1}}', "“Venue” is negative (-1)"),
    ('[450]', "must hold a JSON object of parameters"),
    ('{"trainees": 450,', "is not valid UTF-8 JSON"),
])
def test_mistakes_exit_2_with_the_reason(tmp_path, capsys, content, message):
    scenario = tmp_path / "scenario.json"
    scenario.write_text(content)
    assert main(["roi", "--scenario", str(scenario)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("error: ") and message in captured.err
    assert "Traceback" not in captured.err
