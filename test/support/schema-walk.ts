import type { z } from 'zod';

/**
 * Every text field of a zod schema, found by walking the schema itself (not a
 * sample), so a field added later is found too. A path step is an object key,
 * an array or tuple index, or KEY for the keys of a record.
 */
export const KEY = Symbol('record key');
export type Step = string | number | typeof KEY;

interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly out?: z.ZodType;
  readonly element?: z.ZodType;
  readonly items?: readonly z.ZodType[];
  readonly options?: readonly z.ZodType[];
  readonly keyType?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly left?: z.ZodType;
  readonly right?: z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

const NO_TEXT = new Set(['number', 'boolean', 'enum', 'literal', 'bigint', 'null', 'undefined', 'never', 'date', 'nan']);

export function textFields(schema: z.ZodType, path: readonly Step[] = []): Step[][] {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return [[...path]];
    case 'object':
      return Object.entries(def.shape ?? {}).flatMap(([key, value]) => textFields(value, [...path, key]));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return textFields(def.innerType as z.ZodType, path);
    case 'pipe':
      return textFields(def.in as z.ZodType, path);
    case 'array':
      return textFields(def.element as z.ZodType, [...path, 0]);
    case 'tuple':
      return (def.items ?? []).flatMap((item, i) => textFields(item, [...path, i]));
    case 'union':
      // Each member is walked with the same sample: callers split discriminated unions themselves.
      return (def.options ?? []).flatMap((option) => textFields(option, path));
    case 'intersection':
      return [...textFields(def.left as z.ZodType, path), ...textFields(def.right as z.ZodType, path)];
    case 'record':
      // Records of counts (a day's summary): their keys are the text.
      if (textFields(def.valueType as z.ZodType).length > 0) throw new Error(`schema walk: a record of text values at ${pathText(path)}`);
      return defOf(def.keyType as z.ZodType).type === 'string' ? [[...path, KEY]] : [];
    default:
      if (NO_TEXT.has(def.type)) return [];
      throw new Error(`schema walk: no rule for a ${def.type} at ${path.map(String).join('.')}`);
  }
}

/** The sample with `value` put at the path (intermediate objects and arrays made as needed). */
export function withValueAt(sample: unknown, path: readonly Step[], value: string): unknown {
  const root = structuredClone(sample) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = root;
  for (let i = 0; i < path.length - 1; i++) {
    const step = path[i] as string | number;
    if (path[i + 1] === KEY) {
      node[step] = { [value]: 1 };
      return root;
    }
    let child = node[step];
    if (child === null || typeof child !== 'object') {
      child = typeof path[i + 1] === 'number' ? [] : {};
      node[step] = child;
    }
    node = child as Record<string | number, unknown>;
  }
  const last = path[path.length - 1];
  if (last === KEY) return { [value]: 1 };
  if (last !== undefined) node[last] = value;
  return root;
}

export function pathText(path: readonly Step[]): string {
  return path.map((s) => (s === KEY ? '<key>' : String(s))).join('.');
}

/** Issues of a failed parse at the field's path (for a record key: the record's path, the value as its last step). */
export function issuesAt(error: z.ZodError, path: readonly Step[], value: string): z.core.$ZodIssue[] {
  const want = path.map((s) => (s === KEY ? value : s));
  return error.issues.filter((issue) => issue.path.length === want.length && issue.path.every((step, i) => step === want[i]));
}
