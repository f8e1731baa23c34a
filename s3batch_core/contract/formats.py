"""S3 Batch Operations file formats: the names and limits shared by the side that writes manifests
(`s3batch.jobs`) and the side that reads them and writes reports (`s3batch.emulator`).

Format names are members of botocore's s3control enums; tests/core/contract/test_formats.py holds them there.
"""

CSV_FORMAT = "S3BatchOperations_CSV_20180820"  # JobManifestFormat: the user's CSV manifest
INVENTORY_FORMAT = "S3InventoryReport_CSV_20161130"  # JobManifestFormat: an S3 Inventory manifest.json
GENERATED_FORMAT = "S3InventoryReport_CSV_20211130"  # GeneratedManifestFormat: ManifestGenerator output
REPORT_FORMAT = "Report_CSV_20180820"  # JobReportFormat
# What AWS's report manifest.json declares; the rows themselves put HTTPStatusCode before ErrorCode (reference §3.4).
REPORT_SCHEMA = "Bucket, Key, VersionId, TaskStatus, ErrorCode, HTTPStatusCode, ResultMessage"
NULL_VERSION = "null"  # the version id of a null version in a versioned manifest (reference §2.2)
MAX_KEY_BYTES = 1024  # S3's object key limit in UTF-8 bytes (User Guide, "Naming Amazon S3 objects"); manifest rows
# are held to it after URL-decoding (s3batch_core/contract/manifest_rules.py)
MAX_JOB_TAGS = 50  # tags per job: the limit PutJobTagging's model doc states, which its shape does not encode
