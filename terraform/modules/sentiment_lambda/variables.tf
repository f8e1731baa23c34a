################################################################################
# Function
################################################################################

variable "function_name" {
  description = "Name of the Lambda function; also names its log group (/aws/lambda/<name>) and execution role (<name>-exec)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,59}$", var.function_name))
    error_message = "function_name must be 1-59 letters, digits, hyphens or underscores (the role name adds \"-exec\")."
  }
}

variable "package_path" {
  description = "Path of the deployment package built by `make lambda` (build/lambda/sentiment.zip); it must exist before `terraform plan`."
  type        = string
}

variable "runtime" {
  description = "Python runtime of the function."
  type        = string
  default     = "python3.12"

  validation {
    condition     = contains(["python3.12", "python3.13"], var.runtime)
    error_message = "runtime must be python3.12 or python3.13."
  }
}

variable "architecture" {
  description = "Instruction set architecture of the function (the package is pure Python, so both work)."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be x86_64 or arm64."
  }
}

variable "memory_size" {
  description = "Memory of the function in MiB."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MiB."
  }
}

variable "timeout" {
  description = "Timeout of one invocation (one S3 Batch Operations task) in seconds."
  type        = number
  default     = 30

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900
    error_message = "timeout must be between 1 and 900 seconds."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for (and capping) the function. S3 Batch Operations invokes up to the function's concurrency limit, so this caps the request rate on Amazon Comprehend, whose synchronous APIs are throttled per account. -1 reserves nothing (needed where the account's concurrency quota is too small to reserve from, as in new accounts)."
  type        = number
  default     = 10

  validation {
    condition     = var.reserved_concurrent_executions == -1 || var.reserved_concurrent_executions >= 1
    error_message = "reserved_concurrent_executions must be -1 (no reservation) or at least 1."
  }
}

variable "tracing_mode" {
  description = "AWS X-Ray tracing mode: Active records traces (and grants the X-Ray write actions), PassThrough turns tracing off."
  type        = string
  default     = "Active"

  validation {
    condition     = contains(["Active", "PassThrough"], var.tracing_mode)
    error_message = "tracing_mode must be Active or PassThrough."
  }
}

variable "environment_kms_key_arn" {
  description = "ARN of a KMS key that encrypts the function's environment variables; null uses the AWS managed key (the environment holds no secrets)."
  type        = string
  default     = null
}

################################################################################
# Sentiment settings (environment of the handler)
################################################################################

variable "sentiment_backend" {
  description = "Sentiment engine: comprehend (Amazon Comprehend DetectSentiment) or lexicon (VADER, bundled, no AWS calls)."
  type        = string
  default     = "comprehend"

  validation {
    condition     = contains(["comprehend", "lexicon"], var.sentiment_backend)
    error_message = "sentiment_backend must be comprehend or lexicon."
  }
}

variable "language_code" {
  description = "Language of the texts, passed to Amazon Comprehend (the lexicon backend handles English only)."
  type        = string
  default     = "en"

  validation {
    condition     = contains(["ar", "de", "en", "es", "fr", "hi", "it", "ja", "ko", "pt", "zh", "zh-TW"], var.language_code)
    error_message = "language_code must be one of Comprehend's LanguageCode values: ar, de, en, es, fr, hi, it, ja, ko, pt, zh, zh-TW."
  }
}

variable "sentiment_mode" {
  description = "head analyses the first 5000 bytes of each object (one DetectSentiment call); full analyses up to max_bytes bytes in documents of 5000 bytes (BatchDetectSentiment). Jobs may override it with the Mode user argument."
  type        = string
  default     = "head"

  validation {
    condition     = contains(["head", "full"], var.sentiment_mode)
    error_message = "sentiment_mode must be head or full."
  }
}

variable "max_bytes" {
  description = "Most bytes the function reads from one object (full mode); each Comprehend request still gets at most 5000 bytes. The default, 125000, is 25 documents of 5000 bytes: about one BatchDetectSentiment call per object."
  type        = number
  default     = 125000

  validation {
    condition     = var.max_bytes >= 1 && var.max_bytes <= 10485760
    error_message = "max_bytes must be between 1 and 10485760 (10 MiB)."
  }
}

variable "powertools_service_name" {
  description = "Service name in the function's structured logs and metrics (POWERTOOLS_SERVICE_NAME)."
  type        = string
  default     = "s3batch-sentiment"
}

variable "powertools_metrics_namespace" {
  description = "CloudWatch namespace of the function's metrics (POWERTOOLS_METRICS_NAMESPACE)."
  type        = string
  default     = "S3BatchKit"
}

variable "powertools_log_level" {
  description = "Log level of the function (POWERTOOLS_LOG_LEVEL)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], var.powertools_log_level)
    error_message = "powertools_log_level must be DEBUG, INFO, WARNING, ERROR or CRITICAL."
  }
}

variable "attach_powertools_layer" {
  description = "Controls whether the AWS Lambda Powertools for Python layer is attached."
  type        = bool
  default     = true
}

variable "powertools_layer_version" {
  description = "Version of AWS's public layer AWSLambdaPowertoolsPythonV3-<runtime>-<architecture> (account 017000801446); 27 is Powertools 3.23.0. Used when powertools_layer_arn is null."
  type        = number
  default     = 27

  validation {
    condition     = var.powertools_layer_version >= 1
    error_message = "powertools_layer_version must be at least 1."
  }
}

variable "powertools_layer_arn" {
  description = "Full ARN of a Powertools layer version, overriding the public layer built from region, runtime, architecture and powertools_layer_version (needed outside the aws partition)."
  type        = string
  default     = null
}

################################################################################
# Data access (execution role)
################################################################################

variable "data_bucket" {
  description = "Bucket holding the objects the function reads."
  type        = string
}

variable "data_prefix" {
  description = "Prefix of the objects the function may read (and tag); \"\" for the whole bucket."
  type        = string
  default     = ""
}

variable "tagging_enabled" {
  description = "Controls whether the function may tag the objects it reads (s3:GetObjectTagging/PutObjectTagging and their version variants); jobs ask for tags with the TagKey user argument."
  type        = bool
  default     = false
}

variable "kms_key_arns" {
  description = "KMS keys that encrypt the data objects; the function may decrypt with them through S3 only."
  type        = list(string)
  default     = []
}

################################################################################
# Logs and tags
################################################################################

variable "log_retention_in_days" {
  description = "Retention of the function's log group in days."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "log_retention_in_days must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}

variable "log_kms_key_arn" {
  description = "ARN of a KMS key that encrypts the log group (its key policy must allow CloudWatch Logs); null uses CloudWatch Logs' own encryption."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
}
