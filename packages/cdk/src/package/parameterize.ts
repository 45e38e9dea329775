/**
 * Turns settings into CloudFormation parameters by comparing synthesized templates ("synth and substitute"):
 *
 * 1. the template of the spec with every parameter at its default;
 * 2. the template with every probed parameter at its probe value: each node that differs must hold the default in (1)
 *    and the probe in (2) — as the whole value or inside a string — and becomes a `Ref` (or a `Fn::Join` around one);
 * 3. for each switch, one template per allowed value: the nodes that differ become `Fn::If` over conditions on the
 *    parameter (or a plain `Ref` when they hold the value itself).
 *
 * A difference nothing explains (a value the stack computes from a setting), a switch that adds or removes resources,
 * and a parameter that changes nothing are errors: the template would otherwise take a parameter and ignore it or
 * apply it wrongly. The comparison sees exactly what the constructs do with a value, so no construct needs to know
 * about packaging.
 */
import { isDeepStrictEqual } from 'node:util';
import { StreamkitError } from '@streamkit/core';
import {
  differences,
  formatJsonPath,
  isJsonObject,
  isWithin,
  type Json,
  type JsonObject,
  type JsonPath,
  nodeAt,
  replaceAt,
} from './template-json.ts';
import type { ParameterValue, RawSpec, TemplateParameter } from './template-parameter.ts';

export interface ParameterizeOptions {
  readonly parameters: readonly TemplateParameter[];
  /** Spec input every template starts from. */
  readonly base: RawSpec;
  /** Synthesizes the template of a spec; `why` says which variant, for progress and errors. */
  readonly synth: (raw: RawSpec, why: string) => JsonObject;
  /** The stack name the templates were synthesized with; where it shows up it becomes `AWS::StackName`. */
  readonly stackName?: string;
}

export interface Parameterized {
  /** The template with the parameters' `Ref`s and `Fn::If`s and the conditions these need (no Parameters section). */
  readonly template: JsonObject;
  /** How many places of the template each parameter sets. */
  readonly uses: Readonly<Record<string, number>>;
  /** How many templates were synthesized. */
  readonly synths: number;
}

