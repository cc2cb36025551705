// The four stages of the value creator, each a view of the draft: Establish (goal, CSFs,
// issues), Locate (the 3x3 grid and its diagnostic questions), Improve (the solution, solve
// or bypass, the five criteria, costs) and Present (values with their three dimensions,
// assumptions). Views only edit the document; figures and checks come from the API.

import { h } from "./dom.js";
import { BOOT, t, getLang } from "./i18n.js";
import { field, enumOptions, scoreOptions } from "./form.js";

const E = BOOT.enums;
export const STAGES = E.stages;

const PRESENT_ROOTS = new Set([
  "values", "assumptions", "baseline", "horizon_years", "period_months", "discount_rate",
  "reinvestment_rate", "day_count", "start_date", "simulation",
]);

/** The stage whose view holds the control for a document path. */
export function stageOfPath(path) {
  const parts = String(path || "").split(".");
  if (parts[0] === "issues") return parts[2] === "cell" || parts[2] === "selected" ? "locate" : "establish";
  if (parts[0] === "solution") return "improve";
  if (PRESENT_ROOTS.has(parts[0])) return "present";
  return "establish";
}

export function stageView(stage, ed) {
  const view = { establish, locate, improve, present }[stage] || establish;
  return h("div", { class: `stage stage-${stage}` },
    h("div", { class: "stage-intro" }, h("h2", {}, t(`stage.${stage}`)), h("p", {}, t(`web.stage.${stage}.intro`))),
    view(ed),
  );
}

// -- helpers ------------------------------------------------------------------------------

function section(id, title, intro, ...children) {
  return h("section", { class: "block", id: `sec-${id}`, "aria-labelledby": `sec-${id}-h` },
    h("h3", { id: `sec-${id}-h` }, title),
    intro ? h("p", { class: "intro" }, intro) : null,
    ...children,
  );
}

const row = (...children) => h("div", { class: "row" }, ...children);

function card(title, onRemove, removeLabel, ...children) {
  return h("div", { class: "item" },
    h("div", { class: "item-head" },
      h("span", { class: "item-title" }, title),
      onRemove ? h("button", { type: "button", class: "btn small ghost", onclick: onRemove }, removeLabel) : null,
    ),
    ...children,
  );
}

function addButton(label, alias, onclick) {
  return h("button", { type: "button", class: "btn add", dataset: { alias }, onclick }, "+ ", label);
}

function nextId(items, prefix) {
  const used = new Set((items || []).map((i) => i.id));
  let n = (items || []).length + 1;
  while (used.has(`${prefix}-${n}`)) n += 1;
  return `${prefix}-${n}`;
}

const cellCode = (cell) => (cell ? `${cell.level}.${cell.dimension}` : null);
const cellLabel = (cell) => (cell ? `${t(`level.${cell.level}`)} · ${t(`dimension.${cell.dimension}`)}` : t("web.locate.unplaced"));
const localized = (texts) => (texts ? texts[getLang()] ?? Object.values(texts)[0] ?? "" : "");

// -- Establish ------------------------------------------------------------------------------

function establish(ed) {
  const d = ed.draft;
  const localeOptions = E.locales.map((l) => ({ value: l, label: t(`web.lang.${l}`) }));
  return h("div", {},
    section("case", t("web.sec.case"), null,
      row(
        field(d, { path: "title", wide: true }),
        field(d, { path: "customer.name" }),
        field(d, { path: "customer.industry" }),
        field(d, { path: "customer.size" }),
        field(d, { path: "currency", className: "narrow" }),
        field(d, { path: "locale", kind: "select", options: localeOptions }),
        field(d, { path: "stage", kind: "select", options: enumOptions("stage", E.stages), hint: t("web.hint.stage") }),
      ),
    ),
    goalSection(ed),
    csfSection(ed),
    issueSection(ed),
  );
}

