"""Powertools Logger (structured JSON) and Metrics (CloudWatch EMF), one of each per container."""

from __future__ import annotations

import os

from aws_lambda_powertools import Logger, Metrics

DEFAULT_SERVICE = "s3batch-sentiment"
DEFAULT_NAMESPACE = "S3BatchKit"

# POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE win when set; Metrics needs a namespace to flush.
logger = Logger(service=os.environ.get("POWERTOOLS_SERVICE_NAME") or DEFAULT_SERVICE)
metrics = Metrics(
    namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or DEFAULT_NAMESPACE,
    service=os.environ.get("POWERTOOLS_SERVICE_NAME") or DEFAULT_SERVICE,
)