export function parameterize(options: ParameterizeOptions): Parameterized {
  const { parameters, synth } = options;
  const specFor = (values: Readonly<Record<string, ParameterValue>>): RawSpec => {
    const parameterValue = (name: string): ParameterValue => {
      const parameter = parameters.find((p) => p.name === name);
      if (!parameter) throw new StreamkitError('SK_INTERNAL', `no parameter ${name} in this package`);
      return values[name] ?? parameter.default;
    };
    return parameters.reduce<RawSpec>(
      (raw, p) => mergeSpec(raw, p.toSpec(parameterValue(p.name), parameterValue)),
      options.base,
    );
  };
  let synths = 0;
  const synthOf = (values: Readonly<Record<string, ParameterValue>>, why: string) => {
    synths += 1;
    return synth(specFor(values), why);
  };

  const base = synthOf({}, 'every parameter at its default');
  const template = structuredClone(base);
  const uses: Record<string, number> = Object.fromEntries(parameters.map((p) => [p.name, 0]));
  const replaced: JsonPath[] = [];

  const probed = parameters.filter((p) => p.probe !== undefined);
  if (probed.length > 0) {
    const probes = Object.fromEntries(probed.map((p) => [p.name, p.probe!]));
    const variant = synthOf(probes, 'every parameter at its probe value');
    for (const path of differences(base, variant)) {
      const before = nodeAt(base, path);
      const after = nodeAt(variant, path);
      const explained = explainValue(path, before, after, probed);
      if (!explained) {
        const [shownBefore, shownAfter] = excerpts(before, after);
        throw new StreamkitError(
          'SK_INTERNAL',
          `packaging cannot turn ${probed.map((p) => p.name).join(', ')} into parameters: ${formatJsonPath(path)} is ` +
            `${shownBefore} with the defaults and ${shownAfter} with ${describeValues(probed, probes)}, which is not ` +
            'a value of one of them (the stack computes it from a setting, so that setting cannot be a parameter)',
          { details: { path: formatJsonPath(path) } },
        );
      }
      checkSubstitutable(path, 'parameter');
      replaceAt(template, path, explained.node);
      replaced.push(path);
      for (const name of explained.parameters) uses[name]! += 1;
    }
  }

  const conditions: JsonObject = {};
  for (const parameter of parameters.filter((p) => p.probe === undefined)) {
    const values = parameter.allowedValues ?? [];
    if (values.length < 2 || !values.includes(String(parameter.default))) {
      throw new StreamkitError(
        'SK_INTERNAL',
        `switch parameter ${parameter.name} needs at least two allowed values, its default among them`,
      );
    }
    const variants = new Map<string, JsonObject>();
    for (const value of values.filter((v) => v !== String(parameter.default))) {
      const variant = synthOf({ [parameter.name]: value }, `${parameter.name}=${value}`);
      checkSameResources(base, variant, `${parameter.name}=${value}`);
      variants.set(value, variant);
    }
    const paths = outermost([...variants.values()].flatMap((variant) => differences(base, variant)));
    // Where every template holds the parameter's value itself, a Ref does; elsewhere Fn::If picks the variant's node.
    const literal = (path: JsonPath) =>
      isValue(nodeAt(base, path), String(parameter.default)) &&
      [...variants].every(([value, variant]) => isValue(nodeAt(variant, path), value));
    let conditional = false;
    for (const path of paths) {
      checkSubstitutable(path, `switch ${parameter.name}`);
      const overlap = replaced.find((other) => isWithin(other, path) || isWithin(path, other));
      if (overlap) {
        throw new StreamkitError(
          'SK_INTERNAL',
          `packaging cannot make ${parameter.name} a parameter: it changes ${formatJsonPath(path)}, where another ` +
            `parameter already sets ${formatJsonPath(overlap)}`,
        );
      }
      if (!literal(path)) conditional = true;
      const node: Json = literal(path)
        ? { Ref: parameter.name }
        : [...variants].reduceRight<Json>(
            (otherwise, [value, variant]) => ({
              'Fn::If': [conditionName(parameter.name, value), orNoValue(nodeAt(variant, path)), otherwise],
            }),
            orNoValue(nodeAt(base, path)),
          );
      replaceAt(template, path, node);
      replaced.push(path);
      uses[parameter.name]! += 1;
    }
    if (conditional) {
      for (const value of variants.keys()) {
        conditions[conditionName(parameter.name, value)] = { 'Fn::Equals': [{ Ref: parameter.name }, value] };
      }
    }
  }

  const unused = parameters.filter((p) => uses[p.name] === 0).map((p) => p.name);
  if (unused.length > 0) {
    throw new StreamkitError(
      'SK_INTERNAL',
      `parameters that change nothing in the template: ${unused.join(', ')} (a parameter must set what it names)`,
    );
  }
  if (Object.keys(conditions).length > 0) {
    template.Conditions = { ...(isJsonObject(template.Conditions) ? template.Conditions : {}), ...conditions };
  }
  if (options.stackName) replaceStackName(template, options.stackName);
  return { template, uses, synths };
}

/** Deep merge of spec input: objects key by key, lists item by item, anything else replaced. */
export function mergeSpec(base: RawSpec, over: RawSpec): RawSpec {
  return merge(base, over) as RawSpec;
}

function merge(base: unknown, over: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(over)) {
    const length = Math.max(base.length, over.length);
    return Array.from({ length }, (_, i) => (i < over.length ? merge(base[i], over[i]) : base[i]));
  }
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(over)) out[key] = merge(base[key], value);
    return out;
  }
  return over === undefined ? base : over;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type Scalar = string | number | boolean;
const isScalar = (value: Json | undefined): value is Scalar =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/** True when `node` is the parameter value `value` itself (CloudFormation passes every parameter as text). */
function isValue(node: Json | undefined, value: string): boolean {
  return isScalar(node) && String(node) === value;
}

/**
 * What replaces a node that holds `before` with the defaults and `after` with the probes: a `Ref` when it is one
 * parameter's value, a `Fn::Join` (or `Fn::Sub` text) when parameter values sit inside a string.
 */
