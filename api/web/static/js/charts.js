// Inline SVG charts of an evaluation: the P10-P90 band, the cumulative cash flow and the
// tornado. They draw the API's figures; they compute only positions.

import { s } from "./dom.js";
import { money, t } from "./i18n.js";

const n = (v) => (v === null || v === undefined ? null : Number(v));

function scale(domainMin, domainMax, rangeMin, rangeMax) {
  const span = domainMax - domainMin || 1;
  return (v) => rangeMin + ((v - domainMin) / span) * (rangeMax - rangeMin);
}

function niceTicks(min, max, count = 4) {
  const span = max - min || Math.abs(max) || 1;
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((m) => m >= raw) || raw;
  const ticks = [];
  const last = Math.ceil(max / step - 1e-9) * step;
  for (let v = Math.floor(min / step + 1e-9) * step; v <= last + step * 0.001; v += step) ticks.push(Math.abs(v) < step / 1e6 ? 0 : v);
  return ticks;
}

function clip(text, max) {
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}

/** The P10-P90 band of the simulated NPV with P50 and the expected NPV marked. */
export function bandChart(evaluation) {
  const sim = evaluation.simulation?.npv;
  const width = 520;
  const height = 74;
  if (!sim) return null;
  const p10 = n(sim.p10);
  const p50 = n(sim.p50);
  const p90 = n(sim.p90);
  const expected = n(evaluation.headline.npv.value);
  const lo = Math.min(p10, 0, expected);
  const hi = Math.max(p90, 0, expected);
  const pad = (hi - lo) * 0.06 || 1;
  const x = scale(lo - pad, hi + pad, 12, width - 12);
  const cur = evaluation.currency;
  const label = t("web.fig.band_aria", { p10: money(p10, cur), p50: money(p50, cur), p90: money(p90, cur) });
  const p50Anchor = x(p50) - x(p10) < 70 || x(p90) - x(p50) < 70 ? null : "middle";
  return s(
    "svg",
    { viewBox: `0 0 ${width} ${height}`, class: "chart band", role: "img", "aria-label": label },
    s("title", { text: label }),
    s("line", { x1: 12, x2: width - 12, y1: 30, y2: 30, class: "axis" }),
    s("line", { x1: x(0), x2: x(0), y1: 14, y2: 46, class: "zero" }),
    s("rect", { x: x(p10), y: 20, width: Math.max(2, x(p90) - x(p10)), height: 20, rx: 3, class: "band-range" }),
    s("line", { x1: x(p50), x2: x(p50), y1: 16, y2: 44, class: "band-p50" }),
    s("circle", { cx: x(expected), cy: 30, r: 4.5, class: "band-expected" }),
    s("text", { x: x(p10), y: 62, "text-anchor": "start", class: "tick", text: `P10 ${money(p10, cur, { compact: true })}` }),
    s("text", { x: x(p90), y: 62, "text-anchor": "end", class: "tick", text: `P90 ${money(p90, cur, { compact: true })}` }),
    p50Anchor && s("text", { x: x(p50), y: 12, "text-anchor": "middle", class: "tick", text: `P50 ${money(p50, cur, { compact: true })}` }),
  );
}