function goalSection(ed) {
  const d = ed.draft;
  if (!d.goal) {
    return section("goal", t("web.sec.goal"), t("web.sec.goal_intro"),
      addButton(t("web.add.goal"), "goal", () => ed.mutate((doc) => {
        doc.goal = { statement: t("web.new.goal"), viewpoint: "own", metric: t("web.new.metric"), unit: "", baseline: "0", target: "1", deadline: null, owner_role: "" };
      })));
  }
  return section("goal", t("web.sec.goal"), t("web.sec.goal_intro"),
    row(
      field(d, { path: "goal.statement", wide: true }),
      field(d, { path: "goal.viewpoint", kind: "select", options: enumOptions("viewpoint", E.viewpoints) }),
      field(d, { path: "goal.owner_role" }),
      field(d, { path: "goal.deadline", kind: "date", nullable: true }),
    ),
    row(
      field(d, { path: "goal.metric" }),
      field(d, { path: "goal.unit", className: "narrow" }),
      field(d, { path: "goal.baseline", kind: "decimal", className: "narrow" }),
      field(d, { path: "goal.target", kind: "decimal", className: "narrow" }),
    ),
  );
}

function csfSection(ed) {
  const d = ed.draft;
  const items = (d.csfs || []).map((csf, i) =>
    card(t("web.item.csfs", { n: i + 1 }), () => ed.mutate((doc) => {
      const [gone] = doc.csfs.splice(i, 1);
      doc.issues.forEach((issue) => { if (issue.csf_id === gone.id) issue.csf_id = null; });
    }), t("web.remove"),
    row(
      field(d, { path: `csfs.${i}.name`, className: "grow" }),
      field(d, { path: `csfs.${i}.source`, kind: "select", options: enumOptions("csf_source", E.csf_sources) }),
      field(d, { path: `csfs.${i}.description`, kind: "textarea", wide: true }),
    )),
  );
  return section("csfs", t("web.sec.csfs"), t("web.sec.csfs_intro"),
    h("div", { class: "items" }, ...items),
    addButton(t("web.add.csf"), "csfs", () => ed.mutate((doc) => {
      doc.csfs = doc.csfs || [];
      doc.csfs.push({ id: nextId(doc.csfs, "csf"), name: t("web.new.csf", { n: doc.csfs.length + 1 }), source: "industry", description: "" });
    })),
  );
}

export function removeIssue(doc, index) {
  const [gone] = doc.issues.splice(index, 1);
  if (doc.solution) doc.solution.addresses = doc.solution.addresses.filter((a) => a.issue_id !== gone.id);
  (doc.values || []).forEach((v) => { v.issue_ids = v.issue_ids.filter((id) => id !== gone.id); });
}

function issueSection(ed) {
  const d = ed.draft;
  const csfOptions = [{ value: "", label: t("web.none") }, ...(d.csfs || []).map((c) => ({ value: c.id, label: c.name }))];
  const items = (d.issues || []).map((issue, i) =>
    card(t("web.item.issues", { n: i + 1 }), () => ed.mutate((doc) => removeIssue(doc, i)), t("web.remove"),
      row(
        field(d, { path: `issues.${i}.title`, className: "grow" }),
        field(d, { path: `issues.${i}.kind`, kind: "select", options: enumOptions("issue_kind", E.issue_kinds) }),
        field(d, { path: `issues.${i}.csf_id`, kind: "select-null", options: csfOptions }),
        field(d, { path: `issues.${i}.importance`, kind: "select-int", options: scoreOptions() }),
        field(d, { path: `issues.${i}.hiddenness`, kind: "select-int", options: scoreOptions() }),
        field(d, { path: `issues.${i}.trend`, kind: "select-int", options: scoreOptions() }),
      ),
      row(
        field(d, { path: `issues.${i}.evidence`, kind: "textarea", className: "grow", rows: 3 }),
        field(d, { path: `issues.${i}.affected_roles`, kind: "lines", hint: t("web.hint.lines") }),
      ),
      h("p", { class: "located" },
        h("span", {}, t("web.locate.at", { cell: cellLabel(issue.cell) })), " ",
        h("button", { type: "button", class: "link", onclick: () => { ed.ui.picked = issue.id; ed.goStage("locate"); } }, t("web.locate.go")),
      ),
    ),
  );
  return section("issues", t("web.sec.issues"), t("web.sec.issues_intro"),
    h("div", { class: "items" }, ...items),
    addButton(t("web.add.issue"), "issues", () => ed.mutate((doc) => {
      doc.issues = doc.issues || [];
      doc.issues.push({
        id: nextId(doc.issues, "iss"), title: t("web.new.issue", { n: doc.issues.length + 1 }), kind: "CPI", csf_id: null, cell: null,
        importance: 3, hiddenness: 3, trend: 3, evidence: "", affected_roles: [], selected: true,
      });
    })),
  );
}

