# The execution role grants only what the handler does, one policy document per concern:
# read the input objects, tag them (optional), call Comprehend (comprehend backend only),
# write its own logs, send traces (Active tracing only), decrypt with the data's KMS keys (if any).

locals {
  data_objects_arn = "arn:${data.aws_partition.current.partition}:s3:::${var.data_bucket}/${var.data_prefix}*"
}

data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "LambdaAssumesRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name               = "${var.function_name}-exec"
  description        = "Execution role of the ${var.function_name} sentiment function"
  assume_role_policy = data.aws_iam_policy_document.assume_role.json
  tags               = var.tags
}

data "aws_iam_policy_document" "read_objects" {
  statement {
    sid       = "ReadInputObjects"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = [local.data_objects_arn]
  }
}

data "aws_iam_policy_document" "tag_objects" {
  count = var.tagging_enabled ? 1 : 0

  statement {
    sid = "TagInputObjects"
    actions = [
      "s3:GetObjectTagging",
      "s3:GetObjectVersionTagging",
      "s3:PutObjectTagging",
      "s3:PutObjectVersionTagging",
    ]
    resources = [local.data_objects_arn]
  }
}

data "aws_iam_policy_document" "detect_sentiment" {
  count = var.sentiment_backend == "comprehend" ? 1 : 0

  # DetectSentiment and BatchDetectSentiment on Comprehend's built-in models have no resource types:
  # "*" is the only Resource that works.
  statement {
    sid       = "DetectSentiment"
    actions   = ["comprehend:BatchDetectSentiment", "comprehend:DetectSentiment"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "write_logs" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }
}

data "aws_iam_policy_document" "tracing" {
  count = var.tracing_mode == "Active" ? 1 : 0

  # PutTraceSegments and PutTelemetryRecords have no resource types: "*" is the only Resource that works.
  statement {
    sid       = "SendTraces"
    actions   = ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "decrypt_objects" {
  count = length(var.kms_key_arns) > 0 ? 1 : 0

  statement {
    sid       = "DecryptInputObjects"
    actions   = ["kms:Decrypt"]
    resources = var.kms_key_arns

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["s3.${data.aws_region.current.region}.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "execution" {
  source_policy_documents = compact([
    data.aws_iam_policy_document.read_objects.json,
    var.tagging_enabled ? data.aws_iam_policy_document.tag_objects[0].json : "",
    var.sentiment_backend == "comprehend" ? data.aws_iam_policy_document.detect_sentiment[0].json : "",
    data.aws_iam_policy_document.write_logs.json,
    var.tracing_mode == "Active" ? data.aws_iam_policy_document.tracing[0].json : "",
    length(var.kms_key_arns) > 0 ? data.aws_iam_policy_document.decrypt_objects[0].json : "",
  ])
}

resource "aws_iam_role_policy" "this" {
  name   = "sentiment-function"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.execution.json
}