function explainValue(
  path: JsonPath,
  before: Json | undefined,
  after: Json | undefined,
  parameters: readonly TemplateParameter[],
): { node: Json; parameters: string[] } | undefined {
  if (!isScalar(before) || !isScalar(after)) return undefined;
  for (const p of parameters) {
    if (String(before) === String(p.default) && String(after) === String(p.probe)) {
      return { node: inSub(path) ? `\${${p.name}}` : { Ref: p.name }, parameters: [p.name] };
    }
  }
  if (typeof before !== 'string' || typeof after !== 'string') return undefined;
  const candidates = parameters.filter(
    (p) => String(p.default) !== '' && before.includes(String(p.default)) && after.includes(String(p.probe)),
  );
  for (const subset of subsets(candidates, 3)) {
    const left = pieces(
      before,
      subset.map((p) => [String(p.default), p.name]),
    );
    const right = pieces(
      after,
      subset.map((p) => [String(p.probe), p.name]),
    );
    if (isDeepStrictEqual(left, right)) {
      return { node: joined(path, left), parameters: subset.map((p) => p.name) };
    }
  }
  return undefined;
}

/** Non-empty subsets of `items` with at most `max` members, smallest first. */
function subsets<T>(items: readonly T[], max: number): T[][] {
  const out: T[][] = [];
  const visit = (start: number, chosen: T[]) => {
    if (chosen.length > 0) out.push(chosen);
    if (chosen.length === max) return;
    for (let i = start; i < items.length; i++) visit(i + 1, [...chosen, items[i]!]);
  };
  visit(0, []);
  return out.sort((a, b) => a.length - b.length);
}

type Piece = string | { Ref: string };

/** `text` cut at every occurrence of the given values (earliest first, longest on a tie) into text and `Ref`s. */
function pieces(text: string, values: readonly (readonly [string, string])[]): Piece[] {
  const out: Piece[] = [];
  let rest = text;
  for (;;) {
    let best: { at: number; value: string; name: string } | undefined;
    for (const [value, name] of values) {
      const at = rest.indexOf(value);
      if (at >= 0 && (!best || at < best.at || (at === best.at && value.length > best.value.length))) {
        best = { at, value, name };
      }
    }
    if (!best) break;
    if (best.at > 0) out.push(rest.slice(0, best.at));
    out.push({ Ref: best.name });
    rest = rest.slice(best.at + best.value.length);
  }
  if (rest !== '') out.push(rest);
  return out;
}

/** Whether the node at `path` is the text of a `Fn::Sub` (where `${Name}` is written instead of a `Ref`). */
function inSub(path: JsonPath): boolean {
  const last = path[path.length - 1];
  return last === 'Fn::Sub' || (last === 0 && path[path.length - 2] === 'Fn::Sub');
}

function joined(path: JsonPath, parts: readonly Piece[]): Json {
  if (inSub(path)) return parts.map((p) => (typeof p === 'string' ? p : `\${${p.Ref}}`)).join('');
  if (parts.length === 1 && typeof parts[0] !== 'string') return parts[0]!;
  return { 'Fn::Join': ['', parts as Json[]] };
}

/** Parameters may set resource properties and outputs; nothing else of a template takes intrinsic functions. */
function checkSubstitutable(path: JsonPath, what: string): void {
  const inProperties = path[0] === 'Resources' && path[2] === 'Properties' && path.length > 3;
  const inOutputs = path[0] === 'Outputs' && path.length > 2;
  if (!inProperties && !inOutputs) {
    throw new StreamkitError(
      'SK_INTERNAL',
      `a ${what} would change ${formatJsonPath(path)}, which CloudFormation cannot take from a parameter`,
    );
  }
}

