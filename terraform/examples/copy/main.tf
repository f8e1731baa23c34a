# A copy job stack: a source bucket (which also holds manifests and reports), a destination bucket
# and a role that may read the source and write the destination. Create the job in the
# destination bucket's Region with operation S3PutObjectCopy.

provider "aws" {
  region = var.region
}

data "aws_caller_identity" "current" {}

locals {
  suffix = "${data.aws_caller_identity.current.account_id}-${var.region}"
}

module "source_bucket" {
  source = "../../modules/bucket"

  bucket_name = "${var.name}-source-${local.suffix}"
  expire_prefixes = {
    (var.manifest_prefix) = 30
    (var.report_prefix)   = 90
  }
}

module "destination_bucket" {
  source = "../../modules/bucket"

  bucket_name = "${var.name}-destination-${local.suffix}"
}

module "batch_role" {
  source = "../../modules/batch_role"

  role_name          = "${var.name}-batch"
  operation          = "S3PutObjectCopy"
  manifest_bucket    = module.source_bucket.s3_bucket_id
  manifest_prefix    = var.manifest_prefix
  report_bucket      = module.source_bucket.s3_bucket_id
  report_prefix      = var.report_prefix
  target_bucket      = module.source_bucket.s3_bucket_id
  destination_bucket = module.destination_bucket.s3_bucket_id
}
