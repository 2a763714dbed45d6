import { z } from 'zod';

/**
 * The seven Kazinex events: the single source of truth for their names, "Fires when" texts,
 * `data` schemas and samples. The subscription picker, publishing, Send Test Event and the
 * Webhook Events Reference page all read from here.
 */

const isoDateTime = z.iso.datetime({ offset: true });
const prefixedId = (prefix: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}_[A-Za-z0-9_-]+$`), `must be an id starting with "${prefix}_"`)
    .describe(`id, e.g. ${prefix}_001`);

const recipient = z.looseObject({
  recipient_id: z.string().min(1),
  name: z.string().min(1),
  email: z.email(),
});

export const eventCatalogue = {
  'workflow.created': {
    description: 'A new workflow instance is started',
    schema: z.looseObject({
      workflow_id: prefixedId('wf'),
      workflow_name: z.string().min(1),
      document_id: prefixedId('doc'),
      document_number: z.string().min(1),
      status: z.literal('in_progress'),
      step_count: z.number().int().min(1),
      started_by: prefixedId('usr').optional(),
    }),
    sample: {
      workflow_id: 'wf_001',
      workflow_name: 'Design Review — Structural',
      document_id: 'doc_001',
      document_number: 'STR-DWG-ZA-0001',
      status: 'in_progress',
      step_count: 3,
      started_by: 'usr_042',
    },
  },
  'workflow.completed': {
    description: 'A workflow instance completes (approved or rejected)',
    schema: z.looseObject({
      workflow_id: prefixedId('wf'),
      document_id: prefixedId('doc'),
      document_number: z.string().min(1),
      status: z.literal('completed'),
      outcome: z.enum(['approved', 'rejected']),
    }),
    sample: {
      workflow_id: 'wf_001',
      document_id: 'doc_001',
      document_number: 'STR-DWG-ZA-0001',
      status: 'completed',
      outcome: 'approved',
    },
  },
  'workflow.step_completed': {
    description: 'A single step within a workflow completes',
    schema: z.looseObject({
      workflow_id: prefixedId('wf'),
      step_id: z.string().min(1),
      step_name: z.string().min(1),
      step_number: z.number().int().min(1),
      document_id: prefixedId('doc'),
      document_number: z.string().min(1),
      outcome: z.enum(['approved', 'rejected', 'completed']),
      completed_by: prefixedId('usr').optional(),
    }),
    sample: {
      workflow_id: 'wf_001',
      step_id: 'step_002',
      step_name: 'Lead Engineer Review',
      step_number: 2,
      document_id: 'doc_001',
      document_number: 'STR-DWG-ZA-0001',
      outcome: 'approved',
      completed_by: 'usr_017',
    },
  },
  'document.created': {
    description: 'A new document record is created',
    schema: z.looseObject({
      document_id: prefixedId('doc'),
      document_number: z.string().min(1),
      title: z.string().min(1),
      revision: z.string().min(1),
      status: z.string().min(1),
      created_by: prefixedId('usr').optional(),
    }),
    sample: {
      document_id: 'doc_002',
      document_number: 'MEC-SPC-ZB-0014',
      title: 'HVAC Ductwork Specification',
      revision: 'A',
      status: 'draft',
      created_by: 'usr_042',
    },
  },
  'document.status_changed': {
    description: "A document's status changes (e.g. draft → approved)",
    schema: z.looseObject({
      document_id: prefixedId('doc'),
      document_number: z.string().min(1),
      previous_status: z.string().min(1),
      new_status: z.string().min(1),
      revision: z.string().min(1).optional(),
      changed_by: prefixedId('usr').optional(),
    }),
    sample: {
      document_id: 'doc_001',
      document_number: 'STR-DWG-ZA-0001',
      previous_status: 'draft',
      new_status: 'approved',
      revision: 'C',
      changed_by: 'usr_017',
    },
  },
  'transmittal.issued': {
    description: 'A transmittal is issued to recipients',
    schema: z.looseObject({
      transmittal_id: prefixedId('trn'),
      transmittal_number: z.string().min(1),
      subject: z.string().min(1),
      document_ids: z.array(prefixedId('doc')).min(1),
      recipients: z.array(recipient).min(1),
      issued_by: prefixedId('usr').optional(),
      due_date: z.iso.date().optional(),
    }),
    sample: {
      transmittal_id: 'trn_001',
      transmittal_number: 'TRN-0042',
      subject: 'Issued for Construction — Level 3 Structural Drawings',
      document_ids: ['doc_001', 'doc_003'],
      recipients: [{ recipient_id: 'rcp_001', name: 'Aroha Ngata', email: 'aroha.ngata@contractor.example' }],
      issued_by: 'usr_042',
      due_date: '2024-03-29',
    },
  },
  'transmittal.acknowledged': {
    description: 'A transmittal recipient acknowledges receipt',
    schema: z.looseObject({
      transmittal_id: prefixedId('trn'),
      transmittal_number: z.string().min(1),
      recipient: recipient,
      acknowledged_at: isoDateTime,
    }),
    sample: {
      transmittal_id: 'trn_001',
      transmittal_number: 'TRN-0042',
      recipient: { recipient_id: 'rcp_001', name: 'Aroha Ngata', email: 'aroha.ngata@contractor.example' },
      acknowledged_at: '2024-03-16T08:05:12Z',
    },
  },
} as const;

export type EventType = keyof typeof eventCatalogue;

export const eventTypes = Object.keys(eventCatalogue) as [EventType, ...EventType[]];

export const eventTypeSchema = z.enum(eventTypes);

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(eventCatalogue, value);
}
