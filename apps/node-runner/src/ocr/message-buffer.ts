import type { RoundMessage } from './messages.js';

/** Future-epoch messages kept per sender (libocr keeps 10, dropping the oldest). */
export const FUTURE_MESSAGES_PER_SENDER = 10;

export function bufferMessage(
  buffers: readonly (readonly RoundMessage[])[],
  from: number,
  message: RoundMessage,
): (readonly RoundMessage[])[] {
  return buffers.map((queue, sender) =>
    sender === from ? [...queue, message].slice(-FUTURE_MESSAGES_PER_SENDER) : queue,
  );
}

/** Takes the messages of `epoch` out of the buffers, drops older ones, keeps later ones. */
export function takeMessagesForEpoch(
  buffers: readonly (readonly RoundMessage[])[],
  epoch: number,
): { ready: { from: number; message: RoundMessage }[]; buffers: (readonly RoundMessage[])[] } {
  const ready: { from: number; message: RoundMessage }[] = [];
  const remaining = buffers.map((queue, from) => {
    for (const message of queue) if (message.epoch === epoch) ready.push({ from, message });
    return queue.filter((message) => message.epoch > epoch);
  });
  return { ready, buffers: remaining };
}
