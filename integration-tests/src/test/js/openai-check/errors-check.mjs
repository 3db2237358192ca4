// Provokes two errors through the official OpenAI client (an unknown model, an empty message list)
// and prints one JSON line with what the client made of each: status, message, type and code.
// Usage: node errors-check.mjs <base-url> <model>
import OpenAI from "openai";

const [baseUrl, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey: "not-needed", maxRetries: 0, timeout: 30000 });

async function seen(request) {
  try {
    await client.chat.completions.create(request);
  } catch (e) {
    if (!(e instanceof OpenAI.APIError)) throw e;
    return { status: e.status, message: e.message, type: e.type ?? null, code: e.code ?? null };
  }
  throw new Error(`no error for ${JSON.stringify(request)}`);
}

const unknownModel = await seen({ model: "no-such-model", messages: [{ role: "user", content: "hi" }], max_tokens: 2 });
const noMessages = await seen({ model, messages: [], max_tokens: 2 });
console.log(JSON.stringify({ unknownModel, noMessages }));
