// The workspace shell: sign-in, the case list, creating a case, and the router
// (#/cases, #/case/<id>/<stage>). The case editor lives in editor.js.

import { call, getKey, setKey, clearKey, whenUnauthorized, ApiError } from "./api.js";
import { h, byId, toast, randomId, debounce } from "./dom.js";
import { BOOT, t, getLang, setLang, onLang, LOCALES, dateTime } from "./i18n.js";
import { Editor } from "./editor.js";
import { openDialog } from "./dialogs.js";

const main = byId("main");
const topbar = byId("topbar");
let editor = null;
let workspace = null;
let listState = { page: 1, customer: "", stage: "", industry: "", sort: "-updated_at" };
let view = 0; // bumped by every route(): a late answer for an older view is dropped

const onList = () => !/^#\/case\//.test(location.hash) && Boolean(getKey());

document.documentElement.lang = getLang();

function navigate(hash, { replace = false } = {}) {
  if (replace) history.replaceState(null, "", hash);
  else location.hash = hash;
}

function renderTopbar() {
  const other = LOCALES.find((l) => l !== getLang()) || LOCALES[0];
  byId("skip-link").textContent = t("web.skip");
  document.title = editor?.draft?.title ? `${editor.draft.title} · valueframe` : t("web.app_title");
  topbar.replaceChildren(
    ...[h("a", { class: "brand", href: getKey() ? "#/cases" : "#/" }, h("span", { class: "brand-mark", "aria-hidden": "true" }, "◆"), " valueframe"),
    getKey() ? h("nav", { class: "top-nav", "aria-label": t("web.nav.aria") }, h("a", { href: "#/cases", id: "nav-cases" }, t("web.nav.cases"))) : null,
    h("div", { class: "top-right" },
      workspace ? h("span", { class: "workspace", title: t("web.workspace") }, `${t("web.workspace")}: ${workspace.name}`) : null,
      h("button", {
        type: "button",
        class: "btn small",
        id: "lang-switch",
        lang: other,
        "aria-label": t("web.lang.switch_to", { lang: t(`web.lang.${other}`) }),
        onclick: () => setLang(other),
      }, t(`web.lang.${other}`)),
      getKey() ? h("button", { type: "button", class: "btn small", id: "sign-out", onclick: signOut }, t("web.signout")) : null,
    ),
  ].filter(Boolean));
}

function signOut() {
  if (editor?.dirty) toast(t("web.draft.kept"));
  clearKey();
  workspace = null;
  navigate("#/");
  route();
}

whenUnauthorized(() => {
  clearKey();
  workspace = null;
  toast(t("web.signin.expired"), "error", 8000);
  navigate("#/");
  route();
});

// -- sign-in --------------------------------------------------------------------------------

function signIn(message) {
  const error = h("p", { class: "field-error", id: "signin-error", role: "alert" }, message || "");
  const input = h("input", { type: "password", id: "api-key", name: "api-key", autocomplete: "off", required: true, "aria-describedby": "api-key-hint signin-error", spellcheck: "false" });
  const form = h("form", { class: "signin card", id: "signin-form", onsubmit: async (e) => {
    e.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    setKey(key);
    try {
      workspace = (await call("GET", "/workspace")).data;
      navigate("#/cases");
      route();
    } catch (err) {
      clearKey();
      error.textContent = err instanceof ApiError && err.status === 401 ? t("web.signin.invalid") : t("web.signin.failed", { message: err.message });
      input.focus();
    }
  } },
  h("h1", {}, t("web.signin.title")),
  h("p", {}, t("web.signin.intro")),
  h("div", { class: "field wide" },
    h("label", { for: "api-key" }, t("web.signin.key")),
    input,
    h("p", { class: "hint", id: "api-key-hint" }, t("web.signin.hint")),
    error),
  h("button", { type: "submit", class: "btn primary", id: "signin-submit" }, t("web.signin.submit")),
  );
  main.replaceChildren(h("div", { class: "center" }, form));
  input.focus();
}

// -- the case list --------------------------------------------------------------------------

