#!/usr/bin/env python3
"""boto3 against the bedrock-bench emulator.

Usage: boto3_converse_stream.py ENDPOINT_URL

Runs a fixed list of ConverseStream scenarios against the emulator at
ENDPOINT_URL (started by tests/boto3_client.rs with matching profiles) and
prints one JSON object per scenario on stdout. The Rust test checks them.
Needs boto3 (pip install boto3).
"""

import json
import os
import sys

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    EventStreamError,
    InvalidEndpointConfigurationError,
)

PROMPT = "Explain the concept of machine learning in simple terms."
NOVA_PRO_ARN = (
    "arn:aws:bedrock:us-east-2:123456789012:inference-profile/us.amazon.nova-pro-v1:0"
)


def make_client(url, config=None, **credentials):
    return boto3.client(
        "bedrock-runtime",
        region_name="us-east-2",
        endpoint_url=url,
        config=config or Config(retries={"max_attempts": 1}),
        **credentials,
    )


def converse_stream(client, model_id, max_tokens, latency=None, temperature=0.9):
    """Run one request; return what came out of it, errors included."""
    kwargs = {
        "modelId": model_id,
        "messages": [{"role": "user", "content": [{"text": PROMPT}]}],
        "inferenceConfig": {"maxTokens": max_tokens, "temperature": temperature, "topP": 1.0},
    }
    if latency is not None:
        kwargs["performanceConfig"] = {"latency": latency}
    result = {"events": [], "text": "", "error": None}
    try:
        response = client.converse_stream(**kwargs)
    except ClientError as error:
        result["error"] = {
            "where": "before_stream",
            "code": error.response["Error"]["Code"],
            "message": error.response["Error"].get("Message", ""),
            "status": error.response["ResponseMetadata"]["HTTPStatusCode"],
            "request_id": error.response["ResponseMetadata"].get("RequestId"),
        }
        return result
    result["status"] = response["ResponseMetadata"]["HTTPStatusCode"]
    result["request_id"] = response["ResponseMetadata"].get("RequestId")
    try:
        for event in response["stream"]:
            (name, body), = event.items()
            result["events"].append(name)
            if name == "messageStart":
                result["role"] = body["role"]
            elif name == "contentBlockDelta":
                result["text"] += body["delta"]["text"]
                result["padding_seen"] = result.get("padding_seen", False) or "p" in body
            elif name == "messageStop":
                result["stop_reason"] = body["stopReason"]
            elif name == "metadata":
                result["usage"] = body["usage"]
                result["latency_ms"] = body["metrics"]["latencyMs"]
                result["performance"] = body.get("performanceConfig", {}).get("latency")
    except EventStreamError as error:
        result["error"] = {
            "where": "mid_stream",
            "code": error.response["Error"]["Code"],
            "message": error.response["Error"].get("Message", ""),
        }
    return result


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    url = sys.argv[1]
    os.environ.pop("AWS_BEARER_TOKEN_BEDROCK", None)
    client = make_client(url, aws_access_key_id="AKIDBOTO3TEST", aws_secret_access_key="secret")
    scenarios = [
        ("text", "us.amazon.nova-pro-v1:0", 50, "optimized"),
        ("capped", "us.amazon.nova-micro-v1:0", 4, None),
        ("arn", NOVA_PRO_ARN, 50, None),
        # boto3 checks maxTokens >= 1 itself, but not temperature <= 1.
        ("validation_temperature", "us.amazon.nova-pro-v1:0", 10, None, 1.5),
        ("validation_unknown_model", "us.example.no-such-model-v1:0", 10, None),
        ("validation_no_optimized", "us.amazon.nova-micro-v1:0", 10, "optimized"),
        ("throttling", "us.amazon.nova-lite-v1:0", 10, None),
        ("service_unavailable", "us.meta.llama3-1-8b-instruct-v1:0", 10, None),
        ("mid_stream_error", "us.meta.llama3-2-1b-instruct-v1:0", 40, None),
        ("mid_stream_throttle", "us.meta.llama3-2-3b-instruct-v1:0", 40, None),
    ]
    for name, *args in scenarios:
        result = converse_stream(client, *args)
        result["scenario"] = name
        print(json.dumps(result), flush=True)

    # The endpoint from the environment, as the AWS CLI and SDKs read it.
    os.environ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = url
    from_env = boto3.client(
        "bedrock-runtime",
        region_name="us-east-2",
        aws_access_key_id="AKIDBOTO3TEST",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}),
    )
    del os.environ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"]
    if from_env.meta.endpoint_url.rstrip("/") == url.rstrip("/"):
        result = converse_stream(from_env, "us.amazon.nova-pro-v1:0", 10)
    else:
        # Never call whatever endpoint boto3 chose instead (the real one).
        result = {"error": {"where": "setup", "code": "EndpointNotFromEnv",
                            "message": from_env.meta.endpoint_url}}
    result["scenario"] = "endpoint_from_env"
    print(json.dumps(result), flush=True)

    # A Bedrock API key (bearer token) instead of SigV4, as boto3 sends it
    # when AWS_BEARER_TOKEN_BEDROCK is set.
    os.environ["AWS_BEARER_TOKEN_BEDROCK"] = "bedrock-api-key-test"
    bearer = make_client(url)
    seen = {}

    def record_scheme(request, **_):
        value = request.headers.get("Authorization") or ""
        if isinstance(value, bytes):
            value = value.decode()
        seen["scheme"] = value.split(" ")[0]

    bearer.meta.events.register("before-send.bedrock-runtime.ConverseStream", record_scheme)
    try:
        result = converse_stream(bearer, "us.amazon.nova-pro-v1:0", 10)
        result["bearer_via"] = "botocore"
    except InvalidEndpointConfigurationError:
        # botocore 1.44 and later refuse a bearer token over plain HTTP, and
        # the emulator listens on plain HTTP (loopback only). Send the header
        # botocore would send over HTTPS, on an unsigned request.
        bearer = make_client(url, config=Config(retries={"max_attempts": 1},
                                                signature_version=UNSIGNED))

        def add_bearer(request, **_):
            request.headers["Authorization"] = "Bearer " + os.environ["AWS_BEARER_TOKEN_BEDROCK"]
            record_scheme(request)

        bearer.meta.events.register("before-send.bedrock-runtime.ConverseStream", add_bearer)
        result = converse_stream(bearer, "us.amazon.nova-pro-v1:0", 10)
        result["bearer_via"] = "header (botocore refuses bearer over http)"
    result["scenario"] = "bearer"
    result["auth_scheme"] = seen.get("scheme")
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
