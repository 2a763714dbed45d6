import { describe, expect, it } from 'vitest';
import { buildEventBody, formatEventTimestamp, toWholeSeconds } from '@/lib/webhooks/core/envelope';

describe('buildEventBody', () => {
  it("produces the tutorial's payload byte for byte", () => {
    const body = buildEventBody({
      type: 'workflow.completed',
      occurredAt: new Date('2024-03-15T10:30:00Z'),
      organisationId: 'org_abc123',
      projectId: 'proj_xyz789',
      data: { workflow_id: 'wf_001', document_id: 'doc_001', document_number: 'STR-DWG-ZA-0001', status: 'completed', outcome: 'approved' },
    });
    expect(body).toBe(
      '{"event":"workflow.completed","timestamp":"2024-03-15T10:30:00Z","organisation_id":"org_abc123","project_id":"proj_xyz789",' +
        '"data":{"workflow_id":"wf_001","document_id":"doc_001","document_number":"STR-DWG-ZA-0001","status":"completed","outcome":"approved"}}',
    );
  });

  it('has exactly the five top-level keys in order', () => {
    const body = buildEventBody({ type: 'document.created', occurredAt: new Date(), organisationId: 'org_a', projectId: 'proj_b', data: {} });
    expect(Object.keys(JSON.parse(body) as object)).toEqual(['event', 'timestamp', 'organisation_id', 'project_id', 'data']);
  });
});

describe('formatEventTimestamp', () => {
  it('is ISO-8601 UTC with seconds precision and Z', () => {
    expect(formatEventTimestamp(new Date('2024-03-15T10:30:00.999+02:00'))).toBe('2024-03-15T08:30:00Z');
    expect(formatEventTimestamp(new Date(Date.UTC(2024, 0, 1)))).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('agrees with the stored time after dropping milliseconds', () => {
    const at = new Date('2024-03-15T10:30:00.750Z');
    expect(toWholeSeconds(at).toISOString()).toBe('2024-03-15T10:30:00.000Z');
    expect(formatEventTimestamp(toWholeSeconds(at))).toBe(formatEventTimestamp(at));
  });
});
