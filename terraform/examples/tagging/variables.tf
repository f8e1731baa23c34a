variable "name" {
  description = "Name of the stack; prefixes the bucket and role names."
  type        = string
  default     = "s3batch-tagging"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$", var.name))
    error_message = "name must be 2-32 lowercase letters, digits and hyphens, starting and ending with a letter or digit (bucket names <name>-<account>-<region> stop at 63 characters)."
  }
}

variable "region" {
  description = "AWS Region of the stack and the jobs."
  type        = string
  default     = "us-east-1"

  validation {
    # The longest Region name today has 15 characters (us-isof-south-1); bucket names include it.
    condition     = can(regex("^[a-z]{2,4}(-[a-z]+)+-[0-9]$", var.region)) && length(var.region) <= 16
    error_message = "region must be an AWS Region name such as us-east-1 (at most 16 characters)."
  }
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
