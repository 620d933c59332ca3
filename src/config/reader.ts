import { LineCounter, isMap, isScalar, isSeq, type Node } from 'yaml';
import type { ConfigIssue } from './error.js';

export type YamlNode = Node | null | undefined;

export function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/**
 * Walks the YAML node tree (not plain JS values) so that every problem can name the line
 * it is on. Each check records an issue and returns undefined, so one pass reports them all.
 */
export class NodeReader {
  readonly issues: ConfigIssue[] = [];

  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  lineOf(node: YamlNode): number | undefined {
    const start = node?.range?.[0];
    return start === undefined ? undefined : this.lines.linePos(start).line;
  }

  fail(node: YamlNode, path: string, reason: string, line?: number): undefined {
    this.issues.push({ file: this.file, line: line ?? this.lineOf(node), path, reason });
    return undefined;
  }

  /**
   * The entries of a mapping, by key. Unknown keys are issues; null (an empty `key:`) reads
   * as an empty mapping so a section with everything commented out still loads.
   */
  mapping(node: YamlNode, path: string, allowed: readonly string[]): Map<string, Node | null> | undefined {
    const out = new Map<string, Node | null>();
    if (node == null || (isScalar(node) && node.value === null)) return out;
    if (!isMap(node)) return this.fail(node, path, `must be a mapping of ${allowed.join(', ')}`);
    for (const pair of node.items) {
      const key = pair.key as YamlNode;
      const name = isScalar(key) ? key.value : undefined;
      if (typeof name !== 'string') {
        this.fail(key, path, 'keys must be plain strings');
        continue;
      }
      if (!allowed.includes(name)) {
        this.fail(key, child(path, name), `unknown key (expected one of: ${allowed.join(', ')})`);
        continue;
      }
      out.set(name, (pair.value as Node | null) ?? null);
    }
    return out;
  }

  sequence(node: YamlNode, path: string): Node[] | undefined {
    if (!isSeq(node)) return this.fail(node, path, 'must be a list');
    return node.items as Node[];
  }

  string(node: YamlNode, path: string): string | undefined {
    if (!isScalar(node) || typeof node.value !== 'string') return this.fail(node, path, `must be a string${this.got(node)}`);
    return node.value;
  }

  boolean(node: YamlNode, path: string): boolean | undefined {
    if (!isScalar(node) || typeof node.value !== 'boolean') return this.fail(node, path, `must be true or false${this.got(node)}`);
    return node.value;
  }

  integer(node: YamlNode, path: string, min: number, max: number): number | undefined {
    const v = isScalar(node) ? node.value : undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) return this.fail(node, path, `must be a whole number${this.got(node)}`);
    if (v < min || v > max) return this.fail(node, path, `must be between ${min} and ${max}, got ${v}`);
    return v;
  }

  scalar(node: YamlNode, path: string): unknown {
    if (!isScalar(node)) return this.fail(node, path, `must be a single value${this.got(node)}`);
    return node.value;
  }

  private got(node: YamlNode): string {
    if (node == null) return ', got nothing';
    if (isMap(node)) return ', got a mapping';
    if (isSeq(node)) return ', got a list';
    if (isScalar(node)) return node.value === null ? ', got nothing' : `, got ${JSON.stringify(node.value)}`;
    return '';
  }
}