// -- Locate ---------------------------------------------------------------------------------

function locate(ed) {
  const d = ed.draft;
  const grid = ed.ref.grid[getLang()];
  const cells = new Map((grid?.cells || []).map((c) => [c.code, c]));
  const issues = d.issues || [];
  const picked = issues.find((i) => i.id === ed.ui.picked) || null;

  const chip = (issue, i) =>
    h("button", {
      type: "button",
      class: ["chip", issue.selected ? "key" : "not-key", picked === issue && "picked"],
      "aria-pressed": picked === issue ? "true" : "false",
      dataset: { path: `issues.${i}.cell`, issue: issue.id },
      title: issue.title,
      onclick: () => {
        ed.ui.picked = picked === issue ? null : issue.id;
        ed.ui.placed = null;
        ed.renderStage();
      },
    },
    h("span", { class: `kind kind-${issue.kind}` }, issue.kind),
    h("span", { class: "chip-text" }, issue.title));

  const place = (code) => {
    const [level, dimension] = code.split(".");
    ed.ui.cell = code;
    if (picked) {
      const index = issues.indexOf(picked);
      ed.ui.picked = null;
      ed.ui.placed = t("web.locate.placed", { issue: picked.title, cell: cellLabel({ level, dimension }) });
      ed.mutate((doc) => { doc.issues[index].cell = { level, dimension }; });
    } else {
      ed.renderStage();
    }
  };

  const table = h("div", { class: "grid3", role: "group", "aria-label": t("web.locate.grid") },
    h("div", { class: "corner" }),
    ...E.levels.map((level) => h("div", { class: "col-head" }, t(`level.${level}`))),
    ...E.dimensions.flatMap((dimension) => [
      h("div", { class: "row-head" }, t(`dimension.${dimension}`)),
      ...E.levels.map((level) => {
        const code = `${level}.${dimension}`;
        const here = issues.map((issue, i) => [issue, i]).filter(([issue]) => cellCode(issue.cell) === code);
        const name = localized(cells.get(code)?.name) || `${t(`level.${level}`)} · ${t(`dimension.${dimension}`)}`;
        return h("div", {
          class: ["cell", ed.ui.cell === code && "selected", picked && "droppable"],
          dataset: { cell: code },
          onclick: (e) => { if (!e.target.closest("button")) place(code); },
        },
        h("button", {
          type: "button",
          class: "cell-head",
          id: `cell-${code.replace(".", "-")}`,
          "aria-pressed": ed.ui.cell === code ? "true" : "false",
          "aria-label": picked
            ? t("web.locate.place_here", { issue: picked.title, cell: name })
            : t("web.locate.show_cell", { cell: name, n: here.length }),
          onclick: () => place(code),
        }, h("span", {}, name), h("span", { class: "count" }, String(here.length))),
        h("div", { class: "cell-issues" }, ...here.map(([issue, i]) => chip(issue, i))),
        );
      }),
    ]),
  );

  const unplaced = issues.map((issue, i) => [issue, i]).filter(([issue]) => !issue.cell);
  const tray = h("div", { class: "tray" },
    h("h3", {}, t("web.locate.tray", { n: unplaced.length })),
    unplaced.length ? h("div", { class: "tray-chips" }, ...unplaced.map(([issue, i]) => chip(issue, i))) : h("p", { class: "hint" }, t("web.locate.all_placed")),
    h("p", { class: "hint", id: "locate-help", role: "status" },
      picked ? t("web.locate.now_pick_cell", { issue: picked.title }) : ed.ui.placed || t("web.locate.help")),
    picked && picked.cell
      ? h("button", { type: "button", class: "btn small", onclick: () => {
        const index = issues.indexOf(picked);
        ed.ui.picked = null;
        ed.mutate((doc) => { doc.issues[index].cell = null; });
      } }, t("web.locate.unplace"))
      : null,
  );

  const screening = section("screen", t("web.sec.screen"), t("web.sec.screen_intro"),
    h("table", { class: "screen" },
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, t("web.f.issues.selected")),
        h("th", { scope: "col" }, t("web.f.issues.title")),
        h("th", { scope: "col" }, t("web.f.issues.cell")),
        h("th", { scope: "col", class: "num" }, t("issue_score.importance")),
        h("th", { scope: "col", class: "num" }, t("issue_score.hiddenness")),
        h("th", { scope: "col", class: "num" }, t("issue_score.trend")),
      )),
      h("tbody", {}, ...issues.map((issue, i) => h("tr", {},
        h("td", {}, h("input", { type: "checkbox", id: `f-issues-${i}-selected`, dataset: { path: `issues.${i}.selected`, kind: "checkbox", structural: "1" }, checked: issue.selected, "aria-label": t("web.locate.key_aria", { issue: issue.title }) })),
        h("td", {}, issue.title),
        h("td", {}, cellLabel(issue.cell)),
        h("td", { class: "num" }, String(issue.importance)),
        h("td", { class: "num" }, String(issue.hiddenness)),
        h("td", { class: "num" }, String(issue.trend)),
      ))),
    ),
  );

  return h("div", {},
    tray,
    h("div", { class: "locate" }, table, cellDetail(ed, cells)),
    screening,
  );
}

