#!/usr/bin/env node
// make-model.mjs: writes a tiny llama-architecture GGUF model with random weights from a fixed seed.
//
// Nothing can be downloaded on the machines Vigil is tested on, so its real-engine tests run
// llama.cpp on a model made here: a real llama.cpp model file (GGUF v3, the llama architecture, a
// SentencePiece vocabulary with byte fallback), small enough to run on one CPU thread. Its weights are
// random, so its text is word salad, but greedy decoding is deterministic: the same request gives the
// same tokens, which is what a migration test compares. The same seed gives the same file, byte for
// byte.
//
//   node make-model.mjs --out FILE [--seed 42]
import { writeFileSync, renameSync } from "node:fs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const out = option("--out", null);
const seed = Number(option("--seed", "42"));
if (!out || !Number.isInteger(seed)) {
  console.error("usage: node make-model.mjs --out FILE [--seed N]");
  process.exit(2);
}

// The shape: small enough for a few hundred tokens a second on one core.
const N_EMBD = 64;
const N_HEAD = 4;
const N_LAYER = 2;
const N_FF = 128;
const CONTEXT = 4096;

// The vocabulary: SentencePiece's specials, the 256 byte tokens (so any text can be tokenized, and
// generated text can hold a UTF-8 character split over several byte tokens), single characters, and
// every prefix of some English words, so the tokenizer can merge its way up to whole words.
const WORDS = (
  "the of and to a in is it you that he was for on are with as his they be at one have this from " +
  "or had by word but what some we can out other were all there when up use your how said an each " +
  "she which do their time if will way about many then them write would like so these her long make " +
  "thing see him two has look more day could go come did number sound no most people my over know " +
  "water than call first who may down side been now find any new work part take get place made live " +
  "where after back little only round man year came show every good me give our under name very " +
  "through just form sentence great think say help low line differ turn cause much mean before move " +
  "right boy old too same tell does set three want air well also play small end put home read hand " +
  "port large spell add even land here must big high such follow act why ask men change went light " +
  "kind off need house picture try us again animal point mother world near build self earth father " +
  "health check worker engine stream token model request frontend migrate vigil"
).split(" ");
const CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:!?'\"-()";

const TYPE_NORMAL = 1, TYPE_UNKNOWN = 2, TYPE_CONTROL = 3, TYPE_BYTE = 6;
const tokens = [], scores = [], types = [];
const seen = new Set();
const add = (piece, score, type) => {
  if (seen.has(piece)) return;
  seen.add(piece);
  tokens.push(piece);
  scores.push(score);
  types.push(type);
};
add("<unk>", 0, TYPE_UNKNOWN);
add("<s>", 0, TYPE_CONTROL);
add("</s>", 0, TYPE_CONTROL);
for (let b = 0; b < 256; b++) add("<0x" + b.toString(16).toUpperCase().padStart(2, "0") + ">", 0, TYPE_BYTE);
add("\u2581", -1, TYPE_NORMAL);
for (const c of CHARS) add(c, -1, TYPE_NORMAL);
for (const c of CHARS) add("\u2581" + c, -1, TYPE_NORMAL);
for (const word of WORDS) {
  const piece = "\u2581" + word;
  // Longer pieces score higher: the tokenizer merges the longest word it knows.
  for (let n = 3; n <= piece.length; n++) add(piece.slice(0, n), n, TYPE_NORMAL);
}
const N_VOCAB = tokens.length;

// mulberry32: a small seeded generator; never Math.random, so the file depends only on the seed.
let state = seed >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const weights = (count, scale) => {
  const a = new Float32Array(count);
  for (let i = 0; i < count; i++) a[i] = (random() * 2 - 1) * scale;
  return a;
};
const ones = (count) => new Float32Array(count).fill(1);

// Tensors, dimensions innermost first (ggml's order). The embedding and output scales are larger
// than the layers' so that the next token is decided clearly (no near-ties between logits), which
// keeps greedy decoding the same whether a token is computed in a prefill batch or alone.
const tensors = [
  ["token_embd.weight", [N_EMBD, N_VOCAB], weights(N_EMBD * N_VOCAB, 1.0)],
  ["output_norm.weight", [N_EMBD], ones(N_EMBD)],
  ["output.weight", [N_EMBD, N_VOCAB], weights(N_EMBD * N_VOCAB, 1.0)],
];
for (let l = 0; l < N_LAYER; l++) {
  const s = 1 / Math.sqrt(N_EMBD);
  tensors.push(
    [`blk.${l}.attn_norm.weight`, [N_EMBD], ones(N_EMBD)],
    [`blk.${l}.attn_q.weight`, [N_EMBD, N_EMBD], weights(N_EMBD * N_EMBD, s)],
    [`blk.${l}.attn_k.weight`, [N_EMBD, N_EMBD], weights(N_EMBD * N_EMBD, s)],
    [`blk.${l}.attn_v.weight`, [N_EMBD, N_EMBD], weights(N_EMBD * N_EMBD, s)],
    [`blk.${l}.attn_output.weight`, [N_EMBD, N_EMBD], weights(N_EMBD * N_EMBD, s)],
    [`blk.${l}.ffn_norm.weight`, [N_EMBD], ones(N_EMBD)],
    [`blk.${l}.ffn_gate.weight`, [N_EMBD, N_FF], weights(N_EMBD * N_FF, s)],
    [`blk.${l}.ffn_up.weight`, [N_EMBD, N_FF], weights(N_EMBD * N_FF, s)],
    [`blk.${l}.ffn_down.weight`, [N_FF, N_EMBD], weights(N_FF * N_EMBD, 1 / Math.sqrt(N_FF))],
  );
}

