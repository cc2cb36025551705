// Proposal and briefing PDFs, in either language, rendered by the API from the saved version.
// The key lives in sessionStorage (not a cookie), so a download is a fetch with the key,
// handed to the browser as a blob. A 202 (rendering in a job) is polled until it is done.

import { raw, problemOf } from "./api.js";
import { h, toast } from "./dom.js";
import { t, LOCALES } from "./i18n.js";
import { openDialog } from "./dialogs.js";

export const KINDS = ["proposal", "briefing"];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const DONE = new Set(["done", "finished", "succeeded", "success", "complete", "completed"]);
const FAILED = new Set(["failed", "error", "errored", "cancelled", "canceled"]);

export function documentUrl(caseId, kind, lang) {
  return `/cases/${caseId}/${kind}.pdf?lang=${encodeURIComponent(lang)}`;
}

export function documentsDialog(ed) {
  const status = h("p", { id: "documents-status", class: "doc-status", role: "status", "aria-live": "polite" });
  const rows = KINDS.map((kind) =>
    h("div", { class: "doc-row" },
      h("div", {}, h("h3", {}, t(`web.doc.${kind}`)), h("p", { class: "hint" }, t(`web.doc.${kind}_hint`))),
      h("div", { class: "doc-buttons" },
        ...LOCALES.map((lang) =>
          h("button", {
            type: "button",
            class: "btn",
            id: `download-${kind}-${lang}`,
            dataset: { kind, lang },
            onclick: (e) => download(ed, kind, lang, status, e.currentTarget),
          }, t("web.doc.download", { lang: t(`web.lang.${lang}`) })),
        ),
      ),
    ),
  );
  openDialog({
    id: "documents-dialog",
    title: t("web.documents"),
    body: [
      h("p", {}, t("web.doc.intro", { n: ed.baseVersion })),
      ed.dirty ? h("p", { class: "notice" }, t("web.doc.unsaved")) : null,
      ...rows,
      status,
    ],
    actions: [{ label: t("web.close") }],
  });
}

async function download(ed, kind, lang, status, button) {
  button.disabled = true;
  status.textContent = t("web.doc.preparing");
  try {
    let response = await raw("GET", documentUrl(ed.id, kind, lang), { accept: "application/pdf, application/json" });
    for (let tries = 0; response.status === 202 && tries < 120; tries += 1) {
      response = await followJob(response);
    }
    if (!response.ok) {
      const problem = await problemOf(response);
      const message = response.status === 404 || response.status === 405
        ? t("web.doc.unavailable", { status: response.status })
        : problem.detail || problem.title || `HTTP ${response.status}`;
      throw new Error(message);
    }
    const blob = await response.blob();
    const head = new Uint8Array(await blob.slice(0, 5).arrayBuffer());
    if (String.fromCharCode(...head) !== "%PDF-") throw new Error(t("web.doc.not_pdf"));
    const name = `${(ed.draft.title || "case").replace(/[\\/:*?"<>|]+/g, "_").slice(0, 80)}-${kind}-${lang}.pdf`;
    const url = URL.createObjectURL(new Blob([blob], { type: "application/pdf" }));
    const link = h("a", { href: url, download: name, class: "visually-hidden" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    status.textContent = t("web.doc.ready", { name });
  } catch (error) {
    status.textContent = error.message;
    toast(error.message, "error", 8000);
  } finally {
    button.disabled = false;
  }
}

/** One poll of a 202: wait Retry-After, then ask the job (Location) or the document again. */
async function followJob(response) {
  const wait = Math.min(10, Math.max(0.5, Number(response.headers.get("Retry-After")) || 1));
  let next = response.headers.get("Location");
  let body = null;
  try {
    body = await response.clone().json();
  } catch {
    body = null;
  }
  next = next || body?.links?.self || body?.href || body?.url || response.url;
  await sleep(wait * 1000);
  const polled = await raw("GET", new URL(next, location.href).pathname + new URL(next, location.href).search, { accept: "application/pdf, application/json" });
  const type = polled.headers.get("Content-Type") || "";
  if (!polled.ok || type.includes("pdf") || polled.status === 202) return polled;
  const job = await polled.clone().json().catch(() => null);
  const state = String(job?.status || job?.state || "").toLowerCase();
  if (FAILED.has(state)) {
    return new Response(JSON.stringify({ detail: job.error?.detail || job.error || job.detail || state }), { status: 500 });
  }
  const result = job?.result_url || job?.links?.result || job?.links?.download || job?.result?.href || job?.download_url;
  if (DONE.has(state) && result) {
    const url = new URL(result, location.href);
    return raw("GET", url.pathname + url.search, { accept: "application/pdf" });
  }
  return new Response(JSON.stringify(job || {}), { status: 202, headers: { "Retry-After": String(wait), Location: next } });
}
