import sys

from s3batch.cli import main

sys.exit(main())