// GGUF v3 (ggml's docs/gguf.md): header, key/values, tensor infos, padding, aligned tensor data.
const T = { UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9, UINT64: 10 };
const ALIGNMENT = 32;
const chunks = [];
let size = 0;
const push = (buf) => { chunks.push(buf); size += buf.length; };
const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); push(b); };
const i32 = (v) => { const b = Buffer.alloc(4); b.writeInt32LE(v); push(b); };
const u64 = (v) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); push(b); };
const f32 = (v) => { const b = Buffer.alloc(4); b.writeFloatLE(v); push(b); };
const str = (s) => { const b = Buffer.from(s, "utf8"); u64(b.length); push(b); };
const kv = [
  ["general.architecture", T.STRING, "llama"],
  ["general.name", T.STRING, `vigil-tiny-llama-seed${seed}`],
  ["general.alignment", T.UINT32, ALIGNMENT],
  ["llama.context_length", T.UINT32, CONTEXT],
  ["llama.embedding_length", T.UINT32, N_EMBD],
  ["llama.block_count", T.UINT32, N_LAYER],
  ["llama.feed_forward_length", T.UINT32, N_FF],
  ["llama.attention.head_count", T.UINT32, N_HEAD],
  ["llama.attention.head_count_kv", T.UINT32, N_HEAD],
  ["llama.rope.dimension_count", T.UINT32, N_EMBD / N_HEAD],
  ["llama.attention.layer_norm_rms_epsilon", T.FLOAT32, 1e-5],
  ["llama.vocab_size", T.UINT32, N_VOCAB],
  ["tokenizer.ggml.model", T.STRING, "llama"],
  ["tokenizer.ggml.tokens", T.ARRAY, [T.STRING, tokens]],
  ["tokenizer.ggml.scores", T.ARRAY, [T.FLOAT32, scores]],
  ["tokenizer.ggml.token_type", T.ARRAY, [T.INT32, types]],
  ["tokenizer.ggml.unknown_token_id", T.UINT32, 0],
  ["tokenizer.ggml.bos_token_id", T.UINT32, 1],
  ["tokenizer.ggml.eos_token_id", T.UINT32, 2],
  ["tokenizer.ggml.add_bos_token", T.BOOL, true],
  ["tokenizer.ggml.add_eos_token", T.BOOL, false],
];
const value = (type, v) => {
  switch (type) {
    case T.UINT32: return u32(v);
    case T.INT32: return i32(v);
    case T.FLOAT32: return f32(v);
    case T.BOOL: return push(Buffer.from([v ? 1 : 0]));
    case T.STRING: return str(v);
    case T.ARRAY: {
      const [elementType, items] = v;
      u32(elementType);
      u64(items.length);
      for (const item of items) value(elementType, item);
      return;
    }
    default: throw new Error("unknown type " + type);
  }
};
push(Buffer.from("GGUF", "ascii"));
u32(3);
u64(tensors.length);
u64(kv.length);
for (const [key, type, v] of kv) {
  str(key);
  u32(type);
  value(type, v);
}
const GGML_F32 = 0;
let offset = 0;
const align = (n) => Math.ceil(n / ALIGNMENT) * ALIGNMENT;
for (const [name, dims, data] of tensors) {
  str(name);
  u32(dims.length);
  for (const d of dims) u64(d);
  u32(GGML_F32);
  u64(offset);
  offset = align(offset + data.byteLength);
}
push(Buffer.alloc(align(size) - size));
const dataStart = size;
for (const [, , data] of tensors) {
  push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  push(Buffer.alloc(align(size - dataStart) - (size - dataStart)));
}

// Written beside the target and renamed: a reader never sees half a model.
const temp = `${out}.tmp-${process.pid}`;
writeFileSync(temp, Buffer.concat(chunks, size));
renameSync(temp, out);
console.error(`make-model: ${out}: llama, vocabulary ${N_VOCAB}, ${N_LAYER} layers of width ${N_EMBD}, ` +
  `${(size / 1048576).toFixed(1)} MB, seed ${seed}`);
