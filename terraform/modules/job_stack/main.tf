# The stack of a job that runs one of S3's own operations (no function): the bucket whose objects the job
# acts on, which also holds the manifests and the reports (for S3PutObjectCopy a source bucket plus a
# destination bucket), and the batch role built for the operation. The examples are this module with their
# operation.

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  suffix = "${data.aws_caller_identity.current.account_id}-${data.aws_region.current.region}"
  copy   = var.operation == "S3PutObjectCopy"
  # The bucket copies go to; "" for the other operations (batch_role's convention for "none").
  destination_bucket = local.copy ? module.destination_bucket[0].s3_bucket_id : ""
}

module "bucket" {
  source = "../bucket"

  bucket_name = local.copy ? "${var.name}-source-${local.suffix}" : "${var.name}-${local.suffix}"
  expire_prefixes = {
    (var.manifest_prefix) = var.expiration_days.manifests
    (var.report_prefix)   = var.expiration_days.reports
  }
}

module "destination_bucket" {
  source = "../bucket"
  count  = local.copy ? 1 : 0

  bucket_name = "${var.name}-destination-${local.suffix}"
}

module "batch_role" {
  source = "../batch_role"

  role_name          = "${var.name}-batch"
  operation          = var.operation
  manifest_bucket    = module.bucket.s3_bucket_id
  manifest_prefix    = var.manifest_prefix
  report_bucket      = module.bucket.s3_bucket_id
  report_prefix      = var.report_prefix
  target_bucket      = module.bucket.s3_bucket_id
  destination_bucket = local.destination_bucket
}
