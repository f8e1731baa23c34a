"""ListJobs NextToken loop and the update calls, validated against the model by botocore's Stubber."""

from __future__ import annotations

from botocore.stub import Stubber

from s3batch_core.aws import make_client
from s3batch.jobs.manage import confirm_job, job_statuses, list_jobs

ACCOUNT = "123456789012"


def test_list_jobs_follows_next_token() -> None:
    client = make_client("s3control", region="us-east-1")
    with Stubber(client) as stub:
        stub.add_response("list_jobs", {"Jobs": [{"JobId": "job-00001"}], "NextToken": "t1"},
                          {"AccountId": ACCOUNT, "MaxResults": 1000, "JobStatuses": ["Active", "Complete"]})
        stub.add_response("list_jobs", {"Jobs": [{"JobId": "job-00002"}]},
                          {"AccountId": ACCOUNT, "MaxResults": 1000, "JobStatuses": ["Active", "Complete"], "NextToken": "t1"})
        assert [j["JobId"] for j in list_jobs(client, ACCOUNT, ["Active", "Complete"])] == ["job-00001", "job-00002"]
        stub.assert_no_pending_responses()


def test_confirm_sends_update_job_status_ready() -> None:
    """Cancel and priority: tests/jobs/test_commands.py, through the commands, with the same expected requests."""
    client = make_client("s3control", region="us-east-1")
    with Stubber(client) as stub:
        stub.add_response("update_job_status", {"JobId": "job-00001", "Status": "Ready"},
                          {"AccountId": ACCOUNT, "JobId": "job-00001", "RequestedJobStatus": "Ready"})
        assert confirm_job(client, ACCOUNT, "job-00001")["Status"] == "Ready"
        stub.assert_no_pending_responses()


def test_statuses_come_from_the_model() -> None:
    assert {"Active", "Complete", "Completing", "Suspended"} <= set(job_statuses())
