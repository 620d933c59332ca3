// Authenticated denial of existence for a zone version: NSEC and NSEC3 chains and the
// proofs an answer carries.
export { encodeTypeBitmap, decodeTypeBitmap, bitmapHas } from '../../wire/type-bitmap.js';
export { buildNsecChain, NsecChain, type NsecRecord, type NsecOptions } from './nsec.js';
export {
  buildNsec3Chain, Nsec3Chain, NSEC3_FLAG_OPT_OUT,
  type Nsec3Record, type Nsec3Options, type Nsec3Params, type ClosestEncloserProof,
} from './nsec3.js';
export { nsec3Hash, nsec3HashBytes, base32hex, fromBase32hex, NSEC3_SHA1, NSEC3_HASH_LENGTH } from './nsec3-hash.js';
export {
  denialProof, nxdomainProof, nodataProof, wildcardAnswerProof, wildcardNodataProof,
  insecureReferralProof, dsNodataProof, closestEncloser, DenialError,
  type DenialCase, type DenialChain, type DenialRecord,
} from './proofs.js';
