"""The account, Region and endpoint jobs are sent to, and the clients for them.

AWS and the local stack differ only in the endpoint (AWS_ENDPOINT_URL or --endpoint-url): every call below is
the same boto3 call. The one derived setting is the polling politeness (see `default_poll_interval`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from botocore.config import Config

from s3batch_core.aws import endpoint_url_from_env, make_client

# Politeness when polling DescribeJob: AWS asks callers to slow down (reference §4.1); a local endpoint has
# nobody else to disturb, so a short interval keeps `make job` snappy.
AWS_POLL_SECONDS = 5.0
CUSTOM_ENDPOINT_POLL_SECONDS = 0.2
POLL_CONNECT_TIMEOUT_S = 5.0
POLL_READ_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class JobTarget:
    """Region, endpoint and (lazily) account of the job APIs."""

    region: str | None = None
    endpoint_url: str | None = None
    account_id_hint: str | None = None

    def default_poll_interval(self) -> float:
        """Minimum seconds between DescribeJob calls: a politeness setting, not a different code path; the short one
        with a custom S3 Control endpoint (the flag, else the environment's)."""
        custom = self.endpoint_url or endpoint_url_from_env("s3control")
        return CUSTOM_ENDPOINT_POLL_SECONDS if custom else AWS_POLL_SECONDS


@dataclass
class Clients:
    """boto3 clients for one target, created on first use."""

    target: JobTarget
    _made: dict[str, Any] = field(default_factory=dict, repr=False)

    def client(self, service: str, *, config: Config | None = None, name: str | None = None) -> Any:
        """A client for `service` pointed at the target (kept under `name`, default the service, for reuse)."""
        name = name or service
        if name not in self._made:
            self._made[name] = make_client(service, region=self.target.region, endpoint_url=self.target.endpoint_url,
                                           config=config)
        return self._made[name]

    # The clients the job tooling uses, each made on first use.
    s3 = property(lambda self: self.client("s3"))
    s3control = property(lambda self: self.client("s3control"))
    iam = property(lambda self: self.client("iam"))
    lambda_ = property(lambda self: self.client("lambda"))

    @property
    def s3control_poller(self) -> Any:
        """S3 Control for polling DescribeJob: one attempt per call and short timeouts. The wait loop retries what
        botocore's standard mode would (s3batch_core.aws.standard_mode_retries), itself, so that `--timeout` holds
        between attempts (botocore's own retries would sleep past it)."""
        config = Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=POLL_CONNECT_TIMEOUT_S,
                        read_timeout=POLL_READ_TIMEOUT_S)
        return self.client("s3control", config=config, name="s3control-poller")

    @cached_property
    def account_id(self) -> str:
        """The account the job APIs are called for: given, else the caller's (STS GetCallerIdentity)."""
        if self.target.account_id_hint:
            return self.target.account_id_hint
        return str(self.client("sts").get_caller_identity()["Account"])
