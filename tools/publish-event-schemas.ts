/**
 * Writes the JSON Schema of every event detail (from the zod schemas in functions/shared/events.ts)
 * to functions/shared/event-schemas/, so subscribers can validate without reading our code.
 * `npm run events:schemas`; a unit test fails when the committed files are out of date.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { type DetailType, eventSchemas, eventSources } from '../functions/shared/events.ts';
import { projectRoot } from '../lib/paths.ts';

export const eventSchemaDir = join(projectRoot, 'functions/shared/event-schemas');

export function eventJsonSchema(detailType: DetailType): string {
  const schema = z.toJSONSchema(eventSchemas[detailType], { target: 'draft-2020-12' });
  const published = {
    ...schema,
    $id: `https://relais.dev/events/${detailType}.json`,
    title: detailType,
    description: `detail of ${detailType} events (source ${eventSources[detailType]})`,
  };
  return `${JSON.stringify(published, null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  mkdirSync(eventSchemaDir, { recursive: true });
  for (const detailType of Object.keys(eventSchemas) as DetailType[]) {
    writeFileSync(join(eventSchemaDir, `${detailType}.json`), eventJsonSchema(detailType));
    console.log(`wrote ${detailType}.json`);
  }
}