/** Net flow per period as bars, cumulative (solid) and cumulative discounted (dashed) lines. */
export function cashFlowChart(evaluation) {
  const rows = evaluation.cash_flow || [];
  if (!rows.length) return null;
  const cur = evaluation.currency;
  const width = 520;
  const height = 210;
  const right = 12;
  const top = 12;
  const bottom = 40;
  const values = rows.flatMap((r) => [n(r.net), n(r.cumulative), n(r.cumulative_discounted)]);
  const ticks = niceTicks(Math.min(0, ...values), Math.max(0, ...values));
  const tickText = ticks.map((v) => money(v, cur, { compact: true }));
  const textWidth = (x) => [...x].reduce((w, c) => w + (c.charCodeAt(0) > 0x2e80 ? 11 : 6.4), 0);
  const left = 14 + Math.max(...tickText.map(textWidth));
  const y = scale(ticks[0], ticks.at(-1), height - bottom, top);
  const band = (width - left - right) / rows.length;
  const cx = (i) => left + band * i + band / 2;
  const barWidth = Math.min(28, band * 0.45);
  const line = (key) => rows.map((r, i) => `${i ? "L" : "M"}${cx(i).toFixed(1)},${y(n(r[key])).toFixed(1)}`).join(" ");
  const last = rows.at(-1);
  const label = t("web.fig.cash_aria", { periods: rows.length - 1, cumulative: money(last.cumulative, cur) });
  return s(
    "svg",
    { viewBox: `0 0 ${width} ${height}`, class: "chart cash", role: "img", "aria-label": label },
    s("title", { text: label }),
    ...ticks.map((v, i) =>
      s("g", {},
        s("line", { x1: left, x2: width - right, y1: y(v), y2: y(v), class: v === 0 ? "zero" : "grid" }),
        s("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end", class: "tick", text: tickText[i] }),
      ),
    ),
    ...rows.map((r, i) => {
      const v = n(r.net);
      return s("rect", {
        x: cx(i) - barWidth / 2,
        y: Math.min(y(v), y(0)),
        width: barWidth,
        height: Math.max(1, Math.abs(y(v) - y(0))),
        class: v < 0 ? "bar-neg" : "bar-pos",
      }, s("title", { text: `${t("web.fig.period", { n: r.period })}: ${money(v, cur)}` }));
    }),
    s("path", { d: line("cumulative_discounted"), class: "line-disc" }),
    s("path", { d: line("cumulative"), class: "line-cum" }),
    ...rows.map((r, i) => s("circle", { cx: cx(i), cy: y(n(r.cumulative)), r: 3, class: "dot-cum" })),
    ...rows.map((r, i) => s("text", { x: cx(i), y: height - bottom + 16, "text-anchor": "middle", class: "tick", text: String(r.period) })),
    s("text", { x: left, y: height - 6, class: "legend" }, t("web.fig.legend_net")),
    s("line", { x1: left + 150, x2: left + 172, y1: height - 10, y2: height - 10, class: "line-cum" }),
    s("text", { x: left + 176, y: height - 6, class: "legend", text: t("web.fig.legend_cumulative") }),
    s("line", { x1: left + 300, x2: left + 322, y1: height - 10, y2: height - 10, class: "line-disc" }),
    s("text", { x: left + 326, y: height - 6, class: "legend", text: t("web.fig.legend_discounted") }),
  );
}

/** The tornado: NPV at each input's low and high, around the base NPV. */
export function tornadoChart(evaluation) {
  const rows = (evaluation.tornado || []).slice(0, 8);
  if (!rows.length) return null;
  const cur = evaluation.currency;
  const width = 520;
  const rowHeight = 26;
  const top = 18;
  const labelWidth = 200;
  const height = top + rows.length * rowHeight + 8;
  const base = n(rows[0].base_npv);
  const all = rows.flatMap((r) => [n(r.npv_at_low), n(r.npv_at_high)]).concat(base);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const pad = (hi - lo) * 0.04 || 1;
  const x = scale(lo - pad, hi + pad, labelWidth + 8, width - 10);
  const label = t("web.fig.tornado_aria", { name: rows[0].name });
  return s(
    "svg",
    { viewBox: `0 0 ${width} ${height}`, class: "chart tornado", role: "img", "aria-label": label },
    s("title", { text: label }),
    s("text", { x: x(base), y: 11, "text-anchor": "middle", class: "tick", text: `${t("web.fig.base")} ${money(base, cur, { compact: true })}` }),
    ...rows.flatMap((r, i) => {
      const yy = top + i * rowHeight;
      const low = n(r.npv_at_low);
      const high = n(r.npv_at_high);
      const tip = `${r.name}: ${money(low, cur)} – ${money(high, cur)}`;
      return [
        s("text", { x: labelWidth, y: yy + 16, "text-anchor": "end", class: "tlabel" }, clip(r.name, 30), s("title", { text: r.name })),
        s("rect", { x: Math.min(x(low), x(base)), y: yy + 4, width: Math.max(1, Math.abs(x(base) - x(low))), height: rowHeight - 8, class: "t-low" }, s("title", { text: tip })),
        s("rect", { x: Math.min(x(high), x(base)), y: yy + 4, width: Math.max(1, Math.abs(x(high) - x(base))), height: rowHeight - 8, class: "t-high" }, s("title", { text: tip })),
      ];
    }),
    s("line", { x1: x(base), x2: x(base), y1: top - 2, y2: height - 4, class: "zero" }),
  );
}
