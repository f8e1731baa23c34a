"""Sentiment analysis of S3 objects for S3 Batch Operations (LambdaInvoke).

The Lambda entry point is `handler.detect_sentiment` one directory up; this package holds the logic:
`invocation` answers an event, `analysis` analyses one object, `reader`/`text` fetch and decode a bounded
prefix, `comprehend`/`lexicon` score text, `tagging` records the label, `results` formats the answers.
"""
