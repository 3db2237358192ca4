#!/usr/bin/env node
// server.mjs: an OpenAI-compatible HTTP server over llama.cpp, through node-llama-cpp.
//
// The HTTP layer is Vigil's (this file); everything behind it is llama.cpp: the model file's
// tokenizer, evaluation, sampling and the parallel sequences of one context (node-llama-cpp's
// prebuilt llama.cpp binaries, on the CPU). Routes and their answers follow llama.cpp's own
// llama-server where it has them (/health, /slots, /metrics, /tokenize, /detokenize,
// /apply-template) and OpenAI's and vLLM's for the /v1 API. README.md says where it differs.
import http from "node:http";
import { randomBytes } from "node:crypto";

const USAGE = `usage: node server.mjs --model FILE [--host 127.0.0.1] [--port 8100] [--alias NAME]
  [--slots K] [--ctx N] [--threads T] [--queue Q] [--load-delay-ms MS] [--loaded-when FILE]
  [--token-delay-ms MS] [--max-body-bytes B]`;

// ---- options ---------------------------------------------------------------------------------
function options(argv) {
  const spec = {
    "--host": ["host", "127.0.0.1", String],
    "--port": ["port", 8100, Number],
    "--model": ["model", null, String],
    "--alias": ["alias", "tiny-llama", String],
    "--slots": ["slots", 2, Number],
    "--ctx": ["ctx", 1024, Number],
    "--threads": ["threads", 1, Number],
    "--queue": ["queue", 0, Number],
    "--load-delay-ms": ["loadDelayMs", 0, Number],
    // Loading ends only once FILE exists: a load as slow as a test wants, ended by a condition.
    "--loaded-when": ["loadedWhen", null, String],
    // A pause after each generated token: the tiny model makes ~2,000 tokens a second, a real one
    // on a GPU 20 to 100 per stream; tests that act mid-stream pace it like one.
    "--token-delay-ms": ["tokenDelayMs", 0, Number],
    "--max-body-bytes": ["maxBodyBytes", 8 * 1024 * 1024, Number],
  };
  const o = {};
  for (const [, [key, def]] of Object.entries(spec)) o[key] = def;
  for (let i = 0; i < argv.length; i++) {
    const s = spec[argv[i]];
    if (argv[i] === "-h" || argv[i] === "--help") { console.log(USAGE); process.exit(0); }
    if (!s || i + 1 >= argv.length) die(`unknown or incomplete option ${argv[i]}\n${USAGE}`);
    const v = s[2](argv[++i]);
    if (s[2] === Number && !(Number.isInteger(v) && v >= 0)) die(`${argv[i - 1]} needs a whole number, not ${argv[i]}`);
    o[s[0]] = v;
  }
  if (!o.model) die(`--model FILE is required\n${USAGE}`);
  if (o.slots < 1) die("--slots must be at least 1");
  if (o.ctx < 16) die("--ctx must be at least 16");
  if (o.port > 65535) die("--port must be at most 65535");
  return o;
}

function die(message) {
  console.error(`vigil-llama: ${message}`);
  process.exit(2);
}

const opt = options(process.argv.slice(2));
const log = (line) => process.stderr.write(`vigil-llama: ${line}\n`);

// ---- state -----------------------------------------------------------------------------------
let llama = null, model = null, context = null;
let loaded = false, stopping = false;
const slots = Array.from({ length: opt.slots }, (_, id) => ({ id, task: null, decoded: 0, tokens: 0 }));
const waiting = []; // {resolve, reject}: requests queued for a slot, at most opt.queue
const running = new Set(); // every request in flight, to abort on shutdown
const counters = { prompt: 0, predicted: 0, decodes: 0, requests: 0, rejected: 0 };

class ApiError extends Error {
  constructor(code, message, type = "invalid_request_error", headers = {}) {
    super(message);
    this.code = code;
    this.type = type;
    this.headers = headers;
  }
}
const unavailable = (message) => new ApiError(503, message, "unavailable_error");

// ---- HTTP ------------------------------------------------------------------------------------
function sendJson(res, status, body, headers = {}) {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(text);
}

