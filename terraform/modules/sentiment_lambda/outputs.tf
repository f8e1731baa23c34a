output "lambda_function_arn" {
  description = "Unqualified ARN of the function."
  value       = aws_lambda_function.this.arn
}

output "lambda_function_qualified_arn" {
  description = "ARN of the published version (<arn>:<version>): what jobs invoke."
  value       = aws_lambda_function.this.qualified_arn
}

output "lambda_function_name" {
  description = "Name of the function."
  value       = aws_lambda_function.this.function_name
}

output "lambda_function_version" {
  description = "Version number published by the last apply."
  value       = aws_lambda_function.this.version
}

output "lambda_role_arn" {
  description = "ARN of the function's execution role."
  value       = aws_iam_role.this.arn
}

output "lambda_role_name" {
  description = "Name of the function's execution role."
  value       = aws_iam_role.this.name
}

output "lambda_cloudwatch_log_group_name" {
  description = "Name of the function's log group."
  value       = aws_cloudwatch_log_group.this.name
}
