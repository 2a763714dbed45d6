import { z } from 'zod';
import { eventCatalogue, eventTypes, type EventType } from './events';
import { buildEventBody } from './envelope';

/** The Webhook Events Reference, derived from the catalogue's zod schemas so it cannot drift from them. */

export type ReferenceField = { path: string; type: string; required: boolean; notes: string };
export type ReferenceEvent = { type: EventType; description: string; fields: ReferenceField[]; example: string };

type JsonSchema = {
  type?: string;
  format?: string;
  description?: string;
  const?: unknown;
  enum?: unknown[];
  minimum?: number;
  minItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
};

const formats: Record<string, string> = { email: 'email address', date: 'date (YYYY-MM-DD)', 'date-time': 'ISO-8601 UTC time' };

function describe(schema: JsonSchema): { type: string; notes: string } {
  const notes: string[] = [];
  if (schema.const !== undefined) notes.push(`always ${JSON.stringify(schema.const)}`);
  if (schema.enum) notes.push(`one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  if (schema.format && formats[schema.format]) notes.push(formats[schema.format]!);
  if (schema.description) notes.push(schema.description);
  if (schema.type === 'integer' && schema.minimum !== undefined) notes.push(`≥ ${schema.minimum}`);
  if (schema.type === 'array' && schema.minItems) notes.push(`at least ${schema.minItems}`);
  let type = schema.type ?? 'any';
  if (schema.type === 'array' && schema.items) type = `${schema.items.type ?? 'any'}[]`;
  return { type, notes: notes.join('; ') };
}

function flatten(schema: JsonSchema, prefix: string, out: ReferenceField[]): void {
  const required = new Set(schema.required ?? []);
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    out.push({ path, required: required.has(name), ...describe(child) });
    if (child.type === 'object') flatten(child, path, out);
    if (child.type === 'array' && child.items?.type === 'object') flatten(child.items, `${path}[]`, out);
  }
}

export const EXAMPLE_ENVELOPE = {
  occurredAt: new Date('2024-03-15T10:30:00Z'),
  organisationId: 'org_abc123',
  projectId: 'proj_xyz789',
};

export function eventReference(): ReferenceEvent[] {
  return eventTypes.map((type) => {
    const entry = eventCatalogue[type];
    const fields: ReferenceField[] = [];
    flatten(z.toJSONSchema(entry.schema, { io: 'input' }) as JsonSchema, '', fields);
    const body = buildEventBody({ type, data: entry.sample, ...EXAMPLE_ENVELOPE });
    return { type, description: entry.description, fields, example: JSON.stringify(JSON.parse(body), null, 2) };
  });
}
