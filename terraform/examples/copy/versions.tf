# Terraform's own version is required by the modules (>= 1.5.7); an example adds the provider's upper bound.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0, < 7.0"
    }
  }
}
