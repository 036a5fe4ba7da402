/**
 * The runs filter language, in the manner of MLflow's search, plus `or`, `not` and
 * parentheses:
 *
 *   metrics.ndcg@10 > 0.3 and params.model.type = "hybrid" and tags.stage = "tuned"
 *   (status = "FINISHED" or status = "RUNNING") and not model in ("mostpop", "random")
 *   metrics[items:cold].ndcg@10 >= 0.2 and duration < 600 and name like "hybrid%"
 *
 * Grammar (EBNF; keywords are case-insensitive):
 *
 *   query      = [ or ] EOF
 *   or         = and { "or" and }
 *   and        = not { "and" not }
 *   not        = "not" not | primary
 *   primary    = "(" or ")" | comparison
 *   comparison = field ( op value | [ "not" ] "in" "(" value { "," value } ")"
 *                      | [ "not" ] ( "like" | "ilike" ) string | "is" [ "not" ] "null" )
 *   field      = "metrics" [ "[" segment "]" ] "." key | "params." key | "tags." key | attribute
 *   op         = "=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">="
 *   value      = number | string | "true" | "false"
 *   string     = '"' ... '"' | "'" ... "'"            (backslash escapes the quote)
 *   key        = bare | "`" ... "`"                     (bare: letters, digits and _ . @ / : - [ ])
 *
 * Written by hand (a recursive-descent parser): the grammar is small, errors must carry
 * their position for the explorer to underline them, and parser generators either build
 * their parser with eval, which the workbench's CSP forbids, or need a build step.
 * Browser-safe: the explorer checks a query as it is typed; core/runs turns it into SQL.
 */

/** Run attributes a query can name, and what they mean. */
export const QUERY_ATTRIBUTES = {
  status: 'RUNNING, FINISHED, FAILED or KILLED',
  name: 'the run name',
  experiment: 'the experiment name',
  model: "the model type (the spec's model.type)",
  dataset: 'the dataset name or source',
  id: 'the run id (16 hex digits)',
  fingerprint: 'the evaluation protocol fingerprint',
  backend: 'the TF.js backend the run trained on',
  notes: 'the run notes',
  start_time: 'start, milliseconds since 1970 (or an ISO date string)',
  end_time: 'end, milliseconds since 1970 (or an ISO date string)',
  duration: 'seconds from start to end',
} as const;

export type QueryAttribute = keyof typeof QUERY_ATTRIBUTES;

export type QueryField =
  | { kind: 'metric'; key: string; segment: string }
  | { kind: 'param'; key: string }
  | { kind: 'tag'; key: string }
  | { kind: 'attribute'; name: QueryAttribute };

export type QueryValue = number | string | boolean;
export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type QueryNode =
  | { type: 'and' | 'or'; left: QueryNode; right: QueryNode }
  | { type: 'not'; expr: QueryNode }
  | { type: 'compare'; field: QueryField; op: ComparisonOp; value: QueryValue; position: number }
  | { type: 'in'; field: QueryField; values: QueryValue[]; negated: boolean; position: number }
  | { type: 'like'; field: QueryField; pattern: string; caseInsensitive: boolean; negated: boolean; position: number }
  | { type: 'null'; field: QueryField; negated: boolean; position: number };

/** A query that does not parse: where (0-based offset into the text) and what was expected there. */
export class QuerySyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
    readonly length: number,
  ) {
    super(message);
    this.name = 'QuerySyntaxError';
  }
}

type TokenKind = 'word' | 'number' | 'string' | 'key' | 'op' | 'punct' | 'eof';
interface Token {
  kind: TokenKind;
  text: string;
  value?: string | number;
  position: number;
}

