// Rdata in text and wire form, by type. Types without a codec use RFC 3597 only.

import { Type } from '../../wire/constants.js';
import type { Labels } from '../../wire/name.js';
import { A, AAAA, APL } from './address.js';
import { CERT, DHCID, IPSECKEY, OPENPGPKEY, SSHFP, TLSA } from './certs.js';
import type { RdataCodec } from './codec.js';
import { NSEC, NSEC3, NSEC3PARAM } from './denial.js';
import { Fields, RdataError, type Token } from './fields.js';
import { genericFromText, genericText, isGeneric } from './generic.js';
import { DNSKEY, DS } from './keys.js';
import { LOC } from './loc.js';
import { numberAndName, RP, singleName, SOA } from './names.js';
import { RRSIG } from './rrsig.js';
import { CAA, NAPTR, SRV, URI } from './service.js';
import { SVCB } from './svcb.js';
import { HINFO, TXT } from './strings.js';
import { Reader } from './wire.js';
import { CSYNC, ZONEMD } from './zonemeta.js';

export { RdataError, type Token } from './fields.js';
export { parseDuration, MAX_TTL } from './fields.js';

const CODECS = new Map<number, RdataCodec>([
  [Type.A, A],
  [Type.AAAA, AAAA],
  [Type.NS, singleName('name server')],
  [Type.CNAME, singleName('canonical name')],
  [Type.DNAME, singleName('target name')],
  [Type.PTR, singleName('pointer name')],
  [Type.MX, numberAndName('preference', 'mail exchanger')],
  [Type.KX, numberAndName('preference', 'key exchanger')],
  [Type.AFSDB, numberAndName('subtype', 'server name')],
  [Type.RP, RP],
  [Type.SOA, SOA],
  [Type.TXT, TXT],
  [Type.SPF, TXT],
  [Type.HINFO, HINFO],
  [Type.SRV, SRV],
  [Type.NAPTR, NAPTR],
  [Type.URI, URI],
  [Type.CAA, CAA],
  [Type.SSHFP, SSHFP],
  [Type.TLSA, TLSA],
  [Type.SMIMEA, TLSA],
  [Type.OPENPGPKEY, OPENPGPKEY],
  [Type.SVCB, SVCB],
  [Type.HTTPS, SVCB],
  [Type.DS, DS],
  [Type.CDS, DS],
  [Type.DNSKEY, DNSKEY],
  [Type.CDNSKEY, DNSKEY],
  [Type.NSEC3PARAM, NSEC3PARAM],
  [Type.NSEC, NSEC],
  [Type.NSEC3, NSEC3],
  [Type.RRSIG, RRSIG],
  [Type.LOC, LOC],
  [Type.APL, APL],
  [Type.CERT, CERT],
  [Type.IPSECKEY, IPSECKEY],
  [Type.DHCID, DHCID],
  [Type.ZONEMD, ZONEMD],
  [Type.CSYNC, CSYNC],
]);

/** Throws RdataError when rdata is not well-formed for its type. Unknown types always pass. */
export function checkRdata(type: number, rdata: Buffer): void {
  const codec = CODECS.get(type);
  if (!codec) return;
  const r = new Reader(rdata);
  codec.toText(r);
  r.end();
}

/** Master-file rdata tokens → wire form. Names are relative to `origin`. Throws RdataError. */
export function rdataFromText(type: number, tokens: Token[], origin: Labels): Buffer {
  const f = new Fields(tokens, origin);
  if (isGeneric(f)) {
    const rdata = genericFromText(f);
    // The generic form of a known type must still be a valid rdata of that type (RFC 3597 §5).
    checkRdata(type, rdata);
    return rdata;
  }
  const codec = CODECS.get(type);
  if (!codec) throw new RdataError('no text format for this type; write it as \\# <length> <hex>');
  return codec.fromText(f);
}

/**
 * Presentation form of rdata (without owner, TTL, class, type). Never throws: a type with no
 * codec, or rdata its codec cannot read, comes out in the RFC 3597 generic form.
 */
export function rdataToText(type: number, rdata: Buffer): string {
  const codec = CODECS.get(type);
  if (!codec) return genericText(rdata);
  try {
    const r = new Reader(rdata);
    const s = codec.toText(r);
    r.end();
    return s;
  } catch (e) {
    if (e instanceof RdataError) return genericText(rdata);
    throw e;
  }
}
