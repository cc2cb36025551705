// One open case: the draft being edited, its base version, live figures and the checks.
//
// The draft is the case document as the API stores it. Every edit writes into the draft,
// keeps a copy in sessionStorage (so a reload or a crash loses nothing) and, debounced,
// posts the whole draft to /compute/evaluate: figures and stage checks come back from the
// API. Save is a PUT with If-Match; a 412 opens the conflict dialog, which re-applies the
// user's edits on top of the version someone else saved.

import { call, ifMatch, ApiError } from "./api.js";
import { h, debounce, toast } from "./dom.js";
import { clone, diff, equal, get, merge, set } from "./doc.js";
import { readControl, showErrors } from "./form.js";
import { t, getLang, pathLabel, dateTime } from "./i18n.js";
import { STAGES, stageView, stageOfPath } from "./stages.js";
import { sidebar } from "./sidebar.js";
import { openDialog } from "./dialogs.js";
import { documentsDialog } from "./documents.js";

const DRAFT = (id) => `vf.draft.${id}`;

export class Editor {
  constructor(root, caseId, stage, { navigate }) {
    this.root = root;
    this.id = caseId;
    this.stage = STAGES.includes(stage) ? stage : "establish";
    this.navigate = navigate;
    this.ui = { picked: null, cell: null };
    this.ref = { grid: {}, questions: {}, templates: {} };
    this.evaluation = null;
    this.errors = [];
    this.evalState = "idle";
    this.saveState = "idle";
    this.conflict = null;
    this.seq = 0;
    this.scheduleEvaluate = debounce(() => this.evaluate(), 350);
    this.onKey = (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
        e.preventDefault();
        this.save();
      }
    };
    this.onUnload = (e) => {
      if (this.dirty) e.preventDefault();
    };
  }

  get dirty() {
    return this.draft && !equal(this.draft, this.base);
  }

  // -- loading -------------------------------------------------------------------------

  async open() {
    this.root.replaceChildren(h("p", { class: "loading" }, t("web.loading")));
    const { data, version } = await call("GET", `/cases/${this.id}`);
    this.meta = data;
    this.base = data.document;
    this.baseVersion = version ?? data.version;
    this.draft = clone(this.base);
    const stored = this.storedDraft();
    document.addEventListener("keydown", this.onKey);
    window.addEventListener("beforeunload", this.onUnload);
    if (stored && !equal(stored.draft, this.base)) {
      if (stored.version === this.baseVersion) {
        this.draft = stored.draft;
        toast(t("web.draft.restored"));
      } else {
        // Saved elsewhere since the draft was typed: resolve it like a save conflict.
        const theirs = { document: this.base, version: this.baseVersion };
        this.base = stored.base;
        this.baseVersion = stored.version;
        this.draft = stored.draft;
        this.conflict = theirs;
      }
    }
    await this.loadGrid();
    this.render();
    this.evaluate();
    if (this.conflict) this.showConflict();
  }

  close() {
    this.scheduleEvaluate.cancel();
    this.abort?.abort();
    document.removeEventListener("keydown", this.onKey);
    window.removeEventListener("beforeunload", this.onUnload);
    if (this.dirty) toast(t("web.draft.kept"));
  }

  storedDraft() {
    try {
      return JSON.parse(sessionStorage.getItem(DRAFT(this.id)) || "null");
    } catch {
      return null;
    }
  }

  persist() {
    if (this.dirty || this.conflict) {
      const record = { version: this.baseVersion, base: this.base, draft: this.draft };
      sessionStorage.setItem(DRAFT(this.id), JSON.stringify(record));
    } else {
      sessionStorage.removeItem(DRAFT(this.id));
    }
  }

  async loadGrid() {
    const lang = getLang();
    if (this.ref.grid[lang]) return this.ref.grid[lang];
    const { data } = await call("GET", `/reference/grid?lang=${encodeURIComponent(lang)}`);
    this.ref.grid[lang] = data;
    return data;
  }

  async questions(cell) {
    const lang = getLang();
    const key = `${lang}:${cell}`;
    if (!this.ref.questions[key]) {
      const query = `cell=${encodeURIComponent(cell)}&lang=${encodeURIComponent(lang)}`;
      this.ref.questions[key] = call("GET", `/reference/questions?${query}`).then((r) => r.data.items);
    }
    return this.ref.questions[key];
  }

  // -- rendering -----------------------------------------------------------------------

  render() {
    this.header = h("div", { class: "case-header" });
    this.nav = h("nav", { class: "stages", "aria-label": t("web.stages.aria") });
    this.pane = h("div", { class: "pane", id: "stage-pane" });
    this.side = h("aside", { class: "side", "aria-label": t("web.side.aria") });
    this.pane.addEventListener("input", (e) => this.onInput(e));
    this.pane.addEventListener("change", (e) => this.onInput(e));
    this.root.replaceChildren(
      h("div", { class: "editor" }, this.header, this.nav, h("div", { class: "editor-body" }, this.pane, this.side)),
    );
    this.renderHeader();
    this.renderNav();
    this.renderStage();
    this.renderSide();
  }

  async relabel() {
    this.ui.placed = null;
    await this.loadGrid();
    this.render();
  }

  renderHeader() {
    keepFocus(this.header, () => this.fillHeader());
  }

  fillHeader() {
    const doc = this.draft;
    const status = this.statusText();
    this.header.replaceChildren(
      h("div", { class: "case-title" },
        h("h1", { title: doc.title }, doc.title || t("web.case.untitled")),
        h("p", { class: "case-sub" }, `${doc.customer?.name || ""} · ${doc.currency} · ${t("web.case.version", { n: this.baseVersion })}`),
      ),
      h("p", { class: ["save-status", `save-${status.kind}`], id: "save-status", role: "status" }, status.text),
      h("div", { class: "case-actions" },
        this.conflict && h("button", { type: "button", class: "btn warn", onclick: () => this.showConflict() }, t("web.conflict.resolve")),
        h("button", { type: "button", class: "btn primary", id: "save-button", onclick: () => this.save(), disabled: this.saveState === "saving" || (!this.dirty && !this.conflict), title: t("web.save.shortcut") }, t("web.save")),
        h("button", { type: "button", class: "btn", onclick: () => this.showHistory() }, t("web.history")),
        h("button", { type: "button", class: "btn", onclick: () => this.showDocuments() }, t("web.documents")),
      ),
    );
  }

  statusText() {
    if (this.saveState === "saving") return { kind: "busy", text: t("web.save.saving") };
    if (this.conflict) return { kind: "conflict", text: t("web.save.conflict", { n: this.conflict.version }) };
    if (this.saveState === "error") return { kind: "error", text: t("web.save.failed") };
    if (this.dirty) return { kind: "dirty", text: t("web.save.unsaved") };
    return { kind: "saved", text: t("web.save.saved", { n: this.baseVersion }) };
  }

  renderNav() {
    const counts = this.countsByStage();
    keepFocus(this.nav, () => this.nav.replaceChildren(
      h("ol", {},
        ...STAGES.map((stage, i) =>
          h("li", {},
            h("button", {
              type: "button",
              class: ["stage-tab", stage === this.stage && "current"],
              "aria-current": stage === this.stage ? "step" : null,
              dataset: { stage },
              onclick: () => this.goStage(stage),
            },
            h("span", { class: "stage-num" }, String(i + 1)),
            h("span", { class: "stage-name" }, t(`stage.${stage}`)),
            counts[stage] ? h("span", { class: "badge badge-error", "aria-label": t("web.checks.errors_n", { n: counts[stage] }) }, String(counts[stage])) : null,
            ),
          ),
        ),
      ),
      h("p", { class: "case-stage" }, t("web.case.at_stage", { stage: t(`stage.${this.draft.stage}`) })),
    ));
  }

  countsByStage() {
    const counts = {};
    for (const f of this.evaluation?.findings || []) if (f.severity === "error") counts[f.stage] = (counts[f.stage] || 0) + 1;
    for (const e of this.errors) {
      const stage = stageOfPath(e.field);
      counts[stage] = (counts[stage] || 0) + 1;
    }
    return counts;
  }

  renderStage({ keepFocus = true } = {}) {
    const active = document.activeElement;
    const focusPath = keepFocus && this.pane.contains(active) ? active.dataset.path || active.id : null;
    const scroll = this.pane.scrollTop;
    this.pane.replaceChildren(stageView(this.stage, this));
    showErrors(this.pane, this.errors);
    this.pane.scrollTop = scroll;
    if (focusPath) {
      const el = this.pane.querySelector(`[data-path="${CSS.escape(focusPath)}"]`) || document.getElementById(focusPath);
      el?.focus({ preventScroll: true });
    }
  }

  renderSide() {
    keepFocus(this.side, () => this.side.replaceChildren(sidebar(this)));
  }

  goStage(stage) {
    if (stage === this.stage) return;
    this.stage = stage;
    this.navigate(`#/case/${this.id}/${stage}`, { replace: true });
    this.renderNav();
    this.renderStage({ keepFocus: false });
    this.renderSide();
    this.pane.scrollTop = 0;
  }

  /** Show the control that edits `path` (from a check or a validation error) and focus it. */
  focusPath(path, stage) {
    this.goStage(stage || stageOfPath(path));
    const target = findControl(this.pane, path);
    if (!target) return;
    target.closest("details")?.setAttribute("open", "");
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
    target.classList.add("flash");
    setTimeout(() => target.classList.remove("flash"), 1600);
  }

  // -- editing -------------------------------------------------------------------------

  onInput(event) {
    const el = event.target;
    if (!el.dataset?.path || el.dataset.kind === undefined || el.dataset.custom) return;
    if (event.type === "input" && (el.type === "checkbox" || el.tagName === "SELECT")) return;
    const value = readControl(el);
    if (equal(get(this.draft, el.dataset.path), value)) return;
    set(this.draft, el.dataset.path, value);
    this.changed({ structural: el.dataset.structural === "1" });
  }

  /** Change the draft through fn(draft); the stage is rendered again. */
  mutate(fn) {
    fn(this.draft);
    this.changed({ structural: true });
  }

  changed({ structural = false } = {}) {
    this.saveState = this.saveState === "saving" ? "saving" : "idle";
    this.persist();
    this.renderHeader();
    if (structural) this.renderStage();
    this.evalState = "busy";
    this.renderFigureState();
    this.scheduleEvaluate();
  }

  renderFigureState() {
    const el = this.side?.querySelector("#figures-state");
    if (el) el.textContent = this.figureStateText();
  }

  figureStateText() {
    if (this.evalState === "busy") return t("web.fig.calculating");
    if (this.evalState === "invalid") return t("web.fig.invalid");
    if (this.evalState === "error") return t("web.fig.failed");
    return t("web.fig.live");
  }

  // -- live figures --------------------------------------------------------------------

  async evaluate() {
    const seq = ++this.seq;
    this.abort?.abort();
    this.abort = new AbortController();
    this.evalState = "busy";
    this.renderFigureState();
    try {
      const { data } = await call("POST", "/compute/evaluate", { body: this.draft, signal: this.abort.signal });
      if (seq !== this.seq) return;
      this.evaluation = data;
      this.errors = [];
      this.evalState = "ok";
    } catch (error) {
      if (error.name === "AbortError" || seq !== this.seq) return;
      if (error instanceof ApiError && error.status === 422) {
        this.errors = error.errors.length ? error.errors : [{ field: "", message: error.message }];
        this.evalState = "invalid";
      } else {
        this.evalState = "error";
        this.evalError = error.message;
      }
    }
    showErrors(this.pane, this.errors);
    this.renderNav();
    this.renderSide();
  }

  // -- saving --------------------------------------------------------------------------

  async save() {
    if (this.saveState === "saving") return;
    if (!this.dirty && !this.conflict) return;
    if (this.conflict) return this.showConflict();
    this.saveState = "saving";
    this.renderHeader();
    const sent = clone(this.draft);
    try {
      const { data, version } = await call("PUT", `/cases/${this.id}`, { body: sent, headers: ifMatch(this.baseVersion) });
      this.meta = data;
      this.base = data.document;
      this.baseVersion = version ?? data.version;
      if (equal(this.draft, sent)) this.draft = clone(this.base); // the stored (canonical) form
      this.saveState = "idle";
      this.persist();
      this.render();
      this.evaluate();
      toast(t("web.save.done", { n: this.baseVersion }), "ok");
    } catch (error) {
      this.saveState = "idle";
      if (error instanceof ApiError && error.status === 412) {
        await this.loadTheirs();
        this.render();
        this.showConflict();
      } else if (error instanceof ApiError && error.status === 422) {
        this.errors = error.errors;
        this.saveState = "error";
        this.render();
        toast(t("web.save.invalid"), "error");
      } else {
        this.saveState = "error";
        this.renderHeader();
        toast(t("web.save.error", { message: error.message }), "error", 8000);
      }
    }
  }

  async loadTheirs() {
    const { data, version } = await call("GET", `/cases/${this.id}`);
    this.conflict = { document: data.document, version: version ?? data.version, meta: data };
    this.persist();
  }

  showConflict() {
    const { document: theirs, version } = this.conflict;
    const { mine } = merge(this.base, this.draft, theirs);
    const theirChanges = diff(this.base, theirs);
    const rows = mine.slice(0, 50).map((c) =>
      h("tr", { class: c.conflict ? "conflict-row" : null },
        h("th", { scope: "row" }, pathLabel(c.path), c.conflict ? h("span", { class: "tag tag-warn" }, t("web.conflict.both")) : null),
        h("td", { class: "mine" }, show(c.after)),
        h("td", {}, show(c.theirs)),
      ),
    );
    openDialog({
      id: "conflict-dialog",
      role: "alertdialog",
      title: t("web.conflict.title"),
      body: [
        h("p", { class: "conflict-message", id: "conflict-message" }, t("web.conflict.message", { n: version, base: this.baseVersion })),
        h("p", {}, t("web.conflict.kept", { mine: mine.length, theirs: theirChanges.length })),
        mine.length
          ? h("div", { class: "table-wrap" },
            h("table", { class: "diff" },
              h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("web.conflict.field")), h("th", { scope: "col" }, t("web.conflict.yours")), h("th", { scope: "col" }, t("web.conflict.theirs", { n: version })))),
              h("tbody", {}, ...rows),
            ))
          : h("p", {}, t("web.conflict.no_changes")),
      ],
      actions: [
        { label: t("web.conflict.reapply"), primary: true, id: "conflict-reapply", onclick: () => this.reapply() },
        { label: t("web.conflict.keep"), id: "conflict-keep" },
        { label: t("web.conflict.discard"), danger: true, id: "conflict-discard", onclick: () => this.discardMine() },
      ],
    });
  }

  reapply() {
    const { document: theirs, version, meta } = this.conflict;
    const { merged } = merge(this.base, this.draft, theirs);
    this.base = theirs;
    this.baseVersion = version;
    if (meta) this.meta = meta;
    this.draft = merged;
    this.conflict = null;
    this.persist();
    this.render();
    this.evaluate();
    toast(t("web.conflict.reapplied", { n: version }), "ok", 8000);
  }

  discardMine() {
    const { document: theirs, version } = this.conflict;
    this.base = theirs;
    this.baseVersion = version;
    this.draft = clone(theirs);
    this.conflict = null;
    this.persist();
    this.render();
    this.evaluate();
  }

  // -- history and documents -----------------------------------------------------------

  async showHistory() {
    const { data } = await call("GET", `/cases/${this.id}/versions`);
    const items = [...data.items].reverse();
    const list = h("ol", { class: "versions", reversed: true },
      ...items.map((v) =>
        h("li", { class: v.number === data.current_version ? "current" : null },
          h("span", { class: "v-num" }, t("web.case.version", { n: v.number })),
          h("span", { class: "v-date" }, dateTime(v.created_at)),
          h("span", { class: "v-note" }, v.note || ""),
          v.number === data.current_version
            ? h("span", { class: "tag" }, t("web.history.current"))
            : h("button", {
              type: "button",
              class: "btn small",
              dataset: { version: String(v.number) },
              onclick: (e) => this.restore(v.number, e.target.closest("dialog")),
            }, t("web.history.restore", { n: v.number })),
        ),
      ),
    );
    openDialog({
      id: "history-dialog",
      title: t("web.history.title"),
      body: [
        h("p", {}, t("web.history.intro")),
        this.dirty ? h("p", { class: "notice" }, t("web.history.dirty")) : null,
        list,
      ],
      actions: [{ label: t("web.close") }],
    });
  }

  async restore(number, dialog) {
    if (this.dirty) {
      toast(t("web.history.dirty"), "error");
      return;
    }
    try {
      const { data, version } = await call("POST", `/cases/${this.id}/versions/${number}/restore`, { headers: ifMatch(this.baseVersion) });
      this.meta = data;
      this.base = data.document;
      this.baseVersion = version ?? data.version;
      this.draft = clone(this.base);
      this.persist();
      dialog?.close();
      this.render();
      this.evaluate();
      toast(t("web.history.restored", { n: number, v: this.baseVersion }), "ok");
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        dialog?.close();
        await this.loadTheirs();
        this.render();
        this.showConflict();
      } else {
        toast(error.message, "error");
      }
    }
  }

  showDocuments() {
    documentsDialog(this);
  }
}

