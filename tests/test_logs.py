"""A fault nobody foresaw: one line on the terminal naming the log file, the trace in that file."""

import logging

from kpi import cli, logs
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
