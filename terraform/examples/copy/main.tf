# A copy job stack: a source bucket (which also holds manifests and reports), a destination bucket
# and a role that may read the source and write the destination. Create the job in the
# destination bucket's Region with operation S3PutObjectCopy.

provider "aws" {
  region = var.region
}

module "job_stack" {
  source = "../../modules/job_stack"

  name      = var.name
  operation = "S3PutObjectCopy"
}