function cellDetail(ed, cells) {
  const code = ed.ui.cell;
  if (!code) return h("aside", { class: "cell-detail", id: "cell-detail" }, h("p", { class: "hint" }, t("web.locate.pick_cell")));
  const cell = cells.get(code);
  const list = h("ol", { class: "questions", id: "cell-questions" }, h("li", { class: "hint" }, t("web.loading")));
  ed.questions(code).then((items) => {
    list.replaceChildren(...items.map((q) => h("li", {}, localized(q.text), q.purpose ? h("span", { class: "purpose" }, localized(q.purpose)) : null)));
  }).catch((error) => list.replaceChildren(h("li", { class: "field-error" }, error.message)));
  return h("aside", { class: "cell-detail", id: "cell-detail", "aria-live": "polite" },
    h("h3", {}, localized(cell?.name) || code),
    h("p", { class: "definition" }, localized(cell?.definition)),
    cell?.examples ? h("ul", { class: "examples" }, ...(cell.examples[getLang()] || Object.values(cell.examples)[0] || []).map((x) => h("li", {}, x))) : null,
    h("h4", {}, t("web.locate.questions")),
    list,
  );
}

// -- Improve --------------------------------------------------------------------------------

function improve(ed) {
  const d = ed.draft;
  const s = d.solution;
  if (!s) {
    return section("solution", t("web.sec.solution"), t("web.sec.solution_intro"),
      addButton(t("web.add.solution"), "solution", () => ed.mutate((doc) => {
        doc.solution = {
          name: t("web.new.solution"), level: "process", description: "", capabilities: [], addresses: [], constraints: [],
          scores: { linkage: 3, innovation: 3, risk: 3, timeliness: 3 }, costs: [],
        };
      })));
  }
  return h("div", {},
    section("solution", t("web.sec.solution"), t("web.sec.solution_intro"),
      row(
        field(d, { path: "solution.name", wide: true, alias: "solution" }),
        field(d, { path: "solution.level", kind: "select", options: enumOptions("level", E.levels), structural: true }),
        field(d, { path: "solution.description", kind: "textarea", wide: true, rows: 3 }),
      ),
      row(
        field(d, { path: "solution.capabilities", kind: "lines", hint: t("web.hint.lines"), wide: true, rows: 4 }),
        field(d, { path: "solution.constraints", kind: "lines", hint: t("web.hint.lines"), wide: true, rows: 4 }),
      ),
    ),
    addressSection(ed),
    criteriaSection(ed),
    costSection(ed),
  );
}

