"""Test handler: what it does depends on the first path segment of the decoded key.

ok/…        Succeeded, resultString = the event and context facts as JSON
raise/…     prints a line, then raises ValueError (function error)
exit/…      os._exit(3) (the worker dies)
sleep/…     sleeps past any timeout
block/…     writes its pid to $PID_DIR/<pid> and sleeps (the test kills it)
garbage/…   returns a JSON string, not an object
badcode/…   resultCode "Successful"
unknown/…   answers for another taskId
missing/…   empty results, treatMissingKeysAs from the second path segment ("-": none)
temp/…      TemporaryFailure every time
flaky/…     TemporaryFailure until the attempt count in $COUNT_DIR reaches 2, then Succeeded
perm/…      PermanentFailure
nomarshal/… returns an object JSON cannot encode
gate/<g>/…  creates $GATE_DIR/started-<g>-<rest>, then waits (up to 60 s) until the test creates $GATE_DIR/<g>
"""

import json
import os
import time
from urllib.parse import unquote_plus


def handler(event, context):
    task = event["tasks"][0]
    key = unquote_plus(task["s3Key"])
    mode, _, rest = key.partition("/")
    code, text = "Succeeded", ""
    if mode == "raise":
        print(f"about to fail on {key}")
        raise ValueError(f"bad object {key}")
    if mode == "exit":
        os._exit(3)
    if mode == "sleep":
        time.sleep(600)
    if mode == "block":
        path = os.path.join(os.environ["PID_DIR"], str(os.getpid()))
        with open(path + ".tmp", "w") as handle:
            handle.write("x")
        os.rename(path + ".tmp", path)
        time.sleep(600)
    if mode == "gate":
        gate = rest.split("/")[0]
        directory = os.environ["GATE_DIR"]
        with open(os.path.join(directory, "started-" + rest.replace("/", "-")), "w"):
            pass
        deadline = time.monotonic() + 60
        while not os.path.exists(os.path.join(directory, gate)) and time.monotonic() < deadline:
            time.sleep(0.002)  # the handler's own wait for the test's signal
        text = f"passed gate {gate}"
    if mode == "garbage":
        return "this is not a response"
    if mode == "nomarshal":
        return {"x": object()}
    if mode == "missing":
        answer = {"invocationSchemaVersion": event["invocationSchemaVersion"], "invocationId": event["invocationId"],
                  "results": []}
        treat = rest.split("/")[0]
        if treat != "-":
            answer["treatMissingKeysAs"] = treat
        return answer
    if mode == "temp":
        code, text = "TemporaryFailure", f"try later {key}"
    if mode == "flaky":
        path = os.path.join(os.environ["COUNT_DIR"], rest.replace("/", "_"))
        count = 0
        if os.path.exists(path):
            with open(path) as handle:
                count = int(handle.read())
        with open(path, "w") as handle:
            handle.write(str(count + 1))
        code, text = ("TemporaryFailure", f"attempt {count + 1}") if count < 2 else ("Succeeded", f"attempt {count + 1}")
    if mode == "perm":
        code, text = "PermanentFailure", f"cannot process {key}"
    if mode == "badcode":
        code = "Successful"
    if mode == "ok":
        text = json.dumps({
            "event": event, "key": key, "function_name": context.function_name,
            "function_version": context.function_version, "invoked_arn": context.invoked_function_arn,
            "memory": context.memory_limit_in_mb, "request_id": context.aws_request_id,
            "remaining_ms": context.get_remaining_time_in_millis(),
            "env": {k: os.environ.get(k) for k in ("AWS_ENDPOINT_URL", "AWS_REGION", "GREETING", "AWS_EXECUTION_ENV",
                                                   "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE")},
        }, sort_keys=True)
    task_id = "someone-else" if mode == "unknown" else task["taskId"]
    return {"invocationSchemaVersion": event["invocationSchemaVersion"], "treatMissingKeysAs": "PermanentFailure",
            "invocationId": event["invocationId"],
            "results": [{"taskId": task_id, "resultCode": code, "resultString": text}]}
