variable "name" {
  description = "Name of the stack; prefixes the bucket and role names."
  type        = string
  default     = "s3batch-restore"
}

variable "region" {
  description = "AWS Region of the stack and the jobs."
  type        = string
  default     = "us-east-1"
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