function sendError(res, e) {
  sendJson(res, e.code, { error: { code: e.code, message: e.message, type: e.type } }, e.headers);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > opt.maxBodyBytes) {
        reject(new ApiError(413, `the body is over ${opt.maxBodyBytes} bytes`));
        req.destroy();
        return;
      }
      parts.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(parts)));
    req.on("error", reject);
  });
}

async function jsonBody(req) {
  const raw = await readBody(req);
  let body;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch (e) {
    throw new ApiError(400, `the body is not valid JSON: ${e.message}`);
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new ApiError(400, "the body must be a JSON object");
  }
  return body;
}

const server = http.createServer(async (req, res) => {
  const path = (req.url || "/").split("?")[0];
  const route = `${req.method} ${path}`;
  try {
    switch (route) {
      case "GET /health":
        return loaded
          ? sendJson(res, 200, { status: "ok" })
          : sendError(res, unavailable("Loading model"));
      case "GET /metrics":
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
        return res.end(metricsText());
      case "GET /slots":
        return sendJson(res, 200, slots.map((s) => ({
          id: s.id, n_ctx: opt.ctx, is_processing: s.task !== null, id_task: s.task, n_decoded: s.decoded,
        })));
      case "GET /v1/models":
      case "GET /models":
        requireLoaded();
        return sendJson(res, 200, {
          object: "list",
          data: [{ id: opt.alias, object: "model", created: startedAt, owned_by: "llamacpp" }],
        });
      case "POST /tokenize": {
        requireLoaded();
        const body = await jsonBody(req);
        const content = field(body, "content", "string", true);
        const addSpecial = field(body, "add_special", "boolean", false) ?? false;
        return sendJson(res, 200, { tokens: tokenize(content, addSpecial) });
      }
      case "POST /detokenize": {
        requireLoaded();
        const body = await jsonBody(req);
        const tokens = tokenIds(body.tokens, "tokens");
        // Vigil's addition: the tokens before these (a prompt), so the text is the one a stream
        // after them carries: a leading space is dropped only at the start of a text.
        const previous = body.previous_tokens == null ? [] : tokenIds(body.previous_tokens, "previous_tokens");
        return sendJson(res, 200, { content: model.detokenize(tokens, false, previous.slice(-4)) });
      }
      case "POST /apply-template": {
        requireLoaded();
        const body = await jsonBody(req);
        return sendJson(res, 200, { prompt: renderChat(messages(body), body) });
      }
      case "POST /v1/completions":
      case "POST /completions":
        requireLoaded();
        return await complete(req, res, await jsonBody(req), false);
      case "POST /v1/chat/completions":
      case "POST /chat/completions":
        requireLoaded();
        return await complete(req, res, await jsonBody(req), true);
      default:
        throw new ApiError(404, `no route ${route}`, "not_found_error");
    }
  } catch (e) {
    if (e instanceof ApiError) {
      if (e.code >= 400) log(`${route} ${e.code}: ${e.message}`);
      return sendError(res, e);
    }
    log(`${route} failed: ${e && e.stack ? e.stack : e}`);
    return sendError(res, new ApiError(500, `internal error: ${e && e.message ? e.message : e}`, "server_error"));
  }
});
server.keepAliveTimeout = 5000;
const startedAt = Math.floor(Date.now() / 1000);

function requireLoaded() {
  if (stopping) throw unavailable("Shutting down");
  if (!loaded) throw unavailable("Loading model");
}

// ---- request fields --------------------------------------------------------------------------
function field(body, name, type, required) {
  const v = body[name];
  if (v === undefined || v === null) {
    if (required) throw new ApiError(400, `'${name}' is required`);
    return null;
  }
  const ok = type === "integer" ? Number.isInteger(v) : typeof v === type;
  if (!ok) throw new ApiError(400, `'${name}' must be ${type === "integer" ? "an integer" : "a " + type}`);
  return v;
}

function numberIn(body, name, min, max) {
  const v = field(body, name, "number", false);
  if (v !== null && !(v >= min && v <= max)) throw new ApiError(400, `'${name}' must be between ${min} and ${max}`);
  return v;
}

function tokenIds(v, name) {
  if (!Array.isArray(v)) throw new ApiError(400, `'${name}' must be an array of token ids`);
  const vocab = vocabSize;
  for (const t of v) {
    if (!Number.isInteger(t) || t < 0 || t >= vocab) {
      throw new ApiError(400, `'${name}' holds ${JSON.stringify(t)}, not a token id of this model (0 to ${vocab - 1})`);
    }
  }
  return v;
}

