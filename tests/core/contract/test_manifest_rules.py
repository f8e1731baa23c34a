"""Both manifest readers apply one row rule (s3batch_core/contract/manifest_rules.py): what the job tooling's preflight accepts,
the emulator runs, with the same keys; what one refuses for the key, the other refuses too (issue 11)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from aws_lambda_powertools.utilities.data_classes import S3BatchOperationEvent
from hypothesis import given
from hypothesis import strategies as st

from s3batch.emulator.engine.failures import JobFailure
from s3batch.emulator.engine.manifest import CSV_FORMAT, Manifest, ManifestFile, iter_tasks
from s3batch_core.errors import InputError
from s3batch_core.contract.formats import MAX_KEY_BYTES
from s3batch_core.contract.limits import MAX_MANIFEST_LINE_CHARS
from s3batch.jobs.manifest import check_csv_manifest
from s3batch_core.contract.manifest_rules import decode_key, encode_key, key_problem

KEYS = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=1100) | st.builds(
    lambda unit, n: unit * n, st.sampled_from(["k", "é", "€", "😀", "a b", "+"]), st.integers(250, 1100))


def _engine_keys(tmp_path: Path, body: bytes) -> list[str] | str:
    path = tmp_path / "m.csv"
    path.write_bytes(body)
    manifest = Manifest((ManifestFile(path, "s3://mb/m.csv"),), None, CSV_FORMAT, "arn:aws:s3:::mb/m.csv")
    try:
        return [decode_key(task.key) for task in iter_tasks(manifest)]
    except JobFailure as failure:
        return failure.reason


def _preflight_keys(body: bytes) -> list[str] | str:
    try:
        info = check_csv_manifest(io.BytesIO(body), "m.csv")
    except InputError as error:
        return str(error)
    return [entry.key for entry in info.first_rows]


def test_a_key_of_1025_bytes_fails_preflight_and_engine_alike(tmp_path: Path) -> None:
    body = b"bkt," + b"k" * 1025 + b"\n"
    assert _preflight_keys(body) == "m.csv: row 1: key is 1025 bytes (UTF-8, decoded), more than S3's 1024-byte limit"
    assert _engine_keys(tmp_path, body) == "s3://mb/m.csv row 1: key is 1025 bytes (UTF-8, decoded), more than S3's 1024-byte limit"


def test_the_limit_is_bytes_of_the_decoded_key_not_characters_of_the_field(tmp_path: Path) -> None:
    fits = "€" * (MAX_KEY_BYTES // 3)  # 1,023 bytes, a 3,069-character field
    too_long = "é" * (MAX_KEY_BYTES // 2 + 1)  # 513 characters, 1,026 bytes
    assert key_problem(encode_key(fits)) is None
    assert "1026 bytes" in str(key_problem(encode_key(too_long)))
    body = f"bkt,{encode_key(fits)}\n".encode()
    assert _preflight_keys(body) == _engine_keys(tmp_path, body) == [fits]


@given(key=KEYS)
def test_preflight_and_engine_agree_on_every_encoded_key(tmp_path_factory: pytest.TempPathFactory, key: str) -> None:
    body = f"bkt,{encode_key(key)}\n".encode()
    preflight, engine = _preflight_keys(body), _engine_keys(tmp_path_factory.mktemp("m"), body)
    fits = len(key.encode("utf-8")) <= MAX_KEY_BYTES
    assert isinstance(preflight, list) == isinstance(engine, list) == fits
    if fits:
        assert preflight == engine == [key]
    else:
        assert preflight.split(": ", 2)[-1] == engine.split(": ", 1)[-1]  # the same problem, each side's prefix


@given(body=st.binary(max_size=300) | st.lists(st.text(max_size=40), max_size=5).map(lambda rows: "\n".join(rows).encode()))
def test_arbitrary_bytes_are_a_verdict_never_a_crash(tmp_path_factory: pytest.TempPathFactory, body: bytes) -> None:
    preflight = _preflight_keys(body)
    engine = _engine_keys(tmp_path_factory.mktemp("m"), body)
    if isinstance(preflight, list):  # what preflight accepts the engine runs, with the same keys
        assert engine[: len(preflight)] == preflight


# name -> (manifest body, the row both readers name, the problem both give: manifest_rules.csv_rows / row_problem)
REFUSED: dict[str, tuple[bytes, int, str]] = {
    "a byte order mark": (b"\xef\xbb\xbfbkt,k1\n", 1, "the manifest starts with a UTF-8 byte order mark"),
    "a byte order mark before a quoted field": (b'\xef\xbb\xbf"bkt","k1"\n', 1, "starts with a UTF-8 byte order mark"),
    "an empty line": (b"bkt,k1\n\nbkt,k2\n", 2, "empty line"),
    "an empty last line": (b"bkt,k1\nbkt,k2\n\n", 3, "empty line"),
    "an empty quoted field alone": (b'bkt,k1\n""\n', 2, "empty line"),
    "a trailing space": (b"bkt,k1\nbkt,k2 \n", 2, "leading or trailing whitespace"),
    "a leading space": (b"bkt,k1\n bkt,k2\n", 2, "leading or trailing whitespace"),
    "a row without its key": (b"bkt,k1\nbkt\n", 2, "1 columns; expected Bucket,Key or Bucket,Key,VersionId"),
    "four columns": (b"bkt,k1,v,x\n", 1, "4 columns; expected Bucket,Key or Bucket,Key,VersionId"),
    "version ids on some rows": (b"bkt,k1\nbkt,k2,v2\n", 2,
                                 "3 columns but earlier rows have 2: give version ids for all rows or none"),
    "an empty bucket": (b"bkt,k1\n,k2\n", 2, "empty bucket"),
    "an empty key": (b"bkt,k1\nbkt,\n", 2, "empty key"),
    "a key decoding to invalid UTF-8": (b"bkt,k1\nbkt,%FF%FE\n", 2, "decodes to invalid UTF-8"),
    "bytes that are not UTF-8": (b"bkt,k1\nbkt,\xff\n", 2, "not valid UTF-8"),
    "a field with a line break": (b'bkt,k1\nbkt,"two\nlines"\n', 2, "a field contains a line break"),
    "a quote inside a quoted field": (b'bkt,"k"1"\n', 1, "not valid CSV"),
    "a line past the limit": (b"bkt,k1\nbkt," + b"k" * MAX_MANIFEST_LINE_CHARS + b"\n", 2,
                              f"a line longer than {MAX_MANIFEST_LINE_CHARS} characters"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_both_readers_refuse_the_same_row(case: str, tmp_path: Path) -> None:
    body, row, problem = REFUSED[case]
    preflight, engine = _preflight_keys(body), _engine_keys(tmp_path, body)
    assert isinstance(preflight, str) and preflight.startswith(f"m.csv: row {row}: "), preflight
    assert isinstance(engine, str) and engine.startswith(f"s3://mb/m.csv row {row}: "), engine
    assert problem in preflight and preflight.split(": ", 2)[-1] == engine.split(": ", 1)[-1]


def test_a_line_past_the_limit_is_refused_without_reading_it_whole() -> None:
    stream = io.BytesIO(b"bkt,k1\nbkt," + b"k" * (16 * MAX_MANIFEST_LINE_CHARS))
    with pytest.raises(InputError, match="row 2: a line longer than"):
        check_csv_manifest(stream, "m.csv")
    assert stream.tell() < 4 * MAX_MANIFEST_LINE_CHARS  # read up to the limit (and a buffer), not to the end


HARD_KEYS = ["with space/and more spaces.txt", "plus+sign+.txt", "percent%20literal%.txt", "comma,separated,key.csv",
             'quote"double\'single.txt', "new\nline\r\nkey", "unicodé/日本語/emoji-😀.txt", "xml<&>specials", "tab\there",
             "trailing space ", "a//double//slash", "100% & <x>"]


@pytest.mark.parametrize("key", HARD_KEYS)
def test_encoded_keys_are_one_field_and_reach_the_handler_exactly(key: str) -> None:
    """What the sentiment handler sees: Powertools decodes the task's s3Key with unquote_plus."""
    encoded = encode_key(key)
    assert "," not in encoded and "\n" not in encoded and '"' not in encoded and " " not in encoded
    event = S3BatchOperationEvent({
        "invocationSchemaVersion": "2.0", "invocationId": "i", "job": {"id": "j"},
        "tasks": [{"taskId": "t", "s3Key": encoded, "s3VersionId": None, "s3Bucket": "b"}],
    })
    assert event.task.s3_key == decode_key(encoded) == key