async function caseList() {
  if (!onList() || editor) return;
  const mine = ++view;
  const params = new URLSearchParams({ page: listState.page, per_page: 20, sort: listState.sort });
  if (listState.customer) params.set("customer", listState.customer);
  if (listState.stage) params.set("stage", listState.stage);
  if (listState.industry) params.set("industry", listState.industry);
  const results = h("div", { class: "results", id: "case-results", "aria-live": "polite" }, h("p", { class: "loading" }, t("web.loading")));
  const reload = debounce(() => { listState.page = 1; caseList(); }, 300);
  const search = h("input", { type: "search", id: "case-search", value: listState.customer, placeholder: t("web.list.search_ph"), oninput: (e) => { listState.customer = e.target.value.trim(); reload(); } });
  const stage = h("select", { id: "case-stage", onchange: (e) => { listState.stage = e.target.value; listState.page = 1; caseList(); } },
    h("option", { value: "" }, t("web.list.any_stage")), ...BOOT.enums.stages.map((s) => h("option", { value: s }, t(`stage.${s}`))));
  stage.value = listState.stage;
  const industry = h("input", { type: "text", id: "case-industry", value: listState.industry, list: "industries", placeholder: t("web.list.industry_ph"), onchange: (e) => { listState.industry = e.target.value.trim(); listState.page = 1; caseList(); } });
  const sort = h("select", { id: "case-sort", onchange: (e) => { listState.sort = e.target.value; caseList(); } },
    ...["-updated_at", "title", "customer", "-created_at"].map((v) => h("option", { value: v }, t(`web.list.sort.${v.replace("-", "desc_")}`))));
  sort.value = listState.sort;
  const hadFocus = document.activeElement?.id;
  main.replaceChildren(
    h("div", { class: "list-page" },
      h("div", { class: "list-head" },
        h("h1", {}, t("web.list.title")),
        h("button", { type: "button", class: "btn primary", id: "new-case", onclick: createDialog }, t("web.list.new")),
      ),
      h("div", { class: "filters", role: "search" },
        h("div", { class: "field" }, h("label", { for: "case-search" }, t("web.list.search")), search),
        h("div", { class: "field" }, h("label", { for: "case-stage" }, t("web.list.stage")), stage),
        h("div", { class: "field" }, h("label", { for: "case-industry" }, t("web.list.industry")), industry),
        h("div", { class: "field" }, h("label", { for: "case-sort" }, t("web.list.sort")), sort),
      ),
      results,
    ),
  );
  if (hadFocus && byId(hadFocus)) {
    const el = byId(hadFocus);
    el.focus();
    if (el.setSelectionRange && el.type !== "search") el.setSelectionRange(el.value.length, el.value.length);
  }
  try {
    const { data } = await call("GET", `/cases?${params}`);
    if (mine !== view) return;
    const industries = [...new Set(data.items.map((c) => c.industry))];
    results.replaceChildren(
      h("datalist", { id: "industries" }, ...industries.map((x) => h("option", { value: x }))),
      data.items.length
        ? h("table", { class: "cases" },
          h("caption", { class: "visually-hidden" }, t("web.list.title")),
          h("thead", {}, h("tr", {}, ...["title", "customer", "industry", "stage", "version", "updated"].map((c) => h("th", { scope: "col" }, t(`web.list.col.${c}`))))),
          h("tbody", {}, ...data.items.map((c) => h("tr", {},
            h("td", {}, h("a", { href: `#/case/${c.id}/establish`, class: "case-link" }, c.title)),
            h("td", {}, c.customer_name),
            h("td", {}, c.industry),
            h("td", {}, t(`stage.${c.stage}`)),
            h("td", { class: "num" }, String(c.version)),
            h("td", {}, dateTime(c.updated_at)),
          ))))
        : h("p", { class: "empty" }, t("web.list.empty")),
      h("div", { class: "pager" },
        h("button", { type: "button", class: "btn small", disabled: data.pagination.page <= 1, onclick: () => { listState.page -= 1; caseList(); } }, t("web.list.prev")),
        h("span", {}, t("web.list.page", { page: data.pagination.page, pages: Math.max(1, data.pagination.pages), total: data.pagination.total })),
        h("button", { type: "button", class: "btn small", disabled: data.pagination.page >= data.pagination.pages, onclick: () => { listState.page += 1; caseList(); } }, t("web.list.next")),
      ),
    );
  } catch (error) {
    results.replaceChildren(h("p", { class: "field-error", role: "alert" }, error.message));
  }
}

// -- create ---------------------------------------------------------------------------------

