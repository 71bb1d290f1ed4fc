/**
 * The README is short and every page of docs/ is reachable from it; no link points nowhere, and every
 * test or source file a page names exists (files move: this says which page to update).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const README = join(ROOT, 'README.md');
const DOCS = join(ROOT, 'docs');
const PAGES = [README, ...readdirSync(DOCS).filter((file) => file.endsWith('.md')).map((file) => join(DOCS, file))];

/** Markdown links outside code: [text](target). */
function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const headings = markdown.replace(/```[\s\S]*?```/g, '').match(/^#{1,6} .+$/gm) ?? [];
  return new Set(headings.map((heading) => heading.replace(/^#+ /, '').toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-')));
}

describe('README and docs', () => {
  it('the README stays at most 200 lines', () => {
    expect(readFileSync(README, 'utf8').split('\n').length).toBeLessThanOrEqual(200);
  });

  it('every page of docs/ is linked from the README', () => {
    const linked = new Set(linksOf(readFileSync(README, 'utf8')).map((link) => resolve(ROOT, link.split('#')[0]!)));
    expect(PAGES.filter((page) => page !== README && !linked.has(page)).map((page) => relative(ROOT, page))).toEqual([]);
  });

  it.each(PAGES.map((page) => relative(ROOT, page)))('%s: every relative link reaches a file, and a heading when it names one', (page) => {
    const broken = linksOf(readFileSync(join(ROOT, page), 'utf8'))
      .filter((link) => !/^[a-z]+:/.test(link))
      .filter((link) => {
        const [path = '', anchor] = link.split('#');
        const target = path === '' ? join(ROOT, page) : resolve(dirname(join(ROOT, page)), path);
        if (!existsSync(target)) return true;
        return anchor !== undefined && target.endsWith('.md') && !anchorsOf(readFileSync(target, 'utf8')).has(anchor);
      });
    expect(broken).toEqual([]);
  });

  it.each(PAGES.map((page) => relative(ROOT, page)))('%s: every test and source file it names exists', (page) => {
    const named = [...readFileSync(join(ROOT, page), 'utf8').matchAll(/(?<![\w/.-])(?:test|lib|handlers|local|scripts|events|bench)\/[\w./-]*\w/g)].map((match) => match[0]);
    expect(named.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
  });

  it('the checks can fail: a link to a missing heading or file is found', () => {
    expect(linksOf('see [a](docs/x.md#y) and `[not](a-link)`')).toEqual(['docs/x.md#y']);
    expect(anchorsOf('## On call: the `failwatch` command\n')).toEqual(new Set(['on-call-the-failwatch-command']));
  });
});
