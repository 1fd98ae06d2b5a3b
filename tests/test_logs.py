"""A fault nobody foresaw: one line on the terminal naming the log file, the trace in that file."""

import logging
import subprocess
import sys

from kpi import cli, logs
from kpi.engine.spark import first_line
from kpi.service import cli as service_cli


def test_a_fault_is_one_line_on_the_terminal_and_a_trace_in_the_file(tmp_path, capsys):
    trace_file = logs.configure(tmp_path / "store.duckdb")
    assert logs.configure(tmp_path / "store.duckdb") == trace_file   # every run of the app: once
    try:
        raise ValueError("no such owner code 7")
    except ValueError:
        logging.getLogger("service_ops").exception("page weekly failed")
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.rstrip().endswith(
        f"ERROR page weekly failed (ValueError: no such owner code 7; the trace is in {tmp_path / 'service-ops.log'})")
    assert trace_file == tmp_path / "service-ops.log"
    written = trace_file.read_text(encoding="utf-8")
    assert "ERROR service_ops page weekly failed" in written and "Traceback" in written
    assert 'raise ValueError("no such owner code 7")' in written


def test_the_cli_tells_a_fault_nobody_foresaw_in_one_line(tmp_path, capsys, monkeypatch):
    def broken(args):
        raise KeyError("level")

    monkeypatch.setattr(service_cli, "run_weekly", broken)  # read when main builds the parser
    assert cli.main(["weekly", "--db", str(tmp_path / "store.duckdb")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1
    assert "python -m kpi weekly failed (KeyError: 'level'; the trace is in" in err
    assert "Traceback" in (tmp_path / "service-ops.log").read_text(encoding="utf-8")


def test_a_fault_whose_text_holds_a_trace_is_still_one_line(tmp_path, capsys):
    logs.configure(tmp_path / "store.duckdb")
    try:
        raise RuntimeError("An error occurred while calling o37.parquet.\n: org.apache.spark.SparkException: "
                           "[FAILED_READ_FILE] Could not read footer.\n\tat org.apache.spark.rdd.RDD.collect(RDD.scala:1122)")
    except RuntimeError:
        logging.getLogger("kpi").exception("python -m kpi weekly failed")
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "\tat " not in err
    assert "(RuntimeError: An error occurred while calling o37.parquet. …; the trace is in" in err
    assert "RDD.scala:1122" in (tmp_path / "service-ops.log").read_text(encoding="utf-8")


def test_a_jvm_exception_is_told_by_its_own_message():
    passed_on = RuntimeError("An error occurred while calling o37.parquet.\n"
                             ": org.apache.spark.SparkException: [FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER] "
                             "Encountered error while reading file file:/tmp/notes.csv. Could not read footer.\n"
                             "If not, please convert it to a valid format.\n\tat org.apache.spark.rdd.RDD.collect")
    assert first_line(passed_on) == ("[FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER] Encountered error while reading "
                                     "file file:/tmp/notes.csv. Could not read footer.")
    assert first_line(RuntimeError("[PATH_NOT_FOUND] Path does not exist: file:/x.\n\tat …")) == (
        "[PATH_NOT_FOUND] Path does not exist: file:/x.")
    assert first_line(RuntimeError("")) == "RuntimeError"


def test_a_process_started_meanwhile_writes_to_the_log_not_the_terminal(tmp_path, capfd):
    trace_file = logs.configure(tmp_path / "store.duckdb")
    with logs.children_write_to_log():
        subprocess.run([sys.executable, "-c", "import sys; print('WARNING: Using incubator modules', file=sys.stderr)"],
                       check=True)
    print("after", file=sys.stderr)
    err = capfd.readouterr().err
    assert "incubator" not in err and err == "after\n"
    assert "WARNING: Using incubator modules" in trace_file.read_text(encoding="utf-8")
