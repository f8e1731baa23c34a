"""The handler end to end against moto S3 with the lexicon backend: keys, versions, content, sizes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ReadTimeoutError
from botocore.stub import Stubber

from batch_sentiment.clients import s3_client

REPO = Path(__file__).resolve().parents[2]
BUCKET = "amzn-s3-demo-bucket"
POSITIVE = "What a wonderful, happy day. I love it."
NEGATIVE = "This is a terrible, awful mess. I hate it."


@pytest.mark.parametrize(("name", "label"), [
    ("think-of-love.txt", "POSITIVE"),
    ("little-rascals.txt", "NEGATIVE"),
    ("julius-caesar.txt", "NEUTRAL"),
])
def test_sample_texts_get_the_walkthrough_labels(run_on, name: str, label: str) -> None:
    body = (REPO / "files" / name).read_bytes()
    record = run_on(f"texts/{name}", body)
    assert record["resultCode"] == "Succeeded"
    result = record["result"]
    assert result["label"] == label
    assert set(result["scores"]) == {"positive", "negative", "neutral", "mixed"}
    assert sum(result["scores"].values()) == pytest.approx(1.0, abs=1e-3)
    assert result | {"scores": None, "label": None} == {
        "label": None, "scores": None, "backend": "lexicon", "language": "en", "mode": "head",
        "bytes_analyzed": len(body), "truncated": False, "empty": False, "tagged": False,
    }


@pytest.mark.parametrize("key", [
    "with space.txt",
    "plus+sign.txt",
    "100% sure.txt",
    "per%20cent literal.txt",
    "unicodé/日本語/😀.txt",
    "a/b/c/d/e/f/g/h/deep prefix/x+y z.txt",
])
@pytest.mark.parametrize("schema", ["1.0", "2.0"])
def test_url_encoded_keys_are_decoded_exactly_once(run_on, key: str, schema: str) -> None:
    record = run_on(key, POSITIVE, schema=schema)
    assert record["resultCode"] == "Succeeded", record["resultString"]
    assert record["result"]["label"] == "POSITIVE"


def test_versioned_object_reads_the_requested_old_version(versioned_s3: Any, event_for, invoke_one) -> None:
    old = versioned_s3.put_object(Bucket=BUCKET, Key="review.txt", Body=POSITIVE.encode())["VersionId"]
    versioned_s3.put_object(Bucket=BUCKET, Key="review.txt", Body=NEGATIVE.encode())
    old_record = invoke_one(event_for("review.txt", version_id=old))
    latest_record = invoke_one(event_for("review.txt"))
    assert old_record["result"]["label"] == "POSITIVE"
    assert old_record["result"]["bytes_analyzed"] == len(POSITIVE)
    assert latest_record["result"]["label"] == "NEGATIVE"


@pytest.mark.parametrize(("key", "bucket", "version", "code"), [
    ("absent.txt", BUCKET, None, "NoSuchKey"),
    ("absent.txt", "no-such-bucket-here", None, "NoSuchBucket"),
    ("review.txt", BUCKET, "3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY", "NoSuchVersion"),
])
def test_missing_object_bucket_or_version_is_a_permanent_failure(versioned_s3: Any, event_for, invoke_one, key: str,
                                                                 bucket: str, version: str | None, code: str) -> None:
    versioned_s3.put_object(Bucket=BUCKET, Key="review.txt", Body=POSITIVE.encode())
    record = invoke_one(event_for(key, bucket=bucket, version_id=version))
    assert record["resultCode"] == "PermanentFailure"
    assert code in record["resultString"] and "manifest" in record["resultString"]


@pytest.mark.parametrize(("body", "expected"), [
    (b"%PDF-1.7\x00\x01\x02binary", "binary content (NUL byte at offset 8)"),
    (b"caf\xe9 au lait, latin-1 encoded", "not UTF-8 text (invalid byte 0xe9 at offset 3)"),
    ("truncated at the end \u00e9".encode()[:-1], "not UTF-8 text"),
])
def test_non_text_content_is_a_permanent_failure(run_on, body: bytes, expected: str) -> None:
    record = run_on("blob.bin", body)
    assert record["resultCode"] == "PermanentFailure"
    assert expected in record["resultString"]
    assert "manifest" in record["resultString"]


@pytest.mark.parametrize("body", [b"", b"   \n\t  \r\n", "\ufeff".encode()])
def test_empty_or_blank_object_succeeds_and_says_empty(run_on, body: bytes) -> None:
    record = run_on("empty.txt", body)
    assert record["resultCode"] == "Succeeded"
    result = record["result"]
    assert result["empty"] is True and result["label"] == "NEUTRAL"
    assert result["scores"] == {"positive": 0.0, "negative": 0.0, "neutral": 1.0, "mixed": 0.0}
    assert result["bytes_analyzed"] == len(body) and result["truncated"] is False


TEN_MB = 10 * 1024 * 1024


@pytest.fixture
def ten_mb_object(s3: Any) -> str:
    sentence = b"The service was wonderful and the staff were kind. "
    s3.put_object(Bucket=BUCKET, Key="big/ten-mb.txt", Body=(sentence * (TEN_MB // len(sentence) + 1))[:TEN_MB])
    return "big/ten-mb.txt"


# head mode (the default) requests one Comprehend document, full mode up to MAX_BYTES
@pytest.mark.parametrize(("arguments", "mode", "limit"), [(None, "head", 5000), ({"Mode": "full"}, "full", 20000)])
def test_ten_mb_object_requests_only_the_bytes_its_mode_reads(ten_mb_object: str, event_for, invoke_one,
                                                              monkeypatch: pytest.MonkeyPatch, arguments: Any,
                                                              mode: str, limit: int) -> None:
    monkeypatch.setenv("MAX_BYTES", "20000")
    ranges: list[str | None] = []  # the Range header of every GetObject the function's client sends
    s3_client().meta.events.register("before-call.s3.GetObject",
                                     lambda params, **_: ranges.append(params["headers"].get("Range")))
    result = invoke_one(event_for(ten_mb_object, user_arguments=arguments))["result"]
    assert ranges == [f"bytes=0-{limit - 1}"]
    assert result["mode"] == mode and result["truncated"] is True and result["label"] == "POSITIVE"
    assert limit - 4 <= result["bytes_analyzed"] <= limit


def test_range_cutting_a_character_drops_only_that_character(run_on) -> None:
    record = run_on("cut.txt", "a" * 4999 + "é" + " good")  # the 2-byte é straddles byte 5,000
    assert record["resultCode"] == "Succeeded"
    assert record["result"]["bytes_analyzed"] == 4999 and record["result"]["truncated"] is True


def test_an_s3_error_fails_the_task_naming_the_permission(s3: Any, event_for, invoke_one) -> None:
    """Every error code's result code and hint: tests/lambda/test_failures.py's table."""
    with Stubber(s3_client()) as stub:
        stub.add_client_error("get_object", service_error_code="AccessDenied", http_status_code=403)
        record = invoke_one(event_for("any.txt"))
    assert record["resultCode"] == "PermanentFailure"
    assert "AccessDenied" in record["resultString"] and "s3:GetObject" in record["resultString"]


def test_s3_read_timeout_is_a_temporary_failure(s3: Any, event_for, invoke_one,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def timeout(**_: Any) -> None:
        raise ReadTimeoutError(endpoint_url="https://s3.amazonaws.com")

    monkeypatch.setattr(s3_client(), "get_object", timeout)
    record = invoke_one(event_for("any.txt"))
    assert record["resultCode"] == "TemporaryFailure"
    assert "ReadTimeoutError" in record["resultString"]


def test_long_failure_message_stays_one_bounded_line(s3: Any, event_for, invoke_one) -> None:
    record = invoke_one(event_for("xx/" * 330 + "missing\nline.txt"))
    assert record["resultCode"] == "PermanentFailure"
    assert len(record["resultString"]) <= 1024 and record["resultString"].endswith("...")
