/**
 * A small, strict evaluator for the Velocity subset the ingest API's mapping templates use, so tests can run the
 * templates on sample bodies and check the Kinesis requests they produce. It follows API Gateway's Velocity 1.7:
 * `#set` / `#if` / `#elseif` / `#else` / `#end` / `#foreach`, `$foreach.index` / `$foreach.hasNext`, quiet references
 * (`$!x`), interpolated double-quoted strings, `$input.json` / `$input.path` / `$input.body`, `$util.base64Encode` /
 * `$util.escapeJavaScript` and the Java string methods `startsWith` and `replaceAll`.
 *
 * Anything outside that subset throws, as does rendering a null non-quiet reference or calling `$input.json` on a
 * path that does not exist: a template that would need them is a template these tests should reject.
 */

type Expr =
  | { readonly kind: 'ref'; readonly quiet: boolean; readonly root: string; readonly chain: readonly Access[] }
  | { readonly kind: 'string'; readonly parts: readonly Node[] | string }
  | { readonly kind: 'compare'; readonly op: '==' | '!='; readonly left: Expr; readonly right: Expr };

interface Access {
  readonly name: string;
  readonly args?: readonly Expr[];
}

type Node =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'ref'; readonly expr: Expr & { kind: 'ref' } }
  | { readonly kind: 'set'; readonly name: string; readonly value: Expr }
  | {
      readonly kind: 'if';
      readonly branches: readonly { readonly cond: Expr; readonly body: readonly Node[] }[];
      readonly otherwise: readonly Node[];
    }
  | { readonly kind: 'foreach'; readonly name: string; readonly list: Expr; readonly body: readonly Node[] };

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parseTemplate(): Node[] {
    const { nodes, end } = this.block();
    if (end !== 'eof') throw new Error(`unexpected #${end} at ${this.i}`);
    return nodes;
  }

  /** Nodes up to `#elseif`, `#else`, `#end` or the end of the input, and which of them it was. */
  private block(): { nodes: Node[]; end: 'eof' | 'elseif' | 'else' | 'end'; cond?: Expr } {
    const nodes: Node[] = [];
    let text = '';
    const flush = () => {
      if (text) nodes.push({ kind: 'text', text });
      text = '';
    };
    while (this.i < this.src.length) {
      const rest = this.src.slice(this.i);
      if (rest.startsWith('#set(')) {
        flush();
        this.i += 4;
        const inner = new ExprParser(this.parenthesised());
        const name = inner.variable();
        inner.expect('=');
        nodes.push({ kind: 'set', name, value: inner.expression() });
        inner.done();
      } else if (rest.startsWith('#if(')) {
        flush();
        this.i += 3;
        nodes.push(this.ifNode(ExprParser.parseAll(this.parenthesised())));
      } else if (rest.startsWith('#elseif(')) {
        flush();
        this.i += 7;
        return { nodes, end: 'elseif', cond: ExprParser.parseAll(this.parenthesised()) };
      } else if (rest.startsWith('#else')) {
        flush();
        this.i += 5;
        return { nodes, end: 'else' };
      } else if (rest.startsWith('#end')) {
        flush();
        this.i += 4;
        return { nodes, end: 'end' };
      } else if (rest.startsWith('#foreach(')) {
        flush();
        this.i += 8;
        const inner = new ExprParser(this.parenthesised());
        const name = inner.variable();
        inner.expect('in');
        const list = inner.expression();
        inner.done();
        const body = this.block();
        if (body.end !== 'end') throw new Error('#foreach without #end');
        nodes.push({ kind: 'foreach', name, list, body: body.nodes });
      } else if (rest.startsWith('#')) {
        throw new Error(`unsupported directive at ${this.i}: ${rest.slice(0, 20)}`);
      } else if (/^\$!?[A-Za-z]/.test(rest)) {
        flush();
        const parser = new ExprParser(rest);
        const expr = parser.reference();
        this.i += parser.position;
        nodes.push({ kind: 'ref', expr });
      } else {
        text += rest[0];
        this.i += 1;
      }
    }
    flush();
    return { nodes, end: 'eof' };
  }

  private ifNode(first: Expr): Node {
    const branches: { cond: Expr; body: Node[] }[] = [];
    let cond: Expr | undefined = first;
    for (;;) {
      const part = this.block();
      if (cond) branches.push({ cond, body: part.nodes });
      if (part.end === 'elseif') {
        cond = part.cond;
        continue;
      }
      if (part.end === 'else') {
        const otherwise = this.block();
        if (otherwise.end !== 'end') throw new Error('#else without #end');
        return { kind: 'if', branches, otherwise: otherwise.nodes };
      }
      if (part.end === 'end') return { kind: 'if', branches, otherwise: [] };
      throw new Error('#if without #end');
    }
  }

  /** The text between the parenthesis at the cursor and its match, skipping quoted strings. */
  private parenthesised(): string {
    if (this.src[this.i] !== '(') throw new Error(`expected ( at ${this.i}`);
    let depth = 0;
    let quote: string | undefined;
    for (let j = this.i; j < this.src.length; j++) {
      const c = this.src[j];
      if (quote) {
        if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) {
        const inner = this.src.slice(this.i + 1, j);
        this.i = j + 1;
        return inner;
      }
    }
    throw new Error('unbalanced parentheses');
  }
}

