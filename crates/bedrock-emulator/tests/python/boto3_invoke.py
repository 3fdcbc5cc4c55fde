#!/usr/bin/env python3
"""boto3 against the bedrock-bench emulator: InvokeModelWithResponseStream
and InvokeModel with the native bodies of Anthropic Claude, Amazon Nova
and Meta Llama.

Usage: boto3_invoke.py ENDPOINT_URL

Prints one JSON object per scenario on stdout (the decoded native events
of a stream, or the InvokeModel answer); tests/boto3_client.rs checks them.
Needs boto3 (pip install boto3).
"""

import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

PROMPT = "Explain the concept of machine learning in simple terms."
BODIES = {
    "anthropic": (
        "us.anthropic.claude-sonnet-4-20250514-v1:0",
        {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": 64,
            "messages": [{"role": "user", "content": PROMPT}],
        },
    ),
    "nova": (
        "us.amazon.nova-pro-v1:0",
        {
            "schemaVersion": "messages-v1",
            "messages": [{"role": "user", "content": [{"text": PROMPT}]}],
            "inferenceConfig": {"maxTokens": 64},
        },
    ),
    "llama": (
        "us.meta.llama3-1-8b-instruct-v1:0",
        {"prompt": PROMPT, "max_gen_len": 64},
    ),
}


def stream(client, model, body):
    """Run one InvokeModelWithResponseStream request; return its decoded
    chunks in order."""
    result = {"events": [], "error": None}
    try:
        response = client.invoke_model_with_response_stream(
            modelId=model, body=json.dumps(body), contentType="application/json"
        )
    except ClientError as error:
        result["error"] = error.response["Error"]["Code"]
        result["message"] = error.response["Error"].get("Message", "")
        return result
    result["request_id"] = response["ResponseMetadata"].get("RequestId")
    result["content_type"] = response.get("contentType")
    for event in response["body"]:
        ((name, part),) = event.items()
        if name != "chunk":
            result["events"].append({"other": name})
            continue
        result["events"].append(json.loads(part["bytes"]))
    return result


def main():
    client = boto3.client(
        "bedrock-runtime",
        region_name="us-east-2",
        endpoint_url=sys.argv[1],
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="emulator-test-secret",
        config=Config(retries={"max_attempts": 1}),
    )
    results = {}
    for family, (model, body) in BODIES.items():
        results["stream_" + family] = stream(client, model, body)
    model, body = BODIES["anthropic"]
    response = client.invoke_model(modelId=model, body=json.dumps(body))
    results["invoke"] = {
        "answer": json.loads(response["body"].read()),
        "headers": response["ResponseMetadata"]["HTTPHeaders"],
    }
    bad = dict(body)
    del bad["max_tokens"]
    results["bad_body"] = stream(client, model, bad)
    for name, result in results.items():
        print(json.dumps({"scenario": name, **result}, default=str))


if __name__ == "__main__":
    main()
