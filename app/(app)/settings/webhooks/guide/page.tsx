import type { Metadata } from 'next';
import Link from 'next/link';
import { Breadcrumb } from '@/components/breadcrumb';
import { CodeSnippet } from '@/components/code-snippet';
import { env } from '@/lib/env';
import { formatSeconds, GUIDE_FAILURE_RULE, retryScheduleRows, workedExample } from '@/lib/webhooks/core/guide';
import { standardWebhooksSnippets, verificationSnippets } from '@/lib/webhooks/core/guide-snippets';
import { RETRY_JITTER } from '@/lib/webhooks/core/retry-policy';
import { PREVIOUS_SECRET_OVERLAP_MS } from '@/lib/webhooks/core/secret-rotation';
import { LAG_AFTER_MS, MAX_PAUSE_MS, PROBE_PAUSE_MS, SLOW_AFTER_FAILURES } from '@/lib/webhooks/core/slowdown';

export const metadata: Metadata = { title: 'Webhooks Guide' };
export const dynamic = 'force-dynamic';

const headerMeaning: Record<string, string> = {
  'Content-Type': 'Always JSON.',
  'User-Agent': 'Kazinex-Webhooks and the version that sent it.',
  'X-Kazinex-Event': 'The event type, the same as the body’s event.',
  'X-Kazinex-Delivery': 'One id per event and webhook, the same on every retry: de-duplicate on it.',
  'X-Kazinex-Signature': 'sha256= and the lowercase hex HMAC-SHA256 of the raw body, keyed with your secret.',
  'webhook-id': 'Standard Webhooks: the delivery id again.',
  'webhook-timestamp': 'Standard Webhooks: unix seconds when this attempt was made (fresh on every retry).',
  'webhook-signature': 'Standard Webhooks: v1, and the base64 HMAC-SHA256 of id.timestamp.body; one entry per valid secret while a secret is being rolled.',
};

