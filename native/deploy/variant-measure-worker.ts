// A child process that measures one variant (variant-measure.ts) and sends the result back, so each variant's
// peak memory is its own process's high-water mark. Started by quantize-report.ts with an IPC channel.
import { measureVariant, type MeasureParams } from './variant-measure.ts';

// The report's process is gone (killed with its job): stop measuring for no one.
process.once('disconnect', () => process.exit(1));

process.once('message', (params: MeasureParams) => {
  measureVariant(params).then(
    (result) => process.send!({ ok: true, result }, () => process.exit(0)),
    (err: Error) => process.send!({ ok: false, error: err.message }, () => process.exit(1)),
  );
});