async function createDialog() {
  let templates = [];
  try {
    templates = (await call("GET", `/reference/templates?lang=${encodeURIComponent(getLang())}`)).data.items;
  } catch (error) {
    toast(error.message, "error");
  }
  const name = (x) => x.name?.[getLang()] ?? Object.values(x.name || {})[0] ?? x.id;
  const source = (value, checked) => h("label", { class: "radio" },
    h("input", { type: "radio", name: "source", value, id: `source-${value}`, checked, onchange: () => sync() }), " ", t(`web.create.from_${value}`));
  const template = h("select", { id: "create-template" }, ...templates.map((x) => h("option", { value: x.id }, name(x))));
  const describe = h("p", { class: "hint", id: "create-template-desc" });
  const showDesc = () => { const x = templates.find((y) => y.id === template.value); describe.textContent = x ? x.description?.[getLang()] ?? Object.values(x.description || {})[0] ?? "" : ""; };
  template.addEventListener("change", showDesc);
  const locale = h("select", { id: "create-locale" }, ...LOCALES.map((l) => h("option", { value: l }, t(`web.lang.${l}`))));
  locale.value = getLang();
  const title = h("input", { type: "text", id: "create-title", autocomplete: "off" });
  const customer = h("input", { type: "text", id: "create-customer", autocomplete: "off" });
  const sample = h("select", { id: "create-sample" }, ...BOOT.samples.map((x) => h("option", { value: x.id }, `${x.title} (${t(`web.lang.${x.locale}`)})`)));
  const error = h("p", { class: "field-error", id: "create-error", role: "alert" });
  const templatePart = h("div", { id: "create-template-part" },
    h("div", { class: "field wide" }, h("label", { for: "create-template" }, t("web.create.template")), template, describe),
    h("div", { class: "row" },
      h("div", { class: "field" }, h("label", { for: "create-locale" }, t("web.create.locale")), locale),
      h("div", { class: "field" }, h("label", { for: "create-title" }, t("web.create.title")), title),
      h("div", { class: "field" }, h("label", { for: "create-customer" }, t("web.create.customer")), customer),
    ));
  const samplePart = h("div", { id: "create-sample-part", hidden: true },
    h("div", { class: "field wide" }, h("label", { for: "create-sample" }, t("web.create.sample")), sample));
  const sync = () => {
    const fromTemplate = document.querySelector("#create-dialog input[name=source]:checked")?.value !== "sample";
    templatePart.hidden = !fromTemplate;
    samplePart.hidden = fromTemplate;
  };
  showDesc();
  const idempotencyKey = randomId();
  openDialog({
    id: "create-dialog",
    title: t("web.create.title_dialog"),
    wide: true,
    body: [
      h("fieldset", { class: "modes" }, h("legend", {}, t("web.create.source")), source("template", true), source("sample", false)),
      templatePart,
      samplePart,
      error,
    ],
    actions: [
      {
        label: t("web.create.submit"),
        primary: true,
        id: "create-submit",
        onclick: async () => {
          const fromTemplate = !templatePart.hidden;
          const body = fromTemplate
            ? { template: template.value, locale: locale.value, ...(title.value.trim() ? { title: title.value.trim() } : {}), ...(customer.value.trim() ? { customer: { name: customer.value.trim() } } : {}) }
            : { sample: sample.value };
          try {
            const { data } = await call("POST", "/cases", { body, headers: { "Idempotency-Key": `web-${idempotencyKey}-${fromTemplate ? "t" : "s"}` } });
            toast(t("web.create.done", { title: data.title }), "ok");
            navigate(`#/case/${data.id}/establish`);
            return false;
          } catch (err) {
            error.textContent = err.errors.length ? err.errors.map((e) => `${e.field}: ${e.message}`).join("; ") : err.message;
            return true;
          }
        },
      },
      { label: t("web.cancel") },
    ],
  });
  byId("source-template")?.focus();
}

// -- router ---------------------------------------------------------------------------------

async function route() {
  view += 1;
  const hash = location.hash || "#/";
  const match = hash.match(/^#\/case\/([0-9a-f-]{36})(?:\/(\w+))?/);
  if (editor && (!match || match[1] !== editor.id)) {
    editor.close();
    editor = null;
  }
  if (!getKey()) {
    renderTopbar();
    signIn();
    return;
  }
  if (!workspace) {
    try {
      workspace = (await call("GET", "/workspace")).data;
    } catch {
      return; // 401 signs out
    }
  }
  if (match) {
    if (editor && editor.id === match[1]) {
      if (match[2] && match[2] !== editor.stage) editor.goStage(match[2]);
      renderTopbar();
      return;
    }
    editor = new Editor(main, match[1], match[2], { navigate });
    renderTopbar();
    try {
      await editor.open();
      renderTopbar();
      main.focus({ preventScroll: true });
    } catch (error) {
      main.replaceChildren(h("div", { class: "center" }, h("p", { class: "field-error", role: "alert" }, error.status === 404 ? t("web.case.not_found") : error.message), h("a", { href: "#/cases" }, t("web.nav.cases"))));
      editor = null;
    }
    return;
  }
  renderTopbar();
  caseList();
}

onLang(() => {
  renderTopbar();
  if (editor) editor.relabel().then(renderTopbar);
  else route();
});

window.addEventListener("hashchange", route);
route();
