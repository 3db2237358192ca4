// Drives a running Vigil frontend that fronts a real OpenAI-compatible engine, with the official
// OpenAI client: the model is listed, one streamed and one unary chat completion of <message>.
// Prints one JSON line with what it saw; exits non-zero on any failure.
// Usage: node engine-check.mjs <base-url> <model> <message>
import OpenAI from "openai";

const [baseUrl, model, message] = process.argv.slice(2);
const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: "not-needed", maxRetries: 0, timeout: 30000 });

const models = await client.models.list();
const ids = models.data.map((m) => m.id);
if (!ids.includes(model)) throw new Error(`model ${model} not listed: ${JSON.stringify(ids)}`);

const messages = [{ role: "user", content: message }];
const stream = await client.chat.completions.create({ model, messages, max_tokens: 64, stream: true });
let streamed = "";
let finish = null;
let chunks = 0;
for await (const chunk of stream) {
  chunks++;
  streamed += chunk.choices[0]?.delta?.content ?? "";
  finish = chunk.choices[0]?.finish_reason ?? finish;
}

const unary = await client.chat.completions.create({ model, messages, max_tokens: 64 });
console.log(JSON.stringify({ models: ids, chunks, finish, streamed, unary: unary.choices[0].message.content }));
