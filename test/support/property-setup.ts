/**
 * Vitest setup file: every fast-check property of the suite runs from the same fixed seed
 * (test/support/property-seed.ts), so `npm test` checks the same instances on every run.
 */
import fc from 'fast-check';
import { propertySeed } from './property-seed.ts';

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: propertySeed() });