function show(value) {
  if (value === undefined) return h("em", {}, t("web.conflict.absent"));
  if (value === null) return h("em", {}, t("web.none"));
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 160 ? text.slice(0, 159) + "…" : text;
}

/** Re-render `container` with render(); the control that had focus in it gets it back. */
function keepFocus(container, render) {
  const active = document.activeElement;
  let selector = null;
  if (active && active !== container && container.contains(active)) {
    const d = active.dataset || {};
    if (active.id) selector = `#${CSS.escape(active.id)}`;
    else if (d.target !== undefined) selector = `[data-target="${CSS.escape(d.target)}"][data-stage="${CSS.escape(d.stage || "")}"]`;
    else if (d.stage) selector = `[data-stage="${CSS.escape(d.stage)}"]:not(details)`;
    else if (active.tagName === "SUMMARY" && active.parentElement?.dataset.stage) {
      selector = `details[data-stage="${CSS.escape(active.parentElement.dataset.stage)}"] > summary`;
    }
  }
  render();
  if (selector) container.querySelector(selector)?.focus({ preventScroll: true });
}

function findControl(root, path) {
  const parts = String(path).split(".");
  while (parts.length) {
    const p = parts.join(".");
    const el = root.querySelector(`[data-path="${CSS.escape(p)}"]`)
      || root.querySelector(`[data-alias~="${CSS.escape(p)}"]`)
      || root.querySelector(`[data-path^="${CSS.escape(p)}."]`);
    if (el) return el;
    parts.pop();
  }
  return root.querySelector("input, select, textarea, button");
}
