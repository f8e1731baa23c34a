"""The shared format names are members of botocore's s3control enums (the model is the authority)."""

import botocore.session
import pytest

from s3batch_core.contract import formats


@pytest.mark.parametrize(
    ("value", "enum_shape"),
    [
        (formats.CSV_FORMAT, "JobManifestFormat"),
        (formats.INVENTORY_FORMAT, "JobManifestFormat"),
        (formats.GENERATED_FORMAT, "GeneratedManifestFormat"),
        (formats.REPORT_FORMAT, "JobReportFormat"),
    ],
)
def test_format_is_in_the_model(value: str, enum_shape: str) -> None:
    model = botocore.session.get_session().get_service_model("s3control")
    assert value in model.shape_for(enum_shape).enum
