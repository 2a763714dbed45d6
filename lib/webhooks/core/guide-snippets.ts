import { workedExample, type WorkedExample } from './guide';

/**
 * The Webhooks Guide's verification snippets, one per language. Every snippet checks the guide's
 * worked example (guide.ts), so a reader can run any of them and compare; tests run the Python,
 * Node and Java ones.
 */

export type Snippet = {
  id: string;
  language: string;
  /** Verifies `X-Kazinex-Signature`: the part to paste into a receiver. */
  verify: string;
  /** Checks the worked example with `verify`; prints true (True in Python). */
  example: string;
  /** Whether a test runs this snippet (the languages installed where the tests run). */
  executed: boolean;
};

/** A string literal for languages whose double-quoted strings escape like JSON (Java, C#). */
const quoted = (s: string) => JSON.stringify(s);

export function verificationSnippets(ex: WorkedExample = workedExample()): Snippet[] {
  const signature = ex.headers['X-Kazinex-Signature']!;
  return [
    {
      id: 'python',
      language: 'Python',
      executed: true,
      verify: `import hmac, hashlib
def verify_signature(payload_body: bytes, signature_header: str, secret: str) -> bool:
    expected = hmac.new(
        secret.encode(),
        payload_body,
        hashlib.sha256
    ).hexdigest()
    received = signature_header.replace("sha256=", "")
    return hmac.compare_digest(expected, received)`,
      example: `# signature_header is the X-Kazinex-Signature header. The worked example: prints True
body = b'${ex.body}'
print(verify_signature(body, "${signature}", "${ex.secret}"))`,
    },
    {
      id: 'node',
      language: 'Node.js',
      executed: true,
      verify: `const crypto = require('node:crypto');

// rawBody: the request body as received (a Buffer), before any JSON parsing;
// signatureHeader: req.headers['x-kazinex-signature'] (the X-Kazinex-Signature header).
function verifySignature(rawBody, signatureHeader, secret) {
  const expected = crypto.createHmac('sha256', secret).update(rawBody).digest('hex');
  const received = String(signatureHeader ?? '').replace(/^sha256=/, '');
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}`,
      example: `// The worked example: prints true
const body = Buffer.from('${ex.body}', 'utf8');
console.log(verifySignature(body, '${signature}', '${ex.secret}'));`,
    },
    {
      id: 'go',
      language: 'Go',
      executed: false,
      verify: `import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// VerifySignature checks X-Kazinex-Signature against the raw request body:
//   body, _ := io.ReadAll(r.Body); ok := VerifySignature(body, r.Header.Get("X-Kazinex-Signature"), secret)
func VerifySignature(payloadBody []byte, signatureHeader, secret string) bool {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(payloadBody)
	expected := hex.EncodeToString(mac.Sum(nil))
	received := strings.TrimPrefix(signatureHeader, "sha256=")
	return hmac.Equal([]byte(expected), []byte(received))
}`,
      example: `// The worked example: prints true
body := []byte(\`${ex.body}\`)
fmt.Println(VerifySignature(body, "${signature}", "${ex.secret}"))`,
    },
    {
      id: 'java',
      language: 'Java',
      executed: true,
      verify: `import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

final class KazinexSignature {
    /** payloadBody: the request body bytes as received, before any JSON parsing; signatureHeader: X-Kazinex-Signature. */
    static boolean verify(byte[] payloadBody, String signatureHeader, String secret) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal(payloadBody));
        String received = signatureHeader == null ? "" : signatureHeader.replaceFirst("^sha256=", "");
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), received.getBytes(StandardCharsets.UTF_8));
    }
}`,
      example: `// The worked example: prints true
class CheckWorkedExample {
    public static void main(String[] args) throws Exception {
        byte[] body = ${quoted(ex.body)}.getBytes(StandardCharsets.UTF_8);
        System.out.println(KazinexSignature.verify(body, "${signature}", "${ex.secret}"));
    }
}`,
    },
    {
      id: 'csharp',
      language: 'C#',
      executed: false,
      verify: `using System;
using System.Security.Cryptography;
using System.Text;

public static class KazinexSignature
{
    // payloadBody: the request body bytes as received, before any JSON parsing;
    // signatureHeader: Request.Headers["X-Kazinex-Signature"].
    public static bool Verify(byte[] payloadBody, string signatureHeader, string secret)
    {
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        var expected = Convert.ToHexString(hmac.ComputeHash(payloadBody)).ToLowerInvariant();
        var received = (signatureHeader ?? "").StartsWith("sha256=") ? signatureHeader!.Substring("sha256=".Length) : signatureHeader ?? "";
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(received));
    }
}`,
      example: `// The worked example: prints True
var body = Encoding.UTF8.GetBytes(${quoted(ex.body)});
Console.WriteLine(KazinexSignature.Verify(body, "${signature}", "${ex.secret}"));`,
    },
    {
      id: 'php',
      language: 'PHP',
      executed: false,
      verify: `<?php
// $payloadBody: the raw body, file_get_contents('php://input'), before json_decode;
// $signatureHeader: the X-Kazinex-Signature header, $_SERVER['HTTP_X_KAZINEX_SIGNATURE'].
function verify_signature(string $payloadBody, string $signatureHeader, string $secret): bool
{
    $expected = hash_hmac('sha256', $payloadBody, $secret);
    $received = preg_replace('/^sha256=/', '', $signatureHeader);
    return hash_equals($expected, $received);
}`,
      example: `// The worked example: prints bool(true)
$body = '${ex.body}';
var_dump(verify_signature($body, '${signature}', '${ex.secret}'));`,
    },
    {
      id: 'ruby',
      language: 'Ruby',
      executed: false,
      verify: `require 'openssl'

# payload_body: the raw body (request.raw_post in Rails, request.body.read in Rack), before JSON parsing;
# signature_header: request.headers['X-Kazinex-Signature'].
def verify_signature(payload_body, signature_header, secret)
  expected = OpenSSL::HMAC.hexdigest('SHA256', secret, payload_body)
  received = signature_header.to_s.delete_prefix('sha256=')
  OpenSSL.secure_compare(expected, received)
end`,
      example: `# The worked example: prints true
body = '${ex.body}'
puts verify_signature(body, '${signature}', '${ex.secret}')`,
    },
  ];
}

