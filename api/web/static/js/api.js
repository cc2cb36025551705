// The JSON API client: Bearer key from sessionStorage, problem+json errors, ETags.

import { BOOT } from "./i18n.js";

const KEY = "vf.key";
export const getKey = () => sessionStorage.getItem(KEY);
export const setKey = (key) => sessionStorage.setItem(KEY, key);
export const clearKey = () => sessionStorage.removeItem(KEY);

let onUnauthorized = () => {};
export const whenUnauthorized = (fn) => (onUnauthorized = fn);

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
  get errors() {
    return this.problem.errors || [];
  }
}

export const etagVersion = (etag) => (etag ? Number(String(etag).replace(/^W\//, "").replaceAll('"', "")) : null);

/** fetch() against the API with the key; returns the Response (no status handling). */
export async function raw(method, path, { body, headers = {}, signal, accept = "application/json" } = {}) {
  const init = { method, signal, headers: { Accept: accept, ...headers } };
  const key = getKey();
  if (key) init.headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) {
    init.headers["Content-Type"] ??= "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const url = path.startsWith("/api/") ? path : BOOT.api + path;
  try {
    return await fetch(url, init);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, { title: "network", detail: String(error.message || error) });
  }
}

export async function problemOf(response) {
  try {
    return await response.json();
  } catch {
    return { status: response.status, title: response.statusText };
  }
}

/** A JSON call: {data, etag, version, status}; throws ApiError for non-2xx (401 also signs out). */
export async function call(method, path, options = {}) {
  const response = await raw(method, path, options);
  if (!response.ok) {
    const problem = await problemOf(response);
    if (response.status === 401 && getKey()) onUnauthorized(problem);
    throw new ApiError(response.status, problem);
  }
  const etag = response.headers.get("ETag");
  const data = response.status === 204 ? null : await response.json();
  return { data, etag, version: etagVersion(etag), status: response.status, headers: response.headers };
}

export const ifMatch = (version) => ({ "If-Match": `"${version}"` });
