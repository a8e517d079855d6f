// The CLI's "did you mean" helpers live in native/api/suggest.ts, where the OpenAI-compatible server can use them too.
export { closest, closestChoice, didYouMean, editDistance } from '../api/suggest.ts';