function addressSection(ed) {
  const d = ed.draft;
  const s = d.solution;
  const setMode = (issue, mode) => ed.mutate((doc) => {
    const list = doc.solution.addresses;
    const k = list.findIndex((a) => a.issue_id === issue.id);
    if (mode === "none") { if (k >= 0) list.splice(k, 1); return; }
    if (k >= 0) list[k].mode = mode;
    else list.push({ issue_id: issue.id, mode, rationale: "" });
  });
  const rows = (d.issues || []).map((issue, i) => {
    const k = s.addresses.findIndex((a) => a.issue_id === issue.id);
    const address = k >= 0 ? s.addresses[k] : null;
    const mode = address ? address.mode : "none";
    const name = `mode-${issue.id}`;
    const radio = (value, j) => h("label", { class: "radio" },
      h("input", {
        type: "radio", name, value, checked: mode === value,
        id: `mode-${i}-${value}`,
        dataset: j === 0 ? { alias: [`issues.${i}`, address ? `solution.addresses.${k}.mode solution.addresses.${k} solution.addresses.${k}.issue_id` : ""].join(" ").trim() } : {},
        onchange: () => setMode(issue, value),
      }),
      " ", value === "none" ? t("web.improve.not_addressed") : t(`address_mode.${value}`));
    return h("div", { class: ["address", !issue.selected && "muted", `mode-${mode}`] },
      h("div", { class: "address-issue" },
        h("span", { class: `kind kind-${issue.kind}` }, issue.kind),
        h("span", {}, issue.title),
        h("span", { class: "hint" }, ` · ${cellLabel(issue.cell)}${issue.selected ? "" : ` · ${t("web.improve.not_key")}`}`),
      ),
      h("fieldset", { class: "modes" }, h("legend", { class: "visually-hidden" }, t("web.improve.mode_for", { issue: issue.title })),
        ...["solve", "bypass", "none"].map(radio)),
      address
        ? field(d, { path: `solution.addresses.${k}.rationale`, kind: "textarea", wide: true, hint: mode === "bypass" ? t("web.hint.bypass") : t("web.hint.solve") })
        : null,
    );
  });
  return section("addresses", t("web.sec.addresses"), t("web.sec.addresses_intro"), h("div", { class: "addresses" }, ...rows));
}

function criteriaSection(ed) {
  const d = ed.draft;
  const crit = (name) => field(d, { path: `solution.scores.${name}`, kind: "select-int", options: scoreOptions(), label: t(`criterion.${name}`), hint: t(`web.crit.${name}`) });
  return section("criteria", t("web.sec.criteria"), t("web.sec.criteria_intro"),
    row(
      h("div", { class: "field derived" },
        h("span", { class: "label" }, t("criterion.level")),
        h("p", { class: "derived-value", id: "criterion-level" }, t(`level.${d.solution.level}`)),
        h("p", { class: "hint" }, t("web.crit.level")),
      ),
      crit("linkage"), crit("innovation"), crit("risk"), crit("timeliness"),
    ),
  );
}

