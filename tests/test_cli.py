import argparse

import pytest
from botocore.exceptions import ClientError

from s3batch import __version__
from s3batch.cli import COMMAND_MODULES, build_parser, main
from s3batch_core.errors import InputError


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_no_command_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: s3batch" in capsys.readouterr().err


def test_each_module_registers_the_commands_of_its_concern() -> None:
    registered = {}
    for module in COMMAND_MODULES:
        subparsers = argparse.ArgumentParser().add_subparsers()
        module.register(subparsers)
        registered[module.__name__] = set(subparsers.choices)
    assert registered == {"s3batch.emulator.local.commands": {"local"}, "s3batch.jobs.commands": {"job"},
                          "validate.policy_commands": {"policy", "trust-policy", "submitter-policy"},
                          "validate.lint_commands": {"lint", "check"}}
    subparsers = next(a for a in build_parser()._actions if a.dest == "command")  # noqa: SLF001
    assert set(subparsers.choices) == set().union(*registered.values())


def _crash(monkeypatch: pytest.MonkeyPatch, exc: Exception) -> None:
    import s3batch.jobs.commands as job_commands

    def crash(*_: object, **__: object) -> object:
        raise exc

    monkeypatch.setattr(job_commands, "_job_clients", crash)


# name -> (what the command raises, exit code, the one line printed); quoted user input stays one line
FAILURES: dict[str, tuple[Exception, int, str]] = {
    "an unexpected AWS error": (ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "ListJobs"), 2,
                                "s3batch: error: An error occurred (AccessDenied) when calling the ListJobs "
                                "operation: no"),
    "a bug": (ValueError("bad\nvalue [red]x[/red]"), 70,
              "s3batch: internal error: ValueError: bad\\nvalue [red]x[/red] (run with --debug or S3BATCH_DEBUG=1 for "
              "the traceback)"),
    "an input error": (InputError("key a\nb\x1b[31m\u2028c is bad"), 3,
                       "s3batch: error: key a\\nb\\x1b[31m\\u2028c is bad"),
}


@pytest.mark.parametrize("case", FAILURES)
def test_a_failure_is_one_line_and_its_exit_code(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                 case: str) -> None:
    exc, code, line = FAILURES[case]
    monkeypatch.delenv("S3BATCH_DEBUG", raising=False)
    _crash(monkeypatch, exc)
    assert main(["job", "list", "--region", "us-east-1"]) == code
    assert capsys.readouterr().err.splitlines() == [line]


@pytest.mark.parametrize(("argv", "env"), [(["--debug"], None), ([], "1")])
def test_debug_prints_the_traceback(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                    argv: list[str], env: str | None) -> None:
    if env is None:
        monkeypatch.delenv("S3BATCH_DEBUG", raising=False)
    else:
        monkeypatch.setenv("S3BATCH_DEBUG", env)
    _crash(monkeypatch, RuntimeError("boom"))
    assert main([*argv, "job", "list", "--region", "us-east-1"]) == 70
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert err.strip().splitlines()[-1].startswith("s3batch: internal error: RuntimeError: boom")
