"""The engine (data plane): prepare a job (role, manifest) and run its tasks, writing the completion report."""
