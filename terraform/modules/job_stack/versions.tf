# Terraform's own version is required by the modules this one calls (>= 1.5.7).
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
  }
}
