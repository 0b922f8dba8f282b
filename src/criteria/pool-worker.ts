/**
 * Entry point of a parse-pool worker thread (see ./pool.ts): runs the batches of tasks it is
 * sent and posts their results back, one message per batch.
 */
import { parentPort, workerData } from "node:worker_threads";
import { runPoolTask, type PoolTask, type PoolTaskOptions } from "./pool-task.js";

export interface BatchMessage {
  id: number;
  tasks: PoolTask[];
}

if (!parentPort) throw new Error("pool-worker: not started as a worker thread (see src/criteria/pool.ts)");
const port = parentPort;
const opts = (workerData ?? {}) as PoolTaskOptions;
port.on("message", (msg: BatchMessage) => {
  port.postMessage({ id: msg.id, results: msg.tasks.map((t) => runPoolTask(t, opts)) });
});
