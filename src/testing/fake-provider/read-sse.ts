/**
 * Reads a server-sent-events body into `{ event, data }` records, for tests that talk to the fake
 * provider (or any SSE endpoint) with plain `fetch`. Tolerates a connection cut mid-stream: the
 * events received so far are returned with `cut: true`.
 */

export interface ReceivedEvent {
  event?: string;
  data: string;
}

export async function readSse(response: Response): Promise<{ events: ReceivedEvent[]; cut: boolean }> {
  let text = "";
  let cut = false;
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>)
      text += decoder.decode(chunk, { stream: true });
  } catch {
    cut = true;
  }
  const events: ReceivedEvent[] = [];
  for (const block of text.split("\n\n")) {
    if (block.trim() === "") continue;
    const event: ReceivedEvent = { data: "" };
    for (const line of block.split("\n")) {
      if (line.startsWith("event: ")) event.event = line.slice(7);
      else if (line.startsWith("data: ")) event.data += line.slice(6);
    }
    events.push(event);
  }
  return { events, cut };
}