const BARE = /[A-Za-z0-9_.@/:\-[\]]/;
const OPS = ['==', '!=', '<>', '<=', '>=', '=', '<', '>'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'" || c === '`') {
      let out = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        out += text[i++];
      }
      if (i >= text.length) throw new QuerySyntaxError(`Unclosed ${c === '`' ? 'backquoted key' : 'string'}: add the closing ${c}.`, start, text.length - start);
      i++;
      tokens.push({ kind: c === '`' ? 'key' : 'string', text: text.slice(start, i), value: out, position: start });
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', text: op, position: start });
      i += op.length;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c, position: start });
      i++;
      continue;
    }
    if (/[-+0-9.]/.test(c) && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?(?![A-Za-z_@/:])/.test(text.slice(i))) {
      const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(text.slice(i))!;
      tokens.push({ kind: 'number', text: m[0], value: Number(m[0]), position: start });
      i += m[0].length;
      continue;
    }
    if (BARE.test(c)) {
      // A field name may hold a segment in brackets: metrics[items:cold].ndcg@10.
      while (i < text.length && (BARE.test(text[i]) || (text[i] === "'" && text.lastIndexOf('[', i) > start))) {
        if (text[i] === "'") {
          const close = text.indexOf("'", i + 1);
          i = close < 0 ? text.length : close + 1;
        } else i++;
      }
      tokens.push({ kind: 'word', text: text.slice(start, i), position: start });
      continue;
    }
    throw new QuerySyntaxError(`Unexpected character '${c}'.`, start, 1);
  }
  tokens.push({ kind: 'eof', text: '', position: text.length });
  return tokens;
}

const attributeNames = Object.keys(QUERY_ATTRIBUTES) as QueryAttribute[];

function parseField(t: Token, next: Token | undefined): { field: QueryField; consumedNext: boolean } {
  const text = t.text;
  const lower = text.toLowerCase();
  // metrics.`odd key` / params.`...`: the key comes as the next (backquoted) token.
  for (const [prefix, kind] of [
    ['metrics', 'metric'],
    ['params', 'param'],
    ['tags', 'tag'],
  ] as const) {
    if (lower === `${prefix}.` && next?.kind === 'key') {
      return { field: kind === 'metric' ? { kind, key: String(next.value), segment: 'overall' } : { kind, key: String(next.value) }, consumedNext: true };
    }
    if (lower.startsWith(`${prefix}.`)) {
      const key = text.slice(prefix.length + 1);
      if (key === '') throw new QuerySyntaxError(`'${text}' names no key: write ${prefix}.KEY (backquote odd keys: ${prefix}.\`my key\`).`, t.position, text.length);
      return { field: kind === 'metric' ? { kind, key, segment: 'overall' } : { kind, key }, consumedNext: false };
    }
  }
  const seg = /^metrics\[('([^']*)'|([^\]]*))\]\.(.*)$/i.exec(text);
  if (seg) {
    const segment = seg[2] ?? seg[3];
    const key = seg[4];
    if (!segment || !key) throw new QuerySyntaxError(`Write a segment's metric as metrics[SEGMENT].KEY, e.g. metrics[items:cold].ndcg@10.`, t.position, text.length);
    return { field: { kind: 'metric', key, segment }, consumedNext: false };
  }
  if (attributeNames.includes(lower as QueryAttribute)) return { field: { kind: 'attribute', name: lower as QueryAttribute }, consumedNext: false };
  if (lower === 'run_id') return { field: { kind: 'attribute', name: 'id' }, consumedNext: false };
  throw new QuerySyntaxError(`Unknown field '${text}': use metrics.KEY, metrics[SEGMENT].KEY, params.KEY, tags.KEY or one of ${attributeNames.join(', ')}.`, t.position, text.length);
}

class Parser {
  private i = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  /** The current token (a method, not a getter: it changes as the parser moves on). */
  private peek(): Token {
    return this.tokens[this.i];
  }

  private isWord(w: string, offset = 0): boolean {
    const t = this.tokens[this.i + offset];
    return t?.kind === 'word' && t.text.toLowerCase() === w;
  }

  private fail(expected: string, t: Token = this.peek()): never {
    const found = t.kind === 'eof' ? 'the end of the query' : `'${t.text}'`;
    throw new QuerySyntaxError(`Expected ${expected}, found ${found}.`, t.position, Math.max(1, t.text.length));
  }

