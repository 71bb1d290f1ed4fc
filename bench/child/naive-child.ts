/** A container running the naive sweep (bench/naive-sweep.ts), for comparison. */
import { createNaiveSweep } from '../naive-sweep';
import { serveInvocations } from './runtime';

serveInvocations(createNaiveSweep());
