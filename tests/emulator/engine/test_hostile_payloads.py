"""Issue 11: a Lambda response nested past the JSON parser's depth fails its task like any invalid JSON."""

from __future__ import annotations

from s3batch.emulator.engine.lambda_invoke import interpret_response


def test_a_payload_nested_past_the_parser_is_invalid_json() -> None:
    payload = b'{"results":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    assert interpret_response(payload, "t1") == ("PermanentFailure", "Invalid JSON returned in Lambda payload")