/** Token ids run from 0 to this (exclusive); known once the model is loaded. */
let vocabSize = 0;

function messages(body) {
  const list = body.messages;
  if (!Array.isArray(list) || list.length === 0) throw new ApiError(400, "'messages' must be a non-empty array");
  return list.map((m, i) => {
    if (m === null || typeof m !== "object") throw new ApiError(400, `messages[${i}] must be an object`);
    if (typeof m.role !== "string") throw new ApiError(400, `messages[${i}].role must be a string`);
    let content = m.content;
    if (Array.isArray(content)) {
      content = content.map((part) => {
        if (part && part.type === "text" && typeof part.text === "string") return part.text;
        throw new ApiError(400, `messages[${i}].content: only text parts are supported`);
      }).join("");
    }
    if (content === undefined || content === null) content = "";
    if (typeof content !== "string") throw new ApiError(400, `messages[${i}].content must be a string or text parts`);
    return { role: m.role, content };
  });
}

// The chat template: the model file has none that matters (its weights are random), so messages are
// rendered in one fixed plain form, the same for the chat route and /apply-template:
//   "<role>: <content>\n" per message, then "assistant:" to open the reply. A final assistant
// message with continue_final_message (and add_generation_prompt false) is left open instead, so the
// model continues it: "assistant: <content>" with no newline.
function renderChat(list, body) {
  const continueFinal = body.continue_final_message === true;
  const addPrompt = body.add_generation_prompt !== false;
  if (continueFinal && list[list.length - 1].role !== "assistant") {
    throw new ApiError(400, "continue_final_message needs the last message to be the assistant's");
  }
  let text = "";
  list.forEach((m, i) => {
    const open = continueFinal && i === list.length - 1;
    text += open ? `${m.role}: ${m.content}` : `${m.role}: ${m.content}\n`;
  });
  if (!continueFinal && addPrompt) text += "assistant:";
  return text;
}

function tokenize(text, addSpecial) {
  const ids = model.tokenize(text, false);
  return addSpecial && model.tokens.bos !== null ? [model.tokens.bos, ...ids] : ids;
}

function stops(body) {
  const v = body.stop;
  if (v === undefined || v === null) return [];
  const list = typeof v === "string" ? [v] : v;
  if (!Array.isArray(list) || list.some((s) => typeof s !== "string")) {
    throw new ApiError(400, "'stop' must be a string or an array of strings");
  }
  return list.filter((s) => s.length > 0);
}

// ---- slots -----------------------------------------------------------------------------------
// At most --slots generations run at once, one context sequence each; --queue more may wait. Past
// that the answer is 503 with Retry-After, so a caller tries elsewhere instead of piling up here.
function acquireSlot(task, gone) {
  const free = slots.find((s) => s.task === null);
  if (free) {
    free.task = task;
    return Promise.resolve(free);
  }
  if (waiting.length >= opt.queue) {
    counters.rejected++;
    return Promise.reject(new ApiError(
      503, `no free slot: all ${opt.slots} slots are busy and ${waiting.length} requests wait`,
      "unavailable_error", { "retry-after": "1" }));
  }
  return new Promise((resolve, reject) => {
    const entry = { task, resolve, reject };
    waiting.push(entry);
    gone.then(() => {
      const i = waiting.indexOf(entry);
      if (i >= 0) {
        waiting.splice(i, 1);
        reject(new ApiError(499, "the client went away while waiting for a slot"));
      }
    });
  });
}

function releaseSlot(slot) {
  slot.task = null;
  slot.decoded = 0;
  slot.tokens = 0;
  const next = waiting.shift();
  if (next) {
    slot.task = next.task;
    next.resolve(slot);
  }
}

