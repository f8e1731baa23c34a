"""s3batch-kit: job tooling and the local S3 Batch Operations emulator."""

__version__ = "0.1.0"
