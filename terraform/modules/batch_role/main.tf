# The role's policies are not written here: `make policies` renders them from the policy catalogue
# (s3batch_core/iam/catalogue) into policies/*.tftpl, and `make check` fails when the files drift from it.

data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  # <Operation>[.versioned][.kms].json.tftpl, as generated for the chosen operation.
  version_suffix = var.versioned ? ".versioned" : ""
  kms_suffix     = length(var.kms_key_arns) > 0 ? ".kms" : ""
  policy_file    = "${var.operation}${local.version_suffix}${local.kms_suffix}.json.tftpl"

  # Every template takes all of these; the ones an operation does not use are "".
  policy_variables = {
    partition          = data.aws_partition.current.partition
    region             = data.aws_region.current.region
    manifest_bucket    = var.manifest_bucket
    manifest_prefix    = var.manifest_prefix
    report_bucket      = var.report_bucket
    report_prefix      = var.report_prefix
    target_bucket      = var.target_bucket
    destination_bucket = var.destination_bucket
    function_arn       = var.function_arn
    kms_key_arns       = var.kms_key_arns
  }

  trust_policy = var.source_account_condition ? templatefile("${path.module}/policies/trust.source-account.json.tftpl", {
    source_account = data.aws_caller_identity.current.account_id
  }) : templatefile("${path.module}/policies/trust.json.tftpl", {})

  submitter_policy = templatefile("${path.module}/policies/submitter.json.tftpl", {
    role_arn   = aws_iam_role.this.arn
    partition  = data.aws_partition.current.partition
    region     = data.aws_region.current.region
    account_id = data.aws_caller_identity.current.account_id
  })
}

resource "aws_iam_role" "this" {
  name                 = var.role_name
  description          = "Assumed by S3 Batch Operations for ${var.operation} jobs (s3batch-kit)"
  assume_role_policy   = local.trust_policy
  permissions_boundary = var.permissions_boundary
  tags                 = merge(var.tags, { S3BatchOperation = var.operation })

  # Inputs an operation cannot do without (the catalogue's missing_flags; a test keeps them in step).
  lifecycle {
    precondition {
      condition     = var.operation != "LambdaInvoke" || var.function_arn != ""
      error_message = "function_arn is required when operation is LambdaInvoke."
    }

    precondition {
      condition     = var.operation == "LambdaInvoke" || var.target_bucket != ""
      error_message = "target_bucket (the bucket whose objects the job acts on) is required for every operation but LambdaInvoke."
    }

    precondition {
      condition     = var.operation != "S3PutObjectCopy" || var.destination_bucket != ""
      error_message = "destination_bucket is required when operation is S3PutObjectCopy."
    }

    precondition {
      condition     = var.manifest_bucket != var.report_bucket || var.manifest_prefix != var.report_prefix
      error_message = "manifest and report locations must differ: a role that writes reports where it reads manifests lets one job's report replace the next job's manifest."
    }

    precondition {
      condition     = var.operation != "S3UpdateObjectEncryption" || length(var.kms_key_arns) > 0
      error_message = "kms_key_arns (the key objects are re-encrypted with) is required when operation is S3UpdateObjectEncryption."
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "s3-batch-operations-${var.operation}"
  role   = aws_iam_role.this.id
  policy = templatefile("${path.module}/policies/${local.policy_file}", local.policy_variables)
}

resource "aws_iam_policy" "submitter" {
  count = var.create_submitter_policy ? 1 : 0

  name        = "${var.role_name}-submitter"
  description = "Create and manage S3 Batch Operations jobs that run as ${var.role_name}"
  policy      = local.submitter_policy
  tags        = var.tags
}