function checkSameResources(base: JsonObject, variant: JsonObject, why: string): void {
  const types = (t: JsonObject) => {
    const resources = isJsonObject(t.Resources) ? t.Resources : {};
    return Object.entries(resources).map(([id, r]) => `${id} (${isJsonObject(r) ? String(r.Type) : '?'})`);
  };
  const before = new Set(types(base));
  const after = new Set(types(variant));
  const added = [...after].filter((r) => !before.has(r));
  const removed = [...before].filter((r) => !after.has(r));
  if (added.length + removed.length > 0) {
    throw new StreamkitError(
      'SK_INTERNAL',
      `${why} changes which resources the stack has (adds ${added.join(', ') || 'none'}; removes ` +
        `${removed.join(', ') || 'none'}), so it cannot be a parameter; keep it fixed and list it in docs/package.md`,
    );
  }
}

/** The paths that are not inside another of the paths, without repeats. */
function outermost(paths: readonly JsonPath[]): JsonPath[] {
  const out: JsonPath[] = [];
  for (const path of [...paths].sort((a, b) => a.length - b.length)) {
    if (!out.some((kept) => isWithin(path, kept))) out.push(path);
  }
  return out;
}

function orNoValue(node: Json | undefined): Json {
  return node === undefined ? { Ref: 'AWS::NoValue' } : node;
}

/** `EnableEnhancedMonitoringIsTrue`. */
export function conditionName(parameter: string, value: string): string {
  const words = value.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return `${parameter}Is${words.map((w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase()).join('')}`;
}

/**
 * Every text of resource properties and outputs naming the stack says `AWS::StackName` instead — as written, and as
 * CDK's generated physical names spell it (`Names.uniqueResourceName` drops the hyphens: `streamkitpackagedstack-…`),
 * so that two stacks launched from one template never share a name (the original's bug 8). References to logical ids
 * (`Ref`, `Fn::GetAtt`, condition names), which may contain the same letters, are left alone.
 */
function replaceStackName(template: JsonObject, stackName: string): void {
  const forms: [string, string][] = [[stackName, 'AWS::StackName']];
  const compact = stackName.replace(/[^A-Za-z0-9]/g, '');
  if (compact !== stackName) forms.push([compact, 'AWS::StackName']);
  const visit = (node: Json, path: JsonPath): void => {
    if (typeof node === 'string') {
      if (!forms.some(([form]) => node.includes(form))) return;
      replaceAt(template, path, joined(path, pieces(node, forms)));
      return;
    }
    if (Array.isArray(node)) {
      const conditionFirst = path[path.length - 1] === 'Fn::If';
      for (const [i, item] of node.entries()) if (!(conditionFirst && i === 0)) visit(item, [...path, i]);
    } else if (isJsonObject(node)) {
      for (const [key, value] of Object.entries(node)) {
        if (key !== 'Ref' && key !== 'Fn::GetAtt' && key !== 'Condition') visit(value, [...path, key]);
      }
    }
  };
  for (const section of ['Resources', 'Outputs'] as const) {
    const nodes = template[section];
    if (!isJsonObject(nodes)) continue;
    for (const [id, node] of Object.entries(nodes)) {
      if (!isJsonObject(node)) continue;
      const key = section === 'Resources' ? 'Properties' : 'Value';
      if (node[key] !== undefined) visit(node[key], [section, id, key]);
      // An output's Description takes no intrinsic function: it names the stack in words.
      if (section === 'Outputs' && typeof node.Description === 'string') {
        node.Description = forms.reduce((text, [form]) => text.split(form).join('<stack name>'), node.Description);
      }
    }
  }
}

/** The two nodes as JSON, around where they first differ when they are long. */
function excerpts(before: Json | undefined, after: Json | undefined): [string, string] {
  const a = show(before, Number.POSITIVE_INFINITY);
  const b = show(after, Number.POSITIVE_INFINITY);
  if (a.length <= 200 && b.length <= 200) return [a, b];
  let at = 0;
  while (at < a.length && a[at] === b[at]) at += 1;
  const cut = (text: string) => `…${text.slice(Math.max(0, at - 80), at + 80)}…`;
  return [cut(a), cut(b)];
}

function show(node: Json | undefined, max = 200): string {
  return node === undefined ? '(absent)' : JSON.stringify(node).slice(0, max);
}

function describeValues(parameters: readonly TemplateParameter[], values: Record<string, ParameterValue>): string {
  return parameters.map((p) => `${p.name}=${values[p.name]}`).join(', ');
}
