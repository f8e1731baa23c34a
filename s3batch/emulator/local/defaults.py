"""Where the local stack lives: light constants, importable without loading moto."""

ACCOUNT_ID = "123456789012"  # moto's default account: every unsigned-by-account call lands there
REGION = "us-east-1"
HOST = "127.0.0.1"  # loopback only, never 0.0.0.0
HEALTH_PATH = "/_s3batch/health"  # "_" is not valid in a bucket name, so this never shadows an S3 path
RESET_PATH = "/moto-api/reset"
CLOCK_PATH = "/_s3batch/clock"  # GET: the emulator's clock; POST ?advance=SECONDS moves it (archive restores)
