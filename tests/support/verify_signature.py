# The tutorial's verification code, unchanged, run against a delivery captured by a test receiver.
# Usage: python3 verify_signature.py <body-file> <signature-header> <secret>; prints "valid" or "invalid".
import sys
import hmac, hashlib
def verify_signature(payload_body: bytes, signature_header: str, secret: str) -> bool:
    expected = hmac.new(
        secret.encode(),
        payload_body,
        hashlib.sha256
    ).hexdigest()
    received = signature_header.replace("sha256=", "")
    return hmac.compare_digest(expected, received)

with open(sys.argv[1], "rb") as f:
    body = f.read()
print("valid" if verify_signature(body, sys.argv[2], sys.argv[3]) else "invalid")
