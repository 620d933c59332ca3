// Numeric codes from the IANA DNS parameter registries, for the hot path (no string lookups).

export const Type = {
  A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, HINFO: 13, MX: 15, TXT: 16, RP: 17, AFSDB: 18,
  AAAA: 28, LOC: 29, SRV: 33, NAPTR: 35, KX: 36, CERT: 37, DNAME: 39, OPT: 41, APL: 42,
  DS: 43, SSHFP: 44, IPSECKEY: 45, RRSIG: 46, NSEC: 47, DNSKEY: 48, DHCID: 49, NSEC3: 50,
  NSEC3PARAM: 51, TLSA: 52, SMIMEA: 53, CDS: 59, CDNSKEY: 60, OPENPGPKEY: 61, CSYNC: 62,
  ZONEMD: 63, SVCB: 64, HTTPS: 65, SPF: 99, NXNAME: 128, TKEY: 249, TSIG: 250, IXFR: 251,
  AXFR: 252, MAILB: 253, MAILA: 254, ANY: 255, URI: 256, CAA: 257,
} as const;

export const Class = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;

export const Rcode = {
  NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5,
  YXDOMAIN: 6, YXRRSET: 7, NXRRSET: 8, NOTAUTH: 9, NOTZONE: 10, BADVERS: 16,
} as const;

export const Opcode = { QUERY: 0, IQUERY: 1, STATUS: 2, NOTIFY: 4, UPDATE: 5 } as const;

const typeNames = new Map<number, string>(Object.entries(Type).map(([k, v]) => [v, k]));
const typeCodes = new Map<string, number>(Object.entries(Type).map(([k, v]) => [k, v]));

/** "A" -> 1, "TYPE65432" -> 65432 (RFC 3597); undefined for unknown mnemonics. */
export function typeFromText(s: string): number | undefined {
  const u = s.toUpperCase();
  const known = typeCodes.get(u);
  if (known !== undefined) return known;
  const m = /^TYPE(\d{1,5})$/.exec(u);
  if (m && Number(m[1]) <= 0xffff) return Number(m[1]);
  return undefined;
}

export function typeToText(t: number): string {
  return typeNames.get(t) ?? `TYPE${t}`;
}

export function classFromText(s: string): number | undefined {
  const u = s.toUpperCase();
  if (u in Class) return Class[u as keyof typeof Class];
  const m = /^CLASS(\d{1,5})$/.exec(u);
  if (m && Number(m[1]) <= 0xffff) return Number(m[1]);
  return undefined;
}

export function classToText(c: number): string {
  for (const [k, v] of Object.entries(Class)) if (v === c) return k;
  return `CLASS${c}`;
}
