// Cleanup that survives failures and Ctrl-C. Every resource a benchmark creates (database,
// Redis prefix, process) registers its undo here the moment it exists; `scoped` unwinds what
// was registered inside it (LIFO) however it ends, and the runner unwinds everything on a signal.
interface Undo {
  name: string;
  fn: () => unknown;
}

const stack: Undo[] = [];

async function runUndo(u: Undo): Promise<void> {
  try {
    await u.fn();
  } catch (err) {
    console.error(`[bench] cleanup "${u.name}" failed: ${(err as Error).message}`);
  }
}

/** Registers an undo; the returned function runs it early (once) and unregisters it. */
export function defer(name: string, fn: () => unknown): () => Promise<void> {
  const u: Undo = { name, fn };
  stack.push(u);
  return async () => {
    const i = stack.indexOf(u);
    if (i < 0) return;
    stack.splice(i, 1);
    await runUndo(u);
  };
}

// Unwinds run one at a time (a signal's unwind and a scope's finally never interleave).
let chain: Promise<void> = Promise.resolve();
function unwindTo(mark: number): Promise<void> {
  chain = chain.then(async () => {
    while (stack.length > mark) await runUndo(stack.pop()!);
  });
  return chain;
}

/** Runs fn, then undoes everything registered while it ran, even if it threw. */
export async function scoped<T>(fn: () => Promise<T>): Promise<T> {
  const mark = stack.length;
  try {
    return await fn();
  } finally {
    await unwindTo(mark);
  }
}

export const unwindAll = () => unwindTo(0);
export const pending = () => stack.map((u) => u.name);
