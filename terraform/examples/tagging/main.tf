# A tagging job stack: one bucket whose objects get a new tag set, and a role that may do exactly
# that. Create the job with `s3batch job` (or the console), operation S3PutObjectTagging.

provider "aws" {
  region = var.region
}

module "job_stack" {
  source = "../../modules/job_stack"

  name      = var.name
  operation = "S3PutObjectTagging"
}
