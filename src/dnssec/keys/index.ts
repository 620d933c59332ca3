// DNSSEC keys: BIND key files, key tags, DNSKEY/DS/CDS/CDNSKEY rdata, the per-zone key store.

export { FileExistsError, writeNewFile } from './atomic.js';
export {
  algorithmName, formatPrivateKeyFile, formatPublicKeyFile, formatStateFile, KeyFileError, keyFileBase,
  parseKeyFileName, parsePrivateKeyFile, parsePublicKeyFile, parseStateFile, zoneLabels,
  type KeyFileName, type KeyStateFile, type KeyTiming, type PrivateKeyFile, type PublicKeyFile,
} from './files.js';
export {
  CDNSKEY_DELETE_RDATA, CDS_DELETE_RDATA, DigestType, DNSKEY_PROTOCOL, DnskeyFlag, dnskeyRdata, dnskeyText, dsRdata,
  dsText, KSK_FLAGS, parseDnskeyRdata, recordLine, ZSK_FLAGS, type DigestTypeNumber, type DnskeyFields, type KeyRecordType,
} from './rdata.js';
export {
  createKey, dsRecords, ensureZoneKeys, isActive, isPublished, loadZoneKeys, readKey, zoneKeyBases,
  type EnsureKeysOptions, type Key, type KeyRole, type NewKey, type NewKeyOptions, type PublicKey, type ZoneKeys,
} from './store.js';
export { keyTag, revokedKeyTag } from './tag.js';
export { formatKeyTime, formatReadableTime, parseKeyTime } from './time.js';