class ExprParser {
  position = 0;
  constructor(private readonly src: string) {}

  static parseAll(src: string): Expr {
    const parser = new ExprParser(src);
    const expr = parser.expression();
    parser.done();
    return expr;
  }

  private skip(): void {
    while (/\s/.test(this.src[this.position] ?? '')) this.position++;
  }

  done(): void {
    this.skip();
    if (this.position !== this.src.length) throw new Error(`unexpected "${this.src.slice(this.position)}"`);
  }

  expect(token: string): void {
    this.skip();
    if (!this.src.startsWith(token, this.position)) throw new Error(`expected ${token} in "${this.src}"`);
    this.position += token.length;
  }

  variable(): string {
    this.skip();
    const match = /^\$([A-Za-z][A-Za-z0-9_]*)/.exec(this.src.slice(this.position));
    if (!match) throw new Error(`expected a variable in "${this.src}"`);
    this.position += match[0].length;
    return match[1]!;
  }

  expression(): Expr {
    const left = this.operand();
    this.skip();
    for (const op of ['==', '!='] as const) {
      if (this.src.startsWith(op, this.position)) {
        this.position += 2;
        return { kind: 'compare', op, left, right: this.operand() };
      }
    }
    return left;
  }

  private operand(): Expr {
    this.skip();
    const c = this.src[this.position];
    if (c === '$') return this.reference();
    if (c === '"' || c === "'") {
      const end = this.src.indexOf(c, this.position + 1);
      if (end < 0) throw new Error('unterminated string');
      const body = this.src.slice(this.position + 1, end);
      this.position = end + 1;
      return { kind: 'string', parts: c === '"' ? new Parser(body).parseTemplate() : body };
    }
    throw new Error(`unsupported expression "${this.src.slice(this.position)}"`);
  }

  reference(): Expr & { kind: 'ref' } {
    const head = /^\$(!?)([A-Za-z][A-Za-z0-9_]*)/.exec(this.src.slice(this.position));
    if (!head) throw new Error(`expected a reference at "${this.src.slice(this.position)}"`);
    this.position += head[0].length;
    const chain: Access[] = [];
    for (;;) {
      const member = /^\.([A-Za-z][A-Za-z0-9_]*)/.exec(this.src.slice(this.position));
      if (!member) break;
      this.position += member[0].length;
      if (this.src[this.position] === '(') {
        this.position++;
        const args: Expr[] = [];
        this.skip();
        while (this.src[this.position] !== ')') {
          args.push(this.expression());
          this.skip();
          if (this.src[this.position] === ',') this.position++;
          this.skip();
        }
        this.position++;
        chain.push({ name: member[1]!, args });
      } else {
        chain.push({ name: member[1]! });
      }
    }
    return { kind: 'ref', quiet: head[1] === '!', root: head[2]!, chain };
  }
}

/** `$`, `$.a.b`, `$.records[2].data` — the JSONPath subset the templates use. */
function select(document: unknown, path: string): { found: boolean; value: unknown } {
  if (!path.startsWith('$')) throw new Error(`unsupported JSONPath ${path}`);
  let value: unknown = document;
  for (const step of path.slice(1).match(/\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\]/g) ?? []) {
    if (value === null || typeof value !== 'object') return { found: false, value: undefined };
    const key = step.startsWith('[') ? Number(step.slice(1, -1)) : step.slice(1);
    if (!Object.hasOwn(value, key)) return { found: false, value: undefined };
    value = (value as Record<string | number, unknown>)[key];
  }
  return { found: true, value };
}

