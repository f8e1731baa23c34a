"""The job API plane: S3 Control job operations over HTTP (routing, request parsing and validation, responses)."""
