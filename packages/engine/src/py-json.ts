/**
 * Python's `json.loads` for IN condition values, reduced to what the reference engine then
 * does with a list: `str()` of each item. A tiny parser of our own because `JSON.parse` loses
 * the difference between `1` and `1.0` (Python prints `1` and `1.0`), rejects `NaN`, and
 * cannot print nested values the way Python does.
 * @module
 */

import { pyFloatRepr, pyRepr } from './py-values.js';

/** A parsed value: strings as themselves, anything else as its Python `repr`. */
type Parsed = string | { repr: string; items?: Parsed[] };

const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/y;
const LITERALS: [string, string][] = [
  ['true', 'True'],
  ['false', 'False'],
  ['null', 'None'],
  ['NaN', 'nan'],
  ['Infinity', 'inf'],
  ['-Infinity', '-inf'],
];
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

class Reader {
  at = 0;
  constructor(readonly text: string) {}

  space(): void {
    for (let c = this.text[this.at]; c === ' ' || c === '\t' || c === '\n' || c === '\r'; )
      c = this.text[++this.at];
  }

  fail(): never {
    throw new SyntaxError(`invalid JSON at ${this.at}`);
  }

  value(): Parsed {
    this.space();
    const c = this.text[this.at];
    if (c === '"') return this.string();
    if (c === '[') return this.array();
    if (c === '{') return this.object();
    for (const [literal, repr] of LITERALS) {
      if (this.text.startsWith(literal, this.at)) {
        this.at += literal.length;
        return { repr };
      }
    }
    NUMBER.lastIndex = this.at;
    const number = NUMBER.exec(this.text) ?? this.fail();
    this.at += number[0].length;
    if (number[1] === undefined && number[2] === undefined)
      return { repr: number[0] === '-0' ? '0' : number[0] };
    return { repr: pyFloatRepr(Number(number[0])) };
  }

  string(): string {
    let out = '';
    for (this.at++; ; ) {
      const c = this.text[this.at++];
      if (c === '"') return out;
      if (c === undefined || c < ' ') this.fail(); // Python's strict mode rejects raw control characters
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.at++];
      if (e === 'u') {
        const hex = this.text.slice(this.at, this.at + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail();
        out += String.fromCharCode(Number.parseInt(hex, 16));
        this.at += 4;
      } else {
        out += ESCAPES[e] ?? this.fail();
      }
    }
  }

  array(): Parsed {
    const items = this.list(']', () => this.value());
    return { repr: `[${items.map(reprOf).join(', ')}]`, items };
  }

  object(): Parsed {
    const members = new Map<string, Parsed>();
    this.list('}', () => {
      this.space();
      if (this.text[this.at] !== '"') this.fail();
      const key = this.string();
      this.space();
      if (this.text[this.at++] !== ':') this.fail();
      members.set(key, this.value());
    });
    const shown = [...members].map(([key, value]) => `${pyRepr(key)}: ${reprOf(value)}`);
    return { repr: `{${shown.join(', ')}}` };
  }

  list<T>(close: string, item: () => T): T[] {
    const items: T[] = [];
    this.at++;
    this.space();
    if (this.text[this.at] === close) {
      this.at++;
      return items;
    }
    for (;;) {
      items.push(item());
      this.space();
      const c = this.text[this.at++];
      if (c === close) return items;
      if (c !== ',') this.fail();
    }
  }
}

function reprOf(value: Parsed): string {
  return typeof value === 'string' ? pyRepr(value) : value.repr;
}

/**
 * `[str(x) for x in json.loads(text)]` when `text` is a JSON array, else undefined (invalid
 * JSON, or JSON that is not a list).
 */
export function parsePyJsonList(text: string): string[] | undefined {
  const reader = new Reader(text);
  try {
    const parsed = reader.value();
    reader.space();
    if (reader.at !== text.length || typeof parsed === 'string' || !parsed.items) return undefined;
    return parsed.items.map((item) => (typeof item === 'string' ? item : item.repr));
  } catch {
    return undefined; // includes stack overflow on absurd nesting, where Python fails too
  }
}
