import { describe, expect, it } from 'vitest';
import { eventCatalogue, eventTypes } from '@/lib/webhooks/core/events';
import { eventReference } from '@/lib/webhooks/core/reference';

describe('event catalogue', () => {
  it('has the seven events of the tutorial with their "Fires when" texts', () => {
    expect(eventTypes).toEqual([
      'workflow.created',
      'workflow.completed',
      'workflow.step_completed',
      'document.created',
      'document.status_changed',
      'transmittal.issued',
      'transmittal.acknowledged',
    ]);
    expect(eventCatalogue['workflow.completed'].description).toBe('A workflow instance completes (approved or rejected)');
  });

  it.each(eventTypes)('%s: the sample passes its schema, a missing required field does not, extra fields pass through', (type) => {
    const { schema, sample } = eventCatalogue[type];
    expect(schema.parse({ ...sample, producer_extra: 1 })).toMatchObject({ producer_extra: 1 });
    const required = eventReference().find((e) => e.type === type)!.fields.filter((f) => f.required && !f.path.includes('.') && !f.path.includes('['));
    expect(required.length).toBeGreaterThan(0);
    for (const field of required) {
      const broken: Record<string, unknown> = { ...sample };
      delete broken[field.path];
      expect(schema.safeParse(broken).success, `${type} without ${field.path}`).toBe(false);
    }
  });

  it('rejects mistyped fields', () => {
    const { schema, sample } = eventCatalogue['workflow.created'];
    expect(schema.safeParse({ ...sample, step_count: '3' }).success).toBe(false);
    expect(eventCatalogue['workflow.completed'].schema.safeParse({ ...eventCatalogue['workflow.completed'].sample, outcome: 'maybe' }).success).toBe(false);
  });
});

describe('Webhook Events Reference', () => {
  it('lists every field of every sample and marks optional ones', () => {
    for (const entry of eventReference()) {
      const paths = entry.fields.map((f) => f.path);
      for (const key of Object.keys(eventCatalogue[entry.type].sample)) expect(paths).toContain(key);
    }
    const created = eventReference().find((e) => e.type === 'workflow.created')!;
    expect(created.fields.find((f) => f.path === 'started_by')).toMatchObject({ required: false });
    expect(created.fields.find((f) => f.path === 'step_count')).toMatchObject({ required: true, type: 'integer' });
  });

  it('shows the tutorial’s workflow.completed example in the full envelope, keys in order', () => {
    const example = JSON.parse(eventReference().find((e) => e.type === 'workflow.completed')!.example);
    expect(Object.keys(example)).toEqual(['event', 'timestamp', 'organisation_id', 'project_id', 'data']);
    expect(example).toEqual({
      event: 'workflow.completed',
      timestamp: '2024-03-15T10:30:00Z',
      organisation_id: 'org_abc123',
      project_id: 'proj_xyz789',
      data: { workflow_id: 'wf_001', document_id: 'doc_001', document_number: 'STR-DWG-ZA-0001', status: 'completed', outcome: 'approved' },
    });
  });
});