// ---- generation ------------------------------------------------------------------------------
async function complete(req, res, body, chat) {
  const requested = field(body, "model", "string", false);
  if (requested !== null && requested !== opt.alias) {
    throw new ApiError(404, `The model \`${requested}\` does not exist.`, "not_found_error");
  }
  let promptIds;
  if (chat) {
    promptIds = tokenize(renderChat(messages(body), body), true);
  } else {
    const prompt = body.prompt;
    if (typeof prompt === "string") promptIds = tokenize(prompt, true);
    else if (Array.isArray(prompt) && prompt.length > 0 && prompt.every((t) => typeof t === "number")) promptIds = tokenIds(prompt, "prompt");
    else if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === "string") promptIds = tokenize(prompt[0], true);
    else throw new ApiError(400, "'prompt' must be a string or a non-empty array of token ids");
  }
  const maxTokens = field(body, chat && body.max_completion_tokens != null ? "max_completion_tokens" : "max_tokens", "integer", false);
  if (maxTokens !== null && maxTokens < 0) throw new ApiError(400, "'max_tokens' must be 0 or more");
  const stream = field(body, "stream", "boolean", false) ?? false;
  const includeUsage = stream && body.stream_options && body.stream_options.include_usage === true;
  const continuousUsage = stream && body.stream_options && body.stream_options.continuous_usage_stats === true;
  const withIds = field(body, "return_token_ids", "boolean", false) ?? false;
  const stopTexts = stops(body);
  const stopIds = body.stop_token_ids == null ? [] : tokenIds(body.stop_token_ids, "stop_token_ids");
  const ignoreEos = field(body, "ignore_eos", "boolean", false) ?? false;
  const temperature = numberIn(body, "temperature", 0, 2) ?? 0;
  const topP = numberIn(body, "top_p", 0, 1);
  const seed = field(body, "seed", "integer", false);
  if (promptIds.length === 0) throw new ApiError(400, "the prompt is empty");
  if (promptIds.length >= opt.ctx) {
    throw new ApiError(400, `the prompt has ${promptIds.length} tokens; this server's context holds ${opt.ctx} ` +
      `per slot (--ctx), with room for at least one generated token`, "invalid_request_error");
  }

  const id = (chat ? "chatcmpl-" : "cmpl-") + randomBytes(12).toString("hex");
  const created = Math.floor(Date.now() / 1000);
  let clientGone;
  const gone = new Promise((resolve) => { clientGone = resolve; });
  res.on("close", () => { if (!res.writableFinished) clientGone(); });
  req.on("aborted", () => clientGone());
  let aborted = false;
  gone.then(() => { aborted = true; });

  const started = Date.now();
  const slot = await acquireSlot(id, gone);
  const task = { id, abort: () => { aborted = true; } };
  running.add(task);
  counters.requests++;
  counters.prompt += promptIds.length;
  let sequence = null;
  const generated = [];
  let finish = null;
  let stoppedByText = false;
  let sentHeaders = false;
  let emittedTokens = 0; // generated[0..emittedTokens) went out, with all of their text
  let emittedText = "";
  const pieces = [];

  const chunk = (choice) => ({
    id, object: chat ? "chat.completion.chunk" : "text_completion", created, model: opt.alias, choices: [choice],
  });
  const write = async (object) => {
    if (!sentHeaders) {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      sentHeaders = true;
    }
    // A client that does not read holds the generation here: nothing is buffered for it beyond
    // the socket's own buffer, and the sequence waits (backpressure to the engine).
    if (!res.write(`data: ${JSON.stringify(object)}\n\n`)) {
      await Promise.race([new Promise((r) => res.once("drain", r)), gone]);
    }
  };
  const usage = () => ({ prompt_tokens: promptIds.length, completion_tokens: generated.length,
    total_tokens: promptIds.length + generated.length });
  const emit = async (text, upTo, reason) => {
    const ids = generated.slice(emittedTokens, upTo);
    emittedTokens = Math.max(emittedTokens, upTo);
    emittedText += text;
    if (!stream) {
      pieces.push(text);
      return;
    }
    const choice = chat
      ? { index: 0, delta: text.length > 0 || reason === null ? { content: text } : {}, logprobs: null, finish_reason: reason }
      : { index: 0, text, logprobs: null, finish_reason: reason };
    if (withIds) choice.token_ids = ids;
    const object = chunk(choice);
    if (continuousUsage) object.usage = usage();
    if (withIds && !sentHeaders) object.prompt_token_ids = promptIds;
    await write(object);
  };

  try {
    if (stream && chat) {
      const first = chunk({ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null });
      if (withIds) first.prompt_token_ids = promptIds;
      await write(first);
    }
    const tail = promptIds.slice(-4);
    const textOf = (n) => model.detokenize(generated.slice(0, n), false, tail);
    const limit = maxTokens === null ? Infinity : maxTokens;
    if (limit === 0) finish = "length";
    // Until a new token's text can go out: a UTF-8 character still missing bytes, or an ending
    // that may be the start of a stop string, waits for the tokens after it. Text goes out in
    // whole tokens, each with its id, so a caller that continues from the ids it got continues
    // from exactly the text it got.
    const safeEnd = () => {
      for (let n = generated.length; n > emittedTokens; n--) {
        const text = textOf(n);
        if (text.endsWith("\uFFFD")) continue;
        const fresh = text.slice(emittedText.length);
        if (stopTexts.some((s) => partialStopAtEnd(fresh, s))) continue;
        return { n, fresh };
      }
      return null;
    };
    if (finish === null && !aborted) {
      sequence = context.getSequence();
      const evaluation = sequence.evaluate(promptIds, { temperature, topP: topP ?? undefined, seed: seed ?? undefined });
      for await (const token of evaluation) {
        counters.decodes++;
        if (aborted || stopping) break;
        if (!ignoreEos && model.isEogToken(token)) { finish = "stop"; break; }
        if (stopIds.includes(token)) { finish = "stop"; break; }
        generated.push(token);
        counters.predicted++;
        slot.decoded = generated.length;
        slot.tokens = promptIds.length + generated.length;
        if (stopTexts.length > 0) {
          const fresh = textOf(generated.length).slice(emittedText.length);
          const at = firstStop(fresh, stopTexts);
          if (at >= 0) {
            await emit(fresh.slice(0, at), generated.length, null);
            finish = "stop";
            stoppedByText = true;
            break;
          }
        }
        if (generated.length >= limit) { finish = "length"; break; }
        if (promptIds.length + generated.length >= opt.ctx) { finish = "length"; break; }
        const ready = safeEnd();
        if (ready && ready.fresh.length > 0) await emit(ready.fresh, ready.n, null);
        if (opt.tokenDelayMs > 0) await Promise.race([new Promise((r) => setTimeout(r, opt.tokenDelayMs)), gone]);
      }
    }
    if (aborted || stopping) {
      finish = finish ?? "abort";
    }
    if (finish === null) finish = "length"; // the evaluation ended by itself: the context is full
    if (aborted) {
      log(`${id} aborted: the client went away after ${generated.length} tokens`);
      return;
    }
    // Whatever is left goes out with the finish reason (a character still incomplete at the end
    // is llama.cpp's replacement character, as llama-server sends it).
    if (!stoppedByText) {
      const rest = textOf(generated.length).slice(emittedText.length);
      if (rest.length > 0 || emittedTokens < generated.length) await emit(rest, generated.length, null);
    }
    if (stream) {
      await emit("", generated.length, finish);
      if (includeUsage) {
        await write({ id, object: chat ? "chat.completion.chunk" : "text_completion", created, model: opt.alias,
          choices: [], usage: usage() });
      }
      res.end("data: [DONE]\n\n");
    } else {
      const text = pieces.join("");
      const choice = chat
        ? { index: 0, message: { role: "assistant", content: text }, logprobs: null, finish_reason: finish }
        : { index: 0, text, logprobs: null, finish_reason: finish };
      if (withIds) choice.token_ids = generated;
      const object = { id, object: chat ? "chat.completion" : "text_completion", created, model: opt.alias,
        choices: [choice], usage: usage() };
      if (withIds) object.prompt_token_ids = promptIds;
      sendJson(res, 200, object);
    }
    log(`${id} ${chat ? "chat" : "completion"}${stream ? " stream" : ""}: prompt ${promptIds.length}, ` +
      `completion ${generated.length}, finish ${finish}, ${Date.now() - started} ms`);
  } catch (e) {
    if (sentHeaders) {
      log(`${id} failed mid-stream: ${e && e.message ? e.message : e}`);
      res.end(`data: ${JSON.stringify({ error: { code: 500, message: String(e && e.message ? e.message : e), type: "server_error" } })}\n\n`);
      return;
    }
    throw e;
  } finally {
    running.delete(task);
    if (sequence !== null) {
      await sequence.dispose();
    }
    releaseSlot(slot);
  }
}