/** Verifying the Standard Webhooks headers with its libraries, given `whsec_` + base64 of the secret. */
export function standardWebhooksSnippets(ex: WorkedExample = workedExample()): Snippet[] {
  return [
    {
      id: 'standardwebhooks-node',
      language: 'Node.js (standardwebhooks)',
      executed: true,
      verify: `const { Webhook } = require('standardwebhooks');

// whsec_ + base64 of your webhook's secret, exactly as Kazinex shows it:
const wh = new Webhook('whsec_' + Buffer.from(process.env.KAZINEX_WEBHOOK_SECRET, 'utf8').toString('base64'));

// rawBody: the body as a string, unparsed; headers: webhook-id, webhook-timestamp, webhook-signature.
// Throws when the signature is wrong or the timestamp is more than 5 minutes away (replay protection).
function verifyStandardWebhook(rawBody, headers) {
  return wh.verify(rawBody, headers);
}`,
      example: `// For the worked example the secret is ${ex.standardWebhooksSecret}.
// Its 2024 timestamp is refused as too old by design: check your HMAC against webhook-signature above instead.`,
    },
    {
      id: 'standardwebhooks-python',
      language: 'Python (standardwebhooks)',
      executed: false,
      verify: `import base64
from standardwebhooks.webhooks import Webhook

wh = Webhook("whsec_" + base64.b64encode(secret.encode()).decode())

def verify_standard_webhook(raw_body: bytes, headers: dict) -> dict:
    # Raises WebhookVerificationError on a wrong signature or a timestamp more than 5 minutes away.
    return wh.verify(raw_body, headers)`,
      example: `# For the worked example the secret is ${ex.standardWebhooksSecret}.`,
    },
  ];
}
