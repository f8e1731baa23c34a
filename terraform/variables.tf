################################################################################
# Stack
################################################################################

variable "name" {
  description = "Name of the stack: the function is <name>, the batch role <name>-batch, the bucket <name>-<account>-<region> unless bucket_name is set."
  type        = string
  default     = "s3batch-sentiment"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$", var.name))
    error_message = "name must be 2-32 lowercase letters, digits and hyphens, starting and ending with a letter or digit (it is part of bucket and role names)."
  }
}

variable "region" {
  description = "AWS Region of the stack; jobs are created in the same Region."
  type        = string
  default     = "us-east-1"

  validation {
    # The longest Region name today has 15 characters (us-isof-south-1); bucket names include it.
    condition     = can(regex("^[a-z]{2,4}(-[a-z]+)+-[0-9]$", var.region)) && length(var.region) <= 16
    error_message = "region must be an AWS Region name such as us-east-1 (at most 16 characters)."
  }
}

variable "tags" {
  description = "Tags for every resource of the stack (provider default_tags)."
  type        = map(string)
  default     = {}
}

################################################################################
# Buckets
################################################################################

variable "bucket_name" {
  description = "Name of the data bucket; null uses <name>-<account>-<region>."
  type        = string
  default     = null
}

variable "separate_job_bucket" {
  description = "Controls whether manifests and reports get their own bucket (<name>-jobs-<account>-<region>) instead of prefixes in the data bucket."
  type        = bool
  default     = false
}

variable "data_prefix" {
  description = "Prefix of the objects the job processes; the function may read only below it. \"\" for the whole bucket, otherwise ending with \"/\"."
  type        = string
  default     = "input/"

  validation {
    condition     = var.data_prefix == "" || can(regex("^[^/].*/$", var.data_prefix))
    error_message = "data_prefix must be \"\" or a prefix ending with \"/\" (not starting with one)."
  }
}

variable "manifest_prefix" {
  description = "Prefix of the manifests the job tooling writes; the batch role may read only below it. Must end with \"/\" and differ from report_prefix."
  type        = string
  default     = "manifests/"

  validation {
    condition     = can(regex("^[^/].*/$", var.manifest_prefix))
    error_message = "manifest_prefix must be a non-empty prefix ending with \"/\" (not starting with one)."
  }
}

variable "report_prefix" {
  description = "Prefix of the completion reports; the batch role may write only below it. Must end with \"/\" and differ from manifest_prefix."
  type        = string
  default     = "reports/"

  validation {
    condition     = can(regex("^[^/].*/$", var.report_prefix))
    error_message = "report_prefix must be a non-empty prefix ending with \"/\" (not starting with one)."
  }
}

variable "manifest_expiration_days" {
  description = "Days after which manifests expire."
  type        = number
  default     = 30
}

variable "report_expiration_days" {
  description = "Days after which completion reports expire."
  type        = number
  default     = 90
}

variable "versioning_enabled" {
  description = "Controls whether the buckets keep object versions."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "ARN of a KMS key for SSE-KMS default encryption (with bucket keys); null keeps SSE-S3. The function and the batch role get kms:Decrypt through S3 on it."
  type        = string
  default     = null
}

variable "access_log_bucket" {
  description = "Name of an existing bucket for S3 server access logs; null disables access logging."
  type        = string
  default     = null
}

variable "force_destroy" {
  description = "Controls whether `terraform destroy` deletes buckets that still hold objects. Off: empty them first."
  type        = bool
  default     = false
}

################################################################################
# Batch role
################################################################################

variable "operation" {
  description = "CreateJob operation the batch role is built for (the batch_role module checks the name); the stack's function serves LambdaInvoke."
  type        = string
  default     = "LambdaInvoke"
}

variable "destination_bucket" {
  description = "Destination bucket when operation is S3PutObjectCopy; \"\" otherwise."
  type        = string
  default     = ""
}

variable "versioned_manifests" {
  description = "Controls whether manifests carry version IDs (adds the version-specific actions to the batch role)."
  type        = bool
  default     = false
}

variable "invocation_schema_version" {
  description = "LambdaInvoke invocation schema version jobs use; 2.0 is needed for user arguments (LanguageCode, Mode, TagKey)."
  type        = string
  default     = "2.0"

  validation {
    condition     = contains(["1.0", "2.0"], var.invocation_schema_version)
    error_message = "invocation_schema_version must be \"1.0\" or \"2.0\"."
  }
}

variable "source_account_condition" {
  description = "Controls whether the batch role's trust policy requires aws:SourceAccount (off: AWS documents no such condition for S3 Batch Operations)."
  type        = bool
  default     = false
}

variable "create_submitter_policy" {
  description = "Controls whether a managed policy for the job submitter (s3:CreateJob & co., iam:PassRole on the batch role) is created."
  type        = bool
  default     = false
}

################################################################################
# Sentiment function
################################################################################

variable "package_path" {
  description = "Deployment package of the function; null uses build/lambda/sentiment.zip at the repository root, which `make lambda` builds."
  type        = string
  default     = null
}

variable "lambda_runtime" {
  description = "Python runtime of the function (python3.12 or python3.13)."
  type        = string
  default     = "python3.12"
}

variable "lambda_architecture" {
  description = "Architecture of the function (x86_64 or arm64)."
  type        = string
  default     = "x86_64"
}

variable "lambda_memory_size" {
  description = "Memory of the function in MiB."
  type        = number
  default     = 256
}

variable "lambda_timeout" {
  description = "Timeout of one task (one invocation) in seconds."
  type        = number
  default     = 30
}

variable "lambda_reserved_concurrent_executions" {
  description = "Concurrency reserved for and capping the function: it bounds the request rate on Amazon Comprehend. -1 reserves nothing (for accounts whose concurrency quota is too small to reserve from)."
  type        = number
  default     = 10
}

variable "lambda_tracing_mode" {
  description = "X-Ray tracing mode of the function (Active or PassThrough)."
  type        = string
  default     = "Active"
}

variable "lambda_log_retention_in_days" {
  description = "Retention of the function's log group in days."
  type        = number
  default     = 365
}

variable "sentiment_backend" {
  description = "Sentiment engine: comprehend (Amazon Comprehend) or lexicon (VADER, bundled, no AWS calls)."
  type        = string
  default     = "comprehend"
}

variable "language_code" {
  description = "Language of the texts (a Comprehend LanguageCode)."
  type        = string
  default     = "en"
}

variable "sentiment_mode" {
  description = "head (first 5000 bytes of each object) or full (up to max_bytes in 5000-byte documents)."
  type        = string
  default     = "head"
}

variable "max_bytes" {
  description = "Most bytes the function reads from one object in full mode."
  type        = number
  default     = 125000
}

variable "tagging_enabled" {
  description = "Controls whether the function may tag the objects it reads (jobs ask for it with the TagKey user argument)."
  type        = bool
  default     = false
}

variable "powertools_layer_version" {
  description = "Version of AWS's public Powertools for Python V3 layer (27 is Powertools 3.23.0)."
  type        = number
  default     = 27
}

variable "powertools_layer_arn" {
  description = "Full Powertools layer ARN overriding the public layer (needed outside the aws partition); null uses the public layer."
  type        = string
  default     = null
}
