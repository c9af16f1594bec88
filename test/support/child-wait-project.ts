/**
 * A parent workflow whose `workflow` step runs a child that asks for clarification and then waits for
 * an approval: the project the child-wait tests (runtime and CLI) share. Each test adds its schema.
 */
export const parentYaml = `quorum: 1
name: parent
inputs:
  idea: { type: string }
documents:
  summary: { schema: schemas/doc.json }
  pitch: { schema: schemas/doc.json }
defaults:
  models: [openai/gpt-4o-mini]
steps:
  - id: research
    kind: workflow
    workflow: child.yaml
    with:
      topic: "{{ inputs.idea }}"
    outputs: [summary]
  - id: pitch
    kind: model
    prompt: prompts/pitch.md
    inputs: [summary]
    outputs: [pitch]
`;

export const childYaml = `quorum: 1
name: child
inputs:
  topic: { type: string, required: true }
documents:
  summary: { schema: schemas/doc.json }
defaults:
  models: [openai/gpt-4o-mini]
steps:
  - id: write
    kind: model
    prompt: prompts/write.md
    outputs: [summary]
    ask: true
  - id: sign-off
    kind: approval
    needs: [write]
`;

export const childWaitPrompts = {
  "prompts/write.md": "Write about {{ inputs.topic }}. {{ answers }}",
  "prompts/pitch.md": "Pitch {{ documents.summary.body }}",
};
