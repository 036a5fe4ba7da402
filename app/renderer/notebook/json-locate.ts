import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';

/** A range in a cell's text, 1-based lines and columns as Monaco counts them (end exclusive). */
export interface TextRange {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** Strict JSON, as `JSON.parse` and `notebookToSpec` read it: no comments, no trailing commas. */
const STRICT = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false } as const;

const PARSE_MESSAGES: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'not a valid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':' after the property name",
  CommaExpected: "expected ',' between entries",
  CloseBraceExpected: "expected '}' to close the object",
  CloseBracketExpected: "expected ']' to close the list",
  EndOfFileExpected: 'unexpected text after the end of the value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'a string is not closed (missing ")',
  UnexpectedEndOfNumber: 'a number ends too early',
  InvalidUnicode: 'an invalid \\u escape',
  InvalidEscapeCharacter: 'an invalid escape character',
  InvalidCharacter: 'an invalid character in a string',
};

export interface JsonSyntaxError {
  message: string;
  range: TextRange;
}

export interface ParsedJson {
  value: unknown;
  tree: Node | undefined;
  errors: JsonSyntaxError[];
}

/** 1-based line and column of each offset, from the line starts of `text`. */
export function rangeOf(text: string, offset: number, length: number): TextRange {
  const at = (o: number) => {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < o && i < text.length; i++) {
      if (text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    return { line, column: o - lineStart + 1 };
  };
  const s = at(offset);
  const e = at(offset + Math.max(length, 1));
  return { startLine: s.line, startColumn: s.column, endLine: e.line, endColumn: e.column };
}

/**
 * Parses a cell's JSON with positions: the value, the syntax tree (for locating a path),
 * and each syntax error with its line and column and a message that says what is wrong.
 */
export function parseJsonWithPositions(text: string): ParsedJson {
  const raw: ParseError[] = [];
  const tree = parseTree(text, raw, STRICT);
  const errors = raw.map((e) => {
    const code = printParseErrorCode(e.error);
    const range = rangeOf(text, e.offset, e.length);
    return { message: `line ${range.startLine}, column ${range.startColumn}: ${PARSE_MESSAGES[code] ?? code}`, range };
  });
  if (errors.length > 0) return { value: undefined, tree, errors };
  try {
    // The engine reads the cell with JSON.parse: whatever it refuses is an error here too.
    return { value: JSON.parse(text), tree, errors };
  } catch (e) {
    return { value: undefined, tree, errors: [{ message: (e as Error).message, range: rangeOf(text, 0, text.length) }] };
  }
}

/**
 * Where a path (`['item', 0, 'type']`) is in the text: the whole property (key and value)
 * or list item when it exists (its key or opening when it spans lines); else the opening of the deepest part that does (a missing
 * key is reported on the object that should hold it).
 */
export function locatePath(text: string, tree: Node | undefined, path: readonly PropertyKey[]): TextRange | undefined {
  if (!tree) return undefined;
  for (let n = path.length; n >= 0; n--) {
    const segs = path.slice(0, n).map((p) => (typeof p === 'number' ? p : String(p)));
    const node = findNodeAtLocation(tree, segs);
    if (!node) continue;
    if (n === path.length) {
      const whole = node.parent?.type === 'property' ? node.parent : node;
      const range = rangeOf(text, whole.offset, whole.length);
      if (range.startLine === range.endLine) return range;
      // A block of many lines: underline its key (or its opening), not the whole block.
      const key = whole.type === 'property' ? whole.children?.[0] : undefined;
      return key ? rangeOf(text, key.offset, key.length) : rangeOf(text, whole.offset, 1);
    }
    return rangeOf(text, node.offset, 1);
  }
  return undefined;
}
