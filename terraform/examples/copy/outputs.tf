output "source_bucket_name" {
  description = "Bucket holding the objects to copy, the manifests and the reports."
  value       = module.source_bucket.s3_bucket_id
}

output "destination_bucket_name" {
  description = "Bucket the objects are copied to (CreateJob's TargetResource)."
  value       = module.destination_bucket.s3_bucket_id
}

output "batch_role_arn" {
  description = "ARN of the role to pass as CreateJob's RoleArn."
  value       = module.batch_role.batch_role_arn
}

output "submitter_policy_json" {
  description = "Policy to attach to whoever creates the jobs."
  value       = module.batch_role.submitter_policy_json
}
