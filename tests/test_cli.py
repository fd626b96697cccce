"""The console command, as a user runs it."""

import subprocess
import sys

import cpanalysis
from cpanalysis.cli import main


def test_validate_the_bundled_sample_exits_0(sample_path, capsys):
    assert main(["validate", str(sample_path)]) == 0
    out = capsys.readouterr().out
    assert "valid" in out and "communities" in out


def test_simulate_writes_the_sample_by_default(tmp_path, sample_path, capsys):
    # The defaults of `cpanalysis simulate` are the sample's arguments (make sample relies on this).
    assert main(["simulate", "-o", str(tmp_path / "again")]) == 0
    for file in sorted(sample_path.glob("*.csv")):
        assert (tmp_path / "again" / file.name).read_bytes() == file.read_bytes(), file.name


def test_simulate_other_formats_and_sizes(tmp_path):
    assert main(["simulate", "-o", str(tmp_path / "two.xlsx"), "--communities", "2", "--seed", "5",
                 "--format", "xlsx"]) == 0
    assert cpanalysis.load(tmp_path / "two.xlsx").summary()["communities"] == 2


def test_console_script_reports_problems_without_traceback(broken_path):
    result = subprocess.run([sys.executable, "-m", "cpanalysis.cli", "validate", str(broken_path)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "problem(s)" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "validate" in capsys.readouterr().out


def test_validate_names_the_contract_version_of_the_data(sample_path, tiny_path, capsys):
    # the sample holds actions and their updates (contract v2); the tiny dataset has neither (v1)
    assert main(["validate", str(sample_path)]) == 0
    out = capsys.readouterr().out
    assert "data contract v2" in out and "actions" in out and "action updates" in out
    assert main(["validate", str(tiny_path)]) == 0
    out = capsys.readouterr().out
    assert "data contract v1" in out and "actions" not in out
    assert cpanalysis.load(sample_path).summary()["actions"] == len(cpanalysis.load(sample_path).actions)
