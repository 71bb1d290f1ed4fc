// @ts-check
/**
 * esbuild plugins for the deployed bundles (serverless.yml: custom.esbuild.plugins). Plain CommonJS:
 * serverless-esbuild `require`s this file from plain Node while it packages.
 *
 * sdkSchemasPlugin trims each AWS SDK client's generated schemas (dist-es/schemas/schemas_0.js) as it is
 * bundled, for a shorter cold start (alarm ~7 ms, poll ~6 ms; bench/README.md), in two ways:
 *
 * 1. Trait keys written out. The generated code writes traits as `{ [_e]: _c, [_hE]: 404 }`, keys being
 *    module constants. esbuild keeps any object with a computed key, unused or not (it cannot prove the
 *    key has no side effect), so every operation's schema stayed in the bundle: Route 53's 74 operations
 *    for the 6 Failwatch calls. `{ "error": _c, "httpError": 404 }` is the same object, and esbuild drops
 *    it when unused. This is the fix proposed upstream for aws/aws-sdk-js-v3#7607 (smithy-typescript
 *    PR #1889, "use literal string keys"); when the SDK ships it, this step finds nothing to change.
 *
 * 2. Modeled errors registered only where it changes what Failwatch sees. Each client registers a class
 *    for every error its service models (Route 53: 71) when it loads. Failwatch tells SDK errors apart by
 *    `name` and HTTP status, never by a modeled error's class or `$fault` (lib/aws/sdk-errors.ts and the
 *    adapters; an adapter may check for the service's base exception, which is always kept); for an
 *    error with no registration the SDK throws the service's base exception (e.g. Route53ServiceException)
 *    named by the error code, with the service's message and `$metadata`, and a `$fault` from the HTTP
 *    status rather than from the model (@aws-sdk/core ProtocolLib, getErrorSchemaOrThrowBaseException;
 *    they differ only when a status contradicts the model). So a registration is kept when it does change that: the base
 *    exception's; errors whose class carries `$retryable` (the SDK's retry reads it); and, in clients whose
 *    protocol reads legacy query error codes (the Query protocol, as SNS; JSON with `awsQueryCompatible`, as
 *    CloudWatch), errors the SDK names after their shape rather than after the code on the wire (SNS
 *    `NotFound` → `NotFoundException`) or whose code another error shares. Every other registration is dropped.
 *
 * Anything not in the shape it recognises is left as generated, so an SDK upgrade should at worst take the
 * saving away; what proves it, for the SDK installed, is test/aws/sdk-bundle-equivalence.test.ts, which proves a bundle built with this plugin sends the
 * same requests, reads the same answers and reports the same errors as the SDK as published, for every
 * call Failwatch makes and each error its adapters act on, and that the saving is there.
 */
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const GENERATED_SCHEMAS = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;
const STRING_CONSTANT = /^const (_\w+) = ("[^"\\\n]*");$/gm;
const CONSTANT_KEY = /([{,]\s*)\[(_\w+)\]: /g;
const STRING_OR_TEMPLATE_LITERAL = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g;
const BASE_EXCEPTION_REGISTRY = /^const (\w+) = new TypeRegistry\(_s\);$/m;
const REGISTRATION = /^(\w+)\.registerError\((\w+)\$, (\w+)\);$/gm;
/** `export var NotFoundException$ = [-3, n0, _NFE,` then its traits object on the next line. */
const QUERY_ERROR_TRAIT = /(?:"awsQueryError"|\bawsQueryError|\[(\w+)\]): \[`([^`]*)`, \d+\]/g;
const ERROR_SCHEMA = /^export var (\w+)\$ = \[-3, \w+, (\w+),\n\s+(\{[^\n]*\})/gm;

/**
 * The module's top-level string constants (`const _e = "error";`), by name, with their values.
 * @param {string} source
 * @returns {Map<string, string>}
 */
function stringConstantsOf(source) {
  return new Map([...source.matchAll(STRING_CONSTANT)].map(([, name = '', literal = '""']) => [name, String(JSON.parse(literal))]));
}

/**
 * `{ [_e]: _c }` → `{ "error": _c }` wherever `_e` is one of the module's string constants and the key opens
 * an object literal or follows a comma. Left as generated: a key whose constant is "__proto__" (written out,
 * it would set the prototype), and the whole module if any string or template literal in it holds `[_`
 * (the substitution is textual; the generated schemas have no such literal).
 * @param {string} source
 * @returns {string}
 */
function withLiteralTraitKeys(source) {
  const literals = source.match(STRING_OR_TEMPLATE_LITERAL) ?? [];
  if (literals.some((literal) => literal.includes('[_'))) return source;
  const strings = stringConstantsOf(source);
  return source.replace(CONSTANT_KEY, (key, opening, name) => {
    const value = strings.get(name);
    return value === undefined || value === '__proto__' ? key : `${opening}${JSON.stringify(value)}: `;
  });
}

/**
 * The classes in a client's models/errors.js that carry `$retryable`; undefined when it cannot be read.
 * @param {string} errorsFile
 * @returns {Set<string> | undefined}
 */
function retryableErrorClasses(errorsFile) {
  if (!existsSync(errorsFile)) return undefined;
  const retryable = new Set();
  for (const block of readFileSync(errorsFile, 'utf8').split(/^export class /m).slice(1)) {
    const name = /^\w+/.exec(block)?.[0];
    // Any mention at all, so that a differently written trait keeps its class rather than drops it.
    if (name !== undefined && block.includes('$retryable')) retryable.add(name);
  }
  return retryable;
}

/**
 * An error's legacy query code from its traits (`{ [_aQE]: [`NotFound`, 404], ... }`, or with the key
 * written out): undefined without the trait, null when the trait is there but not readable.
 * @param {string} traits
 * @param {string | undefined} queryErrorKey the module's constant holding "awsQueryError"
 * @returns {string | null | undefined}
 */
function queryCodeIn(traits, queryErrorKey) {
  if (!traits.includes('awsQueryError') && (queryErrorKey === undefined || !traits.includes(`[${queryErrorKey}]`))) return undefined;
  for (const [, computedKey, code] of traits.matchAll(QUERY_ERROR_TRAIT)) {
    if (computedKey === undefined || computedKey === queryErrorKey) return code;
  }
  return null;
}

/**
 * The generated module with the registrations of errors Failwatch reads by name alone taken out (each
 * line left blank, so the source map's lines still match the file).
 * @param {string} source the generated schemas module
 * @param {Set<string> | undefined} retryable from retryableErrorClasses
 * @param {boolean} readsQueryErrorCodes whether the client's protocol looks errors up by legacy query code
 * @returns {{ contents: string, kept: string[], dropped: string[] }}
 */
function withoutNameOnlyErrorRegistrations(source, retryable, readsQueryErrorCodes) {
  /** @type {string[]} */
  const kept = [];
  /** @type {string[]} */
  const dropped = [];
  const baseRegistry = BASE_EXCEPTION_REGISTRY.exec(source)?.[1];
  if (baseRegistry === undefined || retryable === undefined) return { contents: source, kept, dropped };
  const strings = stringConstantsOf(source);
  const queryErrorKey = [...strings].find(([, value]) => value === 'awsQueryError')?.[0];
  /** @type {Map<string, { shape: string | undefined, queryCode: string | null | undefined }>} */
  const errors = new Map();
  for (const [, name = '', shapeConstant = '', traits = ''] of source.matchAll(ERROR_SCHEMA)) {
    errors.set(name, { shape: strings.get(shapeConstant), queryCode: queryCodeIn(traits, queryErrorKey) });
  }
  /** How many errors answer to each legacy query code. */
  const queryCodeUses = new Map();
  for (const { queryCode } of errors.values()) queryCodeUses.set(queryCode, (queryCodeUses.get(queryCode) ?? 0) + 1);
  /**
   * Whether the SDK could name the error otherwise once it is not registered: it looks the code on the wire
   * up by shape name first, then by legacy query code (@aws-sdk/core findQueryCompatibleError).
   * @param {{ shape: string | undefined, queryCode: string | null | undefined }} error
   */
  const namedOtherwiseOnTheWire = ({ shape, queryCode }) => {
    if (!readsQueryErrorCodes) return false;
    if (shape === undefined || queryCode === null || (queryCode !== undefined && queryCode !== shape)) return true;
    // Another error answering to this error's name would be found in its place.
    return (queryCodeUses.get(shape) ?? 0) - (queryCode === shape ? 1 : 0) > 0;
  };
  const contents = source.replace(REGISTRATION, (line, registry, schema, errorClass) => {
    const error = errors.get(schema);
    const nameOnly = registry !== baseRegistry && schema === errorClass && error !== undefined && !namedOtherwiseOnTheWire(error) && !retryable.has(errorClass);
    (nameOnly ? dropped : kept).push(errorClass);
    return nameOnly ? '' : line;
  });
  return { contents, kept, dropped };
}

/**
 * Whether the client's protocol looks errors up by their legacy query code: the Query protocol, or JSON
 * with `awsQueryCompatible` (@aws-sdk/core findQueryCompatibleError). True when it cannot tell.
 * @param {string} runtimeConfigFile the client's runtimeConfig.shared.js
 * @returns {boolean}
 */
function readsQueryErrorCodes(runtimeConfigFile) {
  if (!existsSync(runtimeConfigFile)) return true;
  const config = readFileSync(runtimeConfigFile, 'utf8');
  if (/\bAwsQueryProtocol\b|awsQueryCompatible: true/.test(config)) return true;
  return !/\b(AwsJson1_[01]Protocol|AwsRestXmlProtocol|AwsRestJsonProtocol)\b/.test(config);
}

/**
 * Both steps, for the schemas module at `path` (its client's models/errors.js beside it).
 * @param {string} source
 * @param {string} path
 * @returns {{ contents: string, kept: string[], dropped: string[] }}
 */
function trimGeneratedSchemas(source, path) {
  const client = join(dirname(path), '..');
  const retryable = retryableErrorClasses(join(client, 'models', 'errors.js'));
  const { contents, kept, dropped } = withoutNameOnlyErrorRegistrations(source, retryable, readsQueryErrorCodes(join(client, 'runtimeConfig.shared.js')));
  return { contents: withLiteralTraitKeys(contents), kept, dropped };
}

/** @type {import('esbuild').Plugin} */
const sdkSchemasPlugin = {
  name: 'failwatch-sdk-schemas',
  setup(build) {
    build.onLoad({ filter: GENERATED_SCHEMAS }, (args) => ({
      contents: trimGeneratedSchemas(readFileSync(args.path, 'utf8'), args.path).contents,
      loader: 'js',
    }));
  },
};

module.exports = [sdkSchemasPlugin];
module.exports.trimGeneratedSchemas = trimGeneratedSchemas;
