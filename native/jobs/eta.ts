// Time left in a long piece of work (an evaluation, a training run), estimated at the pace after its first unit. The
// first unit pays the warm-up (the sessions' first runs size their memory, code paths are compiled), a few times a
// later one's time: estimates that counted it said 13 s left where 4 were (an evaluation of stories260K, one example
// a batch), and 7 s where 2 were (12 LoRA steps of it).

/** How many units (examples, steps) were done when the first unit of this process finished, and when (performance.now()). */
export interface WarmMark {
  done: number;
  at: number;
}

/** Seconds left at the pace since `warm`; null while nothing has been done since (the warm-up's time is all there is). */
export function steadyEtaSeconds(warm: WarmMark, now: number, done: number, total: number): number | null {
  if (done >= total) return 0;
  if (done <= warm.done) return null;
  const secondsPerUnit = (now - warm.at) / 1000 / (done - warm.done);
  return Math.round(secondsPerUnit * (total - done));
}
