output "bucket_name" {
  description = "Bucket holding the objects the job acts on (for S3PutObjectCopy: copies from), the manifests and the reports."
  value       = module.bucket.s3_bucket_id
}

output "destination_bucket_name" {
  description = "Bucket the objects are copied to (CreateJob's TargetResource) for S3PutObjectCopy; \"\" otherwise."
  value       = local.destination_bucket
}

output "batch_role_arn" {
  description = "ARN of the role to pass as CreateJob's RoleArn."
  value       = module.batch_role.batch_role_arn
}

output "submitter_policy_json" {
  description = "Policy to attach to whoever creates the jobs."
  value       = module.batch_role.submitter_policy_json
}
