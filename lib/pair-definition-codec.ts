/**
 * A pair definition as stored: canonical JSON (object keys sorted, so the same content is always the
 * same text) and its content hash, which the sweep compares to write only the definitions that changed.
 * Reading checks the shape with zod: a damaged or foreign definition is reported, never trusted.
 */
import { createHash } from 'node:crypto';
import * as z from './zod';
import { FailoverRole, HealthCheckType } from './domain/model';
import type { PairDefinition } from './domain/pair-definition';

/** Bumped when the stored form changes: definitions of another format are rewritten by the next cold sweep. */
export const PAIR_DEFINITION_FORMAT = 1;

/** The same definition always gives the same text, whatever order its objects were built in. */
export function encodePairDefinition(definition: PairDefinition): string {
  return JSON.stringify(definition, (_key, value: unknown) =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : value,
  );
}

/** 128 bits of SHA-256 of the format and the encoded definition, in hex: what the sweep compares. */
export function hashPairDefinition(encoded: string): string {
  return createHash('sha256').update(`${PAIR_DEFINITION_FORMAT}\n${encoded}`).digest('hex').slice(0, 32);
}

const recordSet = z.object({
  name: z.string(),
  type: z.string(),
  setIdentifier: z.optional(z.string()),
  failover: z.optional(z.enum([FailoverRole.PRIMARY, FailoverRole.SECONDARY])),
  healthCheckId: z.optional(z.string()),
  alias: z.optional(z.object({ dnsName: z.string(), hostedZoneId: z.string(), evaluateTargetHealth: z.boolean() })),
  values: z.array(z.string()),
});

const healthCheck = z.object({
  id: z.string(),
  type: z.enum(Object.values(HealthCheckType) as [HealthCheckType, ...HealthCheckType[]]),
  inverted: z.boolean(),
  disabled: z.boolean(),
  target: z.string(),
  childHealthCheckIds: z.array(z.string()),
  healthThreshold: z.number(),
});

const pairDefinition = z.object({
  pair: z.object({
    id: z.object({ zoneId: z.string(), name: z.string(), type: z.string() }),
    zoneName: z.string(),
    privateZone: z.optional(z.boolean()),
    primary: recordSet,
    secondary: recordSet,
  }),
  aliasTargets: z.array(recordSet),
  healthChecks: z.array(healthCheck),
});

/** The definition in `encoded`, or why it is not one. */
export function decodePairDefinition(encoded: string): { readonly definition: PairDefinition } | { readonly problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(encoded);
  } catch (error) {
    return { problem: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const parsed = pairDefinition.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { problem: `${issue?.path.join('.') || '(definition)'}: ${issue?.message ?? 'invalid'}` };
  }
  // Typed as the domain's PairDefinition: a schema that drifted from the domain types fails to compile here.
  return { definition: parsed.data };
}
