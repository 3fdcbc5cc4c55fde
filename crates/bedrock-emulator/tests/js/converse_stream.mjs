// The AWS SDK for JavaScript v3 against the bedrock-bench emulator.
//
// Usage: node converse_stream.mjs ENDPOINT_URL SDK_DIR
//
// SDK_DIR is a folder where `npm install @aws-sdk/client-bedrock-runtime`
// ran. The client is built as a user would build it: endpoint, region,
// static credentials, and the default request handler (HTTP/2 with prior
// knowledge on an http:// endpoint). Runs a fixed list of ConverseStream
// scenarios against the emulator (started by tests/js_client.rs with
// matching profiles) and prints one JSON object per scenario on stdout.

import { createRequire } from "node:module";
import { join } from "node:path";

const [endpoint, sdkDir] = process.argv.slice(2);
if (!endpoint || !sdkDir) {
  console.error("usage: node converse_stream.mjs ENDPOINT_URL SDK_DIR");
  process.exit(2);
}
const require = createRequire(join(sdkDir, "package.json"));
const { BedrockRuntimeClient, ConverseStreamCommand } = require("@aws-sdk/client-bedrock-runtime");

const PROMPT = "Explain the concept of machine learning in simple terms.";

const client = new BedrockRuntimeClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "emulator-test-secret" },
  // Every answer is seen as it is.
  maxAttempts: 1,
});

/** One request: what came out of it, errors included, and its timings. */
async function converseStream(modelId, maxTokens) {
  const result = { events: [], text: "", error: null };
  const started = performance.now();
  let response;
  try {
    response = await client.send(
      new ConverseStreamCommand({
        modelId,
        messages: [{ role: "user", content: [{ text: PROMPT }] }],
        inferenceConfig: { maxTokens, temperature: 0.9, topP: 1.0 },
      }),
    );
  } catch (error) {
    result.error = {
      name: error.name,
      message: error.message,
      status: error.$metadata?.httpStatusCode ?? null,
      requestId: error.$metadata?.requestId ?? null,
    };
    return result;
  }
  result.status = response.$metadata.httpStatusCode;
  result.requestId = response.$metadata.requestId;
  result.responseMs = performance.now() - started;
  for await (const event of response.stream) {
    const [name] = Object.keys(event);
    result.events.push(name);
    if (name === "contentBlockDelta") {
      result.ttftMs ??= performance.now() - started;
      result.text += event.contentBlockDelta.delta?.text ?? "";
    } else if (name === "messageStop") {
      result.stopReason = event.messageStop.stopReason;
    } else if (name === "metadata") {
      result.usage = event.metadata.usage;
    }
  }
  result.totalMs = performance.now() - started;
  return result;
}

const scenarios = {
  text: () => converseStream("us.amazon.nova-pro-v1:0", 50),
  capped: () => converseStream("us.amazon.nova-pro-v1:0", 4),
  throttling: () => converseStream("us.amazon.nova-lite-v1:0", 50),
};
for (const [scenario, run] of Object.entries(scenarios)) {
  console.log(JSON.stringify({ scenario, ...(await run()) }));
}
// Four at once: each on its own HTTP/2 stream.
const parallel = await Promise.all([0, 1, 2, 3].map(() => scenarios.text()));
parallel.forEach((result, i) => console.log(JSON.stringify({ scenario: `parallel_${i}`, ...result })));
client.destroy();
