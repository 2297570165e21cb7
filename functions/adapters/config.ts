/**
 * Reads a variable the stack sets on a function; fails loudly when it is missing. Read when a
 * resource is first used, so that a handler that does not need a resource does not need its variable.
 */
export function requiredVariable(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
