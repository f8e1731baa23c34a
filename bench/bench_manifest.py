"""Manifest build rate and peak memory for a 1,000,000-key bucket listing (stubbed ListObjectsV2 pages).

The pages are answered by a botocore `before-call` handler (the mechanism botocore's Stubber uses) that
generates each 1,000-key page on demand, so the stub itself holds one page at a time and what is measured is
our path: boto3's paginator → `list_bucket` → `build_manifest_file` (encode, hash, write to a temp file).
Each size runs in a fresh subprocess so its peak RSS (ru_maxrss) is its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

PAGE = 1000
SIZES = (100_000, 1_000_000)


def _page_handler(total: int) -> Any:
    from botocore.awsrequest import AWSResponse

    def handler(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        # `params` is the serialised request: the token travels in the query string, as on the wire.
        start = int(params["query_string"].get("continuation-token") or 0)
        end = min(start + PAGE, total)
        page: dict[str, Any] = {
            "IsTruncated": end < total, "KeyCount": end - start, "MaxKeys": PAGE, "Name": "bench", "Prefix": "data/",
            "Contents": [{"Key": f"data/{i // 1000:06d}/object {i} +ü.txt", "Size": 1024 + i % 4096} for i in range(start, end)],
        }
        if end < total:
            page["NextContinuationToken"] = str(end)
        return AWSResponse("https://bench.invalid", 200, {}, None), page

    return handler


def child(total: int) -> dict[str, float]:
    """Build one manifest of `total` keys in this process; return rate and memory."""
    import resource
    import time

    import boto3

    from s3batch.jobs.manifest import build_manifest_file, list_bucket

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    client = boto3.client("s3", region_name="us-east-1")
    client.meta.events.register("before-call.s3.ListObjectsV2", _page_handler(total))
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    body, stats = build_manifest_file(list_bucket(client, "bench", "data/"))
    elapsed = time.perf_counter() - started
    size = body.seek(0, os.SEEK_END)
    body.close()
    assert stats.rows == total
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"keys_per_s": total / elapsed, "seconds": elapsed, "peak_rss_mb": peak, "baseline_rss_mb": baseline,
            "manifest_mb": size / 1e6}


def _run_child(total: int) -> dict[str, float]:
    root = Path(__file__).resolve().parents[1]
    code = f"import json, bench.bench_manifest as b; print(json.dumps(b.child({total})))"
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run() -> dict[str, object]:
    """Measure 100k and 1M keys; memory must not grow with the key count."""
    small, large = (_run_child(n) for n in SIZES)
    return {
        "keys": SIZES[1],
        "manifest_keys_per_s": round(large["keys_per_s"]),
        "manifest_seconds_1m": round(large["seconds"], 2),
        "manifest_mb_1m": round(large["manifest_mb"], 1),
        "peak_rss_mb_1m": round(large["peak_rss_mb"], 1),
        "peak_rss_mb_100k": round(small["peak_rss_mb"], 1),
        "baseline_rss_mb": round(large["baseline_rss_mb"], 1),
        "rss_growth_mb_100k_to_1m": round(large["peak_rss_mb"] - small["peak_rss_mb"], 1),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
