# A restore job stack: one bucket whose archived objects (S3 Glacier Flexible Retrieval, S3 Glacier Deep Archive)
# get restore requests, and a role that may do exactly that. Create the job with `s3batch job` (or the console),
# operation S3InitiateRestoreObject, in the Region of the archived objects.

provider "aws" {
  region = var.region
}

module "job_stack" {
  source = "../../modules/job_stack"

  name      = var.name
  operation = "S3InitiateRestoreObject"
}
