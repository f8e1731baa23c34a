variable "name" {
  description = "Name of the stack; prefixes the bucket and role names (2-32 characters, checked by the job_stack module)."
  type        = string
  default     = "s3batch-tagging"
}

variable "region" {
  description = "AWS Region of the stack and the jobs."
  type        = string
  default     = "us-east-1"
}
