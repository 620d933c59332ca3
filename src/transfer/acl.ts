// Who may transfer a zone: a list of entries, any of which admits a request. An entry is
// an address or prefix ("192.0.2.1", "10.0.0.0/8", "::1"), a TSIG key ("key xfr-key"),
// or both ("10.0.0.0/8 key xfr-key": that network, and signed with that key).
import { BlockList, isIP } from 'node:net';
import { nameKey, parseName } from '../wire/name.js';

export interface AclEntry {
  text: string;
  /** Addresses admitted; node's BlockList also matches v4 clients seen as ::ffff:a.b.c.d. */
  addresses?: BlockList;
  /** Key name as a name key (lower case, trailing dot). */
  key?: string;
}

function addresses(text: string): BlockList {
  const [addr, bitsText] = text.split('/');
  const kind = isIP(addr);
  if (kind === 0) throw new Error(`"${addr}" is not an IP address`);
  const family = kind === 4 ? 'ipv4' : 'ipv6';
  const max = kind === 4 ? 32 : 128;
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > max) throw new Error(`prefix length in "${text}" must be 0..${max}`);
  const list = new BlockList();
  list.addSubnet(addr, bits, family);
  return list;
}

export function parseAclEntry(text: string): AclEntry {
  const words = text.trim().split(/\s+/);
  const entry: AclEntry = { text };
  for (let i = 0; i < words.length; i++) {
    if (words[i] === 'key') {
      const name = words[++i];
      if (!name) throw new Error(`"key" must be followed by a TSIG key name in "${text}"`);
      entry.key = nameKey(parseName(name.endsWith('.') ? name : `${name}.`));
    } else if (!entry.addresses) {
      entry.addresses = addresses(words[i]);
    } else {
      throw new Error(`cannot read "${text}": expected an address or prefix and/or "key NAME"`);
    }
  }
  return entry;
}

/** True when some entry admits a client at `address` whose request was signed with `key` (if any). */
export function aclAllows(acl: readonly AclEntry[], address: string, key: string | undefined): boolean {
  const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
  return acl.some((e) => (!e.addresses || e.addresses.check(address, family)) && (!e.key || e.key === key));
}