function costSection(ed) {
  const d = ed.draft;
  const items = d.solution.costs.map((cost, i) => {
    const p = `solution.costs.${i}`;
    return card(t("web.item.solution.costs", { n: i + 1 }), () => ed.mutate((doc) => doc.solution.costs.splice(i, 1)), t("web.remove"),
      row(
        field(d, { path: `${p}.name`, className: "grow" }),
        field(d, { path: `${p}.kind`, kind: "select", options: enumOptions("cost_kind", E.cost_kinds), structural: true }),
        field(d, { path: `${p}.amount`, kind: "decimal", unit: d.currency }),
        ...(cost.kind === "one_off"
          ? [field(d, { path: `${p}.period`, kind: "int", className: "narrow" })]
          : [field(d, { path: `${p}.start_period`, kind: "int", className: "narrow" }), field(d, { path: `${p}.end_period`, kind: "int", nullable: true, className: "narrow", hint: t("web.hint.end_period") })]),
      ));
  });
  return section("costs", t("web.sec.costs"), t("web.sec.costs_intro"),
    h("div", { class: "items" }, ...items),
    addButton(t("web.add.cost"), "solution.costs", () => ed.mutate((doc) => {
      doc.solution.costs.push({ name: t("web.new.cost", { n: doc.solution.costs.length + 1 }), kind: "one_off", amount: "0", period: 0, start_period: 1, end_period: null });
    })),
  );
}

// -- Present --------------------------------------------------------------------------------

function present(ed) {
  const d = ed.draft;
  return h("div", {},
    section("settings", t("web.sec.settings"), t("web.sec.settings_intro"),
      row(
        field(d, { path: "horizon_years", kind: "int", className: "narrow" }),
        field(d, { path: "period_months", kind: "select-int", options: E.period_months.map((m) => ({ value: String(m), label: t("web.months", { n: m }) })) }),
        field(d, { path: "discount_rate", kind: "decimal", className: "narrow", hint: t("web.hint.rate") }),
        field(d, { path: "day_count", kind: "select-int", options: [{ value: "365", label: "365" }, { value: "360", label: "360" }], className: "narrow" }),
      ),
      h("details", { class: "more" },
        h("summary", {}, t("web.sec.baseline")),
        row(...["revenue", "cogs", "variable_costs", "fixed_costs", "inventory", "receivables", "payables", "cash"].map((k) =>
          field(d, { path: `baseline.${k}`, kind: "decimal", nullable: k === "cash", unit: d.currency })),
        field(d, { path: "baseline.cost_of_capital", kind: "decimal", hint: t("web.hint.rate") }),
        field(d, { path: "baseline.carrying_cost_rate", kind: "decimal", hint: t("web.hint.rate") })),
      ),
    ),
    valueSection(ed),
    assumptionSection(ed),
  );
}

function newValue(doc) {
  const n = (doc.values || []).length + 1;
  return {
    id: nextId(doc.values, "val"),
    name: t("web.new.value", { n }),
    kind: "financial",
    indicator: { name: t("web.new.indicator"), unit: "", baseline: null, target: null },
    issue_ids: [],
    driver: { type: "cost_reduction", improvement: { low: "0", likely: "0", high: "0" }, component: null },
    timing: { start_period: 1, ramp_periods: 0, curve: "linear", delay_low: 0, delay_high: 0 },
    probability: "0.8",
    extension: { scope_multiplier: "1", years: null },
    goal_contribution: null,
    evidence: "estimate",
    assumption_ids: [],
    description: "",
    distribution: "pert",
  };
}