// Where the first stop string starts in text, or -1.
function firstStop(text, stopTexts) {
  let best = -1;
  for (const s of stopTexts) {
    const i = text.indexOf(s);
    if (i >= 0 && (best < 0 || i < best)) best = i;
  }
  return best;
}

// Whether text ends with a proper prefix of stop (it may become the stop with the next tokens).
function partialStopAtEnd(text, stop) {
  for (let n = Math.min(stop.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(stop.slice(0, n))) return true;
  }
  return false;
}

// ---- metrics ---------------------------------------------------------------------------------
function metricsText() {
  const processing = slots.filter((s) => s.task !== null).length;
  const kvTokens = slots.reduce((sum, s) => sum + s.tokens, 0);
  const metric = (name, type, help, value) => `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}\n`;
  return [
    metric("llamacpp:prompt_tokens_total", "counter", "Number of prompt tokens processed.", counters.prompt),
    metric("llamacpp:tokens_predicted_total", "counter", "Number of generation tokens processed.", counters.predicted),
    metric("llamacpp:n_decode_total", "counter", "Total number of llama_decode() calls.", counters.decodes),
    metric("llamacpp:requests_total", "counter", "Generation requests started.", counters.requests),
    metric("llamacpp:requests_rejected_total", "counter", "Generation requests refused: no free slot or queue place.", counters.rejected),
    metric("llamacpp:requests_processing", "gauge", "Number of requests processing.", processing),
    metric("llamacpp:requests_deferred", "gauge", "Number of requests deferred.", waiting.length),
    metric("llamacpp:kv_cache_usage_ratio", "gauge", "KV-cache usage. 1 means 100 percent usage.",
      (kvTokens / (opt.ctx * opt.slots)).toFixed(6)),
    metric("llamacpp:kv_cache_tokens", "gauge", "KV-cache tokens.", kvTokens),
  ].join("");
}

