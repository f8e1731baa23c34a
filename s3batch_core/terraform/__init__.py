"""The one Terraform reader: load modules with python-hcl2 (load), evaluate their expressions and a static
plan (evaluate, plan), and render IAM policy documents the way the AWS provider does (policy)."""
