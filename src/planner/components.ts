/**
 * Strongly connected components (Tarjan's algorithm, iterative so a 10,000-step chain cannot
 * overflow the call stack). The planner uses them to tell which edges lie on a cycle: an edge
 * u -> v is on a cycle exactly when u and v share a component.
 */

export interface Components {
  /** Component number of each node. */
  of: Int32Array;
  /** How many components there are; equal to the node count when the graph has no cycle. */
  count: number;
}

/** Strongly connected components of a graph given as successor lists. Linear in nodes + edges. */
export function componentsOf(successors: readonly (readonly number[])[]): Components {
  const count = successors.length;
  const visitIndex = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const component = new Int32Array(count).fill(-1);
  const onStack = new Uint8Array(count);
  const nextEdge = new Int32Array(count);
  const stack: number[] = [];
  const path: number[] = [];
  let visited = 0;
  let components = 0;
  const visit = (node: number): void => {
    visitIndex[node] = visited;
    low[node] = visited++;
    stack.push(node);
    onStack[node] = 1;
    path.push(node);
  };
  for (let root = 0; root < count; root++) {
    if (visitIndex[root] !== -1) continue;
    visit(root);
    while (path.length > 0) {
      const node = path[path.length - 1]!;
      const next = successors[node]!;
      if (nextEdge[node]! < next.length) {
        const target = next[nextEdge[node]!++]!;
        if (visitIndex[target] === -1) visit(target);
        else if (onStack[target] === 1) low[node] = Math.min(low[node]!, visitIndex[target]!);
        continue;
      }
      path.pop();
      const parent = path[path.length - 1];
      if (parent !== undefined) low[parent] = Math.min(low[parent]!, low[node]!);
      if (low[node] === visitIndex[node]) {
        let member: number;
        do {
          member = stack.pop()!;
          onStack[member] = 0;
          component[member] = components;
        } while (member !== node);
        components++;
      }
    }
  }
  return { of: component, count: components };
}
