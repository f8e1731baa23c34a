data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  # AWS's public Powertools layer: arn:aws:lambda:<region>:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:<version>
  public_powertools_layer_arn = format(
    "arn:%s:lambda:%s:017000801446:layer:AWSLambdaPowertoolsPythonV3-%s-%s:%d",
    data.aws_partition.current.partition,
    data.aws_region.current.region,
    replace(var.runtime, ".", ""),
    var.architecture,
    var.powertools_layer_version,
  )
  powertools_layer_arn = coalesce(var.powertools_layer_arn, local.public_powertools_layer_arn)

  # The environment the handler reads (lambda/sentiment/handler.py).
  environment = {
    SENTIMENT_BACKEND            = var.sentiment_backend
    LANGUAGE_CODE                = var.language_code
    SENTIMENT_MODE               = var.sentiment_mode
    MAX_BYTES                    = tostring(var.max_bytes)
    POWERTOOLS_SERVICE_NAME      = var.powertools_service_name
    POWERTOOLS_METRICS_NAMESPACE = var.powertools_metrics_namespace
    POWERTOOLS_LOG_LEVEL         = var.powertools_log_level
  }
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.function_name}"
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:S3 Batch Operations invokes the function synchronously; a dead-letter queue only receives failed asynchronous invocations, and failed tasks are listed in the job's completion report.
  #checkov:skip=CKV_AWS_117:The function reaches no private resource, only the public S3, Comprehend, CloudWatch Logs and X-Ray APIs; a VPC would need NAT or four interface endpoints and narrow nothing its IAM policy does not already restrict.
  #checkov:skip=CKV_AWS_272:The package is built locally and deterministically by `make lambda`; code signing needs an AWS Signer profile and a signed S3 artifact, which this kit does not produce.
  function_name                  = var.function_name
  description                    = "Sentiment of each object for S3 Batch Operations LambdaInvoke jobs (s3batch-kit)"
  role                           = aws_iam_role.this.arn
  filename                       = var.package_path
  source_code_hash               = filebase64sha256(var.package_path)
  handler                        = "handler.detect_sentiment"
  runtime                        = var.runtime
  architectures                  = [var.architecture]
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions
  kms_key_arn                    = var.environment_kms_key_arn
  layers                         = var.attach_powertools_layer ? [local.powertools_layer_arn] : []
  tags                           = var.tags

  # Jobs call a numbered version, so a later deploy never changes the code a running job invokes.
  publish = true

  environment {
    variables = local.environment
  }

  tracing_config {
    mode = var.tracing_mode
  }

  # The log group and the role's permissions must exist before the first invocation can log.
  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]
}
