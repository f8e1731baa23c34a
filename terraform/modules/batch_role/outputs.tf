output "batch_role_arn" {
  description = "ARN of the role S3 Batch Operations assumes (CreateJob's RoleArn)."
  value       = aws_iam_role.this.arn
}

output "batch_role_name" {
  description = "Name of the role."
  value       = aws_iam_role.this.name
}

output "batch_role_policy_json" {
  description = "Permission policy of the role, as generated for the operation."
  value       = aws_iam_role_policy.this.policy
}

output "batch_role_trust_policy_json" {
  description = "Trust policy of the role."
  value       = aws_iam_role.this.assume_role_policy
}

output "batch_role_policy_file" {
  description = "Generated policy template the permission policy comes from."
  value       = local.policy_file
}

output "submitter_policy_json" {
  description = "Policy for the principal that submits jobs: s3:CreateJob and job management, iam:PassRole on this role only."
  value       = local.submitter_policy
}

output "submitter_policy_arn" {
  description = "ARN of the submitter managed policy; \"\" unless create_submitter_policy is true."
  value       = try(aws_iam_policy.submitter[0].arn, "")
}
