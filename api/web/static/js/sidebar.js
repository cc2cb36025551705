// The live side of the editor: headline figures, the charts and the stage checklist.

import { h } from "./dom.js";
import { t, money, percent, number, pathLabel } from "./i18n.js";
import { bandChart, cashFlowChart, tornadoChart } from "./charts.js";
import { STAGES, stageOfPath } from "./stages.js";

const SEVERITY = ["error", "warning", "info"];

export function sidebar(ed) {
  const [head, kpis, band, ...charts] = figures(ed);
  return h("div", { class: "side-inner" },
    h("section", { class: ["figures", ed.evalState === "invalid" || ed.evalState === "error" ? "stale" : null], "aria-label": t("web.fig.title") }, head, kpis, band),
    checklist(ed),
    charts.length ? h("section", { class: ["figures", "charts", ed.evalState === "invalid" || ed.evalState === "error" ? "stale-charts" : null], "aria-label": t("web.fig.charts") }, ...charts) : null,
  );
}

function kpi(id, label, value, hint) {
  return h("div", { class: "kpi", id: `kpi-${id}` },
    h("dt", {}, label),
    h("dd", {}, h("span", { class: "kpi-value", id: `kpi-${id}-value` }, value), hint ? h("span", { class: "kpi-hint", title: hint }, hint) : null),
  );
}

function figures(ed) {
  const ev = ed.evaluation;
  const state = h("p", { class: ["fig-state", `fig-${ed.evalState}`], id: "figures-state", role: "status" }, ed.figureStateText());
  const head = h("div", { class: "side-head" }, h("h2", {}, t("web.fig.title")), state);
  if (!ev) return [head, h("p", { class: "hint" }, t("web.fig.none")), null];
  const cur = ev.currency;
  const hl = ev.headline;
  const payback = hl.payback_years?.value;
  const sim = ev.simulation;
  const attainment = hl.goal_attainment?.value ?? ev.goal?.attainment?.value;
  return [
    head,
    h("dl", { class: "kpis" },
      kpi("npv", t("web.fig.npv"), money(hl.npv.value, cur, { compact: true }), t("web.fig.at_rate", { rate: percent(ev.discount_rate, 2) })),
      kpi("roi", t("web.fig.roi"), percent(hl.roi?.value, 0), hl.roi_operating ? t("web.fig.roi_operating", { roi: percent(hl.roi_operating.value, 0) }) : null),
      kpi("payback", t("web.fig.payback"), payback === null || payback === undefined ? t("web.fig.never") : t("web.fig.years", { n: number(payback, 2) }), hl.discounted_payback_years?.value ? t("web.fig.discounted", { n: number(hl.discounted_payback_years.value, 2) }) : null),
      kpi("goal", t("web.fig.goal"), attainment === null || attainment === undefined ? "—" : percent(attainment, 0), ev.goal ? `${ev.goal.metric}: ${number(ev.goal.baseline)} → ${number(ev.goal.projected)} / ${number(ev.goal.target)} ${ev.goal.unit}` : t("web.fig.no_goal")),
    ),
    sim
      ? h("div", { class: "chart-box" },
        h("h3", {}, t("web.fig.band", { trials: number(sim.trials, 0) })),
        h("p", { class: "band-text", id: "band-text" },
          t("web.fig.band_text", { p10: money(sim.npv.p10, cur, { compact: true }), p90: money(sim.npv.p90, cur, { compact: true }), p: percent(sim.probability_npv_positive, 0) })),
        bandChart(ev))
      : null,
    h("div", { class: "chart-box" }, h("h3", {}, t("web.fig.cash")), cashFlowChart(ev)),
    ev.tornado?.length ? h("div", { class: "chart-box" }, h("h3", {}, t("web.fig.tornado")), tornadoChart(ev)) : null,
  ].filter((x, i) => i < 3 || x);
}

function checklist(ed) {
  const items = [];
  for (const e of ed.errors) items.push({ stage: stageOfPath(e.field), severity: "error", invalid: true, path: e.field, message: `${pathLabel(e.field)}: ${e.message}` });
  for (const f of ed.evaluation?.findings || []) {
    const key = `finding.${f.code}`;
    const message = t(key, f.params || {}) === key ? f.message : t(key, f.params || {});
    items.push({ stage: f.stage, severity: f.severity, path: f.path, message });
  }
  const order = [ed.stage, ...STAGES.filter((s) => s !== ed.stage)];
  const groups = order.map((stage) => {
    const mine = items.filter((i) => i.stage === stage).sort((a, b) => SEVERITY.indexOf(a.severity) - SEVERITY.indexOf(b.severity));
    const errors = mine.filter((i) => i.severity === "error").length;
    ed.ui.groups ??= {};
    const open = ed.ui.groups[stage] ?? (stage === ed.stage || errors > 0);
    return h("details", {
      class: "check-group",
      open: open ? true : null,
      dataset: { stage },
    },
      h("summary", { onclick: (e) => { ed.ui.groups[stage] = !e.currentTarget.parentElement.open; } },
        h("span", {}, t(`stage.${stage}`)),
        mine.length ? h("span", { class: "check-count" }, t("web.checks.count", { n: mine.length })) : h("span", { class: "check-ok" }, t("web.checks.clear")),
      ),
      mine.length
        ? h("ul", { class: "checks" },
          ...mine.map((item) =>
            h("li", { class: ["check", `sev-${item.severity}`, item.invalid && "invalid"] },
              h("span", { class: "sev", "aria-label": t(`web.sev.${item.severity}`) }, t(`web.sev.${item.severity}`)),
              h("span", { class: "check-msg" }, item.message),
              h("button", {
                type: "button",
                class: "link",
                dataset: { target: item.path || "", stage: item.stage },
                onclick: () => ed.focusPath(item.path || "", item.stage),
                "aria-label": t("web.checks.fix_aria", { field: pathLabel(item.path) }),
              }, t("web.checks.fix")),
            ),
          ))
        : null,
    );
  });
  return h("section", { class: "checklist", id: "checklist", "aria-label": t("web.checks.title") },
    h("div", { class: "side-head" }, h("h2", {}, t("web.checks.title")), h("p", { class: "hint" }, t("web.checks.intro"))),
    ...groups,
  );
}
