"""AWS Lambda entry point for S3 Batch Operations sentiment analysis: `handler.detect_sentiment`.

Deployed as the root of build/lambda/sentiment.zip (with the batch_sentiment package and vendored
vaderSentiment); Powertools comes from its Lambda layer, boto3 from the runtime.
"""

from __future__ import annotations

from typing import Any

from batch_sentiment.invocation import handle_event
from batch_sentiment.telemetry import metrics


@metrics.log_metrics
def detect_sentiment(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer every task in an S3 Batch Operations LambdaInvoke event (schema 1.0 or 2.0)."""
    return handle_event(event, context)