function membership(ed, listPath, items, labelOf, alias) {
  const current = new Set(ed.draft && listPath.split(".").reduce((node, key) => node?.[/^\d+$/.test(key) ? Number(key) : key], ed.draft));
  return h("div", { class: "checks-inline" },
    ...items.map((item, j) => h("label", { class: "check-inline" },
      h("input", {
        type: "checkbox",
        checked: current.has(item.id),
        dataset: j === 0 ? { alias } : {},
        onchange: (e) => ed.mutate((doc) => {
          const parts = listPath.split(".");
          const owner = parts.slice(0, -1).reduce((node, key) => node[/^\d+$/.test(key) ? Number(key) : key], doc);
          const key = parts.at(-1);
          const set = new Set(owner[key]);
          if (e.target.checked) set.add(item.id); else set.delete(item.id);
          owner[key] = items.map((x) => x.id).filter((id) => set.has(id)).concat([...set].filter((id) => !items.some((x) => x.id === id)));
        }),
      }),
      " ", labelOf(item))),
  );
}

function valueSection(ed) {
  const d = ed.draft;
  const goalUnit = d.goal?.unit || "";
  const items = (d.values || []).map((value, i) => {
    const p = `values.${i}`;
    const financial = value.kind === "financial";
    const driver = value.driver;
    const setKind = (kind) => ed.mutate((doc) => {
      const v = doc.values[i];
      v.kind = kind;
      if (kind === "non_financial") {
        ed.ui[`driver:${v.id}`] = v.driver;
        v.driver = null;
      } else if (!v.driver) {
        v.driver = ed.ui[`driver:${v.id}`] || newValue(doc).driver;
      }
    });
    const setDriverType = (type) => ed.mutate((doc) => {
      const dv = doc.values[i].driver;
      dv.type = type;
      dv.component = type === "working_capital" ? dv.component || "inventory" : null;
    });
    return card(t("web.item.values", { n: i + 1 }), () => ed.mutate((doc) => doc.values.splice(i, 1)), t("web.remove"),
      row(
        field(d, { path: `${p}.name`, className: "grow" }),
        field(d, { path: `${p}.kind`, kind: "select", options: enumOptions("value_kind", E.value_kinds), onchange: setKind }),
        field(d, { path: `${p}.evidence`, kind: "select", options: enumOptions("evidence", E.evidence) }),
      ),
      h("fieldset", { class: "group" }, h("legend", {}, t("web.grp.indicator")),
        row(
          field(d, { path: `${p}.indicator.name`, className: "grow" }),
          field(d, { path: `${p}.indicator.unit`, className: "narrow" }),
          field(d, { path: `${p}.indicator.baseline`, kind: "decimal", nullable: true, className: "narrow" }),
          field(d, { path: `${p}.indicator.target`, kind: "decimal", nullable: true, className: "narrow" }),
        )),
      financial && driver
        ? h("fieldset", { class: "group" }, h("legend", {}, t("value_dimension.amount")),
          row(
            field(d, { path: `${p}.driver.type`, kind: "select", options: enumOptions("driver", E.driver_types), onchange: setDriverType }),
            driver.type === "working_capital"
              ? field(d, { path: `${p}.driver.component`, kind: "select", options: enumOptions("component", E.working_capital_components) })
              : null,
            field(d, { path: `${p}.driver.improvement.low`, kind: "decimal", className: "narrow" }),
            field(d, { path: `${p}.driver.improvement.likely`, kind: "decimal", className: "narrow" }),
            field(d, { path: `${p}.driver.improvement.high`, kind: "decimal", className: "narrow" }),
          ),
          h("p", { class: "hint" }, t(`web.driver_unit.${driver.type}`, { currency: d.currency })))
        : null,
      h("fieldset", { class: "group" }, h("legend", {}, t("value_dimension.timing")),
        row(
          field(d, { path: `${p}.timing.start_period`, kind: "int", className: "narrow" }),
          field(d, { path: `${p}.timing.ramp_periods`, kind: "int", className: "narrow" }),
          field(d, { path: `${p}.timing.curve`, kind: "select", options: enumOptions("curve", E.curves) }),
          field(d, { path: `${p}.timing.delay_low`, kind: "int", className: "narrow" }),
          field(d, { path: `${p}.timing.delay_high`, kind: "int", className: "narrow" }),
        )),
      h("fieldset", { class: "group" }, h("legend", {}, t("value_dimension.probability")),
        row(
          field(d, { path: `${p}.probability`, kind: "decimal", nullable: true, className: "narrow", hint: t("web.hint.probability") }),
          field(d, { path: `${p}.distribution`, kind: "select", options: E.distributions.map((x) => ({ value: x, label: t(`web.dist.${x}`) })) }),
          field(d, { path: `${p}.goal_contribution`, kind: "decimal", nullable: true, unit: goalUnit, hint: t("web.hint.goal_contribution") }),
        )),
      h("div", { class: "field wide" }, h("span", { class: "label" }, t("web.f.values.issue_ids")),
        (d.issues || []).length ? membership(ed, `${p}.issue_ids`, d.issues, (x) => x.title, `${p}.issue_ids`) : h("p", { class: "hint" }, t("web.present.no_issues"))),
      h("details", { class: "more" }, h("summary", {}, t("web.present.more")),
        row(
          field(d, { path: `${p}.extension.scope_multiplier`, kind: "decimal", className: "narrow", hint: t("web.hint.scope") }),
          field(d, { path: `${p}.extension.years`, kind: "int", nullable: true, className: "narrow" }),
          field(d, { path: `${p}.description`, kind: "textarea", wide: true }),
        ),
        h("div", { class: "field wide" }, h("span", { class: "label" }, t("web.f.values.assumption_ids")),
          (d.assumptions || []).length ? membership(ed, `${p}.assumption_ids`, d.assumptions, (x) => `${x.name}: ${x.value}${x.unit ? " " + x.unit : ""}`, `${p}.assumption_ids`) : h("p", { class: "hint" }, t("web.present.no_assumptions"))),
      ),
    );
  });
  return section("values", t("web.sec.values"), t("web.sec.values_intro"),
    h("div", { class: "items" }, ...items),
    addButton(t("web.add.value"), "values", () => {
      ed.mutate((doc) => {
        doc.values = doc.values || [];
        doc.values.push(newValue(doc));
      });
      const index = ed.draft.values.length - 1;
      ed.pane.querySelector(`[data-path="values.${index}.name"]`)?.focus();
    }),
  );
}

