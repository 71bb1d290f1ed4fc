/**
 * Stands in for `@smithy/core/event-streams` in the deployed bundles (serverless.yml's esbuild
 * `alias`). No call Failwatch makes streams events, but the SDK reaches that module through one
 * dynamic `import()`, and to keep it loadable on demand esbuild wraps it and the ~170 modules it
 * shares with the rest of the SDK in lazy initialisers, which V8 compiles twice: ~7 ms of each cold
 * start (bench/README.md). A client whose operations stream events would break the build (its static
 * imports find nothing here) or fail here, saying why.
 */
const LEFT_OUT = 'Event streams are left out of Failwatch\'s bundles (lib/aws/event-streams-left-out.ts): no call Failwatch makes has one. Remove the alias in serverless.yml to call one.';

export class EventStreamSerde {
  constructor() {
    throw new Error(LEFT_OUT);
  }
}

export function eventStreamSerdeProvider(): never {
  throw new Error(LEFT_OUT);
}