function Section({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section id={id} aria-labelledby={`${id}-title`} className="space-y-3 rounded-lg border border-slate-200 bg-white p-5">
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

export default function WebhooksGuidePage() {
  const config = env();
  const example = workedExample();
  const snippets = verificationSnippets(example);
  const standard = standardWebhooksSnippets(example);
  const retries = retryScheduleRows(config.WEBHOOKS_RETRY_SCHEDULE);
  const timeoutSeconds = config.WEBHOOKS_TIMEOUT_MS / 1000;
  const overlapHours = PREVIOUS_SECRET_OVERLAP_MS / 3_600_000;
  const sections = [
    ['payload', 'Payload and headers'],
    ['verify', 'Verify X-Kazinex-Signature'],
    ['standard-webhooks', 'Standard Webhooks headers'],
    ['worked-example', 'Worked example'],
    ['respond', 'Respond within 10 seconds'],
    ['slow-endpoints', 'Concurrency and slow endpoints'],
    ['retries', 'Retry behaviour'],
    ['failure-tracking', 'Failure tracking and disabling'],
    ['duplicates', 'De-duplication'],
    ['ordering', 'Ordering'],
    ['secrets', 'Rolling a secret'],
    ['urls', 'Endpoint URL rules'],
  ] as const;

  return (
    <div className="space-y-6">
      <Breadcrumb trail={[{ label: 'Webhooks', href: '/settings/webhooks' }, { label: 'Webhooks Guide' }]} />
      <header>
        <h1 className="text-2xl font-semibold">Webhooks Guide</h1>
        <p className="mt-2 max-w-3xl text-sm text-slate-600">
          What your receiving endpoint gets, how to check that a request really comes from Kazinex, and how deliveries behave when
          your endpoint is slow, failing or gone. The payload of each event is in the{' '}
          <Link href="/settings/webhooks/events" className="font-medium text-brand-700 underline underline-offset-2 hover:text-brand-600">
            Webhook Events Reference
          </Link>
          .
        </p>
        <nav aria-label="Guide sections" className="mt-4">
          <ul className="flex flex-wrap gap-2 text-sm">
            {sections.map(([id, title]) => (
              <li key={id}>
                <a href={`#${id}`} className="rounded bg-slate-100 px-2 py-1 text-xs text-brand-700 hover:bg-slate-200">
                  {title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>

      <Section id="payload" title="Payload and headers">
        <p className="text-sm text-slate-700">
          Each delivery is an HTTP <code>POST</code> with a JSON body of exactly five keys — <code>event</code>, <code>timestamp</code>{' '}
          (when the event occurred, ISO-8601 UTC), <code>organisation_id</code>, <code>project_id</code> and <code>data</code> — and these
          headers (values from the worked example below):
        </p>
        <div className="relative overflow-x-auto">
          <table className="min-w-full text-sm" aria-label="Delivery headers">
            <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="py-1 pr-4">Header</th>
                <th scope="col" className="py-1 pr-4">Example</th>
                <th scope="col" className="py-1">Meaning</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {Object.entries(example.headers).map(([name, value]) => (
                <tr key={name}>
                  <td className="py-1.5 pr-4 font-mono text-xs">{name}</td>
                  <td className="max-w-xs break-all py-1.5 pr-4 font-mono text-xs text-slate-600">{value}</td>
                  <td className="py-1.5 text-slate-600">{headerMeaning[name]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <CodeSnippet title="Example body" code={JSON.stringify(JSON.parse(example.body), null, 2)} />
      </Section>

      <Section id="verify" title="Verify X-Kazinex-Signature">
        <p className="text-sm text-slate-700">
          Compute the HMAC-SHA256 of the <strong>raw request body</strong> — the bytes as received, before any JSON parsing — with your
          webhook’s secret as the key, hex-encode it in lowercase and compare it with the header after <code>sha256=</code>, in constant
          time. If it does not match, answer <code>401</code>: Kazinex records that as a failed delivery. Each snippet ends with a check
          of the worked example that prints true.
        </p>
        {snippets.map((s) => (
          <CodeSnippet key={s.id} id={`verify-${s.id}`} title={s.language} code={`${s.verify}\n\n${s.example}`} />
        ))}
      </Section>

      <Section id="standard-webhooks" title="Standard Webhooks headers">
        <p className="text-sm text-slate-700">
          Every delivery also carries the <a href="https://www.standardwebhooks.com/" className="text-brand-700 underline underline-offset-2 hover:text-brand-600">Standard Webhooks</a>{' '}
          headers, so off-the-shelf verifiers work and old requests can be refused (replay protection): <code>webhook-signature</code> is{' '}
          <code>v1,</code> and the base64 HMAC-SHA256 of <code>webhook-id + &quot;.&quot; + webhook-timestamp + &quot;.&quot; + body</code>, keyed
          with the secret’s bytes. The libraries take the secret as <code>whsec_</code> followed by the <strong>base64 of your secret</strong>{' '}
          (not the secret itself): for the worked example that is <code className="break-all">{example.standardWebhooksSecret}</code>. While
          a rolled secret is still valid, the header has one <code>v1,…</code> entry per secret, separated by spaces; accept the request if
          any entry matches.
        </p>
        {standard.map((s) => (
          <CodeSnippet key={s.id} id={`verify-${s.id}`} title={s.language} code={`${s.verify}\n\n${s.example}`} />
        ))}
      </Section>

      <Section id="worked-example" title="Worked example">
        <p className="text-sm text-slate-700">
          Check your code against these values: the headers were computed by Kazinex’s own signing code when this page was rendered. The
          body is exactly these bytes (one line, no trailing newline).
        </p>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-2 text-sm" aria-label="Worked example values">
          {(
            [
              ['Secret', example.secret],
              ['X-Kazinex-Delivery / webhook-id', example.deliveryId],
              ['webhook-timestamp', String(example.timestamp)],
              ['Expected X-Kazinex-Signature', example.headers['X-Kazinex-Signature']!],
              ['Expected webhook-signature', example.headers['webhook-signature']!],
              ['Standard Webhooks secret', example.standardWebhooksSecret],
            ] as const
          ).map(([label, value]) => (
            <div key={label} className="contents">
              <dt className="font-medium text-slate-800">{label}</dt>
              <dd className="break-all font-mono text-xs text-slate-700" data-testid={`example-${label}`}>
                {value}
              </dd>
            </div>
          ))}
        </dl>
        <CodeSnippet title="Worked example body (exact bytes)" code={example.body} />
      </Section>

      <Section id="respond" title="Respond within 10 seconds">
        <p className="text-sm text-slate-700">
          A delivery succeeds when your endpoint answers with a <code>2xx</code> status within <strong>{timeoutSeconds} seconds</strong> of
          the request starting — connecting, sending headers and the body all count. Anything else is a failed attempt: another status, a
          timeout, a DNS, connection or TLS error, or a redirect (<code>3xx</code> answers are never followed). So verify the signature,
          store the payload (or put it on a queue) and <strong>return 200 immediately</strong>; do any heavy processing asynchronously.
        </p>
      </Section>

      <Section id="slow-endpoints" title="Concurrency and slow endpoints">
        <p className="text-sm text-slate-700">
          Deliveries to your endpoint run in parallel, so expect several requests at once. A new endpoint, or one whose URL has changed,
          gets <strong>one request at a time until it first answers</strong>, with any status.
        </p>
        <p className="text-sm text-slate-700">
          An endpoint that times out, answers <code>429</code>, or cannot be reached {SLOW_AFTER_FAILURES} times in a row is{' '}
          <strong>slowed down</strong>: it gets one request at a time, with a pause of {PROBE_PAUSE_MS / 1000} seconds after each failed one
          (after a <code>429</code>, its <code>Retry-After</code>, up to {MAX_PAUSE_MS / 1000} seconds). Attempts that fall due meanwhile
          are not sent: the Delivery Log records each as a failed attempt that says why (&ldquo;Not sent: endpoint timed out&hellip;&rdquo;),
          and it is retried on the schedule below. Its first successful answer ends the slow-down. An endpoint that answers{' '}
          <code>5xx</code> quickly is not slowed down. One that keeps a request waiting longer than {LAG_AFTER_MS / 1000} seconds gets at
          most {config.WEBHOOKS_WEBHOOK_CONCURRENCY} requests at once until it answers within {LAG_AFTER_MS / 1000} seconds again.
        </p>
      </Section>

      <Section id="retries" title="Retry behaviour">
        <p className="text-sm text-slate-700">
          A failed delivery is tried again automatically on this schedule (each wait is spread by ±{Math.round(100 * RETRY_JITTER)} % so retries
          do not arrive in bursts). If your endpoint answers <code>429</code> or <code>503</code> with <code>Retry-After</code>, that wait is
          used instead, between the scheduled one and twice it. The Delivery Log shows when the next attempt is due.
        </p>
        <div className="relative overflow-x-auto">
          <table className="min-w-full text-sm" aria-label="Retry schedule">
            <thead className="text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="py-1 pr-4">Attempt</th>
                <th scope="col" className="py-1 pr-4">After the previous one</th>
                <th scope="col" className="py-1">Range with jitter</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              <tr>
                <td className="py-1.5 pr-4">1</td>
                <td className="py-1.5 pr-4">immediately</td>
                <td className="py-1.5">—</td>
              </tr>
              {retries.map((r) => (
                <tr key={r.attempt}>
                  <td className="py-1.5 pr-4">{r.attempt}</td>
                  <td className="py-1.5 pr-4">{formatSeconds(r.afterSeconds)}</td>
                  <td className="py-1.5 text-slate-600">
                    {formatSeconds(r.earliest)} – {formatSeconds(r.latest)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="text-sm text-slate-700">
          After attempt {retries.length + 1} the delivery is marked failed. <strong>Retry</strong> in the Delivery Log (or{' '}
          <code>POST /api/v1/deliveries/&#123;id&#125;/retry</code>) re-sends the same body with the same delivery id and a fresh timestamp
          and signature, as a new attempt marked manual. Test events and manual retries are not retried automatically.
        </p>
      </Section>

      <Section id="failure-tracking" title="Failure tracking and disabling">
        <p className="text-sm text-slate-700">
          Each webhook counts its consecutive failed attempts and shows its last success and last failure. A webhook that has failed
          continuously for <strong>{GUIDE_FAILURE_RULE.days} days and at least {GUIDE_FAILURE_RULE.consecutiveFailures} attempts</strong>, or
          whose endpoint answers <code>410 Gone</code>, is disabled, with the reason on its page. Events that happen meanwhile are kept as{' '}
          <em>skipped</em> deliveries: fix the endpoint, click <strong>Re-enable</strong>, then <strong>Replay skipped</strong> to send them,
          oldest first. Test events do not count towards failure tracking.
        </p>
      </Section>

      <Section id="duplicates" title="De-duplication">
        <p className="text-sm text-slate-700">
          Kazinex delivers <strong>at least once</strong>: a retry after a timeout, or an attempt repeated after a worker crash, can reach
          you twice. <code>X-Kazinex-Delivery</code> (and <code>webhook-id</code>) is the same on every attempt of a delivery, so record the
          ids you have processed and ignore a repeat — answering it with <code>200</code>.
        </p>
      </Section>

      <Section id="ordering" title="Ordering">
        <p className="text-sm text-slate-700">
          No order is guaranteed: deliveries run in parallel and a retried one arrives after later events. Use the body’s{' '}
          <code>timestamp</code> (when the event occurred) to order events, and treat a <code>document.status_changed</code> older than the
          state you already have as stale.
        </p>
      </Section>

      <Section id="secrets" title="Rolling a secret">
        <p className="text-sm text-slate-700">
          <strong>Roll secret</strong> on the webhook page (or <code>POST /api/v1/webhooks/&#123;id&#125;/roll-secret</code>) makes a new
          secret that signs <code>X-Kazinex-Signature</code> from then on. For {overlapHours} hours the previous secret still signs a second{' '}
          <code>webhook-signature</code> entry, so a receiver that checks the Standard Webhooks header keeps working while you deploy the new
          secret.
        </p>
      </Section>

      <Section id="urls" title="Endpoint URL rules">
        <p className="text-sm text-slate-700">
          The endpoint URL must use <code>https://</code> and be publicly reachable. When you save it, and again before every attempt, its
          host is resolved and loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16, including the cloud
          metadata address 169.254.169.254, fe80::/10), CGNAT (100.64/10), multicast and reserved addresses are refused, IPv4-mapped IPv6
          forms included. The connection goes to the address that was checked, so a DNS answer that changes afterwards cannot redirect it.
          Credentials in the URL are refused and redirects are not followed.
        </p>
      </Section>
    </div>
  );
}