// ---- start and stop --------------------------------------------------------------------------
async function load() {
  const t0 = Date.now();
  const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
  llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error, progressLogs: false });
  model = await llama.loadModel({ modelPath: opt.model });
  context = await model.createContext({ sequences: opt.slots, contextSize: opt.ctx, threads: opt.threads });
  const listed = model.fileInfo?.metadata?.tokenizer?.ggml?.tokens;
  vocabSize = Array.isArray(listed) ? listed.length : Number.MAX_SAFE_INTEGER;
  if (opt.loadDelayMs > 0) await new Promise((r) => setTimeout(r, opt.loadDelayMs));
  if (opt.loadedWhen) {
    const { existsSync } = await import("node:fs");
    log(`the model counts as loaded once ${opt.loadedWhen} exists (--loaded-when)`);
    while (!existsSync(opt.loadedWhen)) await new Promise((r) => setTimeout(r, 100));
  }
  loaded = true;
  log(`model ${opt.model} loaded as ${opt.alias} in ${Date.now() - t0} ms: ${opt.slots} slots of ${opt.ctx} tokens, ` +
    `${opt.threads} thread(s)${opt.loadDelayMs > 0 ? `, load delayed ${opt.loadDelayMs} ms (--load-delay-ms)` : ""}`);
}

async function stop(signal) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping (${running.size} requests in flight are aborted)`);
  setTimeout(() => process.exit(0), 3000).unref();
  server.close();
  for (const task of running) task.abort();
  for (const w of waiting.splice(0)) w.reject(unavailable("Shutting down"));
  server.closeAllConnections?.();
  try {
    if (context) await context.dispose();
    if (model) await model.dispose();
    if (llama) await llama.dispose();
  } catch (e) {
    // exiting anyway
  }
  process.exit(0);
}
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));

server.on("error", (e) => {
  console.error(`vigil-llama: cannot listen on ${opt.host}:${opt.port}: ${e.message}`);
  process.exit(1);
});
server.listen(opt.port, opt.host, () => {
  log(`listening on http://${opt.host}:${server.address().port}; loading ${opt.model}`);
  load().catch((e) => {
    console.error(`vigil-llama: cannot load ${opt.model}: ${e && e.message ? e.message : e}`);
    process.exit(1);
  });
});
