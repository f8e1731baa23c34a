output "bucket_name" {
  description = "Bucket holding the archived objects to restore, the manifests and the reports."
  value       = module.job_stack.bucket_name
}

output "batch_role_arn" {
  description = "ARN of the role to pass as CreateJob's RoleArn."
  value       = module.job_stack.batch_role_arn
}

output "submitter_policy_json" {
  description = "Policy to attach to whoever creates the jobs."
  value       = module.job_stack.submitter_policy_json
}
