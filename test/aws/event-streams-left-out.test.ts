import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as leftOut from '../../lib/aws/event-streams-left-out';

describe('event streams, left out of the bundles', () => {
  it('a call that would stream events fails saying where they went and how to bring them back', () => {
    expect(() => new leftOut.EventStreamSerde()).toThrow(/left out of Failwatch's bundles \(lib\/aws\/event-streams-left-out\.ts\).*Remove the alias in serverless\.yml/);
    expect(() => leftOut.eventStreamSerdeProvider()).toThrow(/left out of Failwatch's bundles/);
  });

  it('stands in for every name the installed SDK loads from @smithy/core/event-streams', () => {
    const sdkCores = ['@smithy/core', '@aws-sdk/core'].map((name) => join(__dirname, '..', '..', 'node_modules', name, 'dist-es'));
    const sources = sdkCores.flatMap((dir) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js')).map((file) => readFileSync(join(dir, file), 'utf8')));
    const loads = sources.flatMap((source) => [...source.matchAll(/const \{([^}]+)\} = await import\("@smithy\/core\/event-streams"\)/g)].flatMap((match) => match[1]!.split(',').map((name) => name.trim())));
    expect(loads.length).toBeGreaterThan(0);
    for (const name of loads) expect([name, typeof (leftOut as Record<string, unknown>)[name]]).toEqual([name, 'function']);
  });
});
