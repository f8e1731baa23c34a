"""ListJobs pagination and filters, job tagging, and ClientRequestToken idempotency."""

from __future__ import annotations

from typing import Any

from fake_engine import ACCOUNT_ID, error_of, job_params

from s3batch_core.aws import make_client


def test_same_token_and_request_give_the_same_job_once_and_without_a_token_each_call_is_a_new_job(
    s3control: Any
) -> None:
    first = s3control.create_job(ClientRequestToken="retry-me", **job_params())["JobId"]
    second = s3control.create_job(ClientRequestToken="retry-me", **job_params())["JobId"]
    assert first == second
    assert [j["JobId"] for j in s3control.list_jobs(AccountId=ACCOUNT_ID)["Jobs"]] == [first]
    # boto3 fills a fresh token, so plain retries by hand make new jobs
    assert len({s3control.create_job(**job_params())["JobId"] for _ in range(2)} - {first}) == 2


def test_list_jobs_pages_through_every_job_exactly_once_newest_first(s3control: Any, wait_for_status: Any) -> None:
    created = [s3control.create_job(**job_params())["JobId"] for _ in range(5)]
    for job_id in created:
        wait_for_status(s3control, job_id, {"Complete"})
    seen: list[str] = []
    pages = 0
    kwargs: dict[str, Any] = {"AccountId": ACCOUNT_ID, "MaxResults": 2}
    while True:
        page = s3control.list_jobs(**kwargs)
        pages += 1
        seen += [job["JobId"] for job in page["Jobs"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert seen == list(reversed(created)) and pages == 3
    listed = s3control.list_jobs(AccountId=ACCOUNT_ID)["Jobs"][0]
    assert set(listed) == {"JobId", "Operation", "Priority", "Status", "CreationTime", "TerminationDate",
                           "ProgressSummary"}
    assert listed["Operation"] == "S3PutObjectTagging"


def test_list_jobs_filters_by_status_and_binds_the_token_to_the_filter(
    s3control: Any, wait_for_status: Any
) -> None:
    done = s3control.create_job(**job_params())["JobId"]
    waiting = [s3control.create_job(**job_params(ConfirmationRequired=True))["JobId"] for _ in range(3)]
    wait_for_status(s3control, done, {"Complete"})
    for job_id in waiting:
        wait_for_status(s3control, job_id, {"Suspended"})
    suspended = s3control.list_jobs(AccountId=ACCOUNT_ID, JobStatuses=["Suspended"], MaxResults=2)
    assert {j["Status"] for j in suspended["Jobs"]} == {"Suspended"}
    rest = s3control.list_jobs(AccountId=ACCOUNT_ID, JobStatuses=["Suspended"], NextToken=suspended["NextToken"])
    assert sorted(j["JobId"] for j in suspended["Jobs"] + rest["Jobs"]) == sorted(waiting)
    both = s3control.list_jobs(AccountId=ACCOUNT_ID, JobStatuses=["Complete", "Suspended"])["Jobs"]
    assert len(both) == 4
    assert error_of(s3control.list_jobs, AccountId=ACCOUNT_ID, JobStatuses=["Complete"],  # another filter's token
                    NextToken=suspended["NextToken"])[0] == "InvalidNextTokenException"


def test_jobs_are_regional(stack: Any, s3control: Any) -> None:
    job_id = s3control.create_job(**job_params())["JobId"]
    other = make_client("s3control", endpoint_url=stack.endpoint_url, region="eu-west-1")
    assert other.list_jobs(AccountId=ACCOUNT_ID)["Jobs"] == []
    assert [j["JobId"] for j in s3control.list_jobs(AccountId=ACCOUNT_ID)["Jobs"]] == [job_id]


def test_tags_at_creation_then_replaced_then_deleted(s3control: Any) -> None:
    tags = [{"Key": "team", "Value": "data"}, {"Key": "cost-centre", "Value": ""}]
    job_id = s3control.create_job(Tags=tags, **job_params())["JobId"]
    assert s3control.get_job_tagging(AccountId=ACCOUNT_ID, JobId=job_id)["Tags"] == tags
    s3control.put_job_tagging(AccountId=ACCOUNT_ID, JobId=job_id, Tags=[{"Key": "only", "Value": "one"}])
    assert s3control.get_job_tagging(AccountId=ACCOUNT_ID, JobId=job_id)["Tags"] == [{"Key": "only", "Value": "one"}]
    fifty = [{"Key": f"k{i}", "Value": str(i)} for i in range(50)]
    s3control.put_job_tagging(AccountId=ACCOUNT_ID, JobId=job_id, Tags=fifty)
    assert len(s3control.get_job_tagging(AccountId=ACCOUNT_ID, JobId=job_id)["Tags"]) == 50
    s3control.delete_job_tagging(AccountId=ACCOUNT_ID, JobId=job_id)
    assert s3control.get_job_tagging(AccountId=ACCOUNT_ID, JobId=job_id)["Tags"] == []
