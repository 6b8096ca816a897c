// The local function runner against the embedded log (the local target's default streams).
import { runnerContract } from './runner-contract.js';

runnerContract('the embedded log', () => ({ kind: 'embedded' }));
