output "s3_bucket_id" {
  description = "Name of the bucket."
  value       = aws_s3_bucket.this.bucket
}

output "s3_bucket_arn" {
  description = "ARN of the bucket."
  value       = aws_s3_bucket.this.arn
}

output "s3_bucket_region" {
  description = "Region of the bucket."
  value       = aws_s3_bucket.this.bucket_region
}
