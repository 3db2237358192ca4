// Drives a running Vigil frontend with the official OpenAI client: list models, one streamed and
// one unary chat completion. Prints one JSON line with what it saw; exits non-zero on any failure.
// Usage: node check.mjs <base-url> <model>
import OpenAI from "openai";

const [baseUrl, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: "not-needed", maxRetries: 0, timeout: 30000 });

const models = await client.models.list();
const ids = models.data.map((m) => m.id);
if (!ids.includes(model)) throw new Error(`model ${model} not listed: ${JSON.stringify(ids)}`);

const messages = [{ role: "user", content: "Say something about health checks" }];
const stream = await client.chat.completions.create({ model, messages, max_tokens: 16, stream: true });
let streamed = "";
let finish = null;
let chunks = 0;
for await (const chunk of stream) {
  chunks++;
  streamed += chunk.choices[0]?.delta?.content ?? "";
  finish = chunk.choices[0]?.finish_reason ?? finish;
}

const unary = await client.chat.completions.create({ model, messages, max_tokens: 16 });
const content = unary.choices[0].message.content;
if (content !== streamed) throw new Error(`streamed ${JSON.stringify(streamed)} != unary ${JSON.stringify(content)}`);
if (unary.usage.completion_tokens !== 16) throw new Error(`usage ${JSON.stringify(unary.usage)}`);

console.log(JSON.stringify({ models: ids, chunks, finish, content, usage: unary.usage }));
