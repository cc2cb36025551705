// Labels (one translation table, embedded in the page for both languages) and formatting.

const boot = JSON.parse(document.getElementById("vf-boot").textContent);
export const BOOT = boot;
export const LOCALES = boot.locales;

const listeners = new Set();
let lang = initialLang();

function initialLang() {
  const stored = localStorage.getItem("vf.lang");
  if (LOCALES.includes(stored)) return stored;
  return (navigator.language || "").toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

export const getLang = () => lang;

export function setLang(next) {
  if (!LOCALES.includes(next) || next === lang) return;
  lang = next;
  localStorage.setItem("vf.lang", next);
  document.documentElement.lang = next;
  listeners.forEach((fn) => fn(next));
}

export function onLang(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function has(key) {
  return key in boot.labels[lang] || key in boot.labels.en;
}

/** The label `key` in the current language, with {name} placeholders filled. */
export function t(key, params) {
  const text = boot.labels[lang][key] ?? boot.labels.en[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** Label of an enumeration value: tEnum("level", "process") -> "流程层". */
export const tEnum = (family, value) => (value === null || value === undefined ? "" : t(`${family}.${value}`));

const num = (value) => (value === null || value === undefined || value === "" ? null : Number(value));

export function money(value, currency, { compact = false } = {}) {
  const n = num(value);
  if (n === null || Number.isNaN(n)) return "—";
  try {
    return new Intl.NumberFormat(lang, {
      style: "currency",
      currency: currency || "USD",
      notation: compact ? "compact" : "standard",
      maximumFractionDigits: compact ? 2 : 0,
    }).format(n);
  } catch {
    return `${currency} ${n.toFixed(0)}`;
  }
}

export function percent(value, digits = 1) {
  const n = num(value);
  if (n === null || Number.isNaN(n)) return "—";
  return new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: digits }).format(n);
}

export function number(value, digits = 2) {
  const n = num(value);
  if (n === null || Number.isNaN(n)) return "—";
  return new Intl.NumberFormat(lang, { maximumFractionDigits: digits }).format(n);
}

export function dateTime(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

/** A human name for a document path: "values.0.probability" -> "Value 1 · Probability". */
export function pathLabel(path) {
  const parts = String(path || "").split(".");
  const pattern = parts.filter((p) => !/^\d+$/.test(p)).join(".");
  const items = [];
  parts.forEach((part, i) => {
    if (/^\d+$/.test(part) && i > 0) {
      const collection = parts.slice(0, i).filter((p) => !/^\d+$/.test(p)).join(".");
      if (has(`web.item.${collection}`)) items.push(t(`web.item.${collection}`, { n: Number(part) + 1 }));
    }
  });
  const leaf = has(`web.f.${pattern}`) ? t(`web.f.${pattern}`) : null;
  if (!leaf && !items.length) return path || t("web.checks.whole_case");
  return [...items, leaf].filter(Boolean).join(" · ");
}
