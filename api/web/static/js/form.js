// Form fields bound to document paths. Every control carries data-path (the case document
// path it edits) and data-kind (how its text becomes JSON); the editor listens once, on the
// container, and writes the value into the draft. Validation errors from the API come back
// with the same paths and are shown next to the control.

import { h } from "./dom.js";
import { get } from "./doc.js";
import { t, pathLabel } from "./i18n.js";

export const fieldId = (path) => "f-" + String(path).replaceAll(".", "-");

function display(value, kind) {
  if (value === null || value === undefined) return "";
  if (kind === "lines") return (value || []).join("\n");
  return String(value);
}

/** The JSON value of a control, from its data-kind. */
export function readControl(el) {
  const kind = el.dataset.kind;
  const nullable = el.dataset.nullable === "1";
  if (kind === "checkbox") return el.checked;
  const text = el.value;
  if (kind === "lines") return text.split("\n").map((line) => line.trim()).filter(Boolean);
  if (kind === "int" || kind === "select-int") {
    const trimmed = text.trim();
    if (trimmed === "") return nullable ? null : trimmed;
    return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed; // the API names a bad one
  }
  if (kind === "decimal") {
    const trimmed = text.trim();
    if (trimmed === "" && nullable) return null;
    return trimmed;
  }
  if (kind === "date" || kind === "select-null") return text === "" ? null : text;
  return text;
}

/**
 * field(doc, {path, kind, label, options, hint, nullable, wide, rows, placeholder})
 * kind: text | textarea | lines | decimal | int | select | select-int | select-null | date | checkbox
 */
export function field(doc, spec) {
  const { path, kind = "text", options = [], hint, nullable = false, wide = false } = spec;
  const id = fieldId(path);
  const label = spec.label ?? pathLabel(path).split(" · ").at(-1);
  const value = get(doc, path);
  const errorId = `${id}-error`;
  const hintId = hint ? `${id}-hint` : null;
  const common = {
    id,
    dataset: {
      path,
      kind,
      nullable: nullable ? "1" : "0",
      ...(spec.alias ? { alias: spec.alias } : {}),
      ...(spec.onchange ? { custom: "1" } : {}),
      ...(spec.structural ? { structural: "1" } : {}),
    },
    "aria-describedby": [hintId, errorId].filter(Boolean).join(" "),
  };
  let control;
  if (kind === "checkbox") {
    control = h("input", { type: "checkbox", ...common, checked: Boolean(value) });
    if (spec.onchange) control.addEventListener("change", (e) => spec.onchange(e.target.checked));
    return h(
      "div",
      { class: ["field", "field-check", wide && "wide"] },
      h("label", { for: id }, control, " ", label),
      hint && h("p", { class: "hint", id: hintId }, hint),
      h("p", { class: "field-error", id: errorId }),
    );
  }
  if (kind === "textarea" || kind === "lines") {
    control = h("textarea", { ...common, rows: spec.rows ?? (kind === "lines" ? 3 : 2), placeholder: spec.placeholder }, display(value, kind));
  } else if (kind.startsWith("select")) {
    const opts = options.map((o) => h("option", { value: o.value ?? "" }, o.label));
    control = h("select", { ...common }, ...opts);
    control.value = value === null || value === undefined ? "" : String(value);
  } else {
    const type = kind === "date" ? "date" : kind === "int" ? "number" : "text";
    control = h("input", {
      type,
      ...common,
      value: display(value, kind),
      inputmode: kind === "decimal" ? "decimal" : null,
      step: kind === "int" ? "1" : null,
      placeholder: spec.placeholder,
      autocomplete: "off",
      spellcheck: kind === "decimal" || kind === "int" ? "false" : null,
    });
  }
  if (spec.onchange) control.addEventListener("change", (e) => spec.onchange(readControl(e.target)));
  return h(
    "div",
    { class: ["field", wide && "wide", spec.className] },
    h("label", { for: id }, label, spec.unit ? h("span", { class: "unit" }, ` (${spec.unit})`) : null),
    control,
    hint && h("p", { class: "hint", id: hintId }, hint),
    h("p", { class: "field-error", id: errorId }),
  );
}

export const enumOptions = (family, values, { none = false } = {}) => [
  ...(none ? [{ value: "", label: t("web.none") }] : []),
  ...values.map((v) => ({ value: v, label: t(`${family}.${v}`) })),
];

export const scoreOptions = () => [1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: t(`web.score.${n}`) }));

/** Mark controls whose paths the API rejected; clear the rest. */
export function showErrors(root, errors) {
  root.querySelectorAll("[aria-invalid='true']").forEach((el) => el.removeAttribute("aria-invalid"));
  root.querySelectorAll(".field-error").forEach((el) => (el.textContent = ""));
  for (const error of errors) {
    const control = root.querySelector(`[data-path="${CSS.escape(error.field)}"]`);
    if (!control) continue;
    control.setAttribute("aria-invalid", "true");
    const slot = root.querySelector(`#${CSS.escape(control.id)}-error`);
    if (slot) slot.textContent = error.message;
  }
}
