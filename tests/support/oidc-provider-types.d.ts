// The small part of `oidc-provider` (which ships no types) that tests/support/oidc-provider.ts uses.
declare module 'oidc-provider' {
  export type Account = { accountId: string; claims: () => Record<string, unknown> | Promise<Record<string, unknown>> };
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown> & { findAccount: (ctx: unknown, id: string) => Promise<Account> });
    listen(port: number, host: string, callback: () => void): void;
    on(event: string, listener: (...args: never[]) => void): void;
  }
}
