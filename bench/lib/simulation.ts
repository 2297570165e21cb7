/**
 * A discrete-event simulation on a simulated clock: actions are run in simulated-time order, in
 * waves (every action due before the wave's end), with bounded concurrency inside a wave. Actions
 * of one key (an order) run one after the other in time order, as one workflow's steps do; an
 * action scheduled by another for a time inside the current wave runs in the same wave.
 */
export interface SimAction {
  at: number;
  key: string;
  run: (at: Date) => Promise<void>;
  sequence: number;
}

export interface WaveReport {
  start: number;
  end: number;
  actions: number;
}

export class Simulation {
  private readonly heap: SimAction[] = [];
  private sequence = 0;
  readonly failures = new Map<string, number>();
  readonly failureSamples: string[] = [];
  actionsRun = 0;

  schedule(at: number, key: string, run: (at: Date) => Promise<void>): void {
    this.push({ at, key, run, sequence: this.sequence++ });
  }

  get pending(): number {
    return this.heap.length;
  }

  /** Runs until nothing is left; `onWave` after each wave (for progress). */
  async run(waveMs: number, concurrency: number, onWave: (wave: WaveReport) => void): Promise<void> {
    while (this.heap.length > 0) {
      const first = this.heap[0] as SimAction;
      const start = Math.floor(first.at / waveMs) * waveMs;
      const end = start + waveMs;
      let actions = 0;
      for (;;) {
        const due: SimAction[] = [];
        while (this.heap.length > 0 && (this.heap[0] as SimAction).at < end) due.push(this.pop());
        if (due.length === 0) break;
        actions += due.length;
        await this.runWave(due, concurrency);
      }
      onWave({ start, end, actions });
    }
  }

  private async runWave(due: SimAction[], concurrency: number): Promise<void> {
    const byKey = new Map<string, SimAction[]>();
    for (const action of due) {
      const list = byKey.get(action.key);
      if (list) list.push(action);
      else byKey.set(action.key, [action]);
    }
    const groups = [...byKey.values()];
    let next = 0;
    const worker = async () => {
      while (next < groups.length) {
        const group = groups[next++] as SimAction[];
        for (const action of group) await this.runOne(action);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, groups.length) }, worker));
  }

  private async runOne(action: SimAction): Promise<void> {
    this.actionsRun++;
    try {
      await action.run(new Date(action.at));
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      this.failures.set(name, (this.failures.get(name) ?? 0) + 1);
      if (this.failureSamples.length < 10)
        this.failureSamples.push(
          `${action.key} ${name}: ${error instanceof Error ? error.message : String(error)}`,
        );
    }
  }

  private before(a: SimAction, b: SimAction): boolean {
    return a.at < b.at || (a.at === b.at && a.sequence < b.sequence);
  }

  private push(action: SimAction): void {
    const heap = this.heap;
    heap.push(action);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(heap[i] as SimAction, heap[parent] as SimAction)) break;
      [heap[i], heap[parent]] = [heap[parent] as SimAction, heap[i] as SimAction];
      i = parent;
    }
  }

  private pop(): SimAction {
    const heap = this.heap;
    const top = heap[0] as SimAction;
    const last = heap.pop() as SimAction;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && this.before(heap[left] as SimAction, heap[smallest] as SimAction))
          smallest = left;
        if (right < heap.length && this.before(heap[right] as SimAction, heap[smallest] as SimAction))
          smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest] as SimAction, heap[i] as SimAction];
        i = smallest;
      }
    }
    return top;
  }
}
