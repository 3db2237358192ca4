#!/usr/bin/env node
// smoke.mjs: checks a running server.mjs by hand, as a client would (docs: README.md here).
//   node smoke.mjs http://127.0.0.1:8100      (a server started with --slots 2 --queue 0)
// Exits 0 when every check passed; prints one line per check.
const base = process.argv[2] || "http://127.0.0.1:8100";
let failed = 0;
const check = (name, ok, detail = "") => {
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ": " + detail : ""}`);
  if (!ok) failed++;
};
const post = async (path, body, signal) => {
  const r = await fetch(base + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal });
  return r;
};
const json = async (path, body) => (await post(path, body)).json();
async function streamed(path, body) {
  const r = await post(path, { ...body, stream: true, stream_options: { include_usage: true } });
  const text = await r.text();
  const chunks = text.split("\n\n").filter((l) => l.startsWith("data: ") && l !== "data: [DONE]").map((l) => JSON.parse(l.slice(6)));
  let content = "", ids = [], usage = null, finish = null;
  for (const c of chunks) {
    if (c.usage && c.choices.length === 0) usage = c.usage;
    for (const ch of c.choices) {
      content += ch.text ?? ch.delta?.content ?? "";
      ids.push(...(ch.token_ids ?? []));
      finish = ch.finish_reason ?? finish;
    }
  }
  return { content, ids, usage, finish, done: text.trimEnd().endsWith("data: [DONE]"), chunks };
}

check("health", (await fetch(base + "/health")).status === 200);
const models = await (await fetch(base + "/v1/models")).json();
const model = models.data[0].id;
check("models", typeof model === "string", model);

for (const chat of [false, true]) {
  const path = chat ? "/v1/chat/completions" : "/v1/completions";
  const body = chat
    ? { model, messages: [{ role: "user", content: "Tell me about héllo 日本語" }], max_tokens: 80, temperature: 0, return_token_ids: true }
    : { model, prompt: "The health of the worker", max_tokens: 80, temperature: 0, return_token_ids: true };
  const unary = await json(path, body);
  const text = chat ? unary.choices[0].message.content : unary.choices[0].text;
  const s = await streamed(path, body);
  check(`${path} streamed text equals unary`, s.content === text, JSON.stringify(text.slice(0, 40)));
  check(`${path} streamed ids equal unary`, JSON.stringify(s.ids) === JSON.stringify(unary.choices[0].token_ids));
  check(`${path} usage`, s.usage && s.usage.completion_tokens === 80 && unary.usage.completion_tokens === 80, JSON.stringify(s.usage));
  check(`${path} finish length`, s.finish === "length" && s.done);
  // Continue from the first n ids: the rest must be exactly the uninterrupted run's.
  const prompt = chat
    ? (await json("/tokenize", { content: (await json("/apply-template", { messages: body.messages })).prompt, add_special: true })).tokens
    : (await json("/tokenize", { content: body.prompt, add_special: true })).tokens;
  check(`${path} prompt ids as the route tokenizes`, JSON.stringify(prompt) === JSON.stringify(unary.prompt_token_ids));
  for (const n of [1, 7, 33]) {
    const rest = await json("/v1/completions", { model, prompt: [...prompt, ...s.ids.slice(0, n)], max_tokens: 80 - n, temperature: 0, return_token_ids: true });
    const sameIds = JSON.stringify(rest.choices[0].token_ids) === JSON.stringify(s.ids.slice(n));
    const prior = (await json("/detokenize", { tokens: s.ids.slice(0, n), previous_tokens: prompt })).content;
    check(`${path} continuation after ${n} ids`, sameIds && prior + rest.choices[0].text === text,
      sameIds ? "" : "ids differ");
  }
}

// A stop string: the text ends before it, finish "stop".
{
  const all = await json("/v1/completions", { model, prompt: "the", max_tokens: 40, temperature: 0 });
  const t = all.choices[0].text;
  const stop = t.slice(12, 15);
  const r = await json("/v1/completions", { model, prompt: "the", max_tokens: 40, temperature: 0, stop });
  check("stop string", r.choices[0].finish_reason === "stop" && r.choices[0].text === t.slice(0, t.indexOf(stop)), JSON.stringify(stop));
  const s = await streamed("/v1/completions", { model, prompt: "the", max_tokens: 40, temperature: 0, stop });
  check("stop string streamed", s.content === r.choices[0].text && s.finish === "stop");
}

// Full: two long requests hold both slots; a third is refused with 503 and Retry-After.
{
  const controllers = [new AbortController(), new AbortController()];
  const holds = controllers.map((c) => post("/v1/completions", { model, prompt: "x", max_tokens: 3000, ignore_eos: true, stream: true }, c.signal).catch(() => null));
  let slots;
  for (let i = 0; i < 100; i++) {
    slots = await (await fetch(base + "/slots")).json();
    if (slots.every((s) => s.is_processing)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  check("both slots busy", slots.every((s) => s.is_processing));
  const third = await post("/v1/completions", { model, prompt: "y", max_tokens: 2 });
  check("full: 503 with Retry-After", third.status === 503 && third.headers.get("retry-after") === "1", String(third.status));
  const responses = await Promise.all(holds);
  for (const c of controllers) c.abort();
  for (const r of responses) r?.body?.cancel().catch(() => {});
  let free = false;
  for (let i = 0; i < 100 && !free; i++) {
    await new Promise((r) => setTimeout(r, 20));
    free = (await (await fetch(base + "/slots")).json()).every((s) => !s.is_processing);
  }
  check("a client that goes away frees its slot", free);
  const metrics = await (await fetch(base + "/metrics")).text();
  check("metrics", /llamacpp:requests_processing 0/.test(metrics) && /llamacpp:tokens_predicted_total \d+/.test(metrics));
}

// Bad input is a JSON 4xx.
for (const [body, status] of [["{", 400], [JSON.stringify({ prompt: 5 }), 400], [JSON.stringify({ model: "nope", prompt: "x" }), 404],
  [JSON.stringify({ prompt: [1, 99999999] }), 400], [JSON.stringify({ prompt: "x", max_tokens: "a" }), 400]]) {
  const r = await fetch(base + "/v1/completions", { method: "POST", body });
  const j = await r.json().catch(() => null);
  check(`bad input ${body.slice(0, 30)} → ${status}`, r.status === status && j && j.error && typeof j.error.message === "string", String(r.status));
}

console.log(failed === 0 ? "all checks passed" : `${failed} checks failed`);
process.exit(failed === 0 ? 0 : 1);
