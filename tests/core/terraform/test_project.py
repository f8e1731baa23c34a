"""A code base read without a plan: blocks with their lines, and every value a variable can take."""

from __future__ import annotations

from pathlib import Path

from s3batch_core.terraform.load import parse_tf_file
from s3batch_core.terraform.project import TerraformProject, with_local_modules


def _write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(text, encoding="utf-8")
    return directory / name


def test_a_variable_takes_each_callers_argument_or_the_default(tmp_path: Path) -> None:
    _write(tmp_path / "modules" / "role", "main.tf",
           'variable "operation" {\n  default = "LambdaInvoke"\n}\nlocals {\n  op = var.operation\n}\n')
    _write(tmp_path / "live", "main.tf",
           'module "copy" {\n  source = "../modules/role"\n  operation = "S3PutObjectCopy"\n}\n'
           'module "default" {\n  source = "../modules/role"\n}\n')
    project = TerraformProject(with_local_modules([parse_tf_file(tmp_path / "live" / "main.tf")]))
    module = project.modules[(tmp_path / "modules" / "role").resolve()]
    assert sorted(project.resolve("${local.op}", module, {})) == ["LambdaInvoke", "S3PutObjectCopy"]
    assert project.resolve("${local.op}", module, {"operation": "S3PutObjectTagging"}) == ["S3PutObjectTagging"]
    assert project.substitute("${path.module}/${var.x}.json", module, {}) == f"{module.path}/${{var.x}}.json"


def test_a_module_alone_reads_its_tfvars_and_blocks_keep_their_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, "main.tf", '\nvariable "bucket" {}\n\nresource "aws_s3_bucket" "b" {\n  bucket = var.bucket\n}\n')
    _write(tmp_path, "terraform.tfvars", 'bucket = "reports"\n')
    project = TerraformProject.load([path])
    (module,) = project.modules.values()
    assert project.resolve("${var.bucket}", module, {}) == ["reports"]
    bucket = module.find("resource", "aws_s3_bucket", "b")
    assert bucket is not None and (bucket.address, bucket.line, bucket.end) == ("aws_s3_bucket.b", 4, 6)
