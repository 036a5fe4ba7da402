import { createScanner } from 'jsonc-parser';
import type { TextRange } from './json-locate';

export type TokenClass = 'key' | 'string' | 'number' | 'keyword' | 'punct' | 'text';

/** A run of text with one colour, underlined when a diagnostic covers it. */
export interface Segment {
  text: string;
  token: TokenClass;
  error?: boolean;
}

// jsonc-parser's SyntaxKind values (a const enum in its typings).
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const COMMA = 5;
const COLON = 6;
const NULL = 7;
const TRUE = 8;
const FALSE = 9;
const STRING = 10;
const NUMBER = 11;
const LINE_BREAK = 14;
const TRIVIA = 15;
const EOF = 17;

function classOf(kind: number): TokenClass {
  switch (kind) {
    case STRING:
      return 'string';
    case NUMBER:
      return 'number';
    case NULL:
    case TRUE:
    case FALSE:
      return 'keyword';
    case OPEN_BRACE:
    case CLOSE_BRACE:
    case OPEN_BRACKET:
    case CLOSE_BRACKET:
    case COMMA:
    case COLON:
      return 'punct';
    default:
      return 'text';
  }
}

/** Offset of a 1-based line and column in `text`. */
function offsetOf(lineStarts: number[], line: number, column: number): number {
  return (lineStarts[line - 1] ?? lineStarts[lineStarts.length - 1]) + column - 1;
}

/**
 * A config cell's JSON as lines of coloured segments, with the diagnostics' ranges
 * underlined: what an unfocused cell shows instead of a full Monaco editor (many cells
 * stay fast; the colours follow Monaco's JSON tokens).
 */
export function highlightJson(text: string, errors: readonly TextRange[] = []): Segment[][] {
  const tokens: { start: number; end: number; token: TokenClass }[] = [];
  const scanner = createScanner(text, false);
  let pendingString: { start: number; end: number } | undefined;
  const push = (start: number, end: number, token: TokenClass) => tokens.push({ start, end, token });
  for (let kind = scanner.scan(); kind !== EOF; kind = scanner.scan()) {
    const start = scanner.getTokenOffset();
    const end = start + scanner.getTokenLength();
    if (kind === TRIVIA || kind === LINE_BREAK) {
      push(start, end, 'text');
      continue;
    }
    // A string is a key when the next real token is a colon.
    if (pendingString) {
      push(pendingString.start, pendingString.end, kind === COLON ? 'key' : 'string');
      pendingString = undefined;
    }
    if (kind === STRING) pendingString = { start, end };
    else push(start, end, classOf(kind));
  }
  if (pendingString) push(pendingString.start, pendingString.end, 'string');
  tokens.sort((a, b) => a.start - b.start);

  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const errorSpans = errors.map((r) => [offsetOf(lineStarts, r.startLine, r.startColumn), offsetOf(lineStarts, r.endLine, r.endColumn)] as const);
  const isError = (o: number) => errorSpans.some(([s, e]) => o >= s && o < Math.max(e, s + 1));

  // Cut tokens at line breaks and at the edges of error ranges.
  const cuts = new Set<number>();
  for (const [s, e] of errorSpans) {
    cuts.add(s);
    cuts.add(Math.max(e, s + 1));
  }
  const lines: Segment[][] = [[]];
  for (const t of tokens) {
    let from = t.start;
    for (let o = t.start; o <= t.end; o++) {
      const atEnd = o === t.end;
      const newline = !atEnd && text.charCodeAt(o) === 10;
      if (atEnd || newline || (o > from && cuts.has(o))) {
        if (o > from) lines[lines.length - 1].push({ text: text.slice(from, o), token: t.token, ...(isError(from) ? { error: true } : {}) });
        if (newline) {
          lines.push([]);
          from = o + 1;
        } else from = o;
      }
    }
  }
  return lines;
}
