# The sentiment stack: one hardened bucket (or two), the sentiment function and the role S3 Batch
# Operations assumes. The job itself is not a Terraform resource (the AWS provider has none):
# `make job TARGET=aws` creates it from this stack's outputs.

provider "aws" {
  region = var.region

  default_tags {
    tags = var.tags
  }
}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region

  data_bucket_name = coalesce(var.bucket_name, "${var.name}-${local.account_id}-${local.region}")
  # Bucket names stop at 63 characters. A name and Region too long for "<name>-jobs-<account>-<region>"
  # (32 + 14 characters reach 65) keep the start of the name plus 6 hex digits of its SHA-1, so two long
  # names that share a start still get different buckets; every name that fits is used as it is.
  job_bucket_suffix = "-jobs-${local.account_id}-${local.region}"
  job_bucket_short  = "${substr(var.name, 0, 56 - length(local.job_bucket_suffix))}-${substr(sha1(var.name), 0, 6)}"
  job_bucket_name   = length(var.name) + length(local.job_bucket_suffix) <= 63 ? "${var.name}${local.job_bucket_suffix}" : "${local.job_bucket_short}${local.job_bucket_suffix}"
  # Manifests and reports live in the data bucket unless separate_job_bucket asks for their own.
  job_bucket   = var.separate_job_bucket ? module.job_bucket[0].s3_bucket_id : module.data_bucket.s3_bucket_id
  kms_key_arns = var.kms_key_arn == null ? [] : [var.kms_key_arn]
  # `make lambda` writes the package at the repository root, next to terraform/.
  package_path = coalesce(var.package_path, "${path.root}/../build/lambda/sentiment.zip")

  job_expiry = {
    (var.manifest_prefix) = var.manifest_expiration_days
    (var.report_prefix)   = var.report_expiration_days
  }
}

module "data_bucket" {
  source = "./modules/bucket"

  bucket_name        = local.data_bucket_name
  force_destroy      = var.force_destroy
  versioning_enabled = var.versioning_enabled
  kms_key_arn        = var.kms_key_arn
  access_log_bucket  = var.access_log_bucket
  expire_prefixes    = var.separate_job_bucket ? {} : local.job_expiry
}

module "job_bucket" {
  source = "./modules/bucket"
  count  = var.separate_job_bucket ? 1 : 0

  bucket_name        = local.job_bucket_name
  force_destroy      = var.force_destroy
  versioning_enabled = var.versioning_enabled
  kms_key_arn        = var.kms_key_arn
  access_log_bucket  = var.access_log_bucket
  expire_prefixes    = local.job_expiry
}

module "sentiment_lambda" {
  source = "./modules/sentiment_lambda"

  function_name                  = var.name
  package_path                   = local.package_path
  runtime                        = var.lambda_runtime
  architecture                   = var.lambda_architecture
  memory_size                    = var.lambda_memory_size
  timeout                        = var.lambda_timeout
  reserved_concurrent_executions = var.lambda_reserved_concurrent_executions
  tracing_mode                   = var.lambda_tracing_mode
  log_retention_in_days          = var.lambda_log_retention_in_days
  sentiment_backend              = var.sentiment_backend
  language_code                  = var.language_code
  sentiment_mode                 = var.sentiment_mode
  max_bytes                      = var.max_bytes
  powertools_layer_version       = var.powertools_layer_version
  powertools_layer_arn           = var.powertools_layer_arn
  data_bucket                    = module.data_bucket.s3_bucket_id
  data_prefix                    = var.data_prefix
  tagging_enabled                = var.tagging_enabled
  kms_key_arns                   = local.kms_key_arns
}

module "batch_role" {
  source = "./modules/batch_role"

  role_name                = "${var.name}-batch"
  operation                = var.operation
  manifest_bucket          = local.job_bucket
  manifest_prefix          = var.manifest_prefix
  report_bucket            = local.job_bucket
  report_prefix            = var.report_prefix
  target_bucket            = module.data_bucket.s3_bucket_id
  destination_bucket       = var.destination_bucket
  function_arn             = module.sentiment_lambda.lambda_function_qualified_arn
  kms_key_arns             = local.kms_key_arns
  versioned                = var.versioned_manifests
  source_account_condition = var.source_account_condition
  create_submitter_policy  = var.create_submitter_policy
}
