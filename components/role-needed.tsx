export function RoleNeeded() {
  return (
    <section className="rounded-lg border border-amber-200 bg-amber-50 p-6" aria-labelledby="role-needed">
      <h1 id="role-needed" className="text-lg font-semibold text-amber-900">
        Org Admin role needed
      </h1>
      <p className="mt-2 text-sm text-amber-900">
        Webhooks are managed by your organisation&apos;s Org Admins. Ask an Org Admin if you need a webhook set up or changed.
      </p>
    </section>
  );
}
