variable "name" {
  description = "Name of the stack; prefixes the bucket and role names."
  type        = string
  default     = "s3batch-copy"

  validation {
    condition     = length(var.name) <= 21
    error_message = "name must have at most 21 characters (bucket names <name>-destination-<account>-<region> stop at 63 characters); the job_stack module checks the rest."
  }
}

variable "region" {
  description = "AWS Region of the stack and the jobs."
  type        = string
  default     = "us-east-1"
}
