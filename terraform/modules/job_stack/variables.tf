variable "name" {
  description = "Name of the stack: the bucket is <name>-<account>-<region> (for S3PutObjectCopy <name>-source-… and <name>-destination-…), the role <name>-batch."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$", var.name))
    error_message = "name must be 2-32 lowercase letters, digits and hyphens, starting and ending with a letter or digit (it is part of the bucket names, which the bucket module bounds at 63 characters)."
  }
}

variable "operation" {
  description = "CreateJob operation the batch role is built for (the batch_role module checks it); S3PutObjectCopy adds the destination bucket."
  type        = string
}

variable "manifest_prefix" {
  description = "Prefix of the manifests; the role may read only below it."
  type        = string
  default     = "manifests/"
}

variable "report_prefix" {
  description = "Prefix of the completion reports; the role may write only below it."
  type        = string
  default     = "reports/"
}

variable "expiration_days" {
  description = "Days after which manifests and completion reports expire."
  type        = object({ manifests = number, reports = number })
  default     = { manifests = 30, reports = 90 }
}
