// The default prompt layout for named-entity recognition, in one place for the engine (native/eval/runner-ner.ts
// fills in the dataset's tag set) and the Evaluate page, whose custom layout starts from it without the tag set.

export function nerPromptTemplate(columns: { tokens: string; tags: string }, tagSet: readonly string[]): { instruction: string; input: string; output: string; answerPrefix: string } {
  const which = tagSet.length > 0 ? `one of these tags: ${tagSet.join(' ')}` : 'its entity tag (B-TYPE, I-TYPE or O)';
  return {
    instruction: `Tag each token with ${which}. Write one tag per token, in order, separated by spaces.`,
    input: `Tokens: {{${columns.tokens}}}`,
    output: `Tags: {{${columns.tags}}}`,
    answerPrefix: 'Tags:',
  };
}
