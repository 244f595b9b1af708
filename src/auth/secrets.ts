import { hash, randomBytes, timingSafeEqual } from "node:crypto";

const TOKEN_PREFIX = "cg_";

/** A new secret: 32 random bytes, base64url, with a prefix that secret scanners can recognise. */
export function generateSecret(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** SHA-256 of a secret, hex: what is stored and looked up instead of the secret. */
export function hashSecret(secret: string): string {
  return hash("sha256", secret, "hex");
}

/** Constant-time comparison of two hex hashes of equal length. */
export function isSameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The secret of an `Authorization: Bearer …` header, or undefined. */
export function bearerSecret(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S{16,512})\s*$/i.exec(header ?? "");
  return match?.[1];
}
