#!/usr/bin/env python3
"""Writes the example workload data of bedrock-bench, deterministically.

    python3 examples/workloads/generate.py

writes, next to this script:

- data/prompts.jsonl: 240 plain prompts (`{"id", "prompt"}`) of varied
  length: short questions, requests with a paragraph of context, and long
  documents to summarize (about 10 to 2,000 tokens);
- data/conversations.json: 30 multi-turn conversations in ShareGPT's
  format (one JSON array of `{"id", "conversations": [{"from", "value"}]}`),
  3 to 6 user turns each, with the assistant's turns;
- data/trace.csv: a two-minute trace in bedrock-bench's plain format
  (`arrival_s,input_tokens,output_tokens,session_id`): bursts of arrivals
  at about 2 per second on average, log-normal input and output lengths.

Every text is composed here from the word lists below (no text is taken
from elsewhere); the files are under the project's license (Apache-2.0).
Running it again writes the same bytes.
"""

import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = random.Random(20261207)

TOPICS = [
    "streaming latency", "prompt caching", "service tiers", "token budgets",
    "regional failover", "load testing", "queueing delays", "retry policies",
    "connection reuse", "tail latency", "cost per request", "rate limits",
    "model selection", "batch jobs", "observability", "capacity planning",
    "cold starts", "network round trips", "output length", "time to first token",
]
TASKS = [
    "Explain {t} in simple terms.",
    "What are the trade-offs of {t}?",
    "Give three practical tips about {t}.",
    "Write a short checklist for reviewing {t}.",
    "How would you measure {t} in production?",
    "Describe a common mistake with {t} and how to avoid it.",
]
SUBJECTS = ["The team", "Our service", "The client", "Each request", "The benchmark", "The dashboard"]
VERBS = ["measured", "reported", "observed", "recorded", "compared", "estimated"]
OBJECTS = [
    "the median latency", "the 99th percentile", "the first token", "the queue depth",
    "the error rate", "the throughput", "the cache hit rate", "the cost per call",
]
ENDINGS = [
    "over the last week.", "after the deployment.", "during the peak hour.",
    "for every region.", "under a steady load.", "when the cache was cold.",
]


def sentence():
    return " ".join([RNG.choice(SUBJECTS), RNG.choice(VERBS), RNG.choice(OBJECTS), RNG.choice(ENDINGS)])


def paragraph(sentences):
    return " ".join(sentence() for _ in range(sentences))


def prompts():
    rows = []
    for i in range(240):
        topic = TOPICS[i % len(TOPICS)]
        task = TASKS[(i // len(TOPICS)) % len(TASKS)].format(t=topic)
        kind = i % 4
        if kind == 0:
            text = task
        elif kind in (1, 2):
            text = f"Context: {paragraph(RNG.randint(3, 30))}\n\n{task}"
        else:
            pages = RNG.randint(20, 120)
            text = f"Summarize the following notes about {topic}.\n\n{paragraph(pages)}"
        rows.append({"id": f"w{i + 1:03d}", "prompt": text})
    return rows


def conversations():
    items = []
    for i in range(30):
        topic = TOPICS[(i * 7) % len(TOPICS)]
        turns = []
        for turn in range(RNG.randint(3, 6)):
            if turn == 0:
                question = TASKS[i % len(TASKS)].format(t=topic)
            else:
                question = RNG.choice([
                    "Can you give an example?",
                    "How does that change under heavy load?",
                    "What would you measure first?",
                    f"And how does it relate to {RNG.choice(TOPICS)}?",
                    "Summarize that in two sentences.",
                ])
            turns.append({"from": "human", "value": question})
            turns.append({"from": "gpt", "value": paragraph(RNG.randint(2, 8))})
        items.append({"id": f"c{i + 1:02d}", "conversations": turns})
    return items


def trace():
    lines = ["arrival_s,input_tokens,output_tokens,session_id"]
    t = 0.0
    session = 0
    while t < 120.0:
        # Bursts: a quiet gap, then a few arrivals close together.
        t += RNG.expovariate(0.5)
        burst = RNG.randint(1, 8)
        session += 1
        at = t
        for k in range(burst):
            if k > 0:
                at += RNG.uniform(0.01, 0.2)
            if at >= 120.0:
                break
            inp = max(1, min(20000, round(math.exp(RNG.gauss(math.log(600), 0.9)))))
            out = max(1, min(2000, round(math.exp(RNG.gauss(math.log(150), 0.7)))))
            lines.append(f"{at:.3f},{inp},{out},s{session}")
        t = max(t, at)
    return "\n".join(lines) + "\n"


def main():
    data = os.path.join(HERE, "data")
    os.makedirs(data, exist_ok=True)
    with open(os.path.join(data, "prompts.jsonl"), "w", encoding="utf-8") as f:
        for row in prompts():
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(os.path.join(data, "conversations.json"), "w", encoding="utf-8") as f:
        json.dump(conversations(), f, ensure_ascii=False, indent=1)
        f.write("\n")
    with open(os.path.join(data, "trace.csv"), "w", encoding="utf-8") as f:
        f.write(trace())


if __name__ == "__main__":
    main()
