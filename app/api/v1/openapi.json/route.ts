import { buildOpenApiDocument } from '@/lib/api/openapi';

/** The OpenAPI 3.1 document of /api/v1, generated from the operations' zod schemas (lib/api/registry.ts). */
export const dynamic = 'force-static';

export function GET(): Response {
  return Response.json(buildOpenApiDocument());
}
