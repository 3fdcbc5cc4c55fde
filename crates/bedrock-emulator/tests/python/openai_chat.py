#!/usr/bin/env python3
"""The OpenAI Python SDK against the bedrock-bench emulator's
OpenAI-compatible Chat Completions API.

Usage: openai_chat.py ENDPOINT_URL API_KEY

Prints one JSON object per scenario on stdout (the streamed chunks'
text, finish reason and usage, the whole completion, or the error the SDK
raised); tests/it/python_api_sdks.rs checks them.
Needs the openai package (pip install openai).
"""

import json
import sys

import openai

PROMPT = "Explain the concept of machine learning in simple terms."
MODEL = "deepseek.v3-v1:0"
CLAUDE = "us.anthropic.claude-sonnet-4-20250514-v1:0"


def client(url, key, prefix="/openai/v1"):
    return openai.OpenAI(base_url=url + prefix, api_key=key, max_retries=0, timeout=30)


def error_of(error):
    """What the SDK raised: its class, status and body."""
    return {
        "class": type(error).__name__,
        "status": getattr(error, "status_code", None),
        "body": getattr(error, "body", None),
    }


def stream(chat, model=MODEL):
    result = {"content": "", "roles": [], "finish_reasons": [], "usage": None, "chunks": 0}
    try:
        chunks = chat.chat.completions.create(
            model=model,
            messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": PROMPT}],
            max_tokens=64,
            stream=True,
            stream_options={"include_usage": True},
        )
    except openai.APIError as error:
        result["error"] = error_of(error)
        return result
    result["request_id"] = chunks.response.headers.get("x-amzn-requestid")
    for chunk in chunks:
        result["chunks"] += 1
        result["object"] = chunk.object
        if chunk.usage is not None:
            result["usage"] = chunk.usage.model_dump()
        for choice in chunk.choices:
            if choice.delta.role:
                result["roles"].append(choice.delta.role)
            if choice.delta.content:
                result["content"] += choice.delta.content
            if choice.finish_reason:
                result["finish_reasons"].append(choice.finish_reason)
    return result


def complete(chat):
    raw = chat.chat.completions.with_raw_response.create(
        model=MODEL, messages=[{"role": "user", "content": PROMPT}], max_tokens=64
    )
    completion = raw.parse()
    return {
        "request_id": raw.headers.get("x-amzn-requestid"),
        "object": completion.object,
        "content": completion.choices[0].message.content,
        "finish_reason": completion.choices[0].finish_reason,
        "usage": completion.usage.model_dump(),
    }


def main():
    url, key = sys.argv[1], sys.argv[2]
    scenarios = {
        "stream": lambda: stream(client(url, key)),
        "stream_v1": lambda: stream(client(url, key, "/v1")),
        "complete": lambda: complete(client(url, key)),
        "claude": lambda: stream(client(url, key), CLAUDE),
        "wrong_key": lambda: stream(client(url, "bedrock-api-key-d3Jvbmc=")),
    }
    for name, run in scenarios.items():
        result = run()
        result["scenario"] = name
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
