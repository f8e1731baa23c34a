"""The AWS contract and the readers beneath both the job tooling (s3batch) and the policy tooling (validate)."""
