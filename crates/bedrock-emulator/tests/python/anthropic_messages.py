#!/usr/bin/env python3
"""Anthropic's Python SDK against the bedrock-bench emulator's Anthropic
Messages API.

Usage: anthropic_messages.py ENDPOINT_URL API_KEY

Prints one JSON object per scenario on stdout (the streamed events'
types and text, the whole message, or the error the SDK raised);
tests/it/python_api_sdks.rs checks them.
Needs the anthropic package (pip install anthropic).
"""

import json
import sys

import anthropic

PROMPT = "Explain the concept of machine learning in simple terms."
CLAUDE = "us.anthropic.claude-sonnet-4-20250514-v1:0"


def client(url, key=None, token=None):
    """The SDK's client: `api_key` is sent as x-api-key (newer SDKs send it
    as a bearer token), `auth_token` as Authorization: Bearer."""
    return anthropic.Anthropic(
        base_url=url + "/anthropic", api_key=key, auth_token=token, max_retries=0, timeout=30
    )


def bedrock_client(url, key=None):
    """The SDK's Bedrock client (InvokeModelWithResponseStream with the
    native body): with a Bedrock API key, or SigV4 with static keys."""
    if key is not None:
        return anthropic.AnthropicBedrock(
            api_key=key, aws_region="us-east-1", base_url=url, max_retries=0, timeout=30
        )
    return anthropic.AnthropicBedrock(
        aws_access_key="AKIDPYTHONSDK",
        aws_secret_key="python-sdk-secret",
        aws_region="us-east-1",
        base_url=url,
        max_retries=0,
        timeout=30,
    )


def mantle_client(url, key):
    """The SDK's bedrock-mantle client (the Messages API), with a key."""
    return anthropic.AnthropicBedrockMantle(
        api_key=key, aws_region="us-east-1", base_url=url + "/anthropic", max_retries=0, timeout=30
    )


def error_of(error):
    return {
        "class": type(error).__name__,
        "status": getattr(error, "status_code", None),
        "body": getattr(error, "body", None),
    }


def stream(messages, model=CLAUDE):
    result = {"types": [], "text": "", "stop_reason": None, "output_tokens": None}
    try:
        events = messages.messages.create(
            model=model,
            max_tokens=64,
            system="Be brief.",
            messages=[{"role": "user", "content": PROMPT}],
            stream=True,
        )
    except anthropic.APIError as error:
        result["error"] = error_of(error)
        return result
    result["request_id"] = events.response.headers.get("x-amzn-requestid")
    for event in events:
        result["types"].append(event.type)
        if event.type == "content_block_delta" and event.delta.type == "text_delta":
            result["text"] += event.delta.text
        if event.type == "message_delta":
            result["stop_reason"] = event.delta.stop_reason
            result["output_tokens"] = event.usage.output_tokens
    return result


def complete(messages):
    raw = messages.messages.with_raw_response.create(
        model=CLAUDE, max_tokens=64, messages=[{"role": "user", "content": PROMPT}]
    )
    message = raw.parse()
    return {
        "request_id": raw.headers.get("x-amzn-requestid"),
        "type": message.type,
        "text": message.content[0].text,
        "stop_reason": message.stop_reason,
        "output_tokens": message.usage.output_tokens,
    }


def main():
    url, key = sys.argv[1], sys.argv[2]
    scenarios = {
        "stream": lambda: stream(client(url, key=key)),
        "stream_bearer": lambda: stream(client(url, token=key)),
        "complete": lambda: complete(client(url, key=key)),
        "bedrock_client": lambda: stream(bedrock_client(url, key)),
        "bedrock_client_sigv4": lambda: stream(bedrock_client(url)),
        "mantle_client": lambda: stream(mantle_client(url, key)),
        "not_claude": lambda: stream(client(url, key=key), "deepseek.v3-v1:0"),
        "wrong_key": lambda: stream(client(url, key="bedrock-api-key-d3Jvbmc=")),
    }
    for name, run in scenarios.items():
        result = run()
        result["scenario"] = name
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
