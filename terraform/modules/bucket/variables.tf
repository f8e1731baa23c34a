variable "bucket_name" {
  description = "Name of the bucket (globally unique, 3-63 lowercase characters)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be 3-63 characters of lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit."
  }
}

variable "force_destroy" {
  description = "Controls whether `terraform destroy` may delete a bucket that still holds objects. Off: empty the bucket first."
  type        = bool
  default     = false
}

variable "versioning_enabled" {
  description = "Controls whether object versioning is enabled (Suspended when false)."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "ARN of a KMS key for default SSE-KMS encryption with S3 Bucket Keys; null keeps SSE-S3. S3 Batch Operations cannot read SSE-KMS-encrypted CSV manifests, so upload manifests with SSE-S3 (AES256) explicitly when this is set."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:[^:]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "expire_prefixes" {
  description = "Objects below each prefix (key) expire after the given number of days (value): manifests and completion reports. Each prefix must be non-empty and end with \"/\"."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for prefix, days in var.expire_prefixes : can(regex("^[^/].*/$", prefix)) && days >= 1])
    error_message = "expire_prefixes keys must be non-empty prefixes ending with \"/\" (not starting with one) and values at least 1 day."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which noncurrent object versions are deleted."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1
    error_message = "noncurrent_version_expiration_days must be at least 1."
  }
}

variable "abort_incomplete_multipart_upload_days" {
  description = "Days after which incomplete multipart uploads are aborted and their parts deleted."
  type        = number
  default     = 7

  validation {
    condition     = var.abort_incomplete_multipart_upload_days >= 1
    error_message = "abort_incomplete_multipart_upload_days must be at least 1."
  }
}

variable "access_log_bucket" {
  description = "Name of an existing bucket that receives S3 server access logs for this bucket; null disables access logging."
  type        = string
  default     = null
}

variable "access_log_prefix" {
  description = "Key prefix for the access logs in access_log_bucket; null uses \"s3-access-logs/<bucket_name>/\"."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for the bucket."
  type        = map(string)
  default     = {}
}
