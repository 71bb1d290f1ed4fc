/**
 * The subset of EventBridge event-pattern matching serverless.yml uses: exact values listed in
 * arrays, nested objects, and arrays in the event. Anything else in a pattern (prefix, anything-but,
 * numeric, exists, ...) throws, so a pattern that outgrows this matcher fails the test loudly
 * instead of being matched wrongly.
 *
 * Arrays in the event: a leaf matches when any element equals any listed value (as EventBridge
 * does); a nested pattern must match within ONE element. EventBridge may combine fields from
 * different elements, so this is at least as strict: a match here is a match in EventBridge.
 */
type Primitive = string | number | boolean | null;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPrimitive(value: unknown): value is Primitive {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function matchesValues(allowed: readonly unknown[], value: unknown, path: string): boolean {
  const unsupported = allowed.find((item) => !isPrimitive(item));
  if (unsupported !== undefined) {
    throw new Error(`event pattern at ${path}: ${JSON.stringify(unsupported)} is not an exact value; this matcher handles exact values only`);
  }
  const candidates = Array.isArray(value) ? value : [value];
  return candidates.some((candidate) => candidate !== undefined && allowed.includes(candidate));
}

function matchesAt(pattern: Record<string, unknown>, event: Record<string, unknown>, path: string): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const where = path ? `${path}.${key}` : key;
    const actual = event[key];
    if (Array.isArray(expected)) return matchesValues(expected, actual, where);
    if (!isPlainObject(expected)) throw new Error(`event pattern at ${where}: expected an array of values or an object, got ${JSON.stringify(expected)}`);
    const candidates = Array.isArray(actual) ? actual : [actual];
    return candidates.some((candidate) => isPlainObject(candidate) && matchesAt(expected, candidate, where));
  });
}

export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  if (!isPlainObject(pattern)) throw new Error('an event pattern is a JSON object');
  return isPlainObject(event) && matchesAt(pattern, event, '');
}
