output "source_bucket_name" {
  description = "Bucket holding the objects to copy, the manifests and the reports."
  value       = module.job_stack.bucket_name
}

output "destination_bucket_name" {
  description = "Bucket the objects are copied to (CreateJob's TargetResource)."
  value       = module.job_stack.destination_bucket_name
}

output "batch_role_arn" {
  description = "ARN of the role to pass as CreateJob's RoleArn."
  value       = module.job_stack.batch_role_arn
}

output "submitter_policy_json" {
  description = "Policy to attach to whoever creates the jobs."
  value       = module.job_stack.submitter_policy_json
}
