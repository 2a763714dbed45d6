import { eventsOperations } from './events';
import { deliveriesOperations, webhooksOperations } from './management';
import { provisioningOperations } from './provisioning';
import { z } from 'zod';
import { defineOperation, type Operation } from './operation';

/** `GET /api/v1/openapi.json` (app/api/v1/openapi.json/route.ts): this document itself. */
const openApiOp = defineOperation({
  method: 'GET',
  path: '/openapi.json',
  operationId: 'getOpenApiDocument',
  tag: 'Reference',
  summary: 'This OpenAPI document',
  auth: 'none',
  errors: 'custom',
  responses: { 200: { description: 'The OpenAPI 3.1 document of /api/v1', schema: z.object({ openapi: z.string() }).loose() } },
});

/**
 * Every operation served under /api/v1, in the order the API Reference lists them. The OpenAPI
 * document is generated from this list and a test checks it against the route files, so a new API
 * (the provisioning routes, say) is one more array here plus its route files.
 */
export const apiGroups: { tag: string; description: string; operations: readonly Operation[] }[] = [
  {
    tag: 'Webhooks',
    description: 'Webhooks, their event subscriptions, secrets and recovery, with an API key of Settings → API Keys (Org Admin rights in its organisation).',
    operations: webhooksOperations,
  },
  { tag: 'Deliveries', description: 'Test events, the Delivery Log and Retry, with an API key.', operations: deliveriesOperations },
  { tag: 'Events', description: 'Publishing events, for other Kazinex services, with the service token.', operations: eventsOperations },
  {
    tag: 'Provisioning',
    description: 'Organisations, projects and people, kept in step by the Kazinex platform with the service token.',
    operations: provisioningOperations,
  },
  { tag: 'Reference', description: 'The machine-readable description of this API.', operations: [openApiOp as unknown as Operation] },
];

export const apiOperations: readonly Operation[] = apiGroups.flatMap((g) => g.operations);
