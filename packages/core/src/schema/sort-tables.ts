import type { ForeignKeyConstraint } from "./foreign-key.ts";
import type { Table } from "./table.ts";

/** Tables in creation order, and the foreign keys that order cannot satisfy. */
export interface TableOrder {
  /** Referenced tables before the tables that reference them; ties keep the given order. */
  readonly tables: readonly Table[];
  /**
   * Foreign keys between tables of one dependency cycle (a.b_id -> b, b.a_id -> a). No order creates
   * them inline, so CREATE TABLE leaves them out and ALTER TABLE adds them once all tables exist;
   * DROP removes them first. A table's reference to itself is no cycle: it stays inline.
   */
  readonly cycleForeignKeys: readonly ForeignKeyConstraint[];
}

/**
 * Dependency order of `tables`. References to tables outside the list are not dependencies (those
 * tables are someone else's to create). Every foreign key inside a cycle is deferred, not just one
 * per cycle, as SQLAlchemy does: the result does not depend on which edge a search meets first.
 */
export function sortTables(tables: readonly Table[]): TableOrder {
  const position = new Map(tables.map((table, i) => [table, i]));
  const references: { fk: ForeignKeyConstraint; from: number; to: number }[] = [];
  tables.forEach((table, from) => {
    for (const fk of table.foreignKeys) {
      const to = position.get(fk.referencedTable);
      if (to !== undefined && to !== from) references.push({ fk, from, to });
    }
  });
  const component = stronglyConnectedComponents(
    tables.length,
    references.map(({ from, to }) => [from, to] as const),
  );
  const cycleForeignKeys: ForeignKeyConstraint[] = [];
  const dependsOn = tables.map(() => new Set<number>());
  for (const { fk, from, to } of references) {
    if (component[from] === component[to]) cycleForeignKeys.push(fk);
    else dependsOn[from]!.add(to);
  }
  // Kahn's algorithm, always taking the earliest-given table that is ready: stable and O(n^2),
  // which is nothing next to the DDL it orders.
  const placed = new Array<boolean>(tables.length).fill(false);
  const order: Table[] = [];
  while (order.length < tables.length) {
    const next = tables.findIndex(
      (_, i) => !placed[i] && [...dependsOn[i]!].every((dependency) => placed[dependency]),
    );
    placed[next] = true;
    order.push(tables[next]!);
  }
  return { tables: order, cycleForeignKeys };
}

/** Tarjan's algorithm, iterative (no recursion depth limit): the component number of each node. */
function stronglyConnectedComponents(count: number, edges: readonly (readonly [number, number])[]): number[] {
  const successors = Array.from({ length: count }, () => [] as number[]);
  for (const [from, to] of edges) successors[from]!.push(to);
  const index = new Array<number>(count).fill(-1);
  const lowLink = new Array<number>(count).fill(0);
  const onStack = new Array<boolean>(count).fill(false);
  const component = new Array<number>(count).fill(-1);
  const stack: number[] = [];
  let nextIndex = 0;
  let nextComponent = 0;
  for (let root = 0; root < count; root++) {
    if (index[root] !== -1) continue;
    // Each frame: a node and how many of its successors have been visited.
    const frames: [number, number][] = [[root, 0]];
    index[root] = lowLink[root] = nextIndex++;
    stack.push(root);
    onStack[root] = true;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const [node, visited] = frame;
      const next = successors[node]![visited];
      if (next !== undefined) {
        frame[1] = visited + 1;
        if (index[next] === -1) {
          index[next] = lowLink[next] = nextIndex++;
          stack.push(next);
          onStack[next] = true;
          frames.push([next, 0]);
        } else if (onStack[next]) {
          lowLink[node] = Math.min(lowLink[node]!, index[next]!);
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent !== undefined) lowLink[parent[0]] = Math.min(lowLink[parent[0]]!, lowLink[node]!);
      if (lowLink[node] === index[node]) {
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = false;
          component[member] = nextComponent;
        } while (member !== node);
        nextComponent++;
      }
    }
  }
  return component;
}
