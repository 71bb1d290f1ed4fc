/**
 * Text helpers for Slack: escaping for mrkdwn and truncation that respects Slack's length limits.
 * Pure functions; lengths are JavaScript string lengths (UTF-16 units), which never undercount.
 */

const ELLIPSIS = '…';

/** Slack reads `&`, `<` and `>` as control characters in mrkdwn (links, mentions, `<!channel>`). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts `text` to at most `max` characters, ending with `…`, never splitting a surrogate pair. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  return withEllipsis(text, max);
}

/** Escapes, then cuts to `max` characters without leaving half an entity such as `&am`. */
export function truncateMrkdwn(text: string, max: number): string {
  return truncateEscaped(escapeMrkdwn(text), max);
}

/** Like truncateMrkdwn, for text that is already escaped mrkdwn. */
export function truncateEscaped(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  let cut = cutBefore(escaped, max - ELLIPSIS.length);
  const amp = cut.lastIndexOf('&');
  if (amp !== -1 && !cut.includes(';', amp)) cut = cut.slice(0, amp);
  return cut + ELLIPSIS;
}

/** Collapses line breaks and runs of spaces, for one-line texts such as headers and buttons. */
export function singleLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function withEllipsis(text: string, max: number): string {
  return cutBefore(text, max - ELLIPSIS.length) + ELLIPSIS;
}

function cutBefore(text: string, length: number): string {
  const cut = text.slice(0, Math.max(0, length));
  const last = cut.charCodeAt(cut.length - 1);
  const isHighSurrogate = last >= 0xd800 && last <= 0xdbff;
  return isHighSurrogate ? cut.slice(0, -1) : cut;
}
