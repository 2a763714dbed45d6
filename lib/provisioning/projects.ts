import { getTableColumns, and, eq, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { organisations, projects, type Project } from '@/db/schema';
import type { ProjectBody } from './schema';

export type ProjectRecord = { id: string; organisation_id: string; name: string; created_at: string };

const projectRecord = (p: Project): ProjectRecord => ({ id: p.id, organisation_id: p.organisationId, name: p.name, created_at: p.createdAt.toISOString() });

export type PutProjectResult =
  | { ok: true; created: boolean; record: ProjectRecord }
  | { ok: false; reason: 'organisation_not_found' | 'project_of_another_organisation' };

/** Creates the project in the organisation or renames it. A project id of another organisation is refused. */
export async function putProject(organisationId: string, id: string, body: ProjectBody): Promise<PutProjectResult> {
  return getDb().transaction(async (tx) => {
    const [organisation] = await tx.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, organisationId)).for('share');
    if (!organisation) return { ok: false, reason: 'organisation_not_found' };
    const [row] = await tx
      .insert(projects)
      .values({ id, organisationId, name: body.name })
      .onConflictDoUpdate({ target: projects.id, set: { name: body.name }, setWhere: eq(projects.organisationId, organisationId) })
      .returning({ ...getTableColumns(projects), created: sql<boolean>`(xmax = 0)` });
    if (!row) return { ok: false, reason: 'project_of_another_organisation' };
    return { ok: true, created: row.created, record: projectRecord(row) };
  });
}

/** Removes the project with its events (and so their deliveries and attempts). */
export async function deleteProject(organisationId: string, id: string): Promise<void> {
  await getDb().delete(projects).where(and(eq(projects.id, id), eq(projects.organisationId, organisationId)));
}
