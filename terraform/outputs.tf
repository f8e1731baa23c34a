# These names are the contract with the job tooling and the local deploy: s3batch_core.contract.stack_outputs.OUTPUTS.

output "bucket_name" {
  description = "Bucket that holds the objects the job acts on."
  value       = module.data_bucket.s3_bucket_id
}

output "data_prefix" {
  description = "Prefix under which `make job` uploads the input files."
  value       = var.data_prefix
}

output "manifest_bucket" {
  description = "Bucket the job tooling writes manifests to."
  value       = local.job_bucket
}

output "manifest_prefix" {
  description = "Prefix for manifests; the batch role may read only below it."
  value       = var.manifest_prefix
}

output "report_bucket" {
  description = "Bucket that receives completion reports."
  value       = local.job_bucket
}

output "report_prefix" {
  description = "Prefix for completion reports; the batch role may write only below it."
  value       = var.report_prefix
}

output "batch_role_arn" {
  description = "ARN of the role S3 Batch Operations assumes."
  value       = module.batch_role.batch_role_arn
}

output "function_arn" {
  description = "Qualified ARN (with the published version) of the sentiment function."
  value       = module.sentiment_lambda.lambda_function_qualified_arn
}

output "region" {
  description = "Region of the stack; jobs are created there."
  value       = local.region
}

output "account_id" {
  description = "Account that owns the stack and the jobs."
  value       = local.account_id
}

output "operation" {
  description = "CreateJob operation the batch role is built for."
  value       = var.operation
}

output "invocation_schema_version" {
  description = "LambdaInvoke invocation schema version the function expects."
  value       = var.invocation_schema_version
}
