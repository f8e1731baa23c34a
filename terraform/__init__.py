"""Not Python code: this file lets the wheel ship the sample stack's Terraform as the package `s3batch_terraform`
(setup.py), whose variable defaults an installed `s3batch local deploy` reads. Terraform ignores it."""
