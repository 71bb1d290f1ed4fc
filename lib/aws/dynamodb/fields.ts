/** Checked reads of item attributes: a damaged or foreign item becomes one StoreError naming the field. */
import { StoreError } from '../../errors';

export type Item = Record<string, unknown>;

export function malformed(where: string, field: string, expected: string, value: unknown): StoreError {
  return new StoreError(`The ${where} has ${field} = ${JSON.stringify(value)}, expected ${expected}; fix or delete the item`, false);
}

export function text(source: Item, field: string, where: string): string {
  const value = source[field];
  if (typeof value !== 'string') throw malformed(where, field, 'a string', value);
  return value;
}

export function optionalText(source: Item, field: string, where: string): string | undefined {
  return source[field] === undefined ? undefined : text(source, field, where);
}

export function number(source: Item, field: string, where: string): number {
  const value = source[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw malformed(where, field, 'a number', value);
  return value;
}

export function whole(source: Item, field: string, where: string): number {
  const value = number(source, field, where);
  if (!Number.isSafeInteger(value) || value < 0) throw malformed(where, field, 'a whole number', value);
  return value;
}

export function oneOf<T extends string>(source: Item, field: string, allowed: readonly T[], where: string): T {
  const value = source[field];
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) throw malformed(where, field, `one of ${allowed.join(', ')}`, value);
  return match;
}

export function texts(source: Item, field: string, where: string): readonly string[] {
  const value = source[field];
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) throw malformed(where, field, 'a list of strings', value);
  return value;
}

export function map(source: Item, field: string, where: string): Item {
  const value = source[field];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(where, field, 'a map', value);
  return value as Item;
}
