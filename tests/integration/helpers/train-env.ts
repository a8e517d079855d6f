// A TrainEnv that runs a fine-tune in the test's own process against a studio's store: metrics recorded as the
// job worker would, logs to `log` (dropped when none is given), one thread.
import type { Studio } from '../../../native/studio/studio.ts';
import type { TrainEnv } from '../../../native/train/run-env.ts';

export function inProcessTrainEnv(studio: Studio, dataDir: string, log: (message: string) => void = () => {}): TrainEnv {
  return {
    store: studio.store,
    dataDir,
    signal: new AbortController().signal,
    log: (_level, message) => log(message),
    progress: () => {},
    onRun: () => {},
    metric: (runId, step, name, value) => void studio.store.runs.addMetric({ runId, step, name, value }),
    threads: 1,
  };
}
