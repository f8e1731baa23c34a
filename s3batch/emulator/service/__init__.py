"""The job service: the job store per account and Region, the job lifecycle, the scheduler that drives the engine."""
