# A restore job stack: one bucket whose archived objects (S3 Glacier Flexible Retrieval, S3 Glacier Deep Archive)
# get restore requests, and a role that may do exactly that. Create the job with `s3batch job` (or the console),
# operation S3InitiateRestoreObject, in the Region of the archived objects.

provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}

locals {
  bucket_name = "${var.name}-${data.aws_caller_identity.current.account_id}-${var.region}"
}

module "bucket" {
  source = "../../modules/bucket"

  bucket_name = local.bucket_name
  expire_prefixes = {
    (var.manifest_prefix) = 30
    (var.report_prefix)   = 90
  }
}

module "batch_role" {
  source = "../../modules/batch_role"

  role_name       = "${var.name}-batch"
  operation       = "S3InitiateRestoreObject"
  manifest_bucket = module.bucket.s3_bucket_id
  manifest_prefix = var.manifest_prefix
  report_bucket   = module.bucket.s3_bucket_id
  report_prefix   = var.report_prefix
  target_bucket   = module.bucket.s3_bucket_id
}
