// Entry of the analysis thread: its own adapters from the API's configuration, the queue consumer on them, and the
// thread protocol with the main thread (logs and job counts out; wake, stop and the rest in).
import os from 'node:os';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Logger, LogFields, QueueMessageHandler } from '@pecunia/core';
import { compose, type Composition, type QueueConsumer } from '@pecunia/core/composition';
import type { FromThread, LogLevel, ThreadData, ToThread } from './thread-protocol';

/** A log line as a message to the main thread, which writes it with its own logger (and its redaction). */
function relayLogger(port: MessagePort): Logger {
  const send = (level: LogLevel, message: string, fields?: LogFields) => {
    const post = (payload: LogFields | undefined) => port.postMessage({ type: 'log', level, message, ...(payload ? { fields: payload } : {}) } satisfies FromThread);
    try {
      post(fields);
    } catch {
      // Something the structured clone cannot copy (a function, a class with private state): sent as its JSON.
      post(asJson(fields));
    }
  };
  return {
    info: (message, fields) => send('info', message, fields),
    warn: (message, fields) => send('warn', message, fields),
    error: (message, fields) => send('error', message, fields),
  };
}

/** The fields as JSON would carry them (an Error as its name and message); a line is never lost to its fields. */
function asJson(fields: LogFields | undefined): LogFields {
  try {
    return JSON.parse(JSON.stringify(fields ?? {}, (_key, value: unknown) => (value instanceof Error ? { name: value.name, message: value.message } : value))) as LogFields;
  } catch {
    return { fields: '[not serialisable]' };
  }
}

async function run(port: MessagePort, data: ThreadData): Promise<void> {
  const post = (message: FromThread) => port.postMessage(message);
  const logger = relayLogger(port);
  let publicBaseUrl = data.publicBaseUrl;
  let composition: Composition | undefined;
  let consumer: QueueConsumer | undefined;
  let stopping: Promise<void> | undefined;

  const starting = (async () => {
    composition = await compose(data.config, { publicBaseUrl: () => publicBaseUrl, logger, queuePollIntervalMs: data.queuePollIntervalMs });
    const handler = await composition.analysisHandler(logger);
    let inHand = 0;
    const counted: QueueMessageHandler = async (message) => {
      post({ type: 'jobs', inHand: ++inHand });
      try {
        await handler(message);
      } finally {
        post({ type: 'jobs', inHand: --inHand });
      }
    };
    consumer = await composition.consumeQueue(counted, logger);
  })();

  const stop = async (graceMs: number | undefined) => {
    // A stop during start-up waits for it: what it opened is closed the same way.
    await starting.catch(() => undefined);
    const stopped = await consumer?.stop({ graceMs });
    await composition?.close();
    post({ type: 'stopped', released: stopped?.released ?? 0 });
    // Nothing keeps the thread alive after this: it ends.
    port.close();
  };

  port.on('message', (message: ToThread) => {
    switch (message.type) {
      case 'wake':
        composition?.localQueue?.notifySent();
        break;
      case 'public-base-url':
        publicBaseUrl = message.url;
        break;
      case 'forget-user':
        composition?.google?.forget(message.userId);
        break;
      case 'stop':
        stopping ??= stop(message.graceMs);
        break;
    }
  });

  // A failed start throws out of here: the thread exits with the error, which the main thread reports.
  await starting;
  if (stopping) return;
  consumer!.start();
  post({ type: 'started' });
}

/**
 * Behind the API's thread for the CPU: on a small host (the bench's 2 cores) the thread answering requests is scheduled
 * first while a big journal is analysed, and the analysis takes what is left. Linux keeps a nice value per thread, so
 * this lowers this thread only; elsewhere it would lower the whole process, so it is left alone there.
 */
function yieldTheCpuToRequests(logger: Logger): void {
  if (process.platform !== 'linux') return;
  try {
    os.setPriority(os.constants.priority.PRIORITY_BELOW_NORMAL);
  } catch (error) {
    logger.warn('could not lower the analysis thread priority', { error: error instanceof Error ? error.message : String(error) });
  }
}

if (!parentPort) throw new Error('thread-main runs as the analysis worker thread of the API (see analysis-thread.ts), not on its own');
yieldTheCpuToRequests(relayLogger(parentPort));
void run(parentPort, workerData as ThreadData);
