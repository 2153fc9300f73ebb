import { type QueryLanguage, queryError } from "./filter-error.js";

/**
 * Tokenizer shared by the filter and sort languages. A dotted field path is one token
 * (`metrics.val/acc.max`, ``config.`a.b`.c``); keywords such as `and` are paths of one bare
 * segment, recognised by the parser.
 */

export interface PathSegment {
  text: string;
  /** Written with backticks: never a keyword, never an aggregate name. */
  quoted: boolean;
  column: number;
}

export type Operator = "=" | "!=" | "<" | "<=" | ">" | ">=" | "~" | "!~";

export type Token =
  | { kind: "path"; segments: PathSegment[]; column: number; end: number }
  | { kind: "number"; value: number; column: number; end: number }
  | { kind: "string"; value: string; column: number; end: number }
  | { kind: "op"; op: Operator; column: number; end: number }
  | { kind: "lparen" | "rparen" | "comma" | "minus" | "plus" | "eof"; column: number; end: number };

const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
const isLetter = (c: string | undefined) =>
  c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_");
/** Characters a key may hold without backticks. */
const isBareChar = (c: string | undefined) => isLetter(c) || isDigit(c) || c === "/" || c === "-";
const isSpace = (c: string | undefined) => c === " " || c === "\t" || c === "\n" || c === "\r";

const simpleEscapes: Record<string, string> = {
  "\\": "\\",
  '"': '"',
  "'": "'",
  n: "\n",
  t: "\t",
  r: "\r",
  b: "\b",
  f: "\f",
  "0": "\0",
};

const numberPattern = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;

export function tokenize(text: string, language: QueryLanguage): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (message: string, at: number): never => {
    throw queryError(language, message, at + 1);
  };

  const readBacktick = (): PathSegment => {
    const start = i;
    let value = "";
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined) return fail("unterminated `quoted key` starting", start);
      if (c === "`") {
        if (text[i + 1] === "`") {
          value += "`";
          i += 2;
          continue;
        }
        i++;
        break;
      }
      value += c;
      i++;
    }
    if (value === "") fail("empty `quoted key`", start);
    return { text: value, quoted: true, column: start + 1 };
  };

  const readSegment = (): PathSegment | null => {
    if (text[i] === "`") return readBacktick();
    const start = i;
    while (isBareChar(text[i])) i++;
    return i > start ? { text: text.slice(start, i), quoted: false, column: start + 1 } : null;
  };

  const readPath = () => {
    const start = i;
    const segments: PathSegment[] = [];
    for (;;) {
      const segment = readSegment();
      if (segment === null) return fail("expected a key after '.'", i);
      segments.push(segment);
      if (text[i] !== ".") break;
      i++;
    }
    tokens.push({ kind: "path", segments, column: start + 1, end: i + 1 });
  };

  const readString = (quote: string) => {
    const start = i;
    let value = "";
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined) return fail("unterminated string starting", start);
      if (c === quote) {
        i++;
        break;
      }
      if (c !== "\\") {
        value += c;
        i++;
        continue;
      }
      const next = text[i + 1];
      if (next === undefined) return fail("unterminated string starting", start);
      const simple = simpleEscapes[next];
      if (simple !== undefined) {
        value += simple;
        i += 2;
      } else if (next === "u") {
        const hex = /^u([0-9a-fA-F]{4})/.exec(text.slice(i + 1, i + 6));
        if (!hex?.[1]) return fail("expected 4 hex digits after '\\u'", i);
        value += String.fromCharCode(Number.parseInt(hex[1], 16));
        i += 6;
      } else {
        // Unknown escapes stay as written, so regexes such as "\d+" read naturally.
        value += `\\${next}`;
        i += 2;
      }
    }
    tokens.push({ kind: "string", value, column: start + 1, end: i + 1 });
  };

  const readNumber = () => {
    const start = i;
    const match = numberPattern.exec(text.slice(i));
    if (!match) return fail("expected a number", i);
    i += match[0].length;
    if (isBareChar(text[i]) || text[i] === ".") fail(`unexpected '${text[i]}' after the number`, i);
    tokens.push({ kind: "number", value: Number(match[0]), column: start + 1, end: i + 1 });
  };

  const pushOp = (op: Operator, length: number) => {
    tokens.push({ kind: "op", op, column: i + 1, end: i + 1 + length });
    i += length;
  };

  const pushPunct = (kind: "lparen" | "rparen" | "comma" | "minus" | "plus") => {
    tokens.push({ kind, column: i + 1, end: i + 2 });
    i++;
  };

  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (isSpace(c)) i++;
    else if (isLetter(c) || c === "`") readPath();
    else if (isDigit(c) || ((c === "-" || c === ".") && (isDigit(next) || (next === "." && isDigit(text[i + 2])))))
      readNumber();
    else if (c === '"' || c === "'") readString(c);
    else if (c === "(") pushPunct("lparen");
    else if (c === ")") pushPunct("rparen");
    else if (c === ",") pushPunct("comma");
    else if (c === "-") pushPunct("minus");
    else if (c === "+") pushPunct("plus");
    else if (c === "=") pushOp("=", next === "=" ? 2 : 1);
    else if (c === "!" && next === "=") pushOp("!=", 2);
    else if (c === "!" && next === "~") pushOp("!~", 2);
    else if (c === "<" && next === ">") pushOp("!=", 2);
    else if (c === "<") pushOp(next === "=" ? "<=" : "<", next === "=" ? 2 : 1);
    else if (c === ">") pushOp(next === "=" ? ">=" : ">", next === "=" ? 2 : 1);
    else if (c === "~") pushOp("~", 1);
    else fail(`unexpected character '${c}'`, i);
  }
  tokens.push({ kind: "eof", column: text.length + 1, end: text.length + 1 });
  return tokens;
}

/** How a token is named in error messages. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case "path":
      return `'${token.segments.map((s) => (s.quoted ? `\`${s.text}\`` : s.text)).join(".")}'`;
    case "number":
      return `number ${token.value}`;
    case "string":
      return `string ${JSON.stringify(token.value)}`;
    case "op":
      return `'${token.op}'`;
    case "lparen":
      return "'('";
    case "rparen":
      return "')'";
    case "comma":
      return "','";
    case "minus":
      return "'-'";
    case "plus":
      return "'+'";
    case "eof":
      return "the end of the text";
  }
}
