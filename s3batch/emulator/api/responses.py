"""The job API's WSGI application: parse with the model, validate, call the backend, serialize with the model.

Parsing is moto's model-driven `RestXMLParser`, serialization moto's `RestXMLSerializer` (the inverse of
what botocore does client-side); one small method per operation only picks members and shapes results.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import escape

from botocore import xform_name
from moto.core.model import OperationModel
from moto.core.parse import RequestParserError, RestXMLParser
from moto.core.serialize import RestXMLSerializer, SerializationContext
from moto.core.utils import extract_region_from_aws_authorization
from werkzeug.wrappers import Request, Response

from s3batch.emulator.service.exceptions import InternalServiceException, JobsApiError
from s3batch.emulator.service.backend import JobsBackend, JobsService
from s3batch.emulator.api.routing import allowed_methods, resolve
from s3batch.emulator.api.validation import error_class_for, validate_create_job, validate_input

log = logging.getLogger(__name__)

Params = dict[str, Any]


class JobsApplication:
    """WSGI app for `/v20180820/jobs*`: the eight S3 Batch Operations job operations."""

    def __init__(self, service: JobsService, default_region: str = "us-east-1") -> None:
        self.service = service
        self.default_region = default_region

    @Request.application  # type: ignore[arg-type]  # werkzeug's decorator, documented for methods too
    def __call__(self, request: Request) -> Response:
        request_id = uuid.uuid4().hex.upper()
        route = resolve(request.method, request.path)
        if route is None:
            return _plain_error(request, request_id)
        op = route.operation
        try:
            params = self._parse(op, request, route.url_params)
            validate_input(op, params)
            backend = self.service.backend(params["AccountId"], self._region(request))
            result = getattr(self, xform_name(op.name))(backend, params)
        except JobsApiError as exc:
            result = exc
        except Exception as exc:  # a bug must answer 500 in the model's shape, not drop the connection
            log.exception("%s failed", op.name)
            result = InternalServiceException(f"{type(exc).__name__}: {exc}")
        return _serialize(op, result, request_id)

    def _parse(self, op: OperationModel, request: Request, url_params: dict[str, str]) -> Params:
        try:
            parsed = RestXMLParser(op).parse(
                {
                    "method": request.method,
                    "url_path": request.path,
                    "headers": request.headers,
                    "body": request.get_data(),
                    "values": request.args,
                    "url_params": url_params,
                }
            )
        except (ParseError, RequestParserError, ValueError, TypeError) as exc:  # the client's fault: 400, not 500
            raise error_class_for(op)(f"The request body or parameters could not be parsed: {exc}") from None
        return {k: v for k, v in parsed.items() if v is not None}

    def _region(self, request: Request) -> str:
        """Jobs are regional: the Region is the one the client signed for."""
        return extract_region_from_aws_authorization(request.headers.get("Authorization", "")) or self.default_region

    # One method per operation; names are xform_name(operation).

    def create_job(self, backend: JobsBackend, params: Params) -> Params:
        validate_create_job(params, self.service.engine.supported_operations())
        return {"JobId": backend.create_job(params).job_id}

    def describe_job(self, backend: JobsBackend, params: Params) -> Params:
        return {"Job": backend.get_job(params["JobId"]).descriptor()}

    def list_jobs(self, backend: JobsBackend, params: Params) -> Params:
        jobs, token = backend.list_jobs(params.get("JobStatuses"), params.get("MaxResults"), params.get("NextToken"))
        return {"Jobs": [job.list_descriptor() for job in jobs], "NextToken": token}

    def update_job_status(self, backend: JobsBackend, params: Params) -> Params:
        job = backend.update_job_status(params["JobId"], params["RequestedJobStatus"], params.get("StatusUpdateReason"))
        with job.lock:
            return {"JobId": job.job_id, "Status": job.status.value, "StatusUpdateReason": job.status_update_reason}

    def update_job_priority(self, backend: JobsBackend, params: Params) -> Params:
        job = backend.update_job_priority(params["JobId"], params["Priority"])
        return {"JobId": job.job_id, "Priority": job.priority}

    def get_job_tagging(self, backend: JobsBackend, params: Params) -> Params:
        job = backend.get_job(params["JobId"])
        with job.lock:
            return {"Tags": list(job.tags)}

    def put_job_tagging(self, backend: JobsBackend, params: Params) -> Params:
        backend.put_job_tagging(params["JobId"], params.get("Tags") or [])
        return {}

    def delete_job_tagging(self, backend: JobsBackend, params: Params) -> Params:
        backend.put_job_tagging(params["JobId"], [])  # deleting a job's tags is putting none
        return {}


class JobsXMLSerializer(RestXMLSerializer):
    """moto's REST-XML serializer with AWS's root element: the output shape's name (`<DescribeJobResult>`, as the
    S3 Control API reference shows), where moto writes `<DescribeJobResponse>`."""

    def _serialize_body(self, body: Any) -> str:
        moto_root = f"{self.operation_model.name}Response"
        output = self.operation_model.output_shape
        if output is not None and list(body) == [moto_root]:
            body = {output.name: body[moto_root]}
        return super()._serialize_body(body)


def _serialize(op: OperationModel, result: Params | JobsApiError, request_id: str) -> Response:
    serializer = JobsXMLSerializer(operation_model=op, context=SerializationContext(request_id=request_id))
    serialized = serializer.serialize(result)
    status = result.http_status if isinstance(result, JobsApiError) else serialized["status_code"]
    headers = dict(serialized["headers"])
    headers["x-amz-request-id"] = request_id
    return Response(serialized["body"], status=status, headers=headers)


def _plain_error(request: Request, request_id: str) -> Response:
    """A jobs path no operation matches: 405 if the path exists with other methods, else 404."""
    methods = allowed_methods(request.path)
    code, status = ("MethodNotAllowed", 405) if methods else ("NotFound", 404)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Code>' + code + "</Code><Message>"
        + escape(f"No S3 Batch Operations job API accepts {request.method} {request.path}")
        + f"</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    )
    headers = {"Content-Type": "application/xml", "x-amz-request-id": request_id}
    if methods:
        headers["Allow"] = ", ".join(methods)
    return Response(body, status=status, headers=headers)