function assumptionSection(ed) {
  const d = ed.draft;
  const items = (d.assumptions || []).map((a, i) =>
    card(t("web.item.assumptions", { n: i + 1 }), () => ed.mutate((doc) => {
      const [gone] = doc.assumptions.splice(i, 1);
      (doc.values || []).forEach((v) => { v.assumption_ids = v.assumption_ids.filter((id) => id !== gone.id); });
    }), t("web.remove"),
    row(
      field(d, { path: `assumptions.${i}.name`, className: "grow" }),
      field(d, { path: `assumptions.${i}.value` }),
      field(d, { path: `assumptions.${i}.unit`, className: "narrow" }),
      field(d, { path: `assumptions.${i}.evidence`, kind: "select", options: enumOptions("evidence", E.evidence) }),
      field(d, { path: `assumptions.${i}.source`, kind: "textarea", wide: true }),
    )),
  );
  return section("assumptions", t("web.sec.assumptions"), t("web.sec.assumptions_intro"),
    h("div", { class: "items" }, ...items),
    addButton(t("web.add.assumption"), "assumptions", () => ed.mutate((doc) => {
      doc.assumptions = doc.assumptions || [];
      doc.assumptions.push({ id: nextId(doc.assumptions, "a"), name: t("web.new.assumption", { n: doc.assumptions.length + 1 }), value: t("web.new.assumption_value"), unit: "", source: "", evidence: "estimate" });
    })),
  );
}
