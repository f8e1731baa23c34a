"""S3 Batch Operations' contract: manifests, reports, CreateJob constraints, formats, checksums, limits and the
stack outputs, each in one module both the job tooling and the emulator use."""