/** What Java's StringEscapeUtils.escapeJavaScript (behind `$util.escapeJavaScript`) does to the characters we use. */
function escapeJavaScript(text: string): string {
  return text.replace(/[\\"'\n\r\t/]/g, (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? `\\${c}`);
}

export interface VelocityContext {
  /** The request (or integration response) body, as text. */
  readonly body: string;
  /** `$context` variables, e.g. `{ error: { validationErrorString: '…' } }`. */
  readonly context?: Record<string, unknown>;
}

/** Renders `template` the way API Gateway would for `body`. */
export function renderTemplate(template: string, options: VelocityContext): string {
  const document: unknown = options.body === '' ? undefined : JSON.parse(options.body);
  const input = {
    body: options.body,
    json(path: string) {
      const { found, value } = select(document, path);
      if (!found) throw new Error(`$input.json('${path}') on a path the body does not have`);
      return JSON.stringify(value);
    },
    path(path: string) {
      const { found, value } = select(document, path);
      return found ? value : null;
    },
  };
  const util = {
    base64Encode: (text: string) => Buffer.from(text, 'utf8').toString('base64'),
    escapeJavaScript,
  };
  const scopes: Map<string, unknown>[] = [
    new Map<string, unknown>([
      ['input', input],
      ['util', util],
    ]),
  ];
  if (options.context) scopes[0]!.set('context', options.context);

  const lookup = (name: string): unknown => {
    for (let s = scopes.length - 1; s >= 0; s--) if (scopes[s]!.has(name)) return scopes[s]!.get(name);
    return null;
  };

  const evaluate = (expr: Expr): unknown => {
    switch (expr.kind) {
      case 'string':
        return typeof expr.parts === 'string' ? expr.parts : render(expr.parts);
      case 'compare': {
        const equal = evaluate(expr.left) === evaluate(expr.right);
        return expr.op === '==' ? equal : !equal;
      }
      case 'ref': {
        let value = lookup(expr.root);
        for (const access of expr.chain) {
          if (value === null || value === undefined) return null;
          if (access.args) {
            const args = access.args.map(evaluate);
            if (typeof value === 'string') value = stringMethod(value, access.name, args);
            else {
              const method = (value as Record<string, unknown>)[access.name];
              if (typeof method !== 'function') throw new Error(`no method ${access.name}`);
              value = method(...args);
            }
          } else {
            value = (value as Record<string, unknown>)[access.name] ?? null;
          }
        }
        return value;
      }
    }
  };

  const stringMethod = (value: string, name: string, args: unknown[]): unknown => {
    if (name === 'startsWith') return value.startsWith(String(args[0]));
    // Java's replaceAll takes a regular expression; the ones in our templates mean the same in JavaScript.
    if (name === 'replaceAll') return value.replace(new RegExp(String(args[0]), 'g'), String(args[1]));
    throw new Error(`unsupported string method ${name}`);
  };

  const truthy = (value: unknown) => value !== null && value !== undefined && value !== false && value !== '';

  const render = (nodes: readonly Node[]): string => {
    let out = '';
    for (const node of nodes) {
      switch (node.kind) {
        case 'text':
          out += node.text;
          break;
        case 'ref': {
          const value = evaluate(node.expr);
          if (value === null || value === undefined) {
            if (!node.expr.quiet) throw new Error(`reference $${node.expr.root}… is null`);
          } else if (typeof value === 'object') {
            throw new Error(`reference $${node.expr.root}… renders an object`);
          } else out += String(value);
          break;
        }
        case 'set': {
          const value = evaluate(node.value);
          // Velocity 1.7 ignores a #set to null: the variable keeps its previous value.
          if (value !== null && value !== undefined) scopes[0]!.set(node.name, value);
          break;
        }
        case 'if': {
          const branch = node.branches.find((b) => truthy(evaluate(b.cond)));
          out += render(branch ? branch.body : node.otherwise);
          break;
        }
        case 'foreach': {
          const list = evaluate(node.list);
          if (!Array.isArray(list)) throw new Error('#foreach over something that is not a list');
          list.forEach((item, index) => {
            scopes.push(
              new Map<string, unknown>([
                [node.name, item],
                ['foreach', { index, count: index + 1, hasNext: index < list.length - 1 }],
              ]),
            );
            out += render(node.body);
            scopes.pop();
          });
          break;
        }
      }
    }
    return out;
  };

  return render(new Parser(template).parseTemplate());
}
