// The key tag of a DNSKEY (RFC 4034 Appendix B): what RRSIG and DS records use to point at a key.

/** Key tag of DNSKEY rdata (flags, protocol, algorithm, public key) in wire form. */
export function keyTag(rdata: Buffer): number {
  if (rdata.length < 4) throw new Error(`DNSKEY rdata of ${rdata.length} octets is too short for a key tag`);
  // Algorithm 1 (RSA/MD5, long gone) takes the tag from the modulus instead (Appendix B.1).
  if (rdata[3] === 1) return rdata.length >= 7 ? rdata.readUInt16BE(rdata.length - 3) : 0;
  let ac = 0;
  for (let i = 0; i < rdata.length; i++) ac += i & 1 ? rdata[i] : rdata[i] << 8;
  ac += ac >>> 16;
  return ac & 0xffff;
}

/** The tag the same key has once its REVOKE flag (RFC 5011) is set. */
export function revokedKeyTag(rdata: Buffer): number {
  const r = Buffer.from(rdata);
  r[1] |= 0x80;
  return keyTag(r);
}
