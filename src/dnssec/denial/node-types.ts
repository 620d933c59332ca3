// Which types the NSEC or NSEC3 record of a zone node lists, or whether the node gets none.
// Shared by both chains so they agree on what is authoritative (RFC 4035 §2.3, RFC 5155 §7.1).
import { Type } from '../../wire/constants.js';
import type { ZoneNode } from '../../zone/zone.js';
import { encodeTypeBitmap } from '../../wire/type-bitmap.js';

/**
 * Records the signer and the chains make themselves: copies in a zone file (a pre-signed
 * zone) are neither listed twice nor make a name exist. NSEC3PARAM is zone data (the NSEC3
 * chain adds it at the apex itself; an NSEC-signed zone that holds one must list it).
 */
const CHAIN_MADE = new Set<number>([Type.RRSIG, Type.NSEC, Type.NSEC3]);

/** The node's own types, minus the ones the signer and the chain make, in no particular order. */
export function dataTypes(node: ZoneNode): number[] {
  const out: number[] = [];
  for (const set of node.rrsets.values()) if (!CHAIN_MADE.has(set.type)) out.push(set.type);
  return out;
}

export type NodeRole = 'data' | 'delegation' | 'empty' | 'occluded';

/**
 * What a node is for denial: authoritative data (the apex included), a delegation point,
 * an empty non-terminal (no data of its own, or only chain-made records), or a name below
 * a cut or a DNAME that no denial record mentions.
 */
export function nodeRole(node: ZoneNode): NodeRole {
  if (node.occluded) return 'occluded';
  if (node.cut) return 'delegation';
  for (const set of node.rrsets.values()) if (!CHAIN_MADE.has(set.type)) return 'data';
  return 'empty';
}

/** A type list and its bitmap; equal lists share one entry so a large zone holds few bitmaps. */
export interface TypeSet {
  readonly types: readonly number[];
  readonly bitmap: Buffer;
}

export class TypeSetCache {
  private readonly byMask = new Map<number, TypeSet>();
  private readonly byList = new Map<string, TypeSet>();

  /** The set of `types` (any order, duplicates allowed; the array may be reordered). */
  get(types: number[]): TypeSet {
    // Most type lists hold only types below 52 (A .. DNSKEY): a bit mask in a double is
    // their key, exact and allocation-free. Others are keyed by the sorted list.
    let lo = 0;
    let hi = 0;
    let small = true;
    for (let i = 0; i < types.length; i++) {
      const t = types[i];
      if (t < 26) lo |= 1 << t;
      else if (t < 52) hi |= 1 << (t - 26);
      else small = false;
    }
    if (small) {
      const mask = hi * 0x4000000 + lo;
      let s = this.byMask.get(mask);
      if (!s) {
        s = this.make(types);
        this.byMask.set(mask, s);
      }
      return s;
    }
    types.sort((a, b) => a - b);
    const key = types.join(',');
    let s = this.byList.get(key);
    if (!s) {
      s = this.make(types);
      this.byList.set(key, s);
    }
    return s;
  }

  private make(types: number[]): TypeSet {
    const unique = [...new Set(types)].sort((a, b) => a - b);
    return { types: Object.freeze(unique), bitmap: encodeTypeBitmap(unique) };
  }
}

/**
 * The delegation's own types at a cut: NS, and DS with its RRSIG when the child is signed.
 * Anything else at the cut name is the child's. (The NSEC chain adds RRSIG and NSEC, its own.)
 */
export function delegationTypes(node: ZoneNode): number[] {
  return node.rrsets.has(Type.DS) ? [Type.NS, Type.DS, Type.RRSIG] : [Type.NS];
}
