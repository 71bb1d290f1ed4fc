/**
 * The one way lib/ and handlers/ reach zod: `zod/mini`, the functional, tree-shakable API (a
 * fraction of full `zod` in each bundle and in cold-start time), with full zod's English messages.
 *
 * Import it as a namespace, `import * as z from './zod'`: esbuild then keeps only the functions
 * used. (zod/mini's own `z` export is one object holding everything, every locale included, and
 * would put all of it back in the bundle.)
 *
 * Full `zod` registers its English locale itself; `zod/mini` leaves messages to the caller, and
 * without a locale every default message is "Invalid input". The messages name what is wrong
 * ("Invalid input: expected string, received undefined"), and lib/runtime/events.ts reads them, so this
 * sets English unless something already chose a locale (as full zod does).
 */
import { config, minLength, string } from 'zod/mini';
import { en } from 'zod/locales';

if (!config().localeError) config(en());
/*
 * A schema parses a handful of values per container (the settings once, one event per invocation):
 * the generated fast path zod builds for an object schema on its first parse (new Function, after
 * probing that eval is allowed) costs more at a cold start than it can save afterwards.
 */
config({ jitless: true });

export * from 'zod/mini';

/** A string with at least one character; one instance shared by every schema that needs it. */
export const nonEmptyString = string().check(minLength(1));
