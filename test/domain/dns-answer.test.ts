import { confirmDnsAnswer, dnsAnswerSkipReason, type DnsAnswer } from '../../lib/domain/dns-answer';
import { ServingState, type KnownServingState } from '../../lib/domain/model';
import { aPair, anAlias } from '../support/domain-fixtures';
import { LOAD_BALANCER_DOCS, quoting } from './route53-guide';

const answered = (...values: string[]): DnsAnswer => ({ kind: 'ANSWERED', values, responseCode: 'NOERROR', askedAt: '2026-11-25T10:00:01.000Z' });
const reference = aPair();
const albPair = aPair({
  primary: { values: [], alias: anAlias('dualstack.web-1.eu-west-1.elb.amazonaws.com.', 'Z32O12XQLNTSW2') },
  secondary: { values: [], alias: anAlias('dualstack.web-2.us-east-1.elb.amazonaws.com.', 'Z35SXDOTRQ7X7K') },
});
const mixedPair = aPair({ primary: { values: [], alias: anAlias('dualstack.web-1.eu-west-1.elb.amazonaws.com.', 'Z32O12XQLNTSW2') } });

describe('confirmDnsAnswer: what Route 53 answers, held against the side Failwatch decided', () => {
  it.each([
    ['the secondary decided, Route 53 answers its address → AGREES', reference, ServingState.SECONDARY, answered('10.0.1.1'), 'AGREES', "Route 53 answers 10.0.1.1, the secondary's address, as Failwatch decided."],
    ['the primary decided (both unhealthy: DNS fails open to it) → compared with the primary', reference, ServingState.ALL_UNHEALTHY, answered('10.0.0.1'), 'AGREES', "Route 53 answers 10.0.0.1, the primary's address, as Failwatch decided."],
    ['values in another order and case, with a trailing dot, still agree', aPair({ secondary: { type: 'CNAME', values: ['B.example.net.', 'a.example.net'] } }), ServingState.SECONDARY, answered('a.example.net.', 'b.example.net'), 'AGREES', "Route 53 answers a.example.net., b.example.net, the secondary's values, as Failwatch decided."],
  ] as const)('%s', (_case, pair, serving, answer, status, sentence) => {
    expect(confirmDnsAnswer(pair, serving as KnownServingState, answer)).toMatchObject({ status, sentence });
  });

  describe(`a disagreement is said plainly, with the propagation delay — ${quoting(LOAD_BALANCER_DOCS.propagation)}`, () => {
    it.each([
      ['the secondary decided, Route 53 still answers the primary', reference, ServingState.SECONDARY, answered('10.0.0.1'), /^Route 53 answers 10\.0\.0\.1, the primary's address, not the secondary Failwatch decided\. DNS changes take up to a minute to propagate/],
      ['an address of neither side', reference, ServingState.PRIMARY, answered('10.9.9.9'), /^Route 53 answers 10\.9\.9\.9, which is not the primary's address \(10\.0\.0\.1\) that Failwatch decided\. DNS changes take up to a minute/],
      ['no answer at all', reference, ServingState.SECONDARY, { kind: 'ANSWERED', values: [], responseCode: 'NXDOMAIN', askedAt: '2026-11-25T10:00:01.000Z' }, /^Route 53 answers nothing \(NXDOMAIN\), which is not the secondary's address/],
      ["the alias side decided, Route 53 answers the plain side's address", mixedPair, ServingState.PRIMARY, answered('10.0.1.1'), /^Route 53 answers 10\.0\.1\.1, the secondary's address, not the primary Failwatch decided/],
    ] as const)('%s → DISAGREES', (_case, pair, serving, answer, sentence) => {
      const confirmation = confirmDnsAnswer(pair, serving as KnownServingState, answer as DnsAnswer);
      expect(confirmation.status).toBe('DISAGREES');
      expect(confirmation.sentence).toMatch(sentence);
    });
  });

  it("an alias side (a load balancer's addresses) is reported as answered, not compared", () => {
    expect(confirmDnsAnswer(albPair, ServingState.SECONDARY, answered('52.1.2.3', '52.1.2.4'))).toEqual({
      status: 'NOT_COMPARED',
      decided: 'SECONDARY',
      values: ['52.1.2.3', '52.1.2.4'],
      responseCode: 'NOERROR',
      askedAt: '2026-11-25T10:00:01.000Z',
      sentence: "Route 53 answers 52.1.2.3, 52.1.2.4 (the addresses of the secondary's alias target dualstack.web-2.us-east-1.elb.amazonaws.com, reported as they are, not compared).",
    });
  });

  it('skipped or unreadable: the reason, never a comparison', () => {
    expect(confirmDnsAnswer(reference, ServingState.SECONDARY, { kind: 'SKIPPED', reason: 'the Route 53 request budget is short' })).toEqual({ status: 'SKIPPED', decided: 'SECONDARY', reason: 'the Route 53 request budget is short', sentence: "Route 53's answer was not asked for: the Route 53 request budget is short." });
    expect(confirmDnsAnswer(reference, ServingState.PRIMARY, { kind: 'UNAVAILABLE', reason: 'TestDNSAnswer timed out after 2 s' })).toMatchObject({ status: 'UNAVAILABLE', sentence: "Route 53's answer could not be read: TestDNSAnswer timed out after 2 s." });
  });
});

describe(`dnsAnswerSkipReason — ${quoting(LOAD_BALANCER_DOCS.publicZonesOnly)}`, () => {
  it('a private zone is skipped, with the reason', () => {
    expect(dnsAnswerSkipReason({ ...reference, privateZone: true })).toContain('"only supports querying public hosted zones"');
  });

  it('a public zone is asked', () => {
    expect(dnsAnswerSkipReason(reference)).toBeUndefined();
  });
});
