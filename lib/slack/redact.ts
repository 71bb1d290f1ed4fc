/**
 * Keeps a secret URL out of error messages, stacks and cause chains. Errors from fetch can carry the
 * URL in their message or in extra properties (undici's `input`), so they are rebuilt, not passed on.
 */

const REDACTED = '[webhook URL]';
const MAX_CAUSE_DEPTH = 5;

/** The strings that give the webhook away: the URL, its path, and its token (last path segment). */
export function secretsOfUrl(url: string): string[] {
  const secrets = [url];
  try {
    const parsed = new URL(url);
    secrets.push(parsed.href, parsed.pathname + parsed.search);
    const token = parsed.pathname.split('/').filter(Boolean).pop();
    if (token && token.length >= 8) secrets.push(token);
  } catch {
    // Not a URL: the whole string is the only secret we know.
  }
  return [...new Set(secrets)].filter((secret) => secret.length > 1).sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => out.split(secret).join(REDACTED), text);
}

/** A copy of an error that keeps only its name, message, code and (sanitised) cause. */
export class SanitizedError extends Error {
  declare readonly code?: string;

  constructor(name: string, message: string, options: { code?: string; cause?: unknown; stack?: string }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = name;
    if (options.code !== undefined) this.code = options.code;
    if (options.stack !== undefined) this.stack = options.stack;
  }
}

export function sanitizeError(error: unknown, secrets: readonly string[], depth = 0): SanitizedError {
  if (!isErrorLike(error)) return new SanitizedError('Error', redact(String(error), secrets), { stack: '' });
  const code = error.code;
  const cause = error.cause !== undefined && depth < MAX_CAUSE_DEPTH ? sanitizeError(error.cause, secrets, depth + 1) : undefined;
  return new SanitizedError(redact(error.name, secrets), redact(error.message, secrets), {
    ...(typeof code === 'string' ? { code: redact(code, secrets) } : {}),
    ...(cause ? { cause } : {}),
    stack: redact(error.stack ?? '', secrets),
  });
}

interface ErrorLike {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: unknown;
  readonly cause?: unknown;
}

/** Not `instanceof Error`: fetch's DOMException (a timeout) may come from another realm. */
function isErrorLike(value: unknown): value is ErrorLike {
  const candidate = value as Partial<ErrorLike> | null;
  return typeof value === 'object' && value !== null && typeof candidate?.name === 'string' && typeof candidate.message === 'string';
}

/** `fetch failed (connect ECONNREFUSED 127.0.0.1:443)`: the message and its causes, one line. */
export function describeError(error: SanitizedError): string {
  const parts: string[] = [];
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    const code = (current as SanitizedError).code;
    parts.push(code && !current.message.includes(code) ? `${current.message} [${code}]` : current.message);
  }
  const [first, ...rest] = parts;
  return rest.length > 0 ? `${first} (${rest.join('; ')})` : (first ?? 'unknown error');
}
