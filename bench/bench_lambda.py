"""Sentiment Lambda benchmark: warm per-task latency of the handler (lexicon backend, moto S3 in-process)
and the lexicon backend's throughput on 1 KB texts."""

from __future__ import annotations

import os
import statistics
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path
from unittest.mock import patch
from urllib.parse import quote_plus

FUNCTION_DIR = Path(__file__).resolve().parents[1] / "lambda" / "sentiment"
BUCKET = "bench-sentiment"
TASKS = 300
DOCS = 1000
SENTENCES = (
    "The delivery was quick and the staff were lovely. ",
    "Nothing about this order worked and support ignored me. ",
    "The package arrived on Tuesday at noon. ",
    "I am thrilled with the quality, truly excellent. ",
    "It was a disappointing, frustrating experience. ",
)


def one_kb_text(seed: int) -> str:
    """About 1,000 bytes of varied review-like sentences."""
    parts: list[str] = []
    index = seed
    while sum(len(p) for p in parts) < 1000:
        parts.append(SENTENCES[index % len(SENTENCES)])
        index += 3
    return "".join(parts)[:1000]


def _event(key: str, task: int) -> dict[str, object]:
    return {
        "invocationSchemaVersion": "2.0",
        "invocationId": f"bench-invocation-{task}",
        "job": {"id": "bench-job"},
        "tasks": [{"taskId": f"task-{task}", "s3Key": quote_plus(key, safe="/"), "s3VersionId": None,
                   "s3Bucket": BUCKET}],
    }


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def handler_latency() -> dict[str, float]:
    """Per-task wall time of handler.detect_sentiment after one cold call, objects of ~1 KB."""
    import boto3
    from moto import mock_aws

    import handler
    from batch_sentiment.clients import forget_clients
    from batch_sentiment.telemetry import logger

    logger.setLevel("WARNING")  # measure the function, not the terminal
    with mock_aws():
        forget_clients()
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        keys = [f"reviews/2024/review {i}.txt" for i in range(TASKS)]
        for i, key in enumerate(keys):
            s3.put_object(Bucket=BUCKET, Key=key, Body=one_kb_text(i).encode())
        with open(os.devnull, "w") as devnull, redirect_stdout(devnull):  # EMF lines go to stdout
            handler.detect_sentiment(_event(keys[0], -1), None)  # cold: clients, lexicon load
            timings = []
            for i, key in enumerate(keys):
                started = time.perf_counter()
                response = handler.detect_sentiment(_event(key, i), None)
                timings.append((time.perf_counter() - started) * 1000)
                assert response["results"][0]["resultCode"] == "Succeeded", response
        forget_clients()
    return {
        "handler_warm_tasks": TASKS,
        "handler_warm_p50_ms": round(statistics.median(timings), 2),
        "handler_warm_p95_ms": round(_percentile(timings, 0.95), 2),
    }


def lexicon_throughput() -> dict[str, float]:
    """Documents per second through the lexicon backend alone (no S3), 1 KB each."""
    from batch_sentiment.lexicon import lexicon_backend

    backend = lexicon_backend()
    texts = [one_kb_text(i) for i in range(DOCS)]
    backend.analyze(texts[0], "en")
    started = time.perf_counter()
    for text in texts:
        backend.analyze(text, "en")
    elapsed = time.perf_counter() - started
    return {"lexicon_docs": DOCS, "lexicon_docs_per_s": round(DOCS / elapsed, 1)}


def run() -> dict[str, object]:
    """Measurements for `make bench` (build/bench.json, section "lambda")."""
    if str(FUNCTION_DIR) not in sys.path:
        sys.path.insert(0, str(FUNCTION_DIR))
    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    with patch.dict(os.environ, {"SENTIMENT_BACKEND": "lexicon", "AWS_DEFAULT_REGION": region}):
        return {**handler_latency(), **lexicon_throughput()}
