// The RRsets of one name, by type. A name holds a handful of types, so a short array
// scanned in order beats a Map, and costs a third of its memory in a zone of a million names.
// Kept in increasing type order, the order transfers and signed zone files list them in.
export class TypeMap<T extends { readonly type: number }> {
  private items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  get(type: number): T | undefined {
    const items = this.items;
    for (let i = 0; i < items.length; i++) if (items[i].type === type) return items[i];
    return undefined;
  }

  has(type: number): boolean {
    return this.get(type) !== undefined;
  }

  /** Adds or replaces the entry for `item.type`. */
  set(item: T): void {
    const i = this.items.findIndex((x) => x.type === item.type);
    if (i >= 0) {
      this.items[i] = item;
    } else {
      // Grown by one, exactly: push() would reserve room for seventeen.
      const old = this.items;
      const next = new Array<T>(old.length + 1);
      let k = 0;
      for (; k < old.length && old[k].type < item.type; k++) next[k] = old[k];
      next[k] = item;
      for (; k < old.length; k++) next[k + 1] = old[k];
      this.items = next;
    }
  }

  /** Types in increasing order. */
  keys(): number[] {
    return this.items.map((x) => x.type);
  }

  /** In increasing order of type. */
  values(): readonly T[] {
    return this.items;
  }
}
