/**
 * Contact details are shown only partly (一部表示, as the seed reservation
 * system does): enough for staff to ask "is your number the one ending in
 * 5678?", never enough to copy.
 */

/** 090-1234-5678 → ***-****-5678; any phone keeps only its last four digits. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 4) return '****';
  const last = digits.slice(-4);
  // The usual Japanese grouping of 10–11 digits, with everything but the last group hidden.
  return digits.length >= 10 ? `***-****-${last}` : `****-${last}`;
}

/** yamada.taro@example.jp → y***@e***.jp: the first letters and the top-level domain only. */
export function maskEmail(email: string | null): string | null {
  if (!email) return null;
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  const tld = dot > 0 ? domain.slice(dot) : '';
  return `${local[0] ?? ''}***@${host[0] ?? ''}***${tld}`;
}
