"""The layer beneath everything: what the kit knows about AWS's S3 Batch Operations contract (`contract`) and
about IAM (`iam`), the one Terraform reader (`terraform`), plus the low-level helpers every side shares. It imports nothing from `s3batch` or `validate`
(docs/architecture.md; `lint-imports` holds it to that)."""
