variable "role_name" {
  description = "Name of the role S3 Batch Operations assumes."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.role_name))
    error_message = "role_name must be 1-64 characters of letters, digits and + = , . @ _ -."
  }
}

variable "operation" {
  description = "CreateJob operation the role is built for; its permission policy is the one `make policies` generated for this operation."
  type        = string
  default     = "LambdaInvoke"

  validation {
    condition = contains([
      "LambdaInvoke",
      "S3PutObjectCopy",
      "S3PutObjectAcl",
      "S3PutObjectTagging",
      "S3DeleteObjectTagging",
      "S3InitiateRestoreObject",
      "S3PutObjectLegalHold",
      "S3PutObjectRetention",
      "S3ReplicateObject",
      "S3ComputeObjectChecksum",
      "S3UpdateObjectEncryption",
    ], var.operation)
    error_message = "operation must be a CreateJob operation: LambdaInvoke, S3PutObjectCopy, S3PutObjectAcl, S3PutObjectTagging, S3DeleteObjectTagging, S3InitiateRestoreObject, S3PutObjectLegalHold, S3PutObjectRetention, S3ReplicateObject, S3ComputeObjectChecksum or S3UpdateObjectEncryption."
  }
}

variable "manifest_bucket" {
  description = "Bucket the job reads its manifest from."
  type        = string
}

variable "manifest_prefix" {
  description = "Prefix of the manifests; the role may read only objects below it (\"\" for the whole bucket)."
  type        = string
  default     = ""
}

variable "report_bucket" {
  description = "Bucket that receives the completion reports."
  type        = string
}

variable "report_prefix" {
  description = "Prefix of the completion reports; the role may write only below it (\"\" for the whole bucket)."
  type        = string
  default     = ""
}

variable "target_bucket" {
  description = "Bucket whose objects the job acts on (for S3PutObjectCopy: the source bucket); \"\" when the operation touches no objects itself (LambdaInvoke)."
  type        = string
  default     = ""
}

variable "destination_bucket" {
  description = "Destination bucket of an S3PutObjectCopy job; \"\" for other operations."
  type        = string
  default     = ""
}

variable "function_arn" {
  description = "ARN of the function a LambdaInvoke job calls, qualified with the version the job uses; \"\" for other operations."
  type        = string
  default     = ""
}

variable "kms_key_arns" {
  description = "ARNs of the KMS keys (not aliases) that encrypt the objects the job reads or writes; non-empty selects the policy variant with kms:Decrypt/GenerateDataKey through S3."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.kms_key_arns : can(regex("^arn:[^:]+:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", arn))])
    error_message = "kms_key_arns must be KMS key ARNs (arn:<partition>:kms:<region>:<account>:key/<id>); IAM never matches alias ARNs."
  }
}

variable "versioned" {
  description = "Controls whether the manifests carry version IDs, which adds the version-specific actions (s3:GetObjectVersion, ...) to the policy."
  type        = bool
  default     = false
}

variable "source_account_condition" {
  description = "Controls whether the trust policy requires aws:SourceAccount to be this account. Off by default: AWS documents no confused-deputy condition for batchoperations.s3.amazonaws.com, and a condition the service does not send makes every job fail at start; test on a small job before turning it on."
  type        = bool
  default     = false
}

variable "create_submitter_policy" {
  description = "Controls whether a managed policy for the principal that submits jobs (s3:CreateJob & co., iam:PassRole on this role) is created; its JSON is an output either way."
  type        = bool
  default     = false
}

variable "permissions_boundary" {
  description = "ARN of a managed policy to use as the role's permissions boundary; null for none."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags for the role (S3BatchOperation = <operation> is always added; the policy linter reads it)."
  type        = map(string)
  default     = {}
}
