import { fileURLToPath } from 'node:url';

/** The repository root: function entries and ASL files in the manifest are relative to it. */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url));