  parse(): QueryNode | undefined {
    if (this.peek().kind === 'eof') return undefined;
    const node = this.or();
    if (this.peek().kind !== 'eof') this.fail("'and', 'or' or the end of the query");
    return node;
  }

  private or(): QueryNode {
    let left = this.and();
    while (this.isWord('or')) {
      this.i++;
      left = { type: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): QueryNode {
    let left = this.not();
    while (this.isWord('and')) {
      this.i++;
      left = { type: 'and', left, right: this.not() };
    }
    return left;
  }

  private not(): QueryNode {
    if (this.isWord('not')) {
      this.i++;
      return { type: 'not', expr: this.not() };
    }
    return this.primary();
  }

  private primary(): QueryNode {
    if (this.peek().kind === 'punct' && this.peek().text === '(') {
      const open = this.peek();
      this.i++;
      const inner = this.or();
      if (!(this.peek().kind === 'punct' && this.peek().text === ')')) {
        if (this.peek().kind === 'eof') throw new QuerySyntaxError("This '(' is never closed: add ')'.", open.position, 1);
        this.fail("')'");
      }
      this.i++;
      return inner;
    }
    return this.comparison();
  }

  private value(): QueryValue {
    const t = this.peek();
    if (t.kind === 'number' || t.kind === 'string') {
      this.i++;
      return t.value!;
    }
    if (this.isWord('true') || this.isWord('false')) {
      this.i++;
      return t.text.toLowerCase() === 'true';
    }
    if (t.kind === 'word') throw new QuerySyntaxError(`Expected a value, found '${t.text}': quote text values ("${t.text}").`, t.position, t.text.length);
    return this.fail('a value (a number or a quoted string)');
  }

  private comparison(): QueryNode {
    const ft = this.peek();
    if (ft.kind !== 'word') this.fail('a field (metrics.KEY, params.KEY, tags.KEY, status, name, ...)');
    const { field, consumedNext } = parseField(ft, this.tokens[this.i + 1]);
    this.i += consumedNext ? 2 : 1;
    const position = ft.position;
    if (this.peek().kind === 'op') {
      const raw = this.peek().text;
      this.i++;
      const op: ComparisonOp = raw === '==' ? '=' : raw === '<>' ? '!=' : (raw as ComparisonOp);
      return { type: 'compare', field, op, value: this.value(), position };
    }
    let negated = false;
    if (this.isWord('not') && (this.isWord('in', 1) || this.isWord('like', 1) || this.isWord('ilike', 1))) {
      negated = true;
      this.i++;
    }
    if (this.isWord('in')) {
      this.i++;
      if (!(this.peek().kind === 'punct' && this.peek().text === '(')) this.fail("'(' to start the list of values");
      this.i++;
      const values = [this.value()];
      while (this.peek().kind === 'punct' && this.peek().text === ',') {
        this.i++;
        values.push(this.value());
      }
      if (!(this.peek().kind === 'punct' && this.peek().text === ')')) this.fail("',' or ')'");
      this.i++;
      return { type: 'in', field, values, negated, position };
    }
    if (this.isWord('like') || this.isWord('ilike')) {
      const caseInsensitive = this.isWord('ilike');
      this.i++;
      if (this.peek().kind !== 'string') this.fail('a quoted pattern (% matches any text, _ one character)');
      const pattern = String(this.peek().value);
      this.i++;
      return { type: 'like', field, pattern, caseInsensitive, negated, position };
    }
    if (this.isWord('is')) {
      this.i++;
      let not = false;
      if (this.isWord('not')) {
        not = true;
        this.i++;
      }
      if (!this.isWord('null')) this.fail("'null'");
      this.i++;
      return { type: 'null', field, negated: not, position };
    }
    return this.fail(`an operator after '${this.text.slice(ft.position, this.peek().position).trim()}' (=, !=, <, <=, >, >=, in, like, is null)`);
  }
}

/** Parses a runs filter query; `undefined` for an empty one. Throws QuerySyntaxError with the position. */
export function parseRunQuery(text: string): QueryNode | undefined {
  return new Parser(tokenize(text), text).parse();
}
