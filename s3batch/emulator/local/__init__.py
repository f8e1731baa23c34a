"""The local stack: the server that joins moto, the job API and the engine; its process, deploy and commands."""
