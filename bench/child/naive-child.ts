/** The naive sweep (bench/naive-sweep.ts) as a handler module, bundled like the functions and served by bench/child/runtime.ts. */
import { createNaiveSweep } from '../naive-sweep';

export const handler = createNaiveSweep();
