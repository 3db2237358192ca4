// Draws the Vigil dashboard's panels as an SVG from Prometheus' HTTP API: for each panel, each of
// its queries over [start, end] (query_range), one line per returned series. Grafana cannot be
// installed on our build machines; this shows the same queries on real data. No dependencies.
//   node render-dashboard.mjs <prometheus-url> <dashboard.json> <out.svg> <start-unix> <end-unix>
import { readFileSync, writeFileSync } from "node:fs";

const [prom, dashboardFile, out, startArg, endArg] = process.argv.slice(2);
const start = Number(startArg), end = Number(endArg);
const dashboard = JSON.parse(readFileSync(dashboardFile, "utf8"));
const step = Math.max(2, Math.round((end - start) / 120));
const COLORS = ["#73bf69", "#f2cc0c", "#5794f2", "#ff780a", "#b877d9", "#f2495c", "#8ab8ff", "#96d98d"];
const W = 400, H = 190, COLS = 3, PAD = 10;

// Grafana's variables, as Grafana would fill them in for "All" models.
const expand = (expr) => expr.replaceAll("$__rate_interval", "15s").replaceAll('=~"$model"', '=~".*"');
const legend = (format, metric) => format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => metric[k] ?? "");

async function series(expr, format) {
  const url = `${prom}/api/v1/query_range?query=${encodeURIComponent(expand(expr))}&start=${start}&end=${end}&step=${step}`;
  const answer = await (await fetch(url)).json();
  if (answer.status !== "success") throw new Error(`${expr}: ${JSON.stringify(answer)}`);
  return answer.data.result.map((r) => ({
    name: legend(format, r.metric),
    points: r.values.map(([t, v]) => [Number(t), Number(v)]).filter(([, v]) => Number.isFinite(v)),
  }));
}

const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const fmt = (v) => (Math.abs(v) >= 10000 ? v.toExponential(1) : Number.isInteger(v) ? String(v) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toPrecision(2));

const parts = [];
let row = -1, col = 3, section = "", count = 0;
for (const p of dashboard.panels) {
  if (p.type === "row") { section = p.title; col = COLS; continue; }
  if (col >= COLS) { col = 0; row++; }
  const x0 = PAD + col * (W + PAD), y0 = 40 + row * (H + PAD);
  col++;
  count++;
  const lines = [];
  for (const t of p.targets) lines.push(...(await series(t.expr, t.legendFormat || "")));
  const values = lines.flatMap((l) => l.points.map(([, v]) => v));
  const lo = Math.min(0, ...values);
  let hi = Math.max(0, ...values);
  if (hi === lo) hi = lo + 1;
  const px = (t) => x0 + 45 + ((t - start) / (end - start)) * (W - 55);
  const py = (v) => y0 + H - 50 - ((v - lo) / (hi - lo)) * (H - 80);
  const unit = p.fieldConfig?.defaults?.unit ?? "";
  parts.push(`<rect x="${x0}" y="${y0}" width="${W}" height="${H}" rx="3" fill="#181b1f" stroke="#2c3235"/>`);
  parts.push(`<text x="${x0 + 8}" y="${y0 + 17}" fill="#ccccdc" font-size="12" font-weight="bold">${esc(p.title)}</text>`);
  parts.push(`<text x="${x0 + W - 8}" y="${y0 + 17}" fill="#6e6e7a" font-size="10" text-anchor="end">${esc(section)} · ${esc(unit)}</text>`);
  parts.push(`<text x="${x0 + 41}" y="${py(hi) + 4}" fill="#8e8e9a" font-size="9" text-anchor="end">${fmt(hi)}</text>`);
  parts.push(`<text x="${x0 + 41}" y="${py(lo) + 4}" fill="#8e8e9a" font-size="9" text-anchor="end">${fmt(lo)}</text>`);
  parts.push(`<line x1="${x0 + 45}" y1="${py(lo)}" x2="${x0 + W - 10}" y2="${py(lo)}" stroke="#2c3235"/>`);
  parts.push(`<line x1="${x0 + 45}" y1="${py(hi)}" x2="${x0 + W - 10}" y2="${py(hi)}" stroke="#22252b" stroke-dasharray="3,3"/>`);
  lines.slice(0, 8).forEach((l, i) => {
    const c = COLORS[i % COLORS.length];
    if (l.points.length > 1) {
      parts.push(`<polyline fill="none" stroke="${c}" stroke-width="1.5" points="${l.points.map(([t, v]) => `${px(t).toFixed(1)},${py(v).toFixed(1)}`).join(" ")}"/>`);
    } else if (l.points.length === 1) {
      parts.push(`<circle cx="${px(l.points[0][0])}" cy="${py(l.points[0][1])}" r="2" fill="${c}"/>`);
    }
    const last = l.points.length ? fmt(l.points[l.points.length - 1][1]) : "no data";
    parts.push(`<text x="${x0 + 8 + (i % 2) * 196}" y="${y0 + H - 32 + Math.floor(i / 2) * 10}" fill="${c}" font-size="9">${esc((l.name.trim() || "value").slice(0, 32))}: ${last}</text>`);
  });
  if (lines.length > 8) parts.push(`<text x="${x0 + W - 8}" y="${y0 + H - 4}" fill="#6e6e7a" font-size="9" text-anchor="end">+${lines.length - 8} more series</text>`);
  if (!lines.length) parts.push(`<text x="${x0 + W / 2}" y="${y0 + H / 2}" fill="#8e8e9a" font-size="11" text-anchor="middle">no series</text>`);
}
const width = PAD + COLS * (W + PAD), height = 40 + (row + 1) * (H + PAD);
const title = `${dashboard.title} dashboard, ${count} panels: its queries on Prometheus (query_range), ${new Date(start * 1000).toISOString().slice(0, 19)}Z + ${end - start} s. Not a Grafana screenshot.`;
writeFileSync(out, `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif">
<rect width="100%" height="100%" fill="#111217"/>
<text x="${PAD}" y="26" fill="#ccccdc" font-size="15">${esc(title)}</text>
${parts.join("\n")}
</svg>
`);
console.log(`wrote ${out}: ${count} panels`);
