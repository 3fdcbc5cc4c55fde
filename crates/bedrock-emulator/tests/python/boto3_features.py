#!/usr/bin/env python3
"""boto3 against the bedrock-bench emulator: service tiers, cache points,
extended thinking, tool use and Converse.

Usage: boto3_features.py ENDPOINT_URL

Prints one JSON object per scenario on stdout (the events of a stream,
or the Converse answer); tests/boto3_client.rs checks them.
Needs boto3 (pip install boto3).
"""

import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

SONNET_4 = "us.anthropic.claude-sonnet-4-20250514-v1:0"
SONNET_4_5 = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
LONG_NOTES = " ".join(["latency streams tokens models measure region."] * 400)
WEATHER_TOOL = {
    "toolSpec": {
        "name": "get_weather",
        "inputSchema": {
            "json": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
                "required": ["city"],
            }
        },
    }
}


def stream(client, **kwargs):
    """Run one ConverseStream request; return its events in order."""
    result = {"events": [], "error": None}
    try:
        response = client.converse_stream(**kwargs)
    except ClientError as error:
        result["error"] = error.response["Error"]["Code"]
        result["message"] = error.response["Error"].get("Message", "")
        return result
    result["request_id"] = response["ResponseMetadata"].get("RequestId")
    for event in response["stream"]:
        ((name, body),) = event.items()
        body = {key: value for key, value in body.items() if key != "p"}
        result["events"].append({name: body})
    return result


def user(text):
    return [{"role": "user", "content": [{"text": text}]}]


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
    results["tier"] = stream(
        client, modelId=SONNET_4_5, messages=user("Hello."), serviceTier={"type": "flex"}
    )
    cached = {
        "modelId": SONNET_4,
        "system": [{"text": LONG_NOTES}, {"cachePoint": {"type": "default", "ttl": "1h"}}],
        "messages": user("What do the notes say?"),
    }
    results["cache_write"] = stream(client, **cached)
    results["cache_read"] = stream(client, **cached)
    results["thinking"] = stream(
        client,
        modelId=SONNET_4,
        messages=user("Why is the sky blue?"),
        inferenceConfig={"maxTokens": 2000},
        additionalModelRequestFields={"thinking": {"type": "enabled", "budget_tokens": 1024}},
    )
    results["tool"] = stream(
        client,
        modelId=SONNET_4,
        messages=user("Weather in Paris?"),
        toolConfig={"tools": [WEATHER_TOOL], "toolChoice": {"any": {}}},
    )
    results["bad_budget"] = stream(
        client,
        modelId=SONNET_4,
        messages=user("Why?"),
        inferenceConfig={"maxTokens": 2000},
        additionalModelRequestFields={"thinking": {"type": "enabled", "budget_tokens": 100}},
    )
    response = client.converse(
        modelId=SONNET_4_5,
        messages=user("Hello."),
        serviceTier={"type": "priority"},
        toolConfig={"tools": [WEATHER_TOOL], "toolChoice": {"tool": {"name": "get_weather"}}},
    )
    response.pop("ResponseMetadata", None)
    results["converse"] = response
    for name, result in results.items():
        print(json.dumps({"scenario": name, **result}, default=str))


if __name__ == "__main__":
    main()
