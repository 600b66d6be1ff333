/**
 * The part of RFC 9535 JSONPath that condition properties use: a root `$` followed by member
 * names (`.name`, `['name']`, `["name"]`) and array indexes (`[0]`, `[-1]`). Queries that use
 * more (wildcards, slices, filters, descendants, unions) are not evaluated: like invalid
 * queries, the property is then read as a trait name, which is the reference engine's fallback.
 * @module
 */

/** One step of a path: a member name or an array index. */
export type PathStep = string | number;

const BLANK = /[ \t\n\r]*/y;
const SHORTHAND = /[A-Za-z_\u{80}-\u{10ffff}][A-Za-z0-9_\u{80}-\u{10ffff}]*/uy;
const INDEX = /(?:0|-?[1-9][0-9]*)/y;
const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '/': '/', '\\': '\\' };

function sticky(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0];
}

function quoted(text: string, at: number): [string, number] | undefined {
  const quote = text[at];
  let name = '';
  for (let i = at + 1; i < text.length; ) {
    const c = text[i++];
    if (c === quote) return [name, i];
    if (c < ' ') return undefined;
    if (c !== '\\') {
      name += c;
      continue;
    }
    const e = text[i++];
    if (e === quote) name += e;
    else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i, i + 4))) {
      name += String.fromCharCode(Number.parseInt(text.slice(i, i + 4), 16));
      i += 4;
    } else if (e !== undefined && e in ESCAPES) name += ESCAPES[e];
    else return undefined;
  }
  return undefined;
}

function bracket(text: string, at: number): [PathStep, number] | undefined {
  let i = at + 1 + (sticky(BLANK, text, at + 1)?.length ?? 0);
  let step: PathStep;
  if (text[i] === "'" || text[i] === '"') {
    const name = quoted(text, i);
    if (!name) return undefined;
    [step, i] = name;
  } else {
    const index = sticky(INDEX, text, i);
    if (index === undefined || Math.abs(Number(index)) > Number.MAX_SAFE_INTEGER) return undefined;
    step = Number(index);
    i += index.length;
  }
  i += sticky(BLANK, text, i)?.length ?? 0;
  return text[i] === ']' ? [step, i + 1] : undefined;
}

/**
 * The steps of a JSONPath query, or undefined when the query is invalid or goes beyond the
 * supported subset.
 * @example
 * parseJsonPath("$.identity.traits['a b']"); // ['identity', 'traits', 'a b']
 */
export function parseJsonPath(path: string): PathStep[] | undefined {
  if (path[0] !== '$') return undefined;
  const steps: PathStep[] = [];
  for (let i = 1; i < path.length; ) {
    i += sticky(BLANK, path, i)?.length ?? 0;
    if (path[i] === '.') {
      const name = sticky(SHORTHAND, path, i + 1);
      if (name === undefined) return undefined;
      steps.push(name);
      i += 1 + name.length;
    } else if (path[i] === '[') {
      const step = bracket(path, i);
      if (!step) return undefined;
      steps.push(step[0]);
      i = step[1];
    } else {
      return undefined;
    }
  }
  return steps;
}

/** The value at `steps` below `root`, or undefined when a step finds nothing. */
export function walkPath(root: unknown, steps: readonly PathStep[], from = 0): unknown {
  let node = root;
  for (let i = from; i < steps.length; i++) {
    const step = steps[i];
    if (typeof step === 'number') {
      if (!Array.isArray(node)) return undefined;
      node = node[step < 0 ? node.length + step : step];
    } else {
      // Own members of plain objects only: `length` of an array or `constructor` are not members.
      if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
      if (!Object.hasOwn(node, step)) return undefined;
      node = (node as Record<string, unknown>)[step];
    }
  }
  return node;
}
