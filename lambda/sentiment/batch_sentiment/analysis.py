"""Analyse one task's object: read a bounded prefix, decode it, score it, optionally tag the object."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from aws_lambda_powertools.utilities.data_classes.s3_batch_operation_event import S3BatchOperationTask

from batch_sentiment.backends import Backend
from batch_sentiment.failures import permanent
from batch_sentiment.reader import Target, read_prefix
from batch_sentiment.scores import EMPTY, Sentiment
from batch_sentiment.settings import Settings
from batch_sentiment.tagging import tag_object
from batch_sentiment.text import DOCUMENT_BYTES, decode_prefix


@dataclass(frozen=True)
class Analysis:
    """Everything the result string reports about one object."""

    sentiment: Sentiment
    settings: Settings
    bytes_analyzed: int
    truncated: bool
    empty: bool


def task_target(task: S3BatchOperationTask) -> Target:
    """Bucket (s3Bucket, or from s3BucketArn in schema 1.0), key and version of a task.

    Powertools' `s3_key` applies unquote_plus: the key is decoded exactly once, here.
    """
    try:
        key = task.s3_key
    except (KeyError, TypeError):
        raise permanent("task has no s3Key (a string): the event is malformed") from None
    try:
        bucket = task.s3_bucket
    except KeyError:
        raise permanent("task has neither s3Bucket (schema 2.0) nor s3BucketArn (schema 1.0)") from None
    if not key or not isinstance(bucket, str) or not bucket:
        raise permanent("task has an empty s3Key or bucket: the event is malformed")
    version = task.s3_version_id
    return Target(bucket, key, version if isinstance(version, str) and version else None)


def analyze_task(task: S3BatchOperationTask, settings: Settings, backend: Backend, s3: Any) -> Analysis:
    """Score the object one task names; raises TaskFailure when the task cannot succeed."""
    target = task_target(task)
    if settings.language_code not in backend.languages:
        raise permanent(f"the {backend.name} backend cannot analyse LanguageCode={settings.language_code!r} "
                        f"(it supports {', '.join(backend.languages)}); use SENTIMENT_BACKEND=comprehend")
    limit = DOCUMENT_BYTES if settings.mode == "head" else settings.max_bytes
    prefix = read_prefix(s3, target, limit)
    text, consumed = decode_prefix(prefix.data, cut=prefix.cut)
    empty = not text.strip()
    sentiment = EMPTY if empty else backend.analyze(text, settings.language_code)
    if settings.tag_key:
        # Tag the version that was read, even if a newer one was written meanwhile.
        tag_object(s3, replace(target, version_id=prefix.version_id), settings.tag_key, sentiment.label)
    return Analysis(sentiment, settings, bytes_analyzed=consumed, truncated=consumed < prefix.object_size,
                    empty=empty)
