// A case document as plain JSON: dotted paths ("values.0.probability"), deep copies,
// a structural diff and the three-way merge the conflict dialog uses. No figures here.

export const clone = (value) => (value === undefined ? undefined : structuredClone(value));

export function split(path) {
  if (Array.isArray(path)) return path;
  if (path === "" || path === null || path === undefined) return [];
  return String(path).split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

export const join = (parts) => parts.join(".");

export function get(doc, path) {
  let node = doc;
  for (const part of split(path)) {
    if (node === null || node === undefined) return undefined;
    node = node[part];
  }
  return node;
}

export function set(doc, path, value) {
  const parts = split(path);
  let node = doc;
  parts.slice(0, -1).forEach((part, i) => {
    if (node[part] === null || node[part] === undefined || typeof node[part] !== "object") {
      node[part] = typeof parts[i + 1] === "number" ? [] : {};
    }
    node = node[part];
  });
  node[parts[parts.length - 1]] = value;
}

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

export function equal(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Leaf-level changes from a to b: [{path, before, after}]. Arrays of another length change whole. */
export function diff(a, b, prefix = []) {
  if (equal(a, b)) return [];
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((key) => diff(a[key], b[key], [...prefix, key]));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((item, i) => diff(item, b[i], [...prefix, i]));
  }
  return [{ path: join(prefix), before: a, after: b }];
}

const overlaps = (p, q) => p === q || p.startsWith(q + ".") || q.startsWith(p + ".");

/**
 * Re-apply my edits (base -> mine) on top of theirs (base -> theirs).
 * Returns {merged, mine: [{path, before, after, theirs, conflict}]}; where both changed the
 * same field my value wins, and the change is flagged so the user can see theirs.
 */
export function merge(base, mine, theirs) {
  const myChanges = diff(base, mine);
  const theirPaths = diff(base, theirs).map((c) => c.path);
  let merged = clone(theirs);
  const changes = myChanges.map((change) => {
    const conflict = theirPaths.some((p) => overlaps(p, change.path));
    const theirValue = get(theirs, change.path);
    if (change.path === "") {
      merged = clone(mine);
      return { ...change, theirs: theirValue, conflict };
    }
    if (change.after === undefined) {
      const parent = get(merged, split(change.path).slice(0, -1));
      if (isObject(parent)) delete parent[split(change.path).at(-1)];
    } else {
      set(merged, change.path, clone(change.after));
    }
    return { ...change, theirs: theirValue, conflict: conflict && !equal(theirValue, change.after) };
  });
  return { merged, mine: changes };
}
