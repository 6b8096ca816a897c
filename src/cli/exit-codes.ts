export { ExitCode } from '../core/errors.js';
